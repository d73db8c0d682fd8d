"""Check a scanned face mesh and repair what is safe to repair.

Pure functions on arrays: vertices ``(n, 3) float``, faces ``(m, 3) int``.
Every repair returns the new arrays and an ``old -> new`` vertex index map
(``-1`` for a removed vertex), so landmark indices can follow.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

DEGENERATE_AREA_FRACTION = 1e-10  # a face below this fraction of the mean face area is degenerate


@dataclass
class MeshCheck:
    """What a mesh holds and what is wrong with it (counts; nothing is changed).

    Attributes
    ----------
    n_vertices, n_faces : int
    degenerate_faces : int, faces with a repeated vertex or (near) zero area
    duplicate_faces : int, faces using the same three vertices as an earlier face
    unreferenced_vertices : int
    non_manifold_edges : int, edges shared by more than two faces
    inconsistent_edges : int, interior edges whose two faces disagree in winding
    components : int, connected parts (by shared vertices)
    boundary_loops : list[int], vertex count of each hole or outer border, largest first
    """

    n_vertices: int
    n_faces: int
    degenerate_faces: int = 0
    duplicate_faces: int = 0
    unreferenced_vertices: int = 0
    non_manifold_edges: int = 0
    inconsistent_edges: int = 0
    components: int = 1
    boundary_loops: list[int] = field(default_factory=list)

    def problems(self) -> list[str]:
        """One line per problem found, in words (empty when the mesh is clean)."""
        out = []
        if self.degenerate_faces:
            out.append(f"{self.degenerate_faces} degenerate faces (zero area or a repeated vertex)")
        if self.duplicate_faces:
            out.append(f"{self.duplicate_faces} duplicate faces")
        if self.unreferenced_vertices:
            out.append(f"{self.unreferenced_vertices} vertices used by no face")
        if self.non_manifold_edges:
            out.append(f"{self.non_manifold_edges} non-manifold edges (shared by more than two faces)")
        if self.inconsistent_edges:
            out.append(f"{self.inconsistent_edges} edges between faces wound in opposite directions")
        if self.components > 1:
            out.append(f"{self.components} disconnected parts")
        return out


def edges_of(faces: np.ndarray) -> np.ndarray:
    """Directed half-edges (3m, 2) of the faces, in face order."""
    return np.vstack([faces[:, [0, 1]], faces[:, [1, 2]], faces[:, [2, 0]]])


def face_areas(vertices: np.ndarray, faces: np.ndarray) -> np.ndarray:
    a, b, c = (vertices[faces[:, k]] for k in range(3))
    return 0.5 * np.linalg.norm(np.cross(b - a, c - a), axis=1)


def vertex_components(n: int, faces: np.ndarray) -> tuple[int, np.ndarray]:
    """Connected parts by shared vertices: (count, label per vertex)."""
    e = edges_of(faces)
    graph = sp.coo_matrix((np.ones(len(e)), (e[:, 0], e[:, 1])), shape=(n, n))
    return connected_components(graph, directed=False)


def boundary_edges(faces: np.ndarray) -> np.ndarray:
    """Undirected edges (k, 2) used by exactly one face."""
    e = np.sort(edges_of(faces), axis=1)
    uniq, counts = np.unique(e, axis=0, return_counts=True)
    return uniq[counts == 1]


def boundary_loops(n: int, faces: np.ndarray) -> list[np.ndarray]:
    """Vertex sets of each connected chain of boundary edges (holes and borders), largest first.

    A loop is returned as the set of its vertices (unordered); vertices where two
    loops touch belong to the loop found first.
    """
    once = boundary_edges(faces)
    if len(once) == 0:
        return []
    graph = sp.coo_matrix((np.ones(len(once)), (once[:, 0], once[:, 1])), shape=(n, n))
    _, label = connected_components(graph, directed=False)
    on = np.unique(once.ravel())
    loops = [on[label[on] == lab] for lab in np.unique(label[on])]
    return sorted(loops, key=len, reverse=True)


def check_mesh(vertices: np.ndarray, faces: np.ndarray) -> MeshCheck:
    """Count the problems of a triangle mesh (see MeshCheck)."""
    n, m = len(vertices), len(faces)
    check = MeshCheck(n_vertices=n, n_faces=m)
    if m == 0:
        return check
    areas = face_areas(vertices, faces)
    repeated = (faces[:, 0] == faces[:, 1]) | (faces[:, 1] == faces[:, 2]) | (faces[:, 2] == faces[:, 0])
    check.degenerate_faces = int(np.sum(repeated | (areas <= DEGENERATE_AREA_FRACTION * max(areas.mean(), 1e-300))))
    _, first = np.unique(np.sort(faces, axis=1), axis=0, return_index=True)
    check.duplicate_faces = m - len(first)
    check.unreferenced_vertices = n - len(np.unique(faces))
    undirected = np.sort(edges_of(faces), axis=1)
    uniq, inverse, counts = np.unique(undirected, axis=0, return_inverse=True, return_counts=True)
    check.non_manifold_edges = int(np.sum(counts > 2))
    # Winding: on a consistently wound manifold every interior edge appears once
    # in each direction.
    directed = edges_of(faces)
    forward = directed[:, 0] < directed[:, 1]
    fwd_count = np.bincount(inverse.ravel(), weights=forward, minlength=len(uniq))
    check.inconsistent_edges = int(np.sum((counts == 2) & (fwd_count != 1)))
    used = np.unique(faces)
    _, label = vertex_components(n, faces)
    check.components = len(np.unique(label[used]))
    check.boundary_loops = [len(loop) for loop in boundary_loops(n, faces)]
    return check


def remove_bad_faces(vertices: np.ndarray, faces: np.ndarray) -> tuple[np.ndarray, int, int]:
    """Drop degenerate and duplicate faces; returns (faces, n_degenerate, n_duplicate)."""
    if len(faces) == 0:
        return faces, 0, 0
    areas = face_areas(vertices, faces)
    repeated = (faces[:, 0] == faces[:, 1]) | (faces[:, 1] == faces[:, 2]) | (faces[:, 2] == faces[:, 0])
    bad = repeated | (areas <= DEGENERATE_AREA_FRACTION * max(areas.mean(), 1e-300))
    faces = faces[~bad]
    _, first = np.unique(np.sort(faces, axis=1), axis=0, return_index=True)
    keep = np.sort(first)
    return faces[keep], int(bad.sum()), len(faces) - len(keep)


def merge_coincident_vertices(vertices: np.ndarray, faces: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Weld vertices at exactly the same position (a triangle soup, e.g. from STL).

    Returns (vertices, faces, old_to_new).
    """
    uniq, first, inverse = np.unique(vertices, axis=0, return_index=True, return_inverse=True)
    order = np.argsort(first)  # keep the first-seen order
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    old_to_new = rank[inverse.ravel()]
    return uniq[order], old_to_new[faces], old_to_new


