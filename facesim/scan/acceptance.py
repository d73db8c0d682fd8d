"""Whether an anatomy keeps the built-in face's acceptance (smile size and direction, a quiet rest).

A FACS fit (facesim.scan.facs_fit) is kept only when the built-in face still passes.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from facesim.anatomy.muscles import Anatomy
from facesim.scan.facs_fit import FacsFitResult
from facesim.tissue.model import FaceModel

SMILE_EXCURSION_MM = (8.0, 10.0)  # 9 +- 1 mm, the normal excursion (clinical-parameters section 7)
SMILE_ANGLE_DEG = (45.0, 50.0)  # the normal direction, ~47 degrees (section 7)
REST_CORNER_MAX_MM = 1.5


@dataclass(frozen=True)
class Acceptance:
    """The built-in face's acceptance numbers with one anatomy (conditions of tests/test_model.py).

    Attributes
    ----------
    excursion_mm : (left, right) smile excursion, mm (8-10)
    angle_deg : (left, right) smile angle, degrees (45-50)
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
        return (f"smile excursion {self.excursion_mm[0]:.2f}/{self.excursion_mm[1]:.2f} mm "
                f"({SMILE_EXCURSION_MM[0]:g}-{SMILE_EXCURSION_MM[1]:g}), angle {self.angle_deg[0]:.1f}/"
                f"{self.angle_deg[1]:.1f} deg ({SMILE_ANGLE_DEG[0]:g}-{SMILE_ANGLE_DEG[1]:g}), "
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




#: A symmetric patient on an imported face showing more asymmetry than this (mm) after repairs or
#: decimation gets a warning: part of it may be the mesh work, not the patient. Below the 1.3-1.5 mm
#: repeat-measurement noise of 3D smiles (clinical-parameters section 7, Tanikawa & Takada 2018).
REPAIR_ASYMMETRY_WARN_MM = 1.0
#: Repairs that change the surface the muscles move (the others only renumber or re-wind it).
SURFACE_REPAIRS = ("removed", "decimated")


def check_own_asymmetry(face, report) -> None:
    """Add to an ImportReport what a symmetric patient shows on ``face`` (builds one model).

    ``report.own_asymmetry`` gets the rest and smile corner height deviations, the excursion
    difference and the lower lip's deviation (mm, left minus right): the face's own asymmetry, which
    the planner counts as the patient's. A warning follows when repairs changed the surface and the
    asymmetry reaches REPAIR_ASYMMETRY_WARN_MM.
    """
    from facesim.anatomy.patient import Patient
    from facesim.tissue.patient_metrics import patient_metrics

    m = patient_metrics(FaceModel(face), Patient())
    parts = {"rest": m.rest_height_deviation, "smile": m.height_deviation, "excursion": m.excursion_difference,
             "lower lip": m.lower_lip_deviation}
    report.own_asymmetry = (f"a symmetric patient on this face shows {float(m.asymmetry):.2f} mm (left minus right: "
                            + ", ".join(f"{k} {float(v):+.2f}" for k, v in parts.items()) + ")")
    surface = [r for r in report.repairs if r.startswith(SURFACE_REPAIRS)]
    if surface and float(m.asymmetry) >= REPAIR_ASYMMETRY_WARN_MM:
        report.warnings.append(
            f"after the repairs ({'; '.join(surface)}) a symmetric patient shows {float(m.asymmetry):.1f} mm of "
            "asymmetry: part of it may be the mesh work, not the face; the planner would treat it as the "
            "patient's (" + ("import with a larger --decimate, or none, and compare)" if any(
                r.startswith("decimated") for r in surface) else "repair the scan in a mesh editor and compare)"))
