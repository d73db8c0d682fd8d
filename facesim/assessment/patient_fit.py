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

from dataclasses import dataclass, fields

import numpy as np

from facesim.anatomy.patient import Patient
from facesim.assessment.fit_design import RowBlock, expression_rows, fit_design, rest_rows
from facesim.assessment.fit_findings import Finding, column_labels, fit_rank, over_pulling, unidentifiable
from facesim.assessment.fit_solve import RIDGE, solve_multipliers
from facesim.assessment.landmark_input import LandmarkSet
from facesim.errors import InputError
from facesim.metrics import METRIC_LANDMARKS, CornerMetrics, corner_metrics
from facesim.scenario.history import History
from facesim.tissue.model import FaceModel
from facesim.treatment.corrections import SkeletalAsymmetry

#: Metrics the calibrated model should reproduce (mm); reach is anatomy, not muscle.
FITTED_METRICS = ("rest_height_deviation", "height_deviation", "rest_lower_lip_deviation", "lower_lip_deviation",
                  "excursion_left", "excursion_right", "excursion_difference")


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


def _residuals(blocks: list[RowBlock], residual: np.ndarray) -> dict[str, np.ndarray]:
    """``residual`` ((k,) patient mm, the blocks' rows stacked) split by block label."""
    residuals, start = {}, 0
    for block in blocks:
        residuals[block.label] = residual[start:start + block.a.shape[0]]
        start += block.a.shape[0]
    return residuals


def _predicted_metrics(model: FaceModel, patient: Patient, theta: np.ndarray, static: bool,
                       k_scale: float) -> CornerMetrics:
    """The calibrated model's corner metrics (rest vs smile), patient mm, the jaw offset included."""
    rest_f, smile_f = model.forces(patient, "rest"), model.forces(patient, "smile")
    pred = model.landmark_positions(np.stack([rest_f, smile_f]), METRIC_LANDMARKS)
    if static:  # the skeletal offset is in both photos, in model mm
        skeletal = SkeletalAsymmetry((float(theta[-2]), 0.0, 0.0), float(theta[-1])).field(model.face)
        pred = pred + model.landmark_weights(METRIC_LANDMARKS) @ skeletal
    pred = pred / k_scale
    return corner_metrics(pred[0], pred[1])


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
    d = fit_design(model)
    ids = model.muscle_ids
    n = len(ids)
    k_scale = float(np.linalg.norm(d.rest0[0] - d.rest0[1])) / rest.ipd_mm
    blocks = [rest_rows(d, rest, k_scale, rest_by_tone)]
    blocks += [expression_rows(model, d, rest, expr, points, k_scale) for expr, points in expressions.items()]
    a = np.vstack([blk.a for blk in blocks])
    b = np.concatenate([blk.b for blk in blocks])
    w = np.concatenate([blk.w for blk in blocks])
    if not np.all(np.isfinite(b)):
        raise InputError("landmarks contain non-finite values")
    theta, free, norms = solve_multipliers(a, b, w, n, static, k_scale, ridge)
    residual = (a @ theta - b) / k_scale
    tone, strength = theta[:n], theta[n:2 * n]
    patient = Patient(strength=dict(zip(ids, (float(x) for x in strength))),
                      tone=dict(zip(ids, (float(x) for x in tone))), name=name)
    measured = corner_metrics(rest.metric_points(), expressions["smile"].metric_points())
    predicted = _predicted_metrics(model, patient, theta, static, k_scale)
    return PatientFit(
        patient=patient,
        jaw_shift_mm=(float(theta[-2]) / k_scale, 0.0, 0.0) if static else None,
        jaw_cant_deg=float(theta[-1]) if static else None,
        scale=k_scale,
        residual_rms_mm=float(np.sqrt(np.mean(residual**2))),
        residual_max_mm=float(np.abs(residual).max()),
        residuals_mm=_residuals(blocks, residual),
        measured=measured,
        predicted=predicted,
        metric_errors_mm={m: float(abs(getattr(predicted, m) - getattr(measured, m))) for m in FITTED_METRICS},
        over_pulling=over_pulling(model, d, theta),
        unidentifiable=unidentifiable(a * w[:, None], norms, free, column_labels(ids), ids, rest_by_tone),
        rank=fit_rank(a * w[:, None], norms, free),
        n_parameters=int(free.sum()),
    )


def simulated_landmarks(model: FaceModel, patient: Patient, expression: str,
                        names: tuple[str, ...] | None = None) -> dict[str, np.ndarray]:
    """Model landmark positions (mm, facesim frame) of ``patient`` in ``expression``, by name.

    Defaults to every name a 68-point iBUG set is built from (landmark_writing.IBUG_SOURCE_NAMES).
    """
    from facesim.assessment.landmark_writing import IBUG_SOURCE_NAMES

    names = tuple(names or IBUG_SOURCE_NAMES)
    pos = model.landmark_positions(model.forces(patient, expression), names)
    return dict(zip(names, pos))


def patient_toml(cal: PatientFit, history: History | None = None, *, sex: str = "female",
                 mesh: str = "builtin", vertices: int = 21000) -> str:
    """The calibrated patient as TOML ([patient], strength, tone, static, [history]), written by tomli-w
    (any name, e.g. with accents or emoji, reads back)."""
    import tomli_w

    p = cal.patient
    static: dict = {}
    if cal.jaw_shift_mm is not None:
        static["jaw_shift_mm"] = [round(float(v), 3) for v in cal.jaw_shift_mm]  # +x = the patient's left
    if cal.jaw_cant_deg is not None:
        static["jaw_cant_deg"] = round(float(cal.jaw_cant_deg), 3)  # + = the patient's left side drops
    doc: dict = {"patient": {"name": p.name, "sex": sex, "mesh": mesh, "vertices": int(vertices),
                             "strength": {k: round(float(v), 4) for k, v in p.strength.items()},
                             "tone": {k: round(float(v), 4) for k, v in p.tone.items()}, "static": static}}
    if history is not None:
        table = {f.name: getattr(history, f.name) for f in fields(History) if f.name != "previous_injections"}
        table["previous_injection"] = [{"day": float(i.day), "site": i.site.name, "units": float(i.units),
                                        "product": i.product} for i in history.previous_injections]
        doc["history"] = table
    return ("# written by facesim assess: multipliers by muscle id, 1 = population average; jaw_shift_mm +x = the "
            "patient's left, jaw_cant_deg + = the patient's left side drops\n" + tomli_w.dumps(doc))
