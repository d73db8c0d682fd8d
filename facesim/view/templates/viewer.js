// facesim viewer: the scenario recomputed in the page (facesim.view.payload), drawn with WebGL2.
// No library, no network: the arrays are inflated with the browser's own DecompressionStream.
(function () {
"use strict";
const root = document.getElementById("fsv");
const P = JSON.parse(document.getElementById("fsv-data").textContent);
const $ = (id) => document.getElementById(id);
const t0 = performance.now();

async function unpack(b) {
  const bin = Uint8Array.from(atob(b.data), (c) => c.charCodeAt(0));
  const stream = new Blob([bin]).stream().pipeThrough(new DecompressionStream("gzip"));
  const buf = await new Response(stream).arrayBuffer();
  return new ({int16: Int16Array, uint32: Uint32Array, float64: Float64Array}[b.dtype])(buf);
}
async function fields(b) {
  const q = await unpack(b), k = b.shape[0], len = k ? q.length / k : 0, out = [];
  for (let i = 0; i < k; i++) {
    const f = new Float32Array(len), s = b.scales[i];
    for (let j = 0; j < len; j++) f[j] = q[i * len + j] * s;
    out.push(f);
  }
  return out;
}

// ---- the model (facesim.treatment.time_course, facesim.tissue.model, facesim.metrics) ----
const X = P.toxin, par = X.params, M = P.muscle_ids.length, TH = P.thresholds;
function declineTau(d0, prod) {
  const scale = 1 + par.duration_dose_slope * Math.log(Math.max(d0, 1e-12) / par.duration_ref_u);
  return par.decline_tau_d * prod.duration_factor * Math.max(scale, par.min_decline_fraction);
}
function effectiveDose(d0, t, prod) {
  const lag = par.onset_delay_d * prod.onset_lag_factor, plateau = par.plateau_end_d * prod.duration_factor;
  const rise = t > lag ? -Math.expm1(-Math.max(t - lag, 0) / par.rise_tau_d) : 0;
  const x = Math.max(t - plateau, 0) / declineTau(d0, prod);
  return d0 * rise * Math.exp(-x * x);
}
function shots(state, withPlan) {
  const out = X.fixed.map((s) => ({day: s.day, product: s.product, delivered: s.delivered}));
  if (withPlan) X.planned.forEach((s, i) => out.push({day: s.day, product: state.product,
                                                      delivered: s.delivered[state.product][state.dose[i]]}));
  return out;
}
function forceFactor(list, t) {
  const total = new Float64Array(M);
  for (const s of list) {
    const prod = X.products[s.product];
    if (!s.delivered.some((d) => d > 0)) continue;
    for (let m = 0; m < M; m++) total[m] += effectiveDose(s.delivered[m], t - s.day, prod);
  }
  const g = new Float64Array(M);
  for (let m = 0; m < M; m++) {
    const d = Math.max(total[m], 0);
    g[m] = 1 - par.emax / (1 + Math.pow(X.ed50_u[m] / d, par.hill_n));
  }
  return g;
}
let STR, TONE;
function forces(expr, t, g) {
  const a = P.activation[expr], F = new Float64Array(M), row = t * M;
  for (let m = 0; m < M; m++) F[m] = P.max_force[m] * g[m] * (P.tone[m] * TONE[row + m] + a[m] * STR[row + m]);
  return F;
}
function landmarks(F, t, withTreatment) {
  const L = P.landmarks, out = L.rest.map((p) => p.slice());
  for (let m = 0; m < M; m++) for (let i = 0; i < 6; i++) for (let c = 0; c < 3; c++) out[i][c] += F[m] * L.basis[m][i][c];
  P.static.labels.forEach((_, j) => {
    if (P.static.treatment[j] && !withTreatment) return;
    const cj = P.static.courses[j][t];
    for (let i = 0; i < 6; i++) for (let c = 0; c < 3; c++) out[i][c] += cj * P.static.landmarks[j][i][c];
  });
  return out;
}
function frontal(p) {
  const ox = 0.5 * (p[0][0] + p[1][0]), oy = 0.5 * (p[0][1] + p[1][1]);
  let ex = p[0][0] - p[1][0], ey = p[0][1] - p[1][1];
  const n = Math.hypot(ex, ey); ex /= n; ey /= n;
  return p.map((q) => [(q[0] - ox) * ex + (q[1] - oy) * ey, (q[0] - ox) * -ey + (q[1] - oy) * ex]);
}
function verdict(a) {
  if (a < TH.clinician_detection) return "not noticeable";
  if (a < TH.lay_detection) return "noticeable to a trained eye";
  if (a <= TH.acceptable) return "noticeable, usually acceptable";
  if (a < TH.unacceptable) return "noticeable";
  return "clearly noticeable";
}
function cornerMetrics(restPts, pts) {
  const r = frontal(restPts), e = frontal(pts);
  const exc = [2, 3].map((i) => Math.hypot(e[i][0] - r[i][0], e[i][1] - r[i][1]));
  const m = {rest_height_deviation: r[2][1] - r[3][1], height_deviation: e[2][1] - e[3][1],
             rest_lower_lip_deviation: r[4][1] - r[5][1], lower_lip_deviation: e[4][1] - e[5][1],
             corner_travel_left_mm: exc[0], corner_travel_right_mm: exc[1],
             corner_travel_difference_mm: exc[0] - exc[1]};
  m.asymmetry_mm = Math.max(Math.abs(m.rest_height_deviation), Math.abs(m.height_deviation),
                            Math.abs(m.corner_travel_difference_mm), Math.abs(m.rest_lower_lip_deviation),
                            Math.abs(m.lower_lip_deviation));
  m.balance_score = 100 * Math.pow(2, -Math.pow(m.asymmetry_mm / TH.half_score_mm, 2));
  m.verdict = verdict(m.asymmetry_mm);
  return m;
}
function metricsAt(state, t, expr, withPlan) {
  const g = forceFactor(shots(state, withPlan), t);
  const rest = landmarks(forces("rest", t, g), t, withPlan), pts = landmarks(forces(expr, t, g), t, withPlan);
  return cornerMetrics(rest, pts);
}

// ---- vertex shapes ----
let V0, FACES, BASIS, STATIC;
function shapeInto(out, F, t, withTreatment) {
  out.set(V0);
  for (let m = 0; m < M; m++) {
    const b = BASIS[m], f = F[m];
    if (f === 0) continue;
    for (let j = 0; j < out.length; j++) out[j] += f * b[j];
  }
  STATIC.forEach((S, j) => {
    if (P.static.treatment[j] && !withTreatment) return;
    const c = P.static.courses[j][t];
    if (c) for (let k = 0; k < out.length; k++) out[k] += c * S[k];
  });
}
function normalsInto(out, pos) {
  out.fill(0);
  for (let f = 0; f < FACES.length; f += 3) {
    const a = 3 * FACES[f], b = 3 * FACES[f + 1], c = 3 * FACES[f + 2];
    const ux = pos[b] - pos[a], uy = pos[b + 1] - pos[a + 1], uz = pos[b + 2] - pos[a + 2];
    const vx = pos[c] - pos[a], vy = pos[c + 1] - pos[a + 1], vz = pos[c + 2] - pos[a + 2];
    const nx = uy * vz - uz * vy, ny = uz * vx - ux * vz, nz = ux * vy - uy * vx;
    for (const i of [a, b, c]) { out[i] += nx; out[i + 1] += ny; out[i + 2] += nz; }
  }
}

// ---- WebGL2 ----
const canvas = $("fsv-canvas");
const gl = canvas.getContext("webgl2", {antialias: true, preserveDrawingBuffer: false});
const VS = `#version 300 es
in vec3 p; in vec3 n; in float h; uniform mat4 mvp; uniform mat4 rot; out vec3 vn; out float vh;
void main() { gl_Position = mvp * vec4(p, 1.0); vn = mat3(rot) * n; vh = h; }`;
const FS = `#version 300 es
precision highp float; in vec3 vn; in float vh; uniform float heat; out vec4 o;
vec3 ramp(float x) { return clamp(vec3(1.5 - abs(4.0 * x - 3.0), 1.5 - abs(4.0 * x - 2.0), 1.5 - abs(4.0 * x - 1.0)), 0.0, 1.0); }
void main() {
  vec3 nn = normalize(vn); if (!gl_FrontFacing) nn = -nn;
  float l = 0.25 + 0.75 * max(dot(nn, normalize(vec3(0.3, 0.4, 1.0))), 0.0);
  vec3 base = heat > 0.5 ? ramp(clamp(vh, 0.0, 1.0)) : vec3(0.93, 0.76, 0.66);
  o = vec4(base * l, 1.0);
}`;
function program() {
  const pr = gl.createProgram();
  for (const [type, src] of [[gl.VERTEX_SHADER, VS], [gl.FRAGMENT_SHADER, FS]]) {
    const s = gl.createShader(type); gl.shaderSource(s, src); gl.compileShader(s);
    if (!gl.getShaderParameter(s, gl.COMPILE_STATUS)) throw new Error(gl.getShaderInfoLog(s));
    gl.attachShader(pr, s);
  }
  gl.linkProgram(pr); return pr;
}
let prog, meshes = {};
function mesh() {
  const vao = gl.createVertexArray(); gl.bindVertexArray(vao);
  const o = {vao, bufs: {}};
  ["p", "n", "h"].forEach((name, k) => {
    const buf = gl.createBuffer(); gl.bindBuffer(gl.ARRAY_BUFFER, buf);
    const loc = gl.getAttribLocation(prog, name); gl.enableVertexAttribArray(loc);
    gl.vertexAttribPointer(loc, k === 2 ? 1 : 3, gl.FLOAT, false, 0, 0); o.bufs[name] = buf;
  });
  const ib = gl.createBuffer(); gl.bindBuffer(gl.ELEMENT_ARRAY_BUFFER, ib);
  gl.bufferData(gl.ELEMENT_ARRAY_BUFFER, FACES, gl.STATIC_DRAW);
  gl.bindVertexArray(null); return o;
}
function upload(o, pos, nor, heat) {
  for (const [k, a] of [["p", pos], ["n", nor], ["h", heat]]) {
    gl.bindBuffer(gl.ARRAY_BUFFER, o.bufs[k]); gl.bufferData(gl.ARRAY_BUFFER, a, gl.DYNAMIC_DRAW);
  }
}
function mul(a, b) {
  const o = new Float32Array(16);
  for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) {
    let s = 0; for (let k = 0; k < 4; k++) s += a[k * 4 + j] * b[i * 4 + k]; o[i * 4 + j] = s;
  }
  return o;
}
function matrices(aspect) {
  const cy = Math.cos(-view.yaw), sy = Math.sin(-view.yaw), cp = Math.cos(view.pitch), sp = Math.sin(view.pitch);
  const ry = [cy, 0, -sy, 0, 0, 1, 0, 0, sy, 0, cy, 0, 0, 0, 0, 1];
  const rx = [1, 0, 0, 0, 0, cp, sp, 0, 0, -sp, cp, 0, 0, 0, 0, 1];
  const rot = mul(rx, ry), f = 1 / Math.tan(0.25), near = 10, far = 4000, d = view.distance * Math.max(1, 1.2 / aspect);
  const proj = [f / aspect, 0, 0, 0, 0, f, 0, 0, 0, 0, (far + near) / (near - far), -1, 0, 0, 2 * far * near / (near - far), 0];
  const tr = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, -d, 1];
  return {rot, mvp: mul(proj, mul(tr, rot))};
}
function project(mx, p, x0, w, h) {
  const v = [0, 1, 2, 3].map((r) => mx.mvp[r] * p[0] + mx.mvp[4 + r] * p[1] + mx.mvp[8 + r] * p[2] + mx.mvp[12 + r]);
  return [x0 + (v[0] / v[3] * 0.5 + 0.5) * w, (0.5 - v[1] / v[3] * 0.5) * h];
}

