"""The simulated change shown on the patient's own photo: the model face fitted to the photo, its 3-D
displacement carried into image pixels, and the photo warped (OpenCV ``remap``).

::

    warp = PhotoWarp(rgb, found, model.face)        # set-up once per photo (found: PhotoLandmarks)
    after = warp.frame(shape_day_d - shape_day_0)    # (n, 3) mm at the model's vertices -> (h, w, 3) uint8

Frames. facesim's +x is the patient's LEFT, which on a frontal photo is the viewer's right, i.e. image +x;
facesim's +y is up and image y points down, so a model point (x, y) is first taken to (x, -y).

Fit (:class:`FaceFit`): a similarity transform (scale, rotation, shift; least squares, Umeyama) of the
model's frontal landmark projection onto the photo's iBUG-68 points (the facesim landmarks both carry,
facesim.face.ibug68), then a thin-plate spline (scipy ``RBFInterpolator``) of what the similarity leaves,
so the corners, lips, nose and eyes of the model land on the photo's. A model point's pixel is
``fit(x, y)``; its displacement ``u`` moves it by ``fit(x + ux, y + uy) - fit(x, y)`` pixels.

Field: the vertex moves are spread over a coarse pixel grid (linear in the triangles of the fitted
vertices, so the model's open mouth slit is bridged by triangles, not torn), the photo's own mouth
opening (inside the inner lip points, short of the corners) is filled harmonically from its rim
(:mod:`facesim.photo.mouth_fill`), moves under ``DEAD_PX`` fade to nothing (so only what the model moves
moves), and outside the fitted face the field is zero. The pull-back map that ``remap`` needs is found by
a fixed-point iteration on that grid and resized to the photo.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from facesim.errors import InputError
from facesim.face.ibug68 import IBUG68, ibug_point

GRID_PX = 256  # the displacement grid's longer side, cells (the field is smooth: resized up with no loss seen)
DEAD_PX = 0.05  # moves smaller than this (px) count as none; full moves from 2 x this
TPS_SMOOTHING = 1.0  # RBFInterpolator smoothing, px^2: the detector's point noise is ~1 px
INVERSE_STEPS = 4  # fixed-point steps for the pull-back map (converges for moves with gradient < 1)


def _similarity(src: np.ndarray, dst: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
    """(scale, rotation (2, 2), shift (2,)) minimising |s R src + t - dst|^2 (Umeyama, no reflection)."""
    mu_s, mu_d = src.mean(0), dst.mean(0)
    a, b = src - mu_s, dst - mu_d
    u, sig, vt = np.linalg.svd(b.T @ a)
    d = np.diag([1.0, np.sign(np.linalg.det(u @ vt))])
    rot = u @ d @ vt
    scale = float(np.trace(np.diag(sig) @ d) / np.sum(a ** 2))
    return scale, rot, mu_d - scale * rot @ mu_s


def landmark_pairs(face, ibug: np.ndarray) -> tuple[tuple[str, ...], np.ndarray, np.ndarray]:
    """(names, model (k, 2) mm as image-oriented (x, -y), photo (k, 2) px) for every facesim landmark the
    model face has and the iBUG-68 scheme defines."""
    names = tuple(n for n in IBUG68 if n in face.landmarks)
    if len(names) < 6:
        raise InputError(f"face {face.name}: only {len(names)} landmarks shared with iBUG-68; the photo fit "
                         "needs the eyes, nose, mouth corners and lips")
    model = np.array([face.landmark_position(n)[:2] for n in names]) * np.array([1.0, -1.0])
    photo = np.array([ibug_point(ibug, n) for n in names])
    return names, model, photo


@dataclass(frozen=True)
class FaceFit:
    """Model frontal plane (mm, facesim x right-of-patient-left, y up) -> photo pixels (x right, y down).

    scale : px per mm of the similarity; rotation (2, 2); shift (2,) px; spline: the thin-plate spline of
    the residual (px -> px offset); residual_px : (k,) how far each landmark sat from the photo's after the
    similarity alone (the spline takes it to ~0)
    """

    scale: float
    rotation: np.ndarray
    shift: np.ndarray
    spline: object
    residual_px: np.ndarray

    @classmethod
    def fit(cls, face, ibug: np.ndarray) -> "FaceFit":
        from scipy.interpolate import RBFInterpolator

        _, model, photo = landmark_pairs(face, ibug)
        scale, rot, shift = _similarity(model, photo)
        placed = scale * model @ rot.T + shift
        spline = RBFInterpolator(placed, photo - placed, kernel="thin_plate_spline", smoothing=TPS_SMOOTHING)
        return cls(scale, rot, shift, spline, np.linalg.norm(photo - placed, axis=1))

    def __call__(self, xy_mm: np.ndarray) -> np.ndarray:
        """Pixels (k, 2) of model points ``xy_mm`` (k, 2), facesim frame."""
        placed = self.scale * (np.asarray(xy_mm, float)[:, :2] * np.array([1.0, -1.0])) @ self.rotation.T + self.shift
        return placed + self.spline(placed)


def _grid_weights(points_px: np.ndarray, grid_xy: np.ndarray):
    """Sparse (g, n) matrix of each grid point's barycentric weights in the Delaunay triangle of
    ``points_px`` holding it (an all-zero row outside their hull)."""
    import scipy.sparse as sp
    from scipy.spatial import Delaunay

    tri = Delaunay(points_px)
    lo, hi = points_px.min(0), points_px.max(0)
    boxed = np.flatnonzero(np.all((grid_xy >= lo) & (grid_xy <= hi), axis=1))  # a query outside is slow
    simplex = np.full(len(grid_xy), -1)
    simplex[boxed] = tri.find_simplex(grid_xy[boxed])
    inside = np.flatnonzero(simplex >= 0)
    t = tri.transform[simplex[inside]]
    bary = np.einsum("kij,kj->ki", t[:, :2], grid_xy[inside] - t[:, 2])
    weights = np.column_stack([bary, 1.0 - bary.sum(1)])
    rows = np.repeat(inside, 3)
    return sp.csr_matrix((weights.ravel(), (rows, tri.simplices[simplex[inside]].ravel())),
                         shape=(len(grid_xy), len(points_px)))


class PhotoWarp:
    """One photo fitted to one model face, ready to show any displacement of that face on the photo.

    Attributes: ``fit`` (:class:`FaceFit`), ``size`` (w, h) px, ``step`` px per grid cell,
    ``vertex_px`` (n, 2) the vertices' pixels at rest.
    """

    def __init__(self, rgb: np.ndarray, found, face):
        from facesim.photo.mouth_fill import MouthFill

        self.rgb = np.ascontiguousarray(rgb)
        h, w = self.rgb.shape[:2]
        self.size = (w, h)
        self.fit = FaceFit.fit(face, found.ibug)
        self.vertices = np.asarray(face.vertices, float)
        self.vertex_px = self.fit(self.vertices[:, :2])
        self.step = max(w, h) / GRID_PX
        self.grid_shape = (int(np.ceil(h / self.step)) + 1, int(np.ceil(w / self.step)) + 1)
        gy, gx = np.mgrid[0:self.grid_shape[0], 0:self.grid_shape[1]] * self.step
        self.weights = _grid_weights(self.vertex_px, np.column_stack([gx.ravel(), gy.ravel()]))
        self.mouth = MouthFill(found.ibug, self.grid_shape, self.step)
        self._cells = np.mgrid[0:self.grid_shape[0], 0:self.grid_shape[1]].astype(np.float32)
        ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
        self._pixels = (xs, ys)
        self._in_grid = (xs / np.float32(self.step), ys / np.float32(self.step))  # each pixel in grid cells

    def vertex_moves_px(self, displacement_mm: np.ndarray) -> np.ndarray:
        """(n, 2) pixels each vertex moves by under ``displacement_mm`` (n, 3), image frame."""
        moved = self.fit(self.vertices[:, :2] + np.asarray(displacement_mm, float)[:, :2])
        return moved - self.vertex_px

    def field_px(self, displacement_mm: np.ndarray) -> np.ndarray:
        """Forward move (gh, gw, 2) in px on the coarse grid (grid point (i, j) at pixel (j, i) x step)."""
        moves = self.vertex_moves_px(displacement_mm)
        field = np.asarray(self.weights @ moves).reshape(*self.grid_shape, 2)
        field = self.mouth.fill(field)
        size = np.linalg.norm(field, axis=2, keepdims=True)
        return field * np.clip((size - DEAD_PX) / DEAD_PX, 0.0, 1.0)

    def pullback_px(self, field: np.ndarray) -> np.ndarray:
        """Backward move B (gh, gw, 2): the pixel at p shows the photo at p - B(p), with B(p) = F(p - B(p))."""
        import cv2

        field = field.astype(np.float32)
        back = field.copy()
        rows, cols = self._cells
        for _ in range(INVERSE_STEPS):
            back = cv2.remap(field, cols - back[..., 0] / self.step, rows - back[..., 1] / self.step,
                             cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=0)
        return back

    def frame(self, displacement_mm: np.ndarray, rgb: np.ndarray | None = None) -> np.ndarray:
        """The photo (or ``rgb``, same size) with the model's ``displacement_mm`` (n, 3) applied, uint8."""
        import cv2

        back = self.pullback_px(self.field_px(displacement_mm))
        gx, gy = self._in_grid
        bx = cv2.remap(back[..., 0], gx, gy, cv2.INTER_LINEAR)
        by = cv2.remap(back[..., 1], gx, gy, cv2.INTER_LINEAR)
        source = self.rgb if rgb is None else rgb
        return cv2.remap(source, self._pixels[0] - bx, self._pixels[1] - by, cv2.INTER_LINEAR,
                         borderMode=cv2.BORDER_REFLECT)
