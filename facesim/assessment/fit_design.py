"""The calibration's design: model landmarks and their response in the frontal plane (cached per
model), and the rows of the fit, one block for the rest asymmetry and one per expression.

Columns are (tone multipliers, strength multipliers, jaw shift x, jaw cant), n + n + 2; rows are mm
in the model's frame (patient mm x ``k_scale``). See facesim.assessment.patient_fit.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from facesim.assessment.landmark_input import LandmarkSet
from facesim.assessment.measures import pupil_frame
from facesim.errors import InputError
from facesim.geometry.frontal import frontal_axes
from facesim.metrics import METRIC_LANDMARKS
from facesim.tissue.model import FaceModel
from facesim.treatment.corrections import SkeletalAsymmetry

PAIRS = (("cheilion_left", "cheilion_right"), ("lower_lip_left", "lower_lip_right"),
         ("upper_lip_left", "upper_lip_right"))
MIDLINE = ("labiale_superius", "labiale_inferius", "stomion_upper", "stomion_lower", "menton", "pogonion")
FIT_LANDMARKS = ("pupil_left", "pupil_right", *(n for p in PAIRS for n in p), *MIDLINE)
#: Rows of the landmarks the corner metrics read weigh this much more than the others.
METRIC_ROW_WEIGHT = 3.0


@dataclass(frozen=True, eq=False)
class FitDesign:
    names: tuple[str, ...]
    rest0: np.ndarray  # (L, 2) frontal, mm
    tone_cols: np.ndarray  # (n_m, L, 2) mm per unit tone multiplier
    basis2: np.ndarray  # (n_m, L, 2) mm per N
    jaw: np.ndarray  # (2, L, 2): mm per mm of jaw shift (x), mm per degree of jaw cant


class RowBlock(NamedTuple):
    """Rows of the fit: ``a`` (k, 2 n + 2) mm per unit of each column, ``b`` (k,) mm, ``w`` (k,) weights."""

    label: str
    a: np.ndarray
    b: np.ndarray
    w: np.ndarray


_DESIGNS: "weakref.WeakKeyDictionary[FaceModel, FitDesign]" = weakref.WeakKeyDictionary()


def fit_design(model: FaceModel) -> FitDesign:
    """The model's FIT_LANDMARKS at rest and their response to each column, frontal plane (cached)."""
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
        _DESIGNS[model] = FitDesign(FIT_LANDMARKS, rest0, tone_cols, basis2, jaw)
    return _DESIGNS[model]


def _antisym(v: np.ndarray, index: dict[str, int], pairs, midline) -> np.ndarray:
    """Left-right differences of frontal vectors v (..., L, 2): pairs (x_L + x_R, y_L - y_R), midline x."""
    out = []
    for a, b in pairs:
        out += [v[..., index[a], 0] + v[..., index[b], 0], v[..., index[a], 1] - v[..., index[b], 1]]
    out += [v[..., index[n], 0] for n in midline]
    return np.stack(out, axis=-1)


def rest_rows(d: FitDesign, rest: LandmarkSet, k_scale: float, rest_by_tone: bool) -> RowBlock:
    """The rest photo's left-right differences against the model's (tones and jaw columns only).

    ``rest_by_tone`` False: the tones stay at 1 (their effect moves to ``b``) and their columns are 0.
    """
    n = len(d.tone_cols)
    index = {nm: k for k, nm in enumerate(d.names)}
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
    return RowBlock("rest asymmetry", np.hstack([a_tone, np.zeros((len(b_rest), n)), a_jaw]), b_rest, w_rest)


def expression_rows(model: FaceModel, d: FitDesign, rest: LandmarkSet, expr: str, points: LandmarkSet,
                    k_scale: float) -> RowBlock:
    """Each landmark's displacement from rest in expression ``expr`` (strength columns only)."""
    n = len(d.tone_cols)
    index = {nm: k for k, nm in enumerate(d.names)}
    act = model.expressions.get(expr)
    names = [nm for nm in d.names if nm in rest and nm in points and not nm.startswith("pupil")]
    if len(names) < 2:
        raise InputError(f"{points.source}: too few landmarks shared with the rest photo to fit '{expr}'")
    rows = [index[nm] for nm in names]
    disp = (pupil_frame(points, tuple(names)) - pupil_frame(rest, tuple(names))) * k_scale
    cols = (model.max_force * act)[:, None, None] * d.basis2[:, rows]  # (n, k, 2)
    a_s = cols.reshape(n, -1).T
    w = np.repeat([METRIC_ROW_WEIGHT if nm in METRIC_LANDMARKS else 1.0 for nm in names], 2)
    return RowBlock(f"{expr} displacement", np.hstack([np.zeros((a_s.shape[0], n)), a_s,
                                                       np.zeros((a_s.shape[0], 2))]), disp.ravel(), w)
