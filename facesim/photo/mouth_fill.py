"""The displacement across the photo's open mouth, filled harmonically so the lips do not tear apart.

Inside the mouth opening (the polygon of the inner lip points, iBUG 60-67, shrunk to ``GROW`` about its
centre so the corners, where the lips meet, keep the model's own move: a fill reaching them averages a
corner's lift away) the field is replaced by the solution of Laplace's equation whose values on
the rim are the field there: the smoothest fill that meets the lips' own moves, so teeth and the mouth's
dark inside stretch with the lips instead of being pulled from one lip only. The 5-point Laplacian of the
opening is factorized once per photo (scipy SuperLU); a frame costs one solve per component.
"""

from __future__ import annotations

import numpy as np

GROW = 0.85  # the opening's polygon shrunk about its centre: the teeth, not the lips' edges or corners
INNER_LIPS = slice(60, 68)  # iBUG inner lip points


def mouth_mask(ibug: np.ndarray, grid_shape: tuple[int, int], step: float) -> np.ndarray:
    """(gh, gw) bool: the grid cells inside the shrunk inner-lip polygon."""
    import cv2

    lips = np.asarray(ibug, float)[INNER_LIPS]
    centre = lips.mean(0)
    poly = np.round((centre + GROW * (lips - centre)) / step).astype(np.int32)
    mask = np.zeros(grid_shape, np.uint8)
    cv2.fillPoly(mask, [poly], 1)
    return mask.astype(bool)


class MouthFill:
    """The harmonic fill of one photo's mouth opening on a grid (see the module notes)."""

    def __init__(self, ibug: np.ndarray, grid_shape: tuple[int, int], step: float):
        import scipy.sparse as sp
        from scipy.sparse.linalg import splu

        mask = mouth_mask(ibug, grid_shape, step)
        mask[[0, -1], :] = False
        mask[:, [0, -1]] = False
        self.inside = np.flatnonzero(mask.ravel())
        self.solve = None
        if self.inside.size == 0:
            return
        gw = grid_shape[1]
        number = -np.ones(mask.size, int)
        number[self.inside] = np.arange(self.inside.size)
        rows, cols, rim_rows, rim_cols = [], [], [], []
        for offset in (-1, 1, -gw, gw):
            nb = self.inside + offset
            inner = number[nb] >= 0
            rows.append(np.flatnonzero(inner))
            cols.append(number[nb[inner]])
            rim_rows.append(np.flatnonzero(~inner))
            rim_cols.append(nb[~inner])
        k = self.inside.size
        lap = sp.csc_matrix((np.full(sum(map(len, rows)), -1.0), (np.concatenate(rows), np.concatenate(cols))),
                            shape=(k, k)) + 4.0 * sp.identity(k, format="csc")
        self.rim = sp.csr_matrix((np.ones(sum(map(len, rim_rows))), (np.concatenate(rim_rows),
                                  np.concatenate(rim_cols))), shape=(k, mask.size))
        self.solve = splu(lap.tocsc()).solve

    def fill(self, field: np.ndarray) -> np.ndarray:
        """``field`` (gh, gw, c) with the mouth opening's cells replaced by the harmonic fill."""
        if self.solve is None:
            return field
        flat = field.reshape(-1, field.shape[-1]).copy()
        flat[self.inside] = self.solve(np.asarray(self.rim @ flat))
        return flat.reshape(field.shape)
