"""Cleaning a scan's mesh while its landmark vertex ids follow: a vertex range kept, a triangle soup
welded, bad faces, unused vertices and loose parts dropped; the winding made outward; decimation.

Each step returns the new arrays and the repairs it made, in words (nothing printed).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.spatial import cKDTree

from facesim.errors import InputError
from facesim.geometry.visibility import depth_behind_front
from facesim.geometry.repair import (
    MeshCheck,
    check_mesh,
    compact,
    merge_coincident_vertices,
    orient_consistently,
    remove_bad_faces,
    vertex_components,
)


@dataclass(frozen=True)
class Marks:
    """Landmark vertex ids carried through the clean-up.

    indices : name -> vertex id; ibug : (68,) int array of vertex ids or None
    """

    indices: dict[str, int]
    ibug: np.ndarray | None = None

    def follow(self, old_to_new: np.ndarray, what: str) -> Marks:
        """The ids after a re-numbering ``old_to_new`` ((n_old,) int, -1 = dropped, as ``what`` says)."""
        indices = _remap(self.indices, old_to_new, what)
        ibug = self.ibug
        if ibug is not None:
            new = old_to_new[ibug]
            if np.any(new < 0):
                raise InputError(f"iBUG landmark {int(np.flatnonzero(new < 0)[0])} lies on a part that was {what}")
            ibug = new
        return Marks(indices, ibug)

    def vertex_ids(self) -> list:
        """Every landmark vertex id (named, then iBUG)."""
        return list(self.indices.values()) + ([] if self.ibug is None else list(self.ibug))


def _remap(landmarks: dict[str, int], old_to_new: np.ndarray, what: str) -> dict[str, int]:
    out = {}
    for name, i in landmarks.items():
        j = int(old_to_new[i])
        if j < 0:
            raise InputError(f"landmark {name} (vertex {i}) lies on a part that was {what}")
        out[name] = j
    return out


def keep_vertex_range(vertices: np.ndarray, faces: np.ndarray, marks: Marks, keep_vertices: tuple[int, int]):
    """Keep the faces whose vertices all lie in the half-open id range ``keep_vertices``.

    Returns (vertices, faces, marks, repairs).
    """
    a, b = keep_vertices
    keep = np.all((faces >= a) & (faces < b), axis=1)
    if not keep.any():
        raise InputError(f"--keep-vertices {a}:{b} keeps no face of the mesh")
    vertices, faces, old_to_new = compact(vertices, faces, keep)
    marks = marks.follow(old_to_new, f"dropped by --keep-vertices {a}:{b}")
    return vertices, faces, marks, [f"kept the {len(faces)} faces within vertices {a}:{b}"]


def keep_landmark_part(vertices: np.ndarray, faces: np.ndarray, marks: Marks):
    """Keep the connected part that holds the most landmarks (the largest, without landmarks).

    Returns (vertices, faces, marks, repairs).
    """
    count, label = vertex_components(len(vertices), faces)
    if count <= 1:
        return vertices, faces, marks, []
    ids = marks.vertex_ids()
    if ids:
        part = np.bincount(label[ids], minlength=count).argmax()
    else:
        part = np.bincount(label[faces[:, 0]]).argmax()
    keep = label[faces[:, 0]] == part
    vertices, faces, old_to_new = compact(vertices, faces, keep)
    marks = marks.follow(old_to_new, "dropped as disconnected")
    return vertices, faces, marks, [f"kept the part holding the landmarks; dropped {count - 1} other part(s)"]


def clean_scan(vertices: np.ndarray, faces: np.ndarray, marks: Marks, keep_vertices: tuple[int, int] | None,
               mesh_path: Path) -> tuple[np.ndarray, np.ndarray, Marks, MeshCheck, list[str]]:
    """The clean-up before the landmarks are named.

    Returns (vertices, faces, marks, check, repairs): the cleaned arrays (file units), the ids that
    followed them, the check of the mesh as read (after ``keep_vertices``) and the repairs in words.
    """
    repairs: list[str] = []
    if keep_vertices is not None:
        vertices, faces, marks, notes = keep_vertex_range(vertices, faces, marks, keep_vertices)
        repairs += notes
    check = check_mesh(vertices, faces)
    if len(np.unique(faces)) == faces.size and len(faces) > 1:  # a triangle soup (STL)
        vertices, faces, old_to_new = merge_coincident_vertices(vertices, faces)
        marks = marks.follow(old_to_new, "merged")
        repairs.append(f"welded coincident corners into {len(vertices)} vertices")
    faces, n_degenerate, n_duplicate = remove_bad_faces(vertices, faces)
    if n_degenerate or n_duplicate:
        repairs.append(f"removed {n_degenerate} degenerate and {n_duplicate} duplicate faces")
    if len(faces) == 0:
        raise InputError(f"{mesh_path}: every face is degenerate; this is not a surface")
    vertices, faces, old_to_new = compact(vertices, faces)
    marks = marks.follow(old_to_new, "unused")
    vertices, faces, marks, notes = keep_landmark_part(vertices, faces, marks)
    return vertices, faces, marks, check, repairs + notes


#: The inside of the mouth: faces in the mouth's frontal box lying this far (x the inter-pupillary
#: distance) behind the front-most surface. 0.08 IPD is 5 mm on a 62 mm face, behind most of the lips'
#: own inner surface; less than half the IPD keeps the back of the head and neck out of it.
CAVITY_DEPTH_IPD = (0.08, 0.5)


def drop_mouth_cavity(vertices: np.ndarray, faces: np.ndarray, landmarks: dict[str, int]):
    """Remove a mouth socket a full-head scan carries behind the lips (mm, facesim's frame).

    The faces in the mouth's frontal box (between the corners, from below the lower lip to below
    the nose) hidden behind the front-most surface by CAVITY_DEPTH_IPD are cut; if that detaches a
    part from the face (the socket), the cut and the detached part are dropped. A skin-only scan
    (nothing detaches) is returned unchanged. Returns (vertices, faces, landmarks, repairs).
    """
    v = vertices
    ipd = float(np.linalg.norm(v[landmarks["pupil_left"]] - v[landmarks["pupil_right"]]))
    st, cl, cr = v[landmarks["stomion"]], v[landmarks["cheilion_left"]], v[landmarks["cheilion_right"]]
    half = 0.5 * abs(cl[0] - cr[0])
    centre = v[faces].mean(axis=1)
    box = ((np.abs(centre[:, 0] - st[0]) < 1.15 * half) & (centre[:, 1] < st[1] + 0.5 * half)
           & (centre[:, 1] > st[1] - 0.6 * half))
    depth = np.zeros(len(faces))
    depth[box] = depth_behind_front(v, faces, centre[box])
    lo, hi = (k * ipd for k in CAVITY_DEPTH_IPD)
    cut = box & (depth > lo) & (depth < hi)
    if not cut.any():
        return vertices, faces, landmarks, []
    count, label = vertex_components(len(v), faces[~cut])
    ids = list(landmarks.values())
    part = np.bincount(label[ids], minlength=count).argmax()
    keep = ~cut & (label[faces[:, 0]] == part)
    detached = int((~cut & ~keep).sum())
    if detached == 0:
        return vertices, faces, landmarks, []
    new_vertices, new_faces, old_to_new = compact(v, faces, keep)
    tree = cKDTree(new_vertices)
    moved = {n: int(old_to_new[i]) if old_to_new[i] >= 0 else int(tree.query(v[i])[1]) for n, i in landmarks.items()}
    return new_vertices, new_faces, moved, [
        f"removed the inside of the mouth: {int(cut.sum()) + detached} faces behind the lips "
        f"(a full-head scan's mouth socket is not skin the muscles move)"]


def _front_normal_z(vertices: np.ndarray, faces: np.ndarray, landmarks: dict[str, int]) -> float:
    """Area-weighted mean normal z over the central face (between the eyes and the mouth)."""
    ipd = np.linalg.norm(vertices[landmarks["pupil_left"]] - vertices[landmarks["pupil_right"]])
    centre = 0.5 * (vertices[landmarks["pupil_left"]] + vertices[landmarks["stomion"]])
    c = vertices[faces].mean(axis=1)
    near = np.linalg.norm(c - centre, axis=1) < 0.8 * ipd
    a, b, d = (vertices[faces[near, k]] for k in range(3))
    return float(np.cross(b - a, d - a)[:, 2].sum())


def outward_winding(vertices: np.ndarray, faces: np.ndarray, landmarks: dict[str, int]):
    """A consistent winding with normals out of the face (+z around the nose and mouth; the face in
    facesim's frame). Returns (faces, repairs)."""
    repairs = []
    faces, flipped = orient_consistently(faces)
    if flipped:
        repairs.append(f"flipped {flipped} faces to a consistent winding")
    if _front_normal_z(vertices, faces, landmarks) < 0:
        faces = faces[:, [0, 2, 1]]
        repairs.append("reversed the winding so normals point out of the face")
    return faces, repairs


def decimate(vertices: np.ndarray, faces: np.ndarray, target_vertices: int) -> tuple[np.ndarray, np.ndarray]:
    """Quadric decimation to about ``target_vertices`` (needs the fast_simplification package)."""
    try:
        from fast_simplification import simplify
    except ImportError:
        raise InputError("--decimate needs the fast_simplification package: pip install fast_simplification") from None
    target_faces = int(2 * target_vertices)
    v, f = simplify(np.ascontiguousarray(vertices, dtype=np.float64), np.ascontiguousarray(faces, dtype=np.int64),
                    target_count=target_faces)
    return np.asarray(v, float), np.asarray(f, np.int64)


def decimate_scan(vertices: np.ndarray, faces: np.ndarray, landmarks: dict[str, int], target_vertices: int):
    """Decimate and clean again; each landmark moves to the vertex nearest its old position.

    Returns (vertices, faces, landmarks, repair).
    """
    before = len(vertices)
    marks = {n: vertices[i] for n, i in landmarks.items()}
    vertices, faces = decimate(vertices, faces, target_vertices)
    vertices, faces, _ = compact(vertices, faces)
    faces, _, _ = remove_bad_faces(vertices, faces)
    vertices, faces, _ = compact(vertices, faces)
    tree = cKDTree(vertices)
    landmarks = {n: int(tree.query(p)[1]) for n, p in marks.items()}
    if landmarks.get("stomion_upper") == landmarks.get("stomion_lower"):
        landmarks.pop("stomion_lower", None)
    return vertices, faces, landmarks, f"decimated from {before} to {len(vertices)} vertices"
