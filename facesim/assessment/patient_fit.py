"""Calibrate a patient: per-side muscle strengths and tones (and a jaw shift) from landmarks.

Landmark positions are linear in the multipliers, because the forces are
``max_force * (tone_default * tone + activation * strength)`` and each
shape is a weighted sum of basis fields. So the fit is one bounded linear
least-squares solve (scipy.optimize.lsq_linear) on a few dozen numbers:

- rest: only the left-right *differences* (the antisymmetric part: for a pair,
  ``x_L + x_R`` and ``y_L - y_R``; for a midline point, ``x``). A real face's
  shape differs from the model's, but a symmetric model explains its
  asymmetry only by tone differences or a static (skeletal) offset.
- each expression: the displacement from rest of every fitted landmark
  (x and y). It depends on strengths only (the tone cancels).

Measurements are in the pupil frame, scaled by ``model IPD / patient IPD`` so
a larger face is not read as stronger muscles; residuals and metrics are
reported back in the patient's mm. A gentle ridge toward 1 (population
average), in mm of effect per column, keeps the directions the data cannot
see at 1.
"""

from __future__ import annotations

import json
import weakref
from dataclasses import dataclass, fields

import numpy as np
from scipy.optimize import lsq_linear

from facesim.assessment.measures import pupil_frame
from facesim.treatment.corrections import SkeletalAsymmetry
from facesim.errors import InputError
from facesim.face.names import base_name, side_of, sided
from facesim.geometry.frontal import frontal_axes
from facesim.scenario.history import History
from facesim.assessment.landmark_input import LandmarkSet
from facesim.metrics import METRIC_LANDMARKS, CornerMetrics, corner_metrics
from facesim.tissue.model import FaceModel
from facesim.anatomy.patient import Patient

PAIRS = (("cheilion_left", "cheilion_right"), ("lower_lip_left", "lower_lip_right"),
         ("upper_lip_left", "upper_lip_right"))
MIDLINE = ("labiale_superius", "labiale_inferius", "stomion_upper", "stomion_lower", "menton", "pogonion")
FIT_LANDMARKS = ("pupil_left", "pupil_right", *(n for p in PAIRS for n in p), *MIDLINE)
#: Metrics the calibrated model should reproduce (mm); reach is anatomy, not muscle.
FITTED_METRICS = ("rest_height_deviation", "height_deviation", "rest_lower_lip_deviation", "lower_lip_deviation",
                  "excursion_left", "excursion_right", "excursion_difference")
BOUNDS = {"tone": (0.0, 20.0), "strength": (0.0, 4.0), "jaw_x": (-25.0, 25.0), "jaw_cant": (-15.0, 15.0)}
RIDGE = 0.1  # ridge weight: a unit change costs 0.1 x its mm effect
#: Prior spread of each multiplier kind around 1 (ASSUMPTION: strength varies by tens of per cent between
#: people; an over-toned DAO can sit several times the average, as in the demo's 8x) and the landmark noise
#: it is weighed against (0.5 mm, between the 0.7 mm same-session reproducibility and the 0.3 mm of a
#: careful annotation, clinical-parameters.md "Measurement noise").
PRIOR_SD = {"tone": 3.0, "strength": 0.5, "jaw_x": 10.0, "jaw_cant": 5.0}
NOISE_MM = 0.5
UNSEEN_FRACTION = 1e-3  # a column below this fraction of the largest is "not seen"
ALIKE_COSINE = 0.98
#: Rows of the landmarks the corner metrics read weigh this much more than the others.
METRIC_ROW_WEIGHT = 3.0  # two columns this parallel cannot be told apart


@dataclass(frozen=True, eq=False)
class _Design:
    names: tuple[str, ...]
    rest0: np.ndarray  # (L, 2) frontal, mm
    tone_cols: np.ndarray  # (n_m, L, 2) mm per unit tone multiplier
    basis2: np.ndarray  # (n_m, L, 2) mm per N
    jaw: np.ndarray  # (2, L, 2): mm per mm of jaw shift (x), mm per degree of jaw cant


_DESIGNS: "weakref.WeakKeyDictionary[FaceModel, _Design]" = weakref.WeakKeyDictionary()


