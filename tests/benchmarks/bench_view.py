"""Viewer benchmark: prints its figures (not a test; run `python tests/benchmarks/bench_view.py [VERTICES]`).

Targets (issue 17): the default face's page <= 3 MB; JS time per slider step <= 5 ms at 20k vertices.
Reported: the file size, the JS time of a day step (the shapes before and after, normals, heat, upload and
draw; and with the readout and the 181-day curve), frames per second in headless software WebGL
(SwiftShader) at 800 x 600, and page load to first frame. Needs /usr/bin/chromium and Playwright.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from viewer_browser import opened  # noqa: E402

from facesim.scenario.case import load_scenario  # noqa: E402
from facesim.simulation.timeline import ScenarioSimulation  # noqa: E402
from facesim.tissue.model import FaceModel  # noqa: E402
from facesim.training.cases import SCENARIOS_DIR  # noqa: E402
from facesim.view.page import viewer_html  # noqa: E402

STEP_JS = """(n) => { const v = window.facesimViewer, s = v.state, out = {draw: [], full: []};
  for (let i = 0; i < n; i++) { s.day = 20 + i; let t = performance.now(); v.compute(); v.update('view');
    out.draw.push(performance.now() - t); t = performance.now(); v.update('day'); out.full.push(performance.now() - t); }
  return out; }"""
FPS_JS = """(ms) => new Promise((done) => { const v = window.facesimViewer; let n = 0; const t0 = performance.now();
  function frame() { v.view.yaw += 0.01; v.update('view'); n++;
    if (performance.now() - t0 < ms) requestAnimationFrame(frame); else done(n * 1000 / (performance.now() - t0)); }
  requestAnimationFrame(frame); })"""


def median(xs) -> float:
    xs = sorted(xs)
    return xs[len(xs) // 2]


def _server_frame_s(sim, n: int = 5) -> float:
    """Median seconds of one 800x600 frame rendered off-screen in Python, the face moved per day."""
    from facesim.render.panels import FacePanel, build_scene

    scene = build_scene(sim.model.face, [FacePanel(sim.shape(0.0, "smile"), "")], panel_size=(800, 600))
    times = []
    try:
        for day in range(20, 20 + n):
            t = time.perf_counter()
            scene.set_shape(0, sim.shape(float(day), "smile"))
            scene.image()
            times.append(time.perf_counter() - t)
    finally:
        scene.close()
    return median(times)


def main(n_vertices: int = 20000, steps: int = 30) -> None:
    t = time.perf_counter()
    sim = ScenarioSimulation(FaceModel.builtin(n_vertices), load_scenario(SCENARIOS_DIR / "b_overtoned_dao_rest.toml"))
    built = time.perf_counter() - t
    t = time.perf_counter()
    text = viewer_html(sim)
    written = time.perf_counter() - t
    print(f"face: {sim.model.face.n_vertices} vertices ({built:.1f} s to build the model, {written:.2f} s the page)")
    print(f"file size: {len(text.encode()) / 1e6:.2f} MB   (target <= 3 MB for the default face)")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "viewer.html"
        path.write_text(text, encoding="utf-8")
        t = time.perf_counter()
        with opened(path) as v:
            opened_s = time.perf_counter() - t
            first = v.page.evaluate("facesimViewer.timing.firstFrameAt")
            print(f"page load to first frame: {first:.0f} ms after navigation start ({opened_s:.1f} s wall, "
                  "browser start included)")
            times = v.page.evaluate(STEP_JS, steps)
            print(f"JS per day step, shapes + normals + heat + draw: median {median(times['draw']):.1f} ms, "
                  f"max {max(times['draw']):.1f} ms   (target <= 5 ms)")
            print(f"JS per day step with the readout and the 181-day curve: median {median(times['full']):.1f} ms")
            server = _server_frame_s(sim)
            print(f"the naive way, a day step rendered in Python (one scene reused) and sent as a picture: "
                  f"{server * 1e3:.0f} ms (naive / ours = {server * 1e3 / median(times['full']):.0f}x)")
            fps = v.page.evaluate(FPS_JS, 3000)
            print(f"frames per second, 800x600 software WebGL (SwiftShader), orbiting: {fps:.1f}")
            print(f"blocked network requests: {len(v.blocked)}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20000)
