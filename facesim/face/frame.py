"""Units and orientation of a scanned face, from its landmarks.

facesim's frame (DESIGN.md): mm, +x the patient's left, +y up, +z out of the
face. A scan may come in metres, centimetres or millimetres and in any pose.
The unit is the one that makes the inter-pupillary (or inter-canthal) distance
an adult's; the pose is the rotation that best lays the scan's landmarks onto
the built-in face's (a least-squares fit, Kabsch), so that an imported face
and the built-in one are seen from the same front.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from facesim.errors import InputError

#: Unit name -> millimetres per unit.
UNITS_MM = {"mm": 1.0, "cm": 10.0, "m": 1000.0, "in": 25.4}
#: Typical adult distances (mm) used to recognise the unit.
TYPICAL_MM = {("pupil_left", "pupil_right"): 62.0, ("endocanthion_left", "endocanthion_right"): 32.0,
              ("exocanthion_left", "exocanthion_right"): 90.0, ("cheilion_left", "cheilion_right"): 50.0}
PLAUSIBLE_FACTOR = 1.6  # a face whose size is this far from typical in every unit is rejected
#: Landmarks used for the pose fit (those present on both faces are used).
POSE_LANDMARKS = (
    "pupil_left", "pupil_right", "endocanthion_left", "endocanthion_right", "exocanthion_left",
    "exocanthion_right", "alare_left", "alare_right", "pronasale", "subnasale", "nasion",
    "cheilion_left", "cheilion_right", "labiale_superius", "labiale_inferius", "stomion",
    "pogonion", "menton",
)
#: Plausible adult inter-pupillary distances, mm (README, input limits): landmark files and imported meshes.
IPD_RANGE_MM = (45.0, 80.0)
POSE_RMS_LIMIT = 0.25  # fit residual (RMS over the IPD) above which the landmarks do not look like a face


def detect_units(points: dict[str, np.ndarray]) -> tuple[str, float]:
    """The unit of landmark positions, from typical facial distances.

    Parameters
    ----------
    points : name -> (3,) float array, in the file's units

    Returns
    -------
    (unit name, measured distance in mm in that unit's reading of the first usable pair)
    """
    for (a, b), typical in TYPICAL_MM.items():
        if a in points and b in points:
            d = float(np.linalg.norm(points[a] - points[b]))
            if not d > 0:
                raise InputError(f"landmarks {a} and {b} coincide; check the landmark file")
            unit = min(UNITS_MM, key=lambda u: abs(np.log(d * UNITS_MM[u] / typical)))
            if abs(np.log(d * UNITS_MM[unit] / typical)) > np.log(PLAUSIBLE_FACTOR):
                raise InputError(
                    f"{a}-{b} distance is {d:.4g} file units, which is not a face in mm, cm or m "
                    f"(expected about {typical:.0f} mm); give --units"
                )
            return unit, d * UNITS_MM[unit]
    raise InputError("cannot detect units: give pupils or canthi landmarks, or --units mm|cm|m")


@lru_cache(maxsize=1)
def reference_landmarks() -> dict[str, np.ndarray]:
    """Landmark positions (mm) of a coarse built-in face: the reference pose."""
    from facesim.face.builtin import build_face

    face = build_face(3000)
    return {name: face.vertices[i].copy() for name, i in face.landmarks.items()}


@dataclass(frozen=True)
class Pose:
    """A similarity transform ``x_mm = scale * (x - origin) @ rotation.T + offset`` into facesim's frame.

    Attributes
    ----------
    scale : float, mm per file unit
    rotation : (3, 3) float array (proper rotation)
    origin : (3,) float array, file units (the midpoint between the pupils)
    offset : (3,) float array, mm (where that midpoint goes: the built-in face's, scaled by the IPD)
    rms_mm : float, residual of the landmark fit against the reference face (after scaling to its IPD)
    """

    scale: float
    rotation: np.ndarray
    origin: np.ndarray
    offset: np.ndarray
    rms_mm: float = 0.0

    def apply(self, points: np.ndarray) -> np.ndarray:
        return self.scale * (np.asarray(points, float) - self.origin) @ self.rotation.T + self.offset

    def apply_vectors(self, vectors: np.ndarray) -> np.ndarray:
        """Map displacement vectors (no translation)."""
        return self.scale * np.asarray(vectors, float) @ self.rotation.T


def fit_pose(points: dict[str, np.ndarray], scale: float) -> Pose:
    """Rotation that lays ``points`` (file units) onto the reference face's landmarks.

    The pupils must be present. Raises InputError when fewer than 4 usable
    landmarks exist or when the best fit leaves a residual that no face would
    (left and right swapped, a mirrored scan, landmarks from another mesh).
    """
    ref = reference_landmarks()
    names = [n for n in POSE_LANDMARKS if n in points and n in ref]
    for needed in ("pupil_left", "pupil_right"):
        if needed not in points:
            raise InputError(f"landmark {needed} is missing; it is needed to orient the face")
    if len(names) < 4:
        raise InputError(f"only {len(names)} landmarks to orient the face ({', '.join(names)}); give at least "
                         "the pupils, the nose tip (pronasale) and the chin (menton or pogonion)")
    p = np.array([points[n] for n in names], float) * scale
    q = np.array([ref[n] for n in names])
    ipd = np.linalg.norm(points["pupil_left"] - points["pupil_right"]) * scale
    ref_ipd = np.linalg.norm(ref["pupil_left"] - ref["pupil_right"])
    p_c = (p - p.mean(0)) * (ref_ipd / ipd)
    q_c = q - q.mean(0)
    u, _, vt = np.linalg.svd(q_c.T @ p_c)
    d = np.sign(np.linalg.det(u @ vt))
    rotation = u @ np.diag([1.0, 1.0, d]) @ vt
    rms = float(np.sqrt(np.mean(np.sum((p_c @ rotation.T - q_c) ** 2, axis=1))))
    if rms > POSE_RMS_LIMIT * ref_ipd:
        raise InputError(
            f"the landmarks do not fit a face (residual {rms:.0f} mm after the best rotation); "
            "check that left and right are the patient's own and that the landmarks belong to this mesh"
        )
    origin = 0.5 * (points["pupil_left"] + points["pupil_right"])
    offset = 0.5 * (ref["pupil_left"] + ref["pupil_right"]) * (ipd / ref_ipd)
    return Pose(scale=scale, rotation=rotation, origin=np.asarray(origin, float), offset=offset, rms_mm=rms)