def compact(vertices: np.ndarray, faces: np.ndarray, keep_faces: np.ndarray | None = None):
    """Keep the given faces (bool mask) and only the vertices they use.

    Returns (vertices, faces, old_to_new) with ``old_to_new[i] = -1`` for dropped vertices.
    """
    if keep_faces is not None:
        faces = faces[keep_faces]
    used = np.zeros(len(vertices), dtype=bool)
    used[faces.ravel()] = True
    old_to_new = np.full(len(vertices), -1, dtype=np.int64)
    old_to_new[used] = np.arange(int(used.sum()))
    return vertices[used], old_to_new[faces], old_to_new


def orient_consistently(faces: np.ndarray) -> tuple[np.ndarray, int]:
    """Flip faces so that neighbours agree in winding (per connected part).

    Breadth-first over the face adjacency from the first face of each part;
    non-manifold edges are ignored. Returns (faces, number flipped).
    """
    m = len(faces)
    directed = edges_of(faces)
    undirected = np.sort(directed, axis=1)
    _, inverse, counts = np.unique(undirected, axis=0, return_inverse=True, return_counts=True)
    inverse = inverse.ravel()
    face_of = np.tile(np.arange(m), 3)
    interior = counts[inverse] == 2
    order = np.argsort(inverse[interior], kind="stable")
    pairs = face_of[interior][order].reshape(-1, 2)
    pair_edges = np.flatnonzero(interior)[order].reshape(-1, 2)
    # Two faces sharing an edge agree when they traverse it in opposite directions.
    same_dir = directed[pair_edges[:, 0], 0] == directed[pair_edges[:, 1], 0]
    adj = sp.coo_matrix(
        (np.where(same_dir, 2, 1), (pairs[:, 0], pairs[:, 1])), shape=(m, m)
    ).tocsr()
    adj = (adj + adj.T).tocsr()
    flip = np.zeros(m, dtype=bool)
    seen = np.zeros(m, dtype=bool)
    for start in range(m):
        if seen[start]:
            continue
        seen[start] = True
        stack = [start]
        while stack:
            f = stack.pop()
            lo, hi = adj.indptr[f], adj.indptr[f + 1]
            for g, kind in zip(adj.indices[lo:hi], adj.data[lo:hi]):
                if not seen[g]:
                    seen[g] = True
                    flip[g] = flip[f] ^ (kind == 2)
                    stack.append(g)
    out = faces.copy()
    out[flip] = out[flip][:, [0, 2, 1]]
    return out, int(flip.sum())