def _design(model: FaceModel) -> _Design:
    if model not in _DESIGNS:
        missing = [n for n in FIT_LANDMARKS if n not in model.face.landmarks]
        if missing:
            raise InputError(f"the model face lacks landmarks {', '.join(missing)}; calibration needs them")
        rest, basis = model.landmark_basis(FIT_LANDMARKS)
        origin, frame = frontal_axes(rest[0], rest[1])  # frame (2, 2): xy -> frontal
        rest0 = (rest[:, :2] - origin) @ frame
        basis2 = basis[..., :2] @ frame
        weights = model.landmark_weights(FIT_LANDMARKS)
        jaw = np.stack([(weights @ SkeletalAsymmetry(*args).field(model.face))[:, :2] @ frame
                        for args in (((1.0, 0.0, 0.0),), ((0.0, 0.0, 0.0), 1.0))])
        tone_cols = (model.max_force * model.expressions.tone)[:, None, None] * basis2
        _DESIGNS[model] = _Design(FIT_LANDMARKS, rest0, tone_cols, basis2, jaw)
    return _DESIGNS[model]


def _antisym(v: np.ndarray, index: dict[str, int], pairs, midline) -> np.ndarray:
    """Left-right differences of frontal vectors v (..., L, 2): pairs (x_L + x_R, y_L - y_R), midline x."""
    out = []
    for a, b in pairs:
        out += [v[..., index[a], 0] + v[..., index[b], 0], v[..., index[a], 1] - v[..., index[b], 1]]
    out += [v[..., index[n], 0] for n in midline]
    return np.stack(out, axis=-1)


@dataclass(frozen=True)
class Finding:
    """The side that pulls more in the fit, and the muscle pair contributing most to it."""

    muscle: str  # without side, e.g. "zygomaticus_major"
    kind: str  # "strength" or "tone"
    side: str  # the side that pulls more ("left" / "right")
    left: float
    right: float
    effect_mm: float  # how far the fitted differences move the corners apart (mm, model frame)

    @property
    def muscle_id(self) -> str:
        return f"{self.muscle}_{self.side}"


@dataclass(frozen=True)
class PatientFit:
    """A calibrated patient and how well it reproduces the measurements.

    Attributes
    ----------
    patient : Patient with fitted strength and tone multipliers
    jaw_shift_mm : (3,) tuple or None, patient mm (+x the patient's left); None if not fitted
    jaw_cant_deg : float or None, degrees (+: the patient's left side drops, as in
        facesim.treatment.corrections.SkeletalAsymmetry); None if not fitted
    scale : float, model IPD / patient IPD (model mm per patient mm)
    residual_rms_mm, residual_max_mm : float, patient mm, over all fitted coordinates
    residuals_mm : dict group -> (k,) array, patient mm ("rest asymmetry", "<expression> displacement")
    measured, predicted : CornerMetrics (rest vs smile), patient mm
    metric_errors_mm : dict metric -> |predicted - measured|, for FITTED_METRICS
    over_pulling : Finding or None
    unidentifiable : tuple[str, ...], plain words on what the data cannot tell apart
    rank, n_parameters : int, the number of combinations the data pin down, of how many
    """

    patient: Patient
    jaw_shift_mm: tuple[float, float, float] | None
    jaw_cant_deg: float | None
    scale: float
    residual_rms_mm: float
    residual_max_mm: float
    residuals_mm: dict
    measured: CornerMetrics
    predicted: CornerMetrics
    metric_errors_mm: dict
    over_pulling: Finding | None
    unidentifiable: tuple[str, ...]
    rank: int
    n_parameters: int

    @property
    def max_metric_error_mm(self) -> float:
        return max(self.metric_errors_mm.values())


def _present(sets: list[LandmarkSet], names) -> list[str]:
    return [n for n in names if all(n in s for s in sets)]


