"""MediaPipe Face Mesh's 478 points -> the iBUG 68 points facesim measures, and the two iris circles.

The 68 indices below pick, for each iBUG point (facesim.face.ibug68: 48 the patient's right mouth corner,
54 the left, 36-41 the right eye, 42-47 the left), the Face Mesh point on the same anatomy. The table is
mirror-consistent: iBUG point i and its mirror ``IBUG_MIRROR[i]`` take Face Mesh points that are each
other's mirror image (61 <-> 291, 33 <-> 263, ...), so a mirrored photo gives mirrored landmarks.

Irises (``refine_landmarks``): 468 is the centre of the patient's RIGHT iris (the viewer's left on a
frontal photo) and 469-472 its rim; 473 the LEFT iris centre and 474-477 its rim.
"""

from __future__ import annotations

import numpy as np

from facesim.face.ibug68 import IBUG_MIRROR, N_IBUG

#: ``MESH_TO_IBUG[i]`` is the Face Mesh index of iBUG point i (0-based).
MESH_TO_IBUG = np.array([
    127, 234, 93, 132, 58, 172, 136, 149, 152, 378, 365, 397, 288, 361, 323, 454, 356,  # jaw 0-16
    70, 63, 105, 66, 107,  # the patient's right brow, outer to inner (17-21)
    336, 296, 334, 293, 300,  # the left brow, inner to outer (22-26)
    168, 197, 5, 4,  # nose bridge to the tip (27-30)
    64, 97, 2, 326, 294,  # nostrils (31-35): alae at 31 and 35, subnasale 33
    33, 160, 158, 133, 153, 144,  # right eye: exocanthion 36, upper lid, endocanthion 39, lower lid
    362, 385, 387, 263, 373, 380,  # left eye: endocanthion 42, upper lid, exocanthion 45, lower lid
    61, 39, 37, 0, 267, 269, 291,  # outer upper lip, right corner 48 to left corner 54
    405, 314, 17, 84, 181,  # outer lower lip, left to right (55-59)
    78, 82, 13, 312, 308,  # inner upper lip (60-64)
    317, 14, 87,  # inner lower lip (65-67)
])
assert MESH_TO_IBUG.shape == (N_IBUG,)

#: Face Mesh indices of each iris: (centre, 4 rim points); "right" and "left" are the patient's.
IRIS = {"right": (468, (469, 470, 471, 472)), "left": (473, (474, 475, 476, 477))}


def ibug68_from_mesh(mesh: np.ndarray) -> np.ndarray:
    """The (68, d) iBUG points, same units and frame as ``mesh`` ((478, d) Face Mesh points)."""
    return np.asarray(mesh, float)[MESH_TO_IBUG]


def iris_circles(mesh: np.ndarray) -> dict[str, tuple[np.ndarray, float]]:
    """Each iris as (centre (2,), radius), image pixels: the mean of its 5 points and the mean distance
    of its 4 rim points from that centre (in the image plane), by the patient's side."""
    mesh = np.asarray(mesh, float)
    out = {}
    for side, (centre, rim) in IRIS.items():
        pts = mesh[[centre, *rim], :2]
        c = pts.mean(axis=0)
        out[side] = (c, float(np.linalg.norm(mesh[list(rim), :2] - c, axis=1).mean()))
    return out


#: Face Mesh points used for the head pose and eye openness: the face's sides beside the ears, the
#: forehead top and the chin, and each eye's upper and lower lid at the iris.
FACE_SIDES = (234, 454)  # the patient's right, left
FOREHEAD, CHIN = 10, 152
LIDS = {"right": (159, 145), "left": (386, 374)}


def head_pose_deg(mesh: np.ndarray) -> tuple[float, float, float]:
    """(yaw, pitch, roll) of the head, degrees, from the 3-D points (x right, y down, z away, pixels).

    yaw: + = the face turned toward the viewer's right (its left side farther away); pitch: + = the
    chin toward the camera (head tipped back); roll: + = the patient's left eye lower in the image
    (clockwise as the viewer sees it). 0, 0, 0 is a frontal face with the eyes level.
    """
    mesh = np.asarray(mesh, float)
    across = mesh[FACE_SIDES[1]] - mesh[FACE_SIDES[0]]
    down = mesh[CHIN] - mesh[FOREHEAD]
    yaw = np.degrees(np.arctan2(across[2], np.hypot(across[0], across[1])))
    pitch = np.degrees(np.arctan2(-down[2], np.hypot(down[0], down[1])))
    eyes = mesh[IRIS["left"][0], :2] - mesh[IRIS["right"][0], :2]
    roll = np.degrees(np.arctan2(eyes[1], eyes[0]))
    return float(yaw), float(pitch), float(roll)


def eye_openness(mesh: np.ndarray) -> dict[str, float]:
    """Each eye's lid gap at the iris over its iris diameter (about 0.8 open, 0 closed), by side."""
    mesh = np.asarray(mesh, float)
    circles = iris_circles(mesh)
    return {side: float(np.linalg.norm(mesh[up, :2] - mesh[low, :2]) / (2.0 * circles[side][1]))
            for side, (up, low) in LIDS.items()}


#: Runs of mirror pairs in the face mesh, (first point, its mirror, count). Found by matching the mesh of
#: ``skimage.data.astronaut()`` with the mesh of its mirror image at 512, 768 and 1024 px and rotated 8
#: degrees (an optimal assignment; all four agreed, an involution, 28 midline points fixed); the mesh's
#: numbering is symmetric in runs. tests/test_photo_landmarks.py checks it on a photo.
_MIRROR_RUNS = ((3, 248, 1), (7, 249, 1), (20, 250, 74), (95, 324, 56), (153, 380, 11), (165, 391, 3),
                (169, 394, 6), (176, 400, 19), (196, 419, 1), (198, 420, 1), (201, 421, 47))
_IRIS_MIRROR = ((468, 473), (469, 476), (470, 475), (471, 474), (472, 477))
N_MESH = 478


def _mesh_mirror() -> np.ndarray:
    mirror = np.arange(N_MESH)
    for a, b in [(a + k, b + k) for a, b, n in _MIRROR_RUNS for k in range(n)] + list(_IRIS_MIRROR):
        mirror[a], mirror[b] = b, a
    return mirror


#: ``MESH_MIRROR[i]`` is the Face Mesh index of point i's mirror image (61 <-> 291, 468 <-> 473; the 28
#: midline points map to themselves).
MESH_MIRROR = _mesh_mirror()
assert np.all(MESH_MIRROR[MESH_MIRROR] == np.arange(N_MESH))
assert np.all(MESH_MIRROR[MESH_TO_IBUG] == MESH_TO_IBUG[IBUG_MIRROR])  # the 68-point table is mirror-consistent
