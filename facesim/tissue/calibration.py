"""One face, the normal smile: the tissue stiffness of a face calibrated on its own landmarks.

The tissue constants (facesim/data/tissue.toml) are a reference, but a mesh's response to the
same muscle forces also depends on its size, its bone-tie map and its resolution: with the
reference constants the default smile moved the commissures 8.9 mm on the built-in face and
7.2 mm on the ICT face. So every face gets one scalar, fitted on its own landmarks:

    fitted : c, a factor on the whole tissue stiffness (K -> c K; the membrane and the bone tie
             together), so every muscle field is divided by c
    so that : the default smile of an average patient (every multiplier 1, ``smile`` minus
             ``rest`` of facesim/data/expressions.toml) moves the commissures by
             ``[calibration] smile_excursion_mm`` (9 mm, the normative excursion)
    measured : as the metrics measure it (facesim.metrics.corner_metrics): ``cheilion_left`` and
             ``cheilion_right`` (3 mm skin patches) in the frontal frame of ``pupil_left`` and
             ``pupil_right``; the mean of the two sides' excursions

The direction of the smile is not fitted: it follows the muscles' lines of action and the
activations. Nothing else is scaled; the filler and corner-lift fields are normalised by their
volume and lift, so c does not change them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from facesim.datafiles import bundled
from facesim.errors import InputError
from facesim.face.stencil import landmark_stencils
from facesim.metrics import METRIC_LANDMARKS, corner_metrics

ITERATIONS = 4  # the excursion is linear in 1/c up to the pupils' own tiny motion; 4 steps reach 1e-9 mm


@dataclass(frozen=True)
class SmileCalibration:
    """The stiffness calibration of one face.

    Attributes
    ----------
    target_mm : float, mm, the normative excursion the default smile is scaled to
    uncalibrated_mm : float, mm, the default smile's mean excursion with the reference constants (c = 1)
    stiffness_scale : float, c (K -> c K); > 1 stiffer than the reference, < 1 softer
    """

    target_mm: float
    uncalibrated_mm: float
    stiffness_scale: float

    def line(self) -> str:
        return (f"smile calibration: default smile {self.uncalibrated_mm:.2f} mm with the reference tissue, "
                f"stiffness x{self.stiffness_scale:.3f} -> {self.target_mm:.2f} mm")


def _mean_excursion(rest: np.ndarray, moved_rest: np.ndarray, moved_smile: np.ndarray, t: float) -> float:
    m = corner_metrics(rest + t * moved_rest, rest + t * moved_smile)
    return 0.5 * float(m.excursion_left + m.excursion_right)


def smile_calibration(model, basis: np.ndarray) -> SmileCalibration:
    """Fit the stiffness factor of ``model``'s face from its uncalibrated ``basis`` (see the module).

    Parameters
    ----------
    model : FaceModel under construction (face, tissue areas, muscle forces, expressions)
    basis : (n_muscles, n, 3) float array, mm/N, the muscle fields with the reference constants

    Raises InputError when the factor falls outside ``[calibration] stiffness_factor_range``
    (a face whose landmarks, units or mouth cut are wrong).
    """
    settings = bundled.tissue().calibration
    weights = landmark_stencils(model.face, METRIC_LANDMARKS, model.tissue.areas)
    rest = weights @ model.face.vertices
    landmark_basis = np.stack([weights @ b for b in basis])
    ones = np.ones(len(model.muscle_ids))
    moved = [np.tensordot(model.muscle_forces(model.expressions.get(e), ones, ones), landmark_basis, axes=(0, 0))
             for e in ("rest", "smile")]
    target = float(settings.smile_excursion_mm)
    before = _mean_excursion(rest, *moved, 1.0)
    t = 1.0
    for _ in range(ITERATIONS):
        now = _mean_excursion(rest, *moved, t)
        if not now > 0:
            break
        t *= target / now
    scale = 1.0 / t if before > 0 else float("inf")
    low, high = settings.stiffness_factor_range
    if not low <= scale <= high:
        raise InputError(
            f"face {model.face.name!r}: its default smile moves the corners {before:.2f} mm with the reference "
            f"tissue (the normal smile is {target:g} mm; a stiffness factor {scale:.3g} is outside {low:g}-{high:g}); "
            "check the landmarks (commissures, pupils), the units and the mouth cut")
    return SmileCalibration(target, before, scale)
