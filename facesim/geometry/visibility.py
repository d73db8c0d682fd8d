"""What a frontal view sees: how far each point of a mesh lies behind the front-most surface.

An orthographic view along -z (facesim's frame: +z toward the viewer) is rasterised by sampling
every triangle; the depth of a point is the front-most surface height at its (x, y) minus its z.
Skin a viewer sees has depth about 0; the inside of the mouth, the back of the head and the
sides of the neck lie behind it.
"""

from __future__ import annotations

import numpy as np

PIXEL_MM = 0.5  # raster cell (mm); finer than a scan's edges near the mouth (1-2 mm)
MAX_STEPS = 200  # barycentric steps along a triangle's longest edge at most (a 70 mm triangle)


def _barycentric_grid(steps: int) -> np.ndarray:
    i, j = np.meshgrid(np.arange(steps + 1), np.arange(steps + 1), indexing="ij")
    keep = i + j <= steps
    a, b = i[keep] / steps, j[keep] / steps
    return np.stack([a, b, 1.0 - a - b], axis=1)


def _surface_samples(tri: np.ndarray, pixel_mm: float) -> np.ndarray:
    """Points (k, 3) on the triangles (m, 3, 3), spaced under a raster cell in the frontal plane."""
    edges = np.linalg.norm(tri[:, [1, 2, 0], :2] - tri[:, :, :2], axis=2).max(axis=1)
    steps = np.clip(np.ceil(edges / (0.7 * pixel_mm)), 1, MAX_STEPS).astype(int)
    out = [np.einsum("kt,mtd->mkd", _barycentric_grid(k), tri[steps == k]).reshape(-1, 3) for k in np.unique(steps)]
    return np.vstack(out)


def depth_behind_front(vertices: np.ndarray, faces: np.ndarray, points: np.ndarray,
                       pixel_mm: float = PIXEL_MM) -> np.ndarray:
    """Depth (k,) mm of ``points`` (k, 3) behind the front-most surface of the mesh at their (x, y).

    ``vertices`` (n, 3) mm in facesim's frame, ``faces`` (m, 3). A point outside the mesh's frontal
    outline gets depth 0 (nothing in front of it).
    """
    samples = np.vstack([_surface_samples(vertices[faces], pixel_mm), vertices])
    lo = np.minimum(samples[:, :2].min(axis=0), points[:, :2].min(axis=0))
    cells = np.floor((samples[:, :2] - lo) / pixel_mm).astype(np.int64)
    at = np.floor((points[:, :2] - lo) / pixel_mm).astype(np.int64)
    shape = np.maximum(cells.max(axis=0), at.max(axis=0)) + 1
    front = np.full(int(shape[0] * shape[1]), -np.inf)
    np.maximum.at(front, cells[:, 0] * shape[1] + cells[:, 1], samples[:, 2])
    top = front[at[:, 0] * shape[1] + at[:, 1]]
    return np.where(np.isfinite(top), np.maximum(top - points[:, 2], 0.0), 0.0)
