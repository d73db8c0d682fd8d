"""Discrete operators on a triangle mesh: cotangent Laplacian and vertex areas."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp


def triangle_areas(vertices: np.ndarray, faces: np.ndarray) -> np.ndarray:
    """Area of each triangle.

    Parameters
    ----------
    vertices : (n, 3) float array, mm
    faces : (m, 3) int array

    Returns
    -------
    (m,) float array, mm^2
    """
    a, b, c = (vertices[faces[:, k]] for k in range(3))
    return 0.5 * np.linalg.norm(np.cross(b - a, c - a), axis=1)


def vertex_areas(vertices: np.ndarray, faces: np.ndarray) -> np.ndarray:
    """Lumped (barycentric) area of each vertex: a third of its triangles' areas.

    Returns
    -------
    (n,) float array, mm^2
    """
    share = np.repeat(triangle_areas(vertices, faces) / 3.0, 3)
    return np.bincount(faces.ravel(), weights=share, minlength=len(vertices))


def cotangent_laplacian(vertices: np.ndarray, faces: np.ndarray) -> sp.csr_matrix:
    """Cotangent stiffness matrix L (positive semi-definite, rows sum to zero).

    ``u @ L @ u`` is the Dirichlet energy 2 * (1/2) * integral |grad u|^2 of a
    piecewise-linear field u. Dimensionless (the same for mm or m).

    Returns
    -------
    (n, n) scipy.sparse.csr_matrix, float64
    """
    n = len(vertices)
    rows, cols, vals = [], [], []
    for k in range(3):
        i, j, o = faces[:, (k + 1) % 3], faces[:, (k + 2) % 3], faces[:, k]
        e1 = vertices[i] - vertices[o]
        e2 = vertices[j] - vertices[o]
        cross = np.linalg.norm(np.cross(e1, e2), axis=1)
        cot = np.einsum("ij,ij->i", e1, e2) / np.maximum(cross, 1e-300)
        w = 0.5 * cot
        rows += [i, j]
        cols += [j, i]
        vals += [-w, -w]
    off = sp.coo_matrix(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(n, n)
    ).tocsr()
    diag = -np.asarray(off.sum(axis=1)).ravel()
    return (off + sp.diags(diag)).tocsr()
