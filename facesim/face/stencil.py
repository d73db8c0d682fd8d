"""Landmarks measured over a small skin patch instead of one vertex.

The commissure is the tip of the mouth slit, a singular point of the membrane
model where a single vertex converges slowly under mesh refinement. Measuring
every landmark as a gaussian, area-weighted average over the connected patch
of skin within ``radius_mm`` (the side of the slit it lies on) converges and
matches what a photograph resolves. It is linear, so the response basis
applies unchanged.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from facesim.face.mesh import Face

DEFAULT_RADIUS_MM = 3.0


def landmark_stencils(face: Face, names: tuple[str, ...], areas: np.ndarray,
                      radius_mm: float = DEFAULT_RADIUS_MM) -> sp.csr_matrix:
    """Averaging weights (len(names), n): row k gives landmark k as a weighted vertex average.

    Parameters
    ----------
    face : Face
    names : landmark names
    areas : (n,) float array, mm^2 (lumped vertex areas)
    radius_mm : float, mm
        Patch radius; the weights are gaussian with sigma = radius / 2.
    """
    f = face.faces
    edges = np.vstack([f[:, [0, 1]], f[:, [1, 2]], f[:, [2, 0]]])
    n = face.n_vertices
    rows, cols, vals = [], [], []
    for k, name in enumerate(names):
        centre = face.landmark_index(name)
        d2 = np.sum((face.vertices - face.vertices[centre]) ** 2, axis=1)
        near = d2 <= radius_mm**2
        keep = near[edges[:, 0]] & near[edges[:, 1]]
        graph = sp.coo_matrix((np.ones(keep.sum()), (edges[keep, 0], edges[keep, 1])), shape=(n, n))
        _, label = connected_components(graph, directed=False)
        patch = np.flatnonzero(near & (label == label[centre]))
        w = areas[patch] * np.exp(-0.5 * d2[patch] / (radius_mm / 2.0) ** 2)
        rows.append(np.full(len(patch), k))
        cols.append(patch)
        vals.append(w / w.sum())
    return sp.csr_matrix(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(len(names), n)
    )