// ---- state, controls, frame ----
const view = {yaw: 0, pitch: 0, distance: 0};
const state = {day: TH.review_day, expression: "smile", product: X.product, mode: "after", heat: false,
               dose: X.planned.map((s) => s.steps_u.indexOf(s.dose_u))};
let buf = {};
// firstFrameMs: from this script's start; firstFrameAt: from the page's navigation start (ms)
const timing = {stepMs: [], firstFrameMs: null, firstFrameAt: null};

function needsBefore() { return state.mode !== "after" || state.heat; }
function compute() {
  const t = state.day, n = V0.length;
  const gA = forceFactor(shots(state, true), t);
  shapeInto(buf.after, forces(state.expression, t, gA), t, true);
  normalsInto(buf.nAfter, buf.after);
  // "before" only when it is shown (before, split, heat map): half the work of a slider step otherwise
  buf.beforeStale = !needsBefore();
  if (buf.beforeStale) { upload(meshes.after, buf.after, buf.nAfter, buf.heat); return; }
  const gB = forceFactor(shots(state, false), t);
  shapeInto(buf.before, forces(state.expression, t, gB), t, false);
  normalsInto(buf.nBefore, buf.before);
  let top = 0;
  for (let i = 0, k = 0; k < n; i++, k += 3) {
    const d = Math.hypot(buf.after[k] - buf.before[k], buf.after[k + 1] - buf.before[k + 1], buf.after[k + 2] - buf.before[k + 2]);
    buf.change[i] = d; if (d > top) top = d;
  }
  buf.top = top; const scale = Math.max(top, 1.0);
  for (let i = 0; i < buf.heat.length; i++) buf.heat[i] = buf.change[i] / scale;
  upload(meshes.after, buf.after, buf.nAfter, buf.heat); upload(meshes.before, buf.before, buf.nBefore, buf.heat);
}
function labelsFor(mx, x0, w, h, pos, tag) {
  const L = P.landmarks.names, rest = P.landmarks.rest, c = P.centre;
  for (const side of ["right", "left"]) {
    const p = rest[L.indexOf("cheilion_" + side)], s = side === "left" ? 1 : -1;
    const q = project(mx, [p[0] - c[0] + s * 28, p[1] - c[1], p[2] - c[2]], x0, w, h);
    const el = pos.shift();
    el.textContent = side === "right" ? "R" : "L"; el.title = "the patient's " + side + tag;
    el.style.left = (q[0] / canvas.width * 100) + "%"; el.style.top = (q[1] / canvas.height * 100) + "%";
    el.hidden = false; el.dataset.side = side;
  }
}
function draw() {
  const W = canvas.width, H = canvas.height, split = state.mode === "split";
  gl.viewport(0, 0, W, H); gl.clearColor(0.96, 0.96, 0.97, 1); gl.enable(gl.DEPTH_TEST);
  gl.clear(gl.COLOR_BUFFER_BIT | gl.DEPTH_BUFFER_BIT); gl.useProgram(prog);
  const panels = split ? [["before", 0, W / 2], ["after", W / 2, W / 2]] : [[state.mode, 0, W]];
  const labels = Array.from(root.querySelectorAll(".fsv-side")); labels.forEach((e) => { e.hidden = true; });
  const captions = [];
  for (const [which, x0, w] of panels) {
    const mx = matrices(w / H);
    gl.viewport(x0, 0, w, H);
    gl.uniformMatrix4fv(gl.getUniformLocation(prog, "mvp"), false, mx.mvp);
    gl.uniformMatrix4fv(gl.getUniformLocation(prog, "rot"), false, mx.rot);
    gl.uniform1f(gl.getUniformLocation(prog, "heat"), state.heat && which === "after" ? 1 : 0);
    gl.bindVertexArray(meshes[which].vao); gl.drawElements(gl.TRIANGLES, FACES.length, gl.UNSIGNED_INT, 0);
    labelsFor(mx, x0, w, H, labels, " (" + which + ")"); captions.push(which);
  }
  $("fsv-caption").textContent = split ? "before | after (day " + state.day + ")" : state.mode + " (day " + state.day + ")";
  if (timing.firstFrameMs === null) { timing.firstFrameMs = performance.now() - t0; timing.firstFrameAt = performance.now(); }
}
const FIELDS = [["asymmetry_mm", "asymmetry"], ["rest_height_deviation", "corner height at rest, left minus right"],
                ["height_deviation", "corner height in the expression, left minus right"],
                ["corner_travel_left_mm", "left corner travel"], ["corner_travel_right_mm", "right corner travel"],
                ["corner_travel_difference_mm", "corner travel, left minus right"],
                ["rest_lower_lip_deviation", "lower lip height at rest, left minus right"],
                ["lower_lip_deviation", "lower lip height in the expression, left minus right"]];
