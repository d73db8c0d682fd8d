"""The frontal frame, as a photograph sees the face: the one definition every measure uses.

Origin midway between the pupils, x along the inter-pupillary line toward the
patient's left, y perpendicular to it (up); z is dropped. Works on any leading
batch shape.
"""

from __future__ import annotations

import numpy as np


def frontal_axes(pupil_left: np.ndarray, pupil_right: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Origin and axes of the frontal frame.

    Parameters
    ----------
    pupil_left, pupil_right : (..., >=2) float arrays, mm (only x and y are read)

    Returns
    -------
    origin : (..., 2) float array, mm, midway between the pupils
    axes : (..., 2, 2) float array, columns ex (toward the patient's left) and ey (up)
    """
    pl, pr = np.asarray(pupil_left, float)[..., :2], np.asarray(pupil_right, float)[..., :2]
    ex = pl - pr
    ex = ex / np.linalg.norm(ex, axis=-1, keepdims=True)
    ey = np.stack([-ex[..., 1], ex[..., 0]], axis=-1)
    return 0.5 * (pl + pr), np.stack([ex, ey], axis=-1)


def to_frontal(points: np.ndarray, pupil_left: np.ndarray, pupil_right: np.ndarray) -> np.ndarray:
    """Points (..., n, >=2) in mm -> frontal coordinates (..., n, 2) in mm."""
    origin, axes = frontal_axes(pupil_left, pupil_right)
    rel = np.asarray(points, float)[..., :2] - origin[..., None, :]
    return rel @ axes


def to_frontal_vectors(vectors: np.ndarray, pupil_left: np.ndarray, pupil_right: np.ndarray) -> np.ndarray:
    """Displacements (..., n, >=2) in mm -> the same displacements in the frontal frame (..., n, 2), mm."""
    _, axes = frontal_axes(pupil_left, pupil_right)
    return np.asarray(vectors, float)[..., :2] @ axes
