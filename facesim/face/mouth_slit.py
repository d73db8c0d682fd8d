"""The mouth of an imported face: find the opening between the lips, or cut one.

The tissue model needs the upper and lower lips to be separate surfaces that
meet only at the commissures (as on the built-in face). A scan with open lips
already has that opening as a hole; a scan with closed lips is cut along the
shortest edge path from one commissure through the stomion to the other, the
inner path vertices being duplicated for the lower lip.

All positions are in facesim's frame (mm, +y up), so "upper" means larger y.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components, dijkstra

from facesim.errors import InputError
from facesim.geometry.repair import boundary_edges, boundary_loops, edges_of

CORNER_REACH = 0.2  # a hole counts as the mouth when it passes this close (x mouth width) to both corners


@dataclass(frozen=True)
class Mouth:
    """The mouth opening of a face.

    Attributes
    ----------
    upper, lower : (k,) int arrays, vertices on the upper / lower lip edge of the opening (corners excluded)
    corners : (2,) int array, (right, left) commissure vertices
    cut : bool, True when the opening was cut here (the lips were closed)
    """

    upper: np.ndarray
    lower: np.ndarray
    corners: np.ndarray
    cut: bool


def edge_graph(vertices: np.ndarray, faces: np.ndarray) -> sp.csr_matrix:
    """Symmetric edge-length graph of the mesh (mm)."""
    e = np.unique(np.sort(edges_of(faces), axis=1), axis=0)
    w = np.linalg.norm(vertices[e[:, 0]] - vertices[e[:, 1]], axis=1)
    n = len(vertices)
    g = sp.coo_matrix((w, (e[:, 0], e[:, 1])), shape=(n, n)).tocsr()
    return (g + g.T).tocsr()


def find_opening(vertices: np.ndarray, faces: np.ndarray, corner_right: int, corner_left: int) -> Mouth | None:
    """The hole between the lips, if the mesh has one reaching both corners; else None."""
    width = np.linalg.norm(vertices[corner_left] - vertices[corner_right])
    best = None
    for loop in boundary_loops(len(vertices), faces):
        d_r = np.linalg.norm(vertices[loop] - vertices[corner_right], axis=1)
        d_l = np.linalg.norm(vertices[loop] - vertices[corner_left], axis=1)
        if d_r.min() < CORNER_REACH * width and d_l.min() < CORNER_REACH * width:
            span = np.ptp(vertices[loop, 0])
            if span < 1.6 * width and (best is None or d_r.min() + d_l.min() < best[0]):
                best = (d_r.min() + d_l.min(), loop, int(loop[np.argmin(d_r)]), int(loop[np.argmin(d_l)]))
    if best is None:
        return None
    _, loop, cr, cl = best
    once = boundary_edges(faces)
    inside = np.zeros(len(vertices), dtype=bool)
    inside[loop] = True
    inside[[cr, cl]] = False
    keep = inside[once[:, 0]] & inside[once[:, 1]]
    e = once[keep]
    n = len(vertices)
    _, label = connected_components(sp.coo_matrix((np.ones(len(e)), (e[:, 0], e[:, 1])), shape=(n, n)), directed=False)
    arcs = [loop[label[loop] == lab] for lab in np.unique(label[loop[inside[loop]]])]
    arcs = sorted(arcs, key=len, reverse=True)[:2]
    if len(arcs) < 2:
        return None
    # The upper lip's edge is the one whose faces lie higher (the two edges may coincide in space).
    centroid_y = vertices[faces].mean(axis=1)[:, 1]

    def side_height(arc):
        on = np.zeros(len(vertices), dtype=bool)
        on[arc] = True
        return centroid_y[on[faces].any(axis=1)].mean()

    arcs.sort(key=lambda a: -side_height(a))
    return Mouth(upper=np.sort(arcs[0]), lower=np.sort(arcs[1]), corners=np.array([cr, cl]), cut=False)


def lip_path(vertices: np.ndarray, faces: np.ndarray, corner_right: int, stomion: int, corner_left: int) -> np.ndarray:
    """Shortest edge path corner_right -> stomion -> corner_left (vertex ids, corners included)."""
    g = edge_graph(vertices, faces)
    dist, pred = dijkstra(g, indices=[stomion], return_predecessors=True)
    path = []
    for end in (corner_right, corner_left):
        if not np.isfinite(dist[0, end]):
            raise InputError("the commissures and the stomion are not connected on the mesh; check the landmarks")
        leg = [end]
        while leg[-1] != stomion:
            leg.append(int(pred[0, leg[-1]]))
        path.append(leg)
    right_leg, left_leg = path
    full = right_leg + left_leg[::-1][1:]  # corner_right ... stomion ... corner_left
    if len(set(full)) != len(full):
        raise InputError("the lip line from corner to corner crosses itself; check the commissure landmarks")
    return np.array(full)


def cut_opening(vertices: np.ndarray, faces: np.ndarray, path: np.ndarray):
    """Split the mesh along ``path`` (corners at both ends stay shared).

    Returns (vertices, faces, Mouth) with the lower lip's copies appended after the old vertices.
    """
    inner = path[1:-1]
    if len(inner) == 0:
        raise InputError("the commissures are neighbours on the mesh; the mouth is too small to cut")
    n = len(vertices)
    on_inner = np.zeros(n, dtype=bool)
    on_inner[inner] = True
    path_edges = {tuple(sorted(e)) for e in zip(path[:-1], path[1:])}
    fan = np.flatnonzero(on_inner[faces].any(axis=1))
    # Adjacency of fan faces across spokes (edges at an inner path vertex) that are not path edges.
    local = {f: k for k, f in enumerate(fan)}
    spoke_faces: dict[tuple[int, int], list[int]] = {}
    for f in fan:
        a, b, c = faces[f]
        for u, v in ((a, b), (b, c), (c, a)):
            key = (min(u, v), max(u, v))
            if (on_inner[u] or on_inner[v]) and key not in path_edges:
                spoke_faces.setdefault(key, []).append(local[f])
    rows, cols = [], []
    for fs in spoke_faces.values():
        if len(fs) == 2:
            rows.append(fs[0])
            cols.append(fs[1])
    k = len(fan)
    count, label = connected_components(sp.coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(k, k)), directed=False)
    if count != 2:
        raise InputError(f"could not cut the mouth along the lip line (the faces around it form {count} groups, "
                         "not 2); close small holes near the lips or give stomion_upper/stomion_lower")
    centroid_y = vertices[faces[fan]].mean(axis=1)[:, 1]
    lower_label = int(np.argmin([centroid_y[label == 0].mean(), centroid_y[label == 1].mean()]))
    copy = np.full(n, -1, dtype=np.int64)
    copy[inner] = n + np.arange(len(inner))
    new_faces = faces.copy()
    lower_faces = fan[label == lower_label]
    sub = new_faces[lower_faces]
    new_faces[lower_faces] = np.where(on_inner[sub], copy[sub], sub)
    new_vertices = np.vstack([vertices, vertices[inner]])
    mouth = Mouth(upper=np.sort(inner), lower=np.sort(copy[inner]), corners=np.array([path[0], path[-1]]), cut=True)
    return new_vertices, new_faces, mouth


def above_below(vertices: np.ndarray, faces: np.ndarray, mouth: Mouth) -> tuple[np.ndarray, np.ndarray]:
    """Vertex masks above and below the mouth.

    Between the commissures (in x) a vertex belongs to the lip edge it is
    nearer to along the surface; lateral to them, to the side of the
    horizontal through the nearer commissure. The commissures (and lateral
    vertices level with them) belong to both.
    """
    g = edge_graph(vertices, faces)
    d_up = dijkstra(g, indices=mouth.upper, min_only=True)
    d_lo = dijkstra(g, indices=mouth.lower, min_only=True)
    x, y = vertices[:, 0], vertices[:, 1]
    cr, cl = vertices[mouth.corners]
    lo_x, hi_x = min(cr[0], cl[0]), max(cr[0], cl[0])
    medial = (x > lo_x) & (x < hi_x)
    corner_y = np.where(x <= lo_x, cr[1] if cr[0] <= cl[0] else cl[1], cl[1] if cr[0] <= cl[0] else cr[1])
    edge_len = np.median(g.data) if g.nnz else 1.0
    tol = 0.05 * edge_len
    above = np.where(medial, d_up <= d_lo, y >= corner_y - tol)
    below = np.where(medial, d_lo <= d_up, y <= corner_y + tol)
    above[mouth.upper] = True
    below[mouth.upper] = False
    below[mouth.lower] = True
    above[mouth.lower] = False
    above[mouth.corners] = True
    below[mouth.corners] = True
    unreachable = ~np.isfinite(d_up) & ~np.isfinite(d_lo)
    above[unreachable & medial] = y[unreachable & medial] >= corner_y[unreachable & medial]
    below[unreachable & medial] = ~above[unreachable & medial]
    return above.astype(bool), below.astype(bool)