def fit_patient(model: FaceModel, rest: LandmarkSet, expressions: dict[str, LandmarkSet], *,
              static: bool = False, rest_by_tone: bool = True, name: str = "patient",
              ridge: float = RIDGE) -> PatientFit:
    """Fit strength and tone multipliers (and optionally a jaw shift) to landmark sets.

    Parameters
    ----------
    model : FaceModel
    rest : LandmarkSet, mm (the rest photo)
    expressions : dict expression name -> LandmarkSet; must include "smile"; names are model expressions
    static : bool
        Fit a skeletal jaw shift (x) and cant (facesim.treatment.corrections.SkeletalAsymmetry) to the rest asymmetry.
    rest_by_tone : bool
        Let resting tone explain the rest asymmetry. False when triage says the rest
        asymmetry is skeletal: the tones stay symmetric and what the jaw shift does
        not explain is left as residual.
    ridge : float, strength of the pull toward 1 (fraction of each column's mm effect)
    """
    if "smile" not in expressions:
        raise InputError("calibration needs a smile (expressions['smile'])")
    d = _design(model)
    ids = model.muscle_ids
    n = len(ids)
    index = {nm: k for k, nm in enumerate(d.names)}
    k_scale = float(np.linalg.norm(d.rest0[0] - d.rest0[1])) / rest.ipd_mm

    # Rest rows: left-right differences.
    pairs = [p for p in PAIRS if all(x in rest for x in p)]
    midline = [m for m in MIDLINE if m in rest]
    obs_rest = np.zeros((len(d.names), 2))
    present = [nm for nm in d.names if nm in rest]
    obs_rest[[index[nm] for nm in present]] = pupil_frame(rest, tuple(present)) * k_scale
    b_rest = _antisym(obs_rest, index, pairs, midline) - _antisym(d.rest0, index, pairs, midline)
    a_tone = _antisym(d.tone_cols, index, pairs, midline).T  # (rows, n)
    if not rest_by_tone:
        b_rest = b_rest - a_tone.sum(axis=1)  # tones fixed at 1
        a_tone = np.zeros_like(a_tone)
    a_jaw = _antisym(d.jaw, index, pairs, midline).T  # (rows, 2)
    w_rest = np.array([METRIC_ROW_WEIGHT if a in METRIC_LANDMARKS else 1.0 for a, _ in pairs for _ in (0, 1)]
                      + [1.0] * len(midline))
    blocks = [("rest asymmetry", np.hstack([a_tone, np.zeros((len(b_rest), n)), a_jaw]), b_rest, w_rest)]

    # Expression rows: displacement from rest.
    for expr, points in expressions.items():
        act = model.expressions.get(expr)
        names = [nm for nm in _present([rest, points], d.names) if not nm.startswith("pupil")]
        if len(names) < 2:
            raise InputError(f"{points.source}: too few landmarks shared with the rest photo to fit '{expr}'")
        rows = [index[nm] for nm in names]
        disp = (pupil_frame(points, tuple(names)) - pupil_frame(rest, tuple(names))) * k_scale
        cols = (model.max_force * act)[:, None, None] * d.basis2[:, rows]  # (n, k, 2)
        a_s = cols.reshape(n, -1).T
        w = np.repeat([METRIC_ROW_WEIGHT if nm in METRIC_LANDMARKS else 1.0 for nm in names], 2)
        blocks.append((f"{expr} displacement", np.hstack([np.zeros((a_s.shape[0], n)), a_s,
                                                          np.zeros((a_s.shape[0], 2))]), disp.ravel(), w))

    a = np.vstack([blk[1] for blk in blocks])
    b = np.concatenate([blk[2] for blk in blocks])
    w = np.concatenate([blk[3] for blk in blocks])
    if not np.all(np.isfinite(b)):
        raise InputError("landmarks contain non-finite values")
    n_par = 2 * n + 2
    free = np.ones(n_par, dtype=bool)
    free[-2:] = static
    norms = np.linalg.norm(a * w[:, None], axis=0)
    prior = np.concatenate([np.ones(2 * n), [0.0, 0.0]])
    kinds = ["tone"] * n + ["strength"] * n + ["jaw_x", "jaw_cant"]
    sd = np.array([PRIOR_SD[k] for k in kinds])
    reg = np.hypot(ridge * norms, NOISE_MM * k_scale / sd)
    lo = np.array([BOUNDS[k][0] for k in kinds])
    hi = np.array([BOUNDS[k][1] for k in kinds])
    a_aug = np.vstack([(a * w[:, None])[:, free], np.diag(reg[free])])
    b_aug = np.concatenate([b * w, reg[free] * prior[free]])
    sol = lsq_linear(a_aug, b_aug, bounds=(lo[free], hi[free]), method="bvls")
    theta = prior.copy()
    theta[free] = np.clip(sol.x, lo[free], hi[free])

    residual = (a @ theta - b) / k_scale
    residuals, start = {}, 0
    for label, blk_a, _, _ in blocks:
        residuals[label] = residual[start:start + blk_a.shape[0]]
        start += blk_a.shape[0]

    tone, strength = theta[:n], theta[n:2 * n]
    patient = Patient(strength=dict(zip(ids, (float(x) for x in strength))),
                      tone=dict(zip(ids, (float(x) for x in tone))), name=name)
    jaw = (float(theta[-2]) / k_scale, 0.0, 0.0) if static else None
    cant = float(theta[-1]) if static else None

    smile = expressions["smile"]
    measured = corner_metrics(rest.metric_points(), smile.metric_points())
    rest_f, smile_f = model.forces(patient, "rest"), model.forces(patient, "smile")
    pred = model.landmark_positions(np.stack([rest_f, smile_f]), METRIC_LANDMARKS)
    if static:  # the skeletal offset is in both photos, in model mm
        skeletal = SkeletalAsymmetry((float(theta[-2]), 0.0, 0.0), float(theta[-1])).field(model.face)
        pred = pred + model.landmark_weights(METRIC_LANDMARKS) @ skeletal
    pred = pred / k_scale
    predicted = corner_metrics(pred[0], pred[1])
    errors = {m: float(abs(getattr(predicted, m) - getattr(measured, m))) for m in FITTED_METRICS}

    used = free & (norms > UNSEEN_FRACTION * norms.max())
    sv = np.linalg.svd((a * w[:, None])[:, used] / norms[used], compute_uv=False) if used.any() else np.zeros(0)
    rank = int(np.sum(sv > 1e-2 * sv.max())) if sv.size else 0
    labels = [f"{m} tone" for m in ids] + [f"{m} strength" for m in ids] + ["jaw shift", "jaw cant"]
    return PatientFit(
        patient=patient,
        jaw_shift_mm=jaw,
        jaw_cant_deg=cant,
        scale=k_scale,
        residual_rms_mm=float(np.sqrt(np.mean(residual**2))),
        residual_max_mm=float(np.abs(residual).max()),
        residuals_mm=residuals,
        measured=measured,
        predicted=predicted,
        metric_errors_mm=errors,
        over_pulling=_over_pulling(model, d, theta),
        unidentifiable=_unidentifiable(a * w[:, None], norms, free, labels, ids, rest_by_tone),
        rank=rank,
        n_parameters=int(free.sum()),
    )


