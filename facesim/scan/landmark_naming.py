"""Naming a scan's landmarks as vertices: iBUG ids to facesim names, positions snapped to the
surface, names facesim needs filled in from others, and the zygia once the face is in facesim's frame."""

from __future__ import annotations

import numpy as np
from scipy.spatial import cKDTree

from facesim.errors import InputError
from facesim.face.ibug68 import IBUG68, ibug_point
from facesim.scan.landmark_files import LandmarkInput

SNAP_TOLERANCE = 0.06  # a landmark point farther than this x IPD from every vertex is off the surface
REQUIRED = ("pupil_left", "pupil_right", "cheilion_left", "cheilion_right")
ZYGION_LATERAL = 0.22  # zygion: this fraction of the way from the outer eye corner to the tragus ...
ZYGION_BELOW_IPD = 0.31  # ... and this many inter-pupillary distances below the pupils (built-in face)


def check_indices(lm: LandmarkInput, n: int) -> None:
    """InputError if a landmark vertex id of ``lm`` is past the ``n`` vertices of the mesh."""
    bad = {k: v for k, v in lm.indices.items() if not 0 <= v < n}
    if bad:
        name, i = next(iter(bad.items()))
        raise InputError(f"{lm.source}: landmark {name} is vertex {i}, past the {n} vertices of the mesh")
    if lm.ibug is not None and (lm.ibug.min() < 0 or lm.ibug.max() >= n):
        raise InputError(f"{lm.source}: an iBUG vertex id is past the {n} vertices of the mesh")


def ibug_landmarks(vertices: np.ndarray, used: np.ndarray, ids: np.ndarray) -> tuple[dict[str, int], list[str]]:
    """facesim landmarks from 68 iBUG vertex ids; returns (name -> vertex, derived names)."""
    tree = cKDTree(vertices[used])
    landmarks, derived = {}, []
    for name, (idx, _) in IBUG68.items():
        if len(idx) == 1:  # an iBUG point is a vertex: taken as-is
            landmarks[name] = int(ids[idx[0]])
        else:  # a point between iBUG points, snapped to the nearest used vertex
            landmarks[name] = int(used[tree.query(ibug_point(vertices[ids], name))[1]])
            derived.append(name)
    landmarks["stomion"] = landmarks["stomion_upper"]  # the slit is cut along the upper lip's edge vertex
    return landmarks, sorted(derived)


def _snap(points: dict[str, np.ndarray], vertices: np.ndarray, used: np.ndarray, size: float) -> dict[str, int]:
    tree = cKDTree(vertices[used])
    out = {}
    for name, p in points.items():
        d, k = tree.query(p)
        if d > SNAP_TOLERANCE * size:
            raise InputError(f"landmark {name} is {d:.3g} file units from the nearest vertex: it is not on the "
                             "surface (wrong units, frame or mesh?)")
        out[name] = int(used[k])
    return out


def _snap_size(vertices: np.ndarray, points: dict[str, np.ndarray]) -> float:
    """The length the snap tolerance scales (file units): twice the pupils' (or inner eye corners')
    distance when the points give them, else the mesh's bounding-box diagonal."""
    size = float(np.linalg.norm(np.ptp(vertices, axis=0)))
    for a_, b_ in (("pupil_left", "pupil_right"), ("endocanthion_left", "endocanthion_right")):
        if a_ in points and b_ in points:
            size = 2.0 * float(np.linalg.norm(points[a_] - points[b_]))
            break
    return size


def _complete(landmarks: dict[str, int], vertices: np.ndarray, derived: list[str]) -> None:
    """Fill names facesim uses from others when missing (pupils from the canthi, stomion ...)."""
    tree = cKDTree(vertices)
    for side in ("left", "right"):
        pupil, endo, exo = f"pupil_{side}", f"endocanthion_{side}", f"exocanthion_{side}"
        if pupil not in landmarks and endo in landmarks and exo in landmarks:
            landmarks[pupil] = int(tree.query(0.5 * (vertices[landmarks[endo]] + vertices[landmarks[exo]]))[1])
            derived.append(pupil)
    if "stomion" not in landmarks and "stomion_upper" in landmarks:
        landmarks["stomion"] = landmarks["stomion_upper"]
        derived.append("stomion")
    if "menton" not in landmarks and "pogonion" in landmarks:
        landmarks["menton"] = landmarks["pogonion"]
        derived.append("menton (= pogonion)")
    if "pogonion" not in landmarks and "menton" in landmarks:
        landmarks["pogonion"] = landmarks["menton"]
        derived.append("pogonion (= menton)")


