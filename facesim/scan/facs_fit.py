"""Calibrate muscle placement against real expressions (the ICT-FaceKit FACS shapes).

For each muscle named in ``facesim.scan.ict.CALIBRATION_PAIRS`` (zygomaticus major,
DAO, DLI) the free parameters of its placement are fitted so that its unit
field on the ICT face points the way the matching FACS shape moves the skin:

    origin offset (lateral, superior, anterior)   within +-origin_mm of the start,
                                                  anterior <= origin_max_anterior_mm
                                                  (the origin stays behind the skin)
    insertion offset (lateral, superior)          within +-insertion_mm of the start
                                                  (the insertion stays on the skin)
    falloff_mm                                    within falloff_mm bounds

One parameter set serves both sides (the anatomy is written once per muscle),
so the left and right shapes both count. Fields are compared by direction
only (a force scale changes nothing), so ``max_force_n`` is not fitted.

The tissue system of the ICT face is factorized once (the given FaceModel); an
evaluation re-places one muscle on both sides and solves only its two loads.

Objective of one pair (0 = a perfect match), summed over a muscle's pairs:

    (1 - field cosine over facesim.scan.ict.FIELD_REGIONS)
    + (|frontal angle| + 3D angle) / 2, in radians, of the landmark's motion

``facesim.scan.acceptance.builtin_acceptance`` then checks the built-in face's acceptance conditions
(tests/test_model.py) with a fitted anatomy, and ``accepted_anatomy`` keeps the
largest set of fitted muscles that passes them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from scipy.optimize import minimize

from facesim.anatomy.muscles import Anatomy, MuscleSpec, PointSpec, place_muscles
from facesim.errors import InputError
from facesim.face.names import SIDES, split_sided
from facesim.scan.ict import CALIBRATION_PAIRS, expression_field, field_agreement, field_mask
from facesim.scan.importer import ImportResult
from facesim.tissue.model import FaceModel

PARAMETER_NAMES = (
    "origin_lateral_mm",
    "origin_superior_mm",
    "origin_anterior_mm",
    "insertion_lateral_mm",
    "insertion_superior_mm",
    "falloff_mm",
)
ROUND_DECIMALS = 1  # fitted values are kept to 0.1 mm


@dataclass(frozen=True)
class FitBounds:
    """How far the fit may move a muscle (mm, in the anatomy file's reference-IPD units).

    Attributes
    ----------
    origin_mm : float, mm, +- around the starting origin offset, per axis
    insertion_mm : float, mm, +- around the starting insertion offset (lateral, superior)
    falloff_mm : (2,) floats, mm, absolute bounds of the falloff width
    origin_max_anterior_mm : float, mm, the origin's anterior offset stays at or below this
    """

    origin_mm: float = 10.0
    insertion_mm: float = 5.0
    falloff_mm: tuple[float, float] = (2.0, 10.0)
    origin_max_anterior_mm: float = -3.0


def muscle_parameters(spec: MuscleSpec) -> np.ndarray:
    """The fitted parameters (6,) of a linear muscle, in PARAMETER_NAMES order (mm)."""
    if spec.kind != "linear":
        raise InputError(f"muscle {spec.name}: only linear muscles can be fitted (it is {spec.kind})")
    o, i = spec.origin.offset_mm, spec.insertion.offset_mm
    return np.array([o[0], o[1], o[2], i[0], i[1], spec.falloff_mm], dtype=float)


def parameter_bounds(spec: MuscleSpec, bounds: FitBounds = FitBounds()) -> np.ndarray:
    """Lower and upper bounds (6, 2) in mm of the fitted parameters of ``spec``."""
    x = muscle_parameters(spec)
    lo = np.concatenate([x[:3] - bounds.origin_mm, x[3:5] - bounds.insertion_mm, [bounds.falloff_mm[0]]])
    hi = np.concatenate([x[:3] + bounds.origin_mm, x[3:5] + bounds.insertion_mm, [bounds.falloff_mm[1]]])
    hi[2] = min(hi[2], bounds.origin_max_anterior_mm)
    if np.any(lo > hi):
        raise InputError(f"muscle {spec.name}: its origin lies in front of origin_max_anterior_mm "
                         f"({bounds.origin_max_anterior_mm} mm); move it behind the skin first")
    return np.stack([lo, hi], axis=1)


def with_parameters(spec: MuscleSpec, x: np.ndarray) -> MuscleSpec:
    """``spec`` with the fitted parameters ``x`` (6,) mm; the insertion keeps its anterior offset."""
    x = [float(v) for v in x]
    insertion = PointSpec(spec.insertion.landmark, (x[3], x[4], spec.insertion.offset_mm[2]))
    origin = PointSpec(spec.origin.landmark, (x[0], x[1], x[2]))
    return replace(spec, origin=origin, insertion=insertion, falloff_mm=x[5])


@dataclass(frozen=True)
class PairScore:
    """One muscle field against one FACS shape (the quantities of facesim.scan.ict.FieldComparison).

    Attributes
    ----------
    shape, muscle, landmark : str
    angle_frontal_deg : float, degrees, signed angle of the landmark's motion in the frontal plane
    angle_3d_deg : float, degrees
    field_cosine : float, cosine similarity of the fields over FIELD_REGIONS
    """

    shape: str
    muscle: str
    landmark: str
    angle_frontal_deg: float
    angle_3d_deg: float
    field_cosine: float

    @property
    def objective(self) -> float:
        """(1 - cosine) + (|frontal| + 3D angle) / 2 in radians; 0 is a perfect match."""
        return (1.0 - self.field_cosine) + 0.5 * np.radians(abs(self.angle_frontal_deg) + self.angle_3d_deg)


def score_field(field: np.ndarray, target: np.ndarray, landmark_vertex: int, mask: np.ndarray,
                shape: str = "", muscle: str = "", landmark: str = "") -> PairScore:
    """Compare a model field (n, 3) with a target displacement (n, 3) as facesim.scan.ict.compare_fields does."""
    return PairScore(shape, muscle, landmark, *field_agreement(field, target, landmark_vertex, mask))


@dataclass(frozen=True)
class MuscleFit:
    """The fit of one muscle (both sides).

    Attributes
    ----------
    name : str, the muscle's name in the anatomy
    start, fitted : (6,) float arrays, mm, in PARAMETER_NAMES order
    bounds : (6, 2) float array, mm
    before, after : tuple[PairScore, ...], one per calibration pair of the muscle
    evaluations : int, objective evaluations used
    """

    name: str
    start: np.ndarray
    fitted: np.ndarray
    bounds: np.ndarray
    before: tuple[PairScore, ...]
    after: tuple[PairScore, ...]
    evaluations: int

    @property
    def objective_before(self) -> float:
        return float(sum(p.objective for p in self.before))

    @property
    def objective_after(self) -> float:
        return float(sum(p.objective for p in self.after))


@dataclass(frozen=True)
class FacsFitResult:
    """Fitted anatomy and the before/after comparison with the FACS shapes.

    Attributes
    ----------
    start : Anatomy, the anatomy the fit started from
    anatomy : Anatomy, ``start`` with every fitted muscle replaced
    fits : tuple[MuscleFit, ...]
    """

    start: Anatomy
    anatomy: Anatomy
    fits: tuple[MuscleFit, ...]

    @property
    def objective_before(self) -> float:
        return float(sum(f.objective_before for f in self.fits))

    @property
    def objective_after(self) -> float:
        return float(sum(f.objective_after for f in self.fits))

    def anatomy_with(self, names) -> Anatomy:
        """``start`` with only the fitted muscles ``names`` replaced."""
        fitted = {f.name: with_parameters(self.start.muscles[self.start.names.index(f.name)], f.fitted)
                  for f in self.fits if f.name in set(names)}
        return replace(self.start, muscles=tuple(fitted.get(m.name, m) for m in self.start.muscles))

    def lines(self) -> list[str]:
        """A plain-text report: per pair, frontal angle, 3D angle and field cosine before -> after."""
        out = ["pair                                       frontal deg     3D deg        field cosine"]
        for f in self.fits:
            for b, a in zip(f.before, f.after):
                out.append(f"{b.shape:17s} <-> {b.muscle:24s} {b.angle_frontal_deg:+6.1f} -> {a.angle_frontal_deg:+6.1f}"
                           f"  {b.angle_3d_deg:5.1f} -> {a.angle_3d_deg:5.1f}"
                           f"  {b.field_cosine:.3f} -> {a.field_cosine:.3f}")
        for f in self.fits:
            moved = ", ".join(f"{n} {s:g} -> {v:g}" for n, s, v in zip(PARAMETER_NAMES, f.start, f.fitted)
                              if abs(v - s) > 1e-9)
            out.append(f"{f.name}: objective {f.objective_before:.3f} -> {f.objective_after:.3f}"
                       f" ({f.evaluations} evaluations); {moved or 'unchanged'}")
        out.append(f"total objective {self.objective_before:.3f} -> {self.objective_after:.3f}")
        return out


class _Targets:
    """The ICT fields and the comparison mask, read once."""

    def __init__(self, model: FaceModel, result: ImportResult, directory: Path | str, pairs):
        face = model.face
        self.model = model
        self.mask = field_mask(face)
        self.pairs = tuple(pairs)
        self.fields = {shape: expression_field(directory, shape, result) for shape, _, _ in self.pairs}
        self.vertex = {lm: face.landmark_index(lm) for _, _, lm in self.pairs}

    def scores(self, spec: MuscleSpec, reference_ipd_mm: float) -> tuple[PairScore, ...]:
        placed = place_muscles(self.model.face, Anatomy((spec,), reference_ipd_mm), self.model.tissue.areas)
        fields = self.model.solve_loads(np.stack([p.unit_load for p in placed]))
        by_id = {f"{spec.name}_{side}": fields[k] for k, side in enumerate(SIDES)}
        return tuple(score_field(by_id[muscle], self.fields[shape], self.vertex[lm], self.mask, shape, muscle, lm)
                     for shape, muscle, lm in self.pairs if muscle in by_id)


def _muscle_name(muscle_id: str) -> str:
    base, side = split_sided(muscle_id)
    if side is None:
        raise InputError(f"{muscle_id}: a muscle id ends in _left or _right")
    return base


def _search(targets: _Targets, spec: MuscleSpec, reference_ipd_mm: float, x0: np.ndarray, lo: np.ndarray,
            width: np.ndarray, max_evaluations: int):
    """Nelder-Mead over the box scaled to [0, 1]^6, from ``x0``; returns (scipy result, evaluations)."""
    count = 0

    def objective(z):
        nonlocal count
        count += 1
        x = lo + np.clip(z, 0.0, 1.0) * width
        return sum(p.objective for p in targets.scores(with_parameters(spec, x), reference_ipd_mm))

    z0 = (x0 - lo) / width
    simplex = np.vstack([z0] + [z0 + np.where(np.arange(6) == k, 0.15 if z0[k] < 0.85 else -0.15, 0.0)
                                for k in range(6)])
    best = minimize(objective, z0, method="Nelder-Mead", bounds=[(0.0, 1.0)] * 6,
                    options={"maxfev": max(int(max_evaluations), 7), "initial_simplex": simplex,
                             "xatol": 1e-3, "fatol": 1e-5})
    return best, count


def fit_anatomy_to_facs(model: FaceModel, result: ImportResult, directory: Path | str,
                      pairs=CALIBRATION_PAIRS, bounds: FitBounds = FitBounds(),
                      max_evaluations: int = 400) -> FacsFitResult:
    """Fit the placement of each paired muscle to its ICT FACS shapes (see the module docstring).

    Parameters
    ----------
    model : FaceModel on ``result.face`` (its factorized tissue is reused; never refactorized)
    result : ImportResult of facesim.scan.ict.import_ict (whole, no decimation)
    directory : the ICT-FaceKit folder (the expression shapes)
    pairs : (shape, muscle id, landmark) triples, default facesim.scan.ict.CALIBRATION_PAIRS
    bounds : FitBounds
    max_evaluations : int, objective evaluations per muscle (Nelder-Mead)

    Returns
    -------
    FacsFitResult; a muscle's fit never ends worse than its start (if the search does not
    improve on it, the start is kept). Fitted values are rounded to 0.1 mm.
    """
    start = model.anatomy
    targets = _Targets(model, result, directory, pairs)
    names = list(dict.fromkeys(_muscle_name(m) for _, m, _ in targets.pairs))
    fits = []
    for name in names:
        if name not in start.names:
            raise InputError(f"muscle {name} is not in the anatomy; the calibration pairs need it")
        spec = start.muscles[start.names.index(name)]
        x0, box = muscle_parameters(spec), parameter_bounds(spec, bounds)
        lo, width = box[:, 0], np.maximum(box[:, 1] - box[:, 0], 1e-12)
        best, count = _search(targets, spec, start.reference_ipd_mm, x0, lo, width, max_evaluations)
        x = np.clip(np.round(lo + np.clip(best.x, 0, 1) * width, ROUND_DECIMALS), box[:, 0], box[:, 1])
        before = targets.scores(spec, start.reference_ipd_mm)
        after = targets.scores(with_parameters(spec, x), start.reference_ipd_mm)
        if sum(p.objective for p in after) > sum(p.objective for p in before):
            x, after = x0, before
        fits.append(MuscleFit(name, x0, x, box, before, after, count))
    calibration = FacsFitResult(start, start, tuple(fits))
    return replace(calibration, anatomy=calibration.anatomy_with(names))


def fit_ict(directory: Path | str, anatomy: Anatomy | None = None, bounds: FitBounds = FitBounds(),
                  max_evaluations: int = 400) -> FacsFitResult:
    """Import the ICT face from ``directory``, build its model once and run fit_anatomy_to_facs."""
    from facesim.scan.ict import import_ict

    result = import_ict(directory)
    return fit_anatomy_to_facs(FaceModel(result.face, anatomy=anatomy), result, directory,
                             bounds=bounds, max_evaluations=max_evaluations)