def _over_pulling(model: FaceModel, d: _Design, theta: np.ndarray) -> Finding | None:
    """Which side pulls more, and the muscle pair that contributes most to it.

    Smile: the fitted strengths change the smile's corner height difference and
    excursion difference (each corner's displacement along its average smile
    direction); their sum ``p`` (mm) says which side pulls more. Rest: the
    fitted tones change the corner height difference by ``h`` mm; the lower
    corner's side pulls more (a depressor holds it down).
    The larger of the two (in mm) is the finding; its muscle is the pair (a
    depressor, for rest) whose left-right difference contributes most.
    """
    ids = model.muscle_ids
    n = len(ids)
    cl, cr = d.names.index("cheilion_left"), d.names.index("cheilion_right")
    act = model.expressions.get("smile")
    smile_cols = (model.max_force * act)[:, None, None] * d.basis2  # (n, L, 2) mm per unit strength
    corner = {"left": cl, "right": cr}
    u = {s: smile_cols[:, i].sum(axis=0) / np.linalg.norm(smile_cols[:, i].sum(axis=0)) for s, i in corner.items()}
    tone, strength = theta[:n] - 1.0, theta[n:2 * n] - 1.0
    pairs = sorted({base_name(m) for m in ids if side_of(m) is not None})
    pull, lift, down = {}, {}, set()
    for muscle in pairs:
        kl, kr = ids.index(sided(muscle, "left")), ids.index(sided(muscle, "right"))
        dl, dr = strength[kl] * smile_cols[kl, cl], strength[kr] * smile_cols[kr, cr]
        pull[muscle] = (dl[1] - dr[1]) + (dl @ u["left"] - dr @ u["right"])
        rest = d.tone_cols[:, cl, 1] - d.tone_cols[:, cr, 1]
        lift[muscle] = tone[kl] * rest[kl] + tone[kr] * rest[kr]
        if d.tone_cols[kl, cl, 1] < 0:
            down.add(muscle)
    p, h = sum(pull.values()), sum(lift.values())
    if max(abs(p), abs(h)) == 0:
        return None
    if abs(p) >= abs(h):
        side, kind, sign, table = ("left" if p > 0 else "right"), "strength", np.sign(p), pull
    else:
        side, kind, sign, table = ("right" if h > 0 else "left"), "tone", np.sign(h), lift
        table = {m: v for m, v in table.items() if m in down} or table
    muscle = max(table, key=lambda m: sign * table[m])
    values = theta[:n] if kind == "tone" else theta[n:2 * n]
    return Finding(muscle, kind, side, float(values[ids.index(sided(muscle, "left"))]),
                   float(values[ids.index(sided(muscle, "right"))]), float(max(abs(p), abs(h))))