function side(dev, higher, lower) { return Math.abs(dev) < 0.05 ? "even" : dev > 0 ? higher : lower; }
function readout() {
  const m = metricsAt(state, state.day, state.expression, true), b = metricsAt(state, state.day, state.expression, false);
  const rows = FIELDS.map(([k, label]) => `<tr><th>${label}</th><td id="fsv-m-${k}" data-value="${m[k]}">${m[k].toFixed(2)} mm</td><td>${b[k].toFixed(2)} mm</td></tr>`);
  rows.push(`<tr><th>verdict</th><td id="fsv-m-verdict" data-value="${m.verdict}">${m.verdict}</td><td>${b.verdict}</td></tr>`);
  $("fsv-metrics").innerHTML = "<tr><th></th><th>after</th><th>before</th></tr>" + rows.join("");
  const hd = m.height_deviation, tr = m.corner_travel_difference_mm;
  $("fsv-words").textContent = `Day ${state.day}, ${state.expression}: ` + (side(hd, "l", "r") === "even" ? "the corners are level" : `the ${side(hd, "left", "right")} corner is higher`) + ", " +
    (state.expression === "rest" ? "" : (side(tr, "l", "r") === "even" ? "both sides pull alike; " : `the ${side(tr, "left", "right")} side pulls more; `)) +
    `the difference is ${m.verdict} (${m.asymmetry_mm.toFixed(1)} mm; lay viewers notice ${TH.lay_detection} mm).`;
  $("fsv-heat-scale").textContent = state.heat ? `heat: change from before, 0 (blue) to ${Math.max(buf.top, 1).toFixed(1)} mm (red)` : "";
  return m;
}
function curve() {
  const c = $("fsv-curve"), ctx = c.getContext("2d"), W = c.width, H = c.height, days = [];
  for (let t = P.days[0]; t <= P.days[1]; t++) days.push([t, metricsAt(state, t, state.expression, true).asymmetry_mm,
                                                         metricsAt(state, t, state.expression, false).asymmetry_mm]);
  const top = Math.max(TH.unacceptable, ...days.map((d) => Math.max(d[1], d[2]))) * 1.1;
  const x = (t) => 30 + (W - 64) * t / P.days[1], y = (a) => H - 20 - (H - 30) * a / top;
  ctx.clearRect(0, 0, W, H); ctx.fillStyle = "rgba(240,160,60,0.18)";
  ctx.fillRect(x(0), y(top), W - 64, y(TH.lay_detection) - y(top));
  ctx.font = "11px sans-serif"; ctx.fillStyle = "#555"; ctx.fillText(`noticeable (≥ ${TH.lay_detection} mm)`, x(0) + 4, y(top) + 12);
  ctx.fillText("asymmetry, mm", 2, 10); ctx.fillText("day", W - 26, H - 6);
  for (const [col, k, dash] of [["#888", 2, [4, 3]], ["#1a5fb4", 1, []]]) {
    ctx.strokeStyle = col; ctx.setLineDash(dash); ctx.beginPath();
    days.forEach((d, i) => (i ? ctx.lineTo(x(d[0]), y(d[k])) : ctx.moveTo(x(d[0]), y(d[k])))); ctx.stroke();
  }
  ctx.setLineDash([]);
  const marks = dayMarks(days);
  for (const [t, label] of marks) { ctx.fillStyle = "#2a7"; ctx.fillRect(x(t) - 1, y(top), 2, y(0) - y(top)); ctx.fillText(label, x(t) + 3, y(top) + 26); }
  ctx.fillStyle = "#c00"; ctx.fillRect(x(state.day) - 1, y(top), 2, y(0) - y(top));
  ctx.fillStyle = "#555"; for (const t of [0, 30, 60, 90, 120, 150, 180]) ctx.fillText(String(t), x(t) - 6, H - 6);
  $("fsv-marks").innerHTML = marks.map(([t, l]) => `<option value="${t}" label="${l}"></option>`).join("");
  $("fsv-marks-text").textContent = marks.map(([t, l]) => `${l}: day ${t}`).join(" · ");
}
function dayMarks(days) {
  const out = [[TH.review_day, "review"]];
  let low = 0; days.forEach((d, i) => { if (d[1] < days[low][1]) low = i; });
  const again = days.find((d, i) => i > low && d[1] >= TH.lay_detection && days[low][1] < TH.lay_detection);
  if (X.planned.length && again) out.push([Math.max(again[0], TH.retreatment_min_day), "re-treatment"]);
  return out;
}
function update(what) {
  const s = performance.now();
  if (what !== "view" || (buf.beforeStale && needsBefore())) compute();
  draw();
  if (what !== "view") { readout(); if (what !== "day") curve(); else curve(); }
  timing.stepMs.push(performance.now() - s);
}
function controls() {
  const sites = $("fsv-sites");
  X.planned.forEach((s, i) => {
    const row = document.createElement("label");
    row.innerHTML = `${s.label} (day ${s.day}): <input type="range" class="fsv-dose" data-site="${i}" min="0" max="${s.steps_u.length - 1}" step="1" value="${state.dose[i]}"> <output></output>`;
    sites.appendChild(row);
    const inp = row.querySelector("input"), out = row.querySelector("output");
    const show = () => { const u = s.steps_u[state.dose[i]];
      out.textContent = `${u} U (${(u * X.products[state.product].units_per_ona_unit).toFixed(1)} ${state.product} units)`; };
    show(); inp.addEventListener("input", () => { state.dose[i] = +inp.value; show(); update("dose"); });
    row.show = show;
  });
  if (!X.planned.length) sites.textContent = "no planned injection to vary";
  const prod = $("fsv-product");
  prod.innerHTML = Object.keys(X.products).map((p) => `<option${p === state.product ? " selected" : ""}>${p}</option>`).join("");
  prod.addEventListener("change", () => { state.product = prod.value; sites.querySelectorAll("label").forEach((l) => l.show()); update("dose"); });
  const day = $("fsv-day"); day.value = state.day; $("fsv-day-out").textContent = state.day;
  day.addEventListener("input", () => { state.day = +day.value; $("fsv-day-out").textContent = state.day; update("day"); });
  $("fsv-expression").addEventListener("change", (e) => { state.expression = e.target.value; update("dose"); });
  $("fsv-mode").addEventListener("change", (e) => { state.mode = e.target.value; update("view"); });
  $("fsv-heat").addEventListener("change", (e) => { state.heat = e.target.checked; update("dose"); });
  $("fsv-front").addEventListener("click", () => { view.yaw = 0; view.pitch = 0; update("view"); });
  $("fsv-three").addEventListener("click", () => { view.yaw = 35 * Math.PI / 180; view.pitch = 0; update("view"); });
  let drag = null;
  canvas.addEventListener("pointerdown", (e) => { drag = [e.clientX, e.clientY]; canvas.setPointerCapture(e.pointerId); });
  canvas.addEventListener("pointerup", () => { drag = null; });
  canvas.addEventListener("pointermove", (e) => {
    if (!drag) return;
    view.yaw += (e.clientX - drag[0]) * 0.01; view.pitch = Math.max(-1.2, Math.min(1.2, view.pitch + (e.clientY - drag[1]) * 0.01));
    drag = [e.clientX, e.clientY]; update("view");
  });
}
async function start() {
  STR = await unpack(P.strength); TONE = await unpack(P.tone_multiplier);
  V0 = (await fields(P.vertices))[0]; FACES = await unpack(P.faces);
  BASIS = await fields(P.basis); STATIC = await fields(P.static.fields);
  let r = 0; for (let k = 0; k < V0.length; k += 3) r = Math.max(r, Math.hypot(V0[k], V0[k + 1], V0[k + 2]));
  view.distance = 3.8 * r;
  const n = V0.length;
  buf = {after: new Float32Array(n), before: new Float32Array(n), nAfter: new Float32Array(n),
         nBefore: new Float32Array(n), change: new Float32Array(n / 3), heat: new Float32Array(n / 3), top: 0};
  prog = program(); meshes = {after: mesh(), before: mesh()};
  controls(); update("dose");
  root.dataset.ready = "1";
}
window.facesimViewer = {state, view, timing, update, metricsAt: (d, t, e, plan) => metricsAt(Object.assign({}, state, {dose: d}), t, e, plan !== false),
                        compute, ready: start().catch((e) => { $("fsv-words").textContent = "viewer error: " + e; root.dataset.ready = "error"; throw e; })};
})();