def name_landmarks(vertices: np.ndarray, indices: dict[str, int], ibug: np.ndarray | None,
                   points: dict[str, np.ndarray], source: str) -> tuple[dict[str, int], list[str]]:
    """Every landmark as a vertex of the cleaned mesh.

    Parameters
    ----------
    vertices : (n, 3) float array, file units
    indices : name -> vertex id; ibug : (68,) int array of vertex ids or None
    points : name -> (3,) float array, file units (snapped to the nearest vertex)
    source : str, the landmark file (for messages)

    Returns
    -------
    landmarks : name -> vertex id, with at least ``REQUIRED`` and the stomion
    derived : list of str, the names placed from other landmarks
    """
    used = np.arange(len(vertices))
    derived: list[str] = []
    landmarks: dict[str, int] = {}
    if ibug is not None:
        landmarks, derived = ibug_landmarks(vertices, used, ibug)
    landmarks.update(indices)
    if points:
        landmarks.update(_snap(points, vertices, used, _snap_size(vertices, points)))
    _complete(landmarks, vertices, derived)
    missing = [n for n in REQUIRED if n not in landmarks]
    if missing:
        raise InputError(f"{source}: missing landmark(s) {', '.join(missing)}; facesim needs at least "
                         f"{', '.join(REQUIRED)} and the stomion")
    if "stomion" not in landmarks:
        raise InputError(f"{source}: missing landmark stomion (or stomion_upper)")
    return landmarks, derived


#: Soft choice of the front of the surface near (x, y): a vertex's weight grows by e for each
#: FRONT_SOFTNESS_MM it lies further forward (mm), and falls as a Gaussian of its frontal distance.
FRONT_SOFTNESS_MM = 1.0


def front_vertex(vertices: np.ndarray, x: float, y: float, radius: float) -> int:
    """The vertex at the front of the surface near (x, y) in the frontal plane (mm, facesim's frame).

    The weighted mean of the vertices within 3 ``radius``, weighted by a Gaussian of their frontal
    distance (``radius``) and by how far forward they lie (FRONT_SOFTNESS_MM), then the vertex nearest
    it. Unlike the most anterior vertex of a disc, it moves smoothly as the face changes a little."""
    d = np.hypot(vertices[:, 0] - x, vertices[:, 1] - y)
    near = np.flatnonzero(d < 3.0 * radius)
    if len(near) == 0:
        return int(np.argmin(d))
    z = vertices[near, 2]
    w = np.exp(-((d[near] / radius) ** 2) + (z - z.max()) / FRONT_SOFTNESS_MM)
    point = w @ vertices[near] / w.sum()
    return int(near[np.argmin(np.linalg.norm(vertices[near] - point, axis=1))])


def derive_in_frame(landmarks: dict[str, int], vertices: np.ndarray, derived: list[str]) -> None:
    """Landmarks placed from others once the face is in facesim's frame (zygia); adds to both in place."""
    v = vertices
    ipd = float(np.linalg.norm(v[landmarks["pupil_left"]] - v[landmarks["pupil_right"]]))
    for side, sign in (("left", 1.0), ("right", -1.0)):
        name, exo, tragus = f"zygion_{side}", f"exocanthion_{side}", f"tragus_{side}"
        if name in landmarks or exo not in landmarks:
            continue
        ex = v[landmarks[exo], 0]
        x = ex + (ZYGION_LATERAL * (v[landmarks[tragus], 0] - ex) if tragus in landmarks else sign * 0.09 * ipd)
        y = v[landmarks[f"pupil_{side}"], 1] - ZYGION_BELOW_IPD * ipd
        landmarks[name] = front_vertex(v, x, y, 0.05 * ipd)
        derived.append(name)
