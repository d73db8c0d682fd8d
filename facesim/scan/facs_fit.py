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

``builtin_acceptance`` then checks the built-in face's acceptance conditions
(tests/test_model.py) with a fitted anatomy, and ``accepted_anatomy`` keeps the
largest set of fitted muscles that passes them.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from scipy.optimize import minimize

from facesim.anatomy.muscles import Anatomy, MuscleSpec, PointSpec, place_muscles
from facesim.errors import InputError
from facesim.face.names import SIDES, split_sided
from facesim.scan.ict import CALIBRATION_PAIRS, FIELD_REGIONS, expression_field
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
    a, m = target[landmark_vertex], field[landmark_vertex]
    frontal = np.degrees(np.arctan2(m[1], m[0]) - np.arctan2(a[1], a[0]))
    frontal = (frontal + 180.0) % 360.0 - 180.0
    cos3 = a @ m / max(np.linalg.norm(a) * np.linalg.norm(m), 1e-300)
    d, b = target[mask], field[mask]
    cosine = np.sum(d * b) / max(np.linalg.norm(d) * np.linalg.norm(b), 1e-300)
    return PairScore(shape, muscle, landmark, float(frontal), float(np.degrees(np.arccos(np.clip(cos3, -1, 1)))),
                     float(cosine))


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
        self.mask = np.zeros(face.n_vertices, dtype=bool)
        for r in FIELD_REGIONS:
            self.mask |= face.region(r)
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


# --- the built-in face's acceptance conditions (tests/test_model.py) -------------------------

SMILE_EXCURSION_MM = (7.0, 12.0)
SMILE_ANGLE_DEG = (35.0, 60.0)
REST_CORNER_MAX_MM = 1.5


@dataclass(frozen=True)
class Acceptance:
    """The built-in face's acceptance numbers with one anatomy (conditions of tests/test_model.py).

    Attributes
    ----------
    excursion_mm : (left, right) smile excursion, mm (7-12)
    angle_deg : (left, right) smile angle, degrees (35-60)
    rest_corner_mm : float, largest corner motion from the unloaded face to rest, mm (< 1.5)
    asymmetry_mm : float, largest left-right metric difference of a symmetric patient, mm (~0)
    strong_zygomaticus_ok : bool, a 1.5x right zygomaticus lifts the right corner up and out
    toned_dao_ok : bool, tone 4 on the right DAO lowers the right corner at rest by > 0.3 mm
    """

    excursion_mm: tuple[float, float]
    angle_deg: tuple[float, float]
    rest_corner_mm: float
    asymmetry_mm: float
    strong_zygomaticus_ok: bool
    toned_dao_ok: bool

    @property
    def passed(self) -> bool:
        return (all(SMILE_EXCURSION_MM[0] <= e <= SMILE_EXCURSION_MM[1] for e in self.excursion_mm)
                and all(SMILE_ANGLE_DEG[0] <= a <= SMILE_ANGLE_DEG[1] for a in self.angle_deg)
                and self.rest_corner_mm < REST_CORNER_MAX_MM and self.asymmetry_mm < 1e-6
                and self.strong_zygomaticus_ok and self.toned_dao_ok)

    def line(self) -> str:
        return (f"smile excursion {self.excursion_mm[0]:.2f}/{self.excursion_mm[1]:.2f} mm (7-12), "
                f"angle {self.angle_deg[0]:.1f}/{self.angle_deg[1]:.1f} deg (35-60), "
                f"rest corner {self.rest_corner_mm:.2f} mm (< 1.5), "
                f"sidedness {'ok' if self.strong_zygomaticus_ok and self.toned_dao_ok else 'FAILS'}: "
                f"{'passes' if self.passed else 'FAILS'}")