def _unidentifiable(a, norms, free, labels, ids, rest_by_tone) -> tuple[str, ...]:
    notes = []
    unseen = [labels[k] for k in range(len(labels) - 1) if norms[k] <= UNSEEN_FRACTION * norms.max()]
    if unseen:
        strengths = sorted({base_name(lab.removesuffix(" strength")) for lab in unseen if "strength" in lab})
        tones = sorted({base_name(lab.removesuffix(" tone")) for lab in unseen if "tone" in lab})
        if strengths:
            notes.append(f"strength of {', '.join(strengths)}: not active in these expressions, left at 1")
        if tones and rest_by_tone:
            notes.append(f"tone of {', '.join(tones)}: no visible effect at rest, left at 1")
    if rest_by_tone:
        notes.append("resting tone: the rest photo shows only the left-right difference, so the fit splits it "
                     "between the sides (it cannot tell a stronger side from a weaker other side)")
    else:
        notes.append("resting tone kept symmetric (the rest asymmetry was judged skeletal)")
    cols = np.flatnonzero(free & (norms > UNSEEN_FRACTION * norms.max()))
    unit = a[:, cols] / norms[cols]
    gram = unit.T @ unit
    alike = []
    for i in range(len(cols)):
        for j in range(i + 1, len(cols)):
            p, q = labels[cols[i]], labels[cols[j]]
            if abs(gram[i, j]) >= ALIKE_COSINE and not (rest_by_tone and p.endswith(" tone")):
                alike.append((abs(gram[i, j]), p, q, gram[i, j] > 0))
    for cos, p, q, same in sorted(alike, reverse=True)[:8]:
        what = "their sum" if same else "their difference"
        notes.append(f"{p} ~ {q}: they move the landmarks alike (|cosine| {cos:.3f}); only {what} is fitted")
    if len(alike) > 8:
        notes.append(f"... and {len(alike) - 8} more pairs alike")
    return tuple(notes)


def simulated_landmarks(model: FaceModel, patient: Patient, expression: str,
                        names: tuple[str, ...] | None = None) -> dict[str, np.ndarray]:
    """Model landmark positions (mm, facesim frame) of ``patient`` in ``expression``, by name.

    Defaults to every name a 68-point iBUG set is built from (landmark_writing.IBUG_SOURCE_NAMES).
    """
    from facesim.assessment.landmark_writing import IBUG_SOURCE_NAMES

    names = tuple(names or IBUG_SOURCE_NAMES)
    pos = model.landmark_positions(model.forces(patient, expression), names)
    return dict(zip(names, pos))


def _toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(float(value)) if isinstance(value, float) else str(value)
    if isinstance(value, str):
        return json.dumps(value)  # a TOML basic string takes JSON's escapes
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    raise TypeError(f"cannot write {value!r} to TOML")


def patient_toml(cal: PatientFit, history: History | None = None, *, sex: str = "female",
                 mesh: str = "builtin", vertices: int = 21000) -> str:
    """The calibrated patient as a TOML block ([patient], strength, tone, static, [history])."""
    p = cal.patient
    lines = ["# written by facesim assess: multipliers by muscle id, 1 = population average",
             "[patient]", f"name = {_toml_value(p.name)}", f"sex = {_toml_value(sex)}",
             f"mesh = {_toml_value(mesh)}", f"vertices = {int(vertices)}", "", "[patient.strength]"]
    lines += [f"{k} = {round(v, 4)!r}" for k, v in p.strength.items()]
    lines += ["", "[patient.tone]"]
    lines += [f"{k} = {round(v, 4)!r}" for k, v in p.tone.items()]
    lines += ["", "[patient.static]"]
    if cal.jaw_shift_mm is not None:
        lines.append(f"jaw_shift_mm = {_toml_value([round(v, 3) for v in cal.jaw_shift_mm])}  # +x = patient's left")
    if cal.jaw_cant_deg is not None:
        lines.append(f"jaw_cant_deg = {round(cal.jaw_cant_deg, 3)!r}  # + = the patient's left side drops")
    if history is not None:
        lines += ["", "[history]"]
        for f in fields(History):
            if f.name != "previous_injections":
                lines.append(f"{f.name} = {_toml_value(getattr(history, f.name))}")
        for inj in history.previous_injections:
            lines += ["", "[[history.previous_injection]]"]
            entry = {"day": inj.day, "site": inj.site.name, "units": inj.units, "product": inj.product}
            lines += [f"{key} = {_toml_value(value)}" for key, value in entry.items()]
    return "\n".join(lines) + "\n"
