"""Landmarks found on a photograph: the iBUG 68 points, both iris circles and the head pose, in pixels.

::

    found = read_photo_landmarks("rest.jpg")
    found.ibug            # (68, 2) float, image pixels (x to the viewer's right, y down)
    found.iris_centre     # {"right": (2,), "left": (2,)}, the patient's sides
    found.pose_deg        # (yaw, pitch, roll), degrees (facesim.photo.mesh68.head_pose_deg)

Mirror averaging (on by default): the photo is also read flipped left-right, the flipped points are
mapped back (x -> width - x, each point swapped with its mirror, iBUG 48 <-> 54 ...), and the two are
averaged. A detector that places one side's points a little differently from the other's (up to
0.23 mm on test photos) then errs the same way on both sides, and the left-right difference cancels.
The 478 Face Mesh points are averaged the same way (mesh68.MESH_MIRROR swaps each with its mirror).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from facesim.errors import InputError
from facesim.photo import mesh68


@dataclass(frozen=True)
class PhotoLandmarks:
    """Landmarks of one face on one photo, image pixels (x to the viewer's right, y down).

    Attributes
    ----------
    ibug : (68, 2) float array, px, the iBUG points (48 the patient's right mouth corner)
    iris_centre : dict side -> (2,) float array, px ("right" / "left": the patient's sides)
    iris_radius : dict side -> float, px
    mesh : (478, 3) float array, px, the Face Mesh points (mirror-averaged when ``mirrored``; z toward the
        camera negative)
    pose_deg : (yaw, pitch, roll), degrees (mesh68.head_pose_deg)
    eye_openness : dict side -> float, lid gap over iris diameter (mesh68.eye_openness)
    size : (width, height) of the photo, px
    mirrored : bool, whether mirror averaging was applied
    source : str, for messages
    """

    ibug: np.ndarray
    iris_centre: dict[str, np.ndarray]
    iris_radius: dict[str, float]
    mesh: np.ndarray
    pose_deg: tuple[float, float, float]
    eye_openness: dict[str, float] = field(default_factory=dict)
    size: tuple[int, int] = (0, 0)
    mirrored: bool = True
    source: str = "photo"

    @property
    def ipd_px(self) -> float:
        """Distance between the iris centres, px."""
        return float(np.linalg.norm(self.iris_centre["left"] - self.iris_centre["right"]))

    @property
    def iris_diameter_px(self) -> float:
        """Mean iris diameter of the two eyes, px."""
        return float(np.mean(list(self.iris_radius.values())) * 2.0)


def _choose(faces: list[np.ndarray], face: int | None, source: str) -> np.ndarray:
    """The face to measure: the only one, or the ``face``-th (1-based) counting from the viewer's left."""
    if not faces:
        raise InputError(f"{source}: no face found; give a frontal photo with the whole face visible and lit")
    ordered = sorted(faces, key=lambda m: float(m[:, 0].mean()))
    if face is None:
        if len(ordered) > 1:
            raise InputError(f"{source}: {len(ordered)} faces found; choose one with --face N "
                             f"(1 to {len(ordered)}, counted from the viewer's left)")
        return ordered[0]
    if not 1 <= face <= len(ordered):
        raise InputError(f"{source}: --face {face}, but {len(ordered)} face(s) found; give 1 to {len(ordered)}")
    return ordered[face - 1]


def _unflip(mesh_flipped: np.ndarray, width: int) -> np.ndarray:
    """Face Mesh points of the flipped photo back in the photo's x (points not yet swapped)."""
    out = np.array(mesh_flipped, float)
    out[:, 0] = width - out[:, 0]
    return out


def _nearest(faces: list[np.ndarray], target: np.ndarray) -> np.ndarray | None:
    """The face whose centre is nearest ``target``'s (None when none is found)."""
    if not faces:
        return None
    return min(faces, key=lambda m: float(np.linalg.norm(m[:, :2].mean(0) - target[:, :2].mean(0))))


def photo_landmarks(rgb: np.ndarray, face: int | None = None, mirror: bool = True,
                    source: str = "photo") -> PhotoLandmarks:
    """Find the landmarks of one face on ``rgb`` ((h, w, 3) uint8); see the module notes.

    ``face`` chooses one of several faces (1-based, from the viewer's left); ``mirror`` averages the
    photo with its mirror image. The quality gates are facesim.photo.gates.
    """
    from facesim.photo.detect import face_mesh_points

    rgb = np.asarray(rgb)
    height, width = rgb.shape[:2]
    mesh = _choose(face_mesh_points(rgb), face, source)
    mirrored = False
    if mirror:
        back = _nearest([_unflip(m, width) for m in face_mesh_points(np.ascontiguousarray(rgb[:, ::-1]))], mesh)
        if back is not None:  # its patient's right is the photo's patient's left: swap the sides
            mesh = 0.5 * (mesh + back[mesh68.MESH_MIRROR])
            mirrored = True
    ibug = mesh68.ibug68_from_mesh(mesh)[:, :2]
    circles = mesh68.iris_circles(mesh)
    return PhotoLandmarks(ibug=ibug, iris_centre={k: c for k, (c, _) in circles.items()},
                          iris_radius={k: r for k, (_, r) in circles.items()}, mesh=mesh,
                          pose_deg=mesh68.head_pose_deg(mesh), eye_openness=mesh68.eye_openness(mesh),
                          size=(width, height), mirrored=mirrored, source=source)


def read_photo_landmarks(path: Path | str, face: int | None = None, mirror: bool = True,
                         field_name: str = "photo") -> PhotoLandmarks:
    """The landmarks of the photo at ``path`` (read by facesim.photo.image.read_rgb)."""
    from facesim.photo.image import read_rgb

    path = Path(path)
    return photo_landmarks(read_rgb(path, field_name), face=face, mirror=mirror, source=str(path))