def builtin_acceptance(anatomy: Anatomy, n_vertices: int | None = None) -> Acceptance:
    """Check the built-in face's acceptance conditions with ``anatomy`` (builds one model)."""
    from facesim.anatomy.patient import Patient
    from facesim.face.builtin import DEFAULT_N_VERTICES, build_face
    from facesim.tissue.patient_metrics import patient_metrics

    model = FaceModel(build_face(n_vertices or DEFAULT_N_VERTICES), anatomy=anatomy)
    m = patient_metrics(model, Patient())
    ids = [model.face.landmark_index(f"cheilion_{s}") for s in ("left", "right")]
    rest = model.displacement(model.forces(Patient(), "rest"), ids)
    asym = max(abs(float(getattr(m, k))) for k in ("height_deviation", "rest_height_deviation",
                                                    "lower_lip_deviation", "excursion_difference"))
    base = model.shape(Patient(), "smile")
    strong = model.shape(Patient(strength={"zygomaticus_major_right": 1.5}), "smile")
    d = strong[ids[1]] - base[ids[1]]
    zyg_ok = bool(d[1] > 0.5 and d[0] < -0.2 and np.linalg.norm(strong[ids[0]] - base[ids[0]]) < 0.1 * np.linalg.norm(d))
    zm = patient_metrics(model, Patient(strength={"zygomaticus_major_right": 1.5}))
    zyg_ok = zyg_ok and bool(zm.height_deviation < -0.5 and zm.excursion_difference < -0.5)
    toned = model.displacement(model.forces(Patient(tone={"dao_right": 4.0}), "rest"), ids[1:])[0]
    dao_ok = bool(toned[1] < rest[1][1] - 0.3
                  and patient_metrics(model, Patient(tone={"dao_right": 4.0})).rest_height_deviation > 0.3)
    return Acceptance((float(m.excursion_left), float(m.excursion_right)),
                      (float(m.angle_left), float(m.angle_right)),
                      float(np.linalg.norm(rest, axis=1).max()), asym, zyg_ok, dao_ok)


def accepted_anatomy(calibration: FacsFitResult, n_vertices: int | None = None
                     ) -> tuple[Anatomy, tuple[str, ...], Acceptance]:
    """The largest set of fitted muscles whose anatomy keeps the built-in acceptance.

    Tries every subset of the improved muscles, largest first (ties: lower objective first).
    Returns (anatomy, kept muscle names, its Acceptance); with nothing kept, the start anatomy.
    """
    improved = [f for f in calibration.fits if f.objective_after < f.objective_before]
    gain = {f.name: f.objective_before - f.objective_after for f in improved}
    subsets = [c for k in range(len(improved), 0, -1) for c in
               sorted(itertools.combinations([f.name for f in improved], k), key=lambda c: -sum(gain[n] for n in c))]
    for names in subsets:
        anatomy = calibration.anatomy_with(names)
        check = builtin_acceptance(anatomy, n_vertices)
        if check.passed:
            return anatomy, tuple(names), check
    return calibration.start, (), builtin_acceptance(calibration.start, n_vertices)


# --- writing an anatomy file ------------------------------------------------------------------

def _num(v: float) -> str:
    return f"{round(float(v), 3):g}" if float(v) != int(v) else f"{float(v):.1f}"


def _point_toml(p: PointSpec) -> str:
    return f'{{ landmark = "{p.landmark}", offset_mm = [{", ".join(_num(v) for v in p.offset_mm)}] }}'


def anatomy_toml(anatomy: Anatomy, header: list[str] = ()) -> str:
    """The text of an anatomy file (readable by Anatomy.from_file) with ``header`` as comment lines."""
    out = [f"# {h}" if h else "#" for h in header]
    out += [f"reference_ipd_mm = {_num(anatomy.reference_ipd_mm)}", ""]
    for m in anatomy.muscles:
        out += ["[[muscle]]", f'name = "{m.name}"', f'label = "{m.label}"', f'kind = "{m.kind}"',
                f"max_force_n = {_num(m.max_force_n)}"]
        if m.sources:
            out.append(f"sources = {{ {', '.join(f'{k} = {json.dumps(v)}' for k, v in m.sources)} }}")
        if m.kind == "linear":
            out.append(f"falloff_mm = {_num(m.falloff_mm)}")
        else:
            out.append(f"semi_axes_mm = [{', '.join(_num(v) for v in m.semi_axes_mm)}]")
            out.append(f"midline_taper_mm = {_num(m.midline_taper_mm)}")
        if m.region:
            out.append(f'region = "{m.region}"')
        for key in ("insertion", "origin", "centre"):
            p = getattr(m, key)
            if p is not None:
                out.append(f"{key} = {_point_toml(p)}")
        t = m.territory
        if t is not None:
            parts = []
            if t.length_fraction is not None:
                parts.append(f"length_fraction = {_num(t.length_fraction)}")
            else:
                parts += [f"start = {_point_toml(t.start)}", f"end = {_point_toml(t.end)}"]
            parts += [f"half_width_mm = {_num(t.half_width_mm)}", f'depth = "{t.depth}"']
            out.append(f"territory = {{ {', '.join(parts)} }}")
        out.append("")
    return "\n".join(out)
