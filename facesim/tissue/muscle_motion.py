"""What each muscle alone does to the mouth: its landmark's motion at full activation.

The line of action of a muscle, as the face shows it: the motion of the commissure
(for the lower-lip muscles, of the lower-lip point) when that one muscle pulls at its
``max_force_n``, read as the metrics read landmarks (3 mm skin patches) and given in
the frontal frame of the pupils. ``tools/muscle_motion.py`` prints it for the built-in
and ICT faces.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from facesim.face.names import SIDE_SIGN, SIDES, sided
from facesim.geometry.frontal import to_frontal_vectors
from facesim.tissue.model import FaceModel

#: Muscles whose motion is read at the lower-lip point (``lower_lip_<side>``); the others at the commissure.
LOWER_LIP_MUSCLES = ("dli", "mentalis")


@dataclass(frozen=True)
class MuscleMotion:
    """One muscle's landmark motion at full activation.

    Attributes
    ----------
    muscle_id, landmark : str
    force_n : float, N, the muscle's max_force_n
    motion_mm : (3,) float array, mm, [lateral (toward that side), superior, anterior]
    frontal_mm : float, mm, the motion in the frontal (photograph) plane
    angle_deg : float, degrees above the lateral horizontal (-90 straight down, 180 medial)
    cheek_anterior_mm : float, mm, the area-mean anterior motion of that side's cheek region
        (negative: the cheek is pressed back against the teeth, as the buccinator does)
    """

    muscle_id: str
    landmark: str
    force_n: float
    motion_mm: np.ndarray
    frontal_mm: float
    angle_deg: float
    cheek_anterior_mm: float


def landmark_of(muscle: str, side: str) -> str:
    """The landmark a muscle's motion is read at: the lower-lip point for the DLI and mentalis."""
    return sided("lower_lip" if muscle in LOWER_LIP_MUSCLES else "cheilion", side)


def frontal_motion(model: FaceModel, field: np.ndarray, landmark: str, side: str) -> tuple[np.ndarray, float, float]:
    """A field's motion (3,) mm [lateral, superior, anterior] at ``landmark`` (its skin patch), its
    frontal length (mm) and its angle above the lateral horizontal (degrees) on ``side``."""
    face = model.face
    d = np.asarray(model.landmark_weights((landmark,)) @ field)[0]
    fx, fy = to_frontal_vectors(d[None], face.landmark_position("pupil_left"), face.landmark_position("pupil_right"))[0]
    lateral = SIDE_SIGN[side] * fx
    return np.array([lateral, fy, d[2]]), float(np.hypot(fx, fy)), float(np.degrees(np.arctan2(fy, lateral)))


def muscle_motions(model: FaceModel, side: str = "left") -> list[MuscleMotion]:
    """Every muscle of ``side`` (anatomy order): its landmark's motion at its max force."""
    if side not in SIDES:
        raise ValueError(f"side {side!r}; use left or right")
    face = model.face
    cheek = face.region("cheek") & (SIDE_SIGN[side] * face.vertices[:, 0] > 0)
    weights = model.tissue.areas * cheek / max(float(model.tissue.areas[cheek].sum()), 1e-300)
    out = []
    for muscle in model.anatomy.muscles:
        mid = sided(muscle.name, side)
        k = model.index(mid)
        field = model.basis[k] * model.max_force[k]
        landmark = landmark_of(muscle.name, side)
        motion, frontal, angle = frontal_motion(model, field, landmark, side)
        out.append(MuscleMotion(mid, landmark, float(model.max_force[k]), motion, frontal, angle,
                                float(weights @ field[:, 2])))
    return out
