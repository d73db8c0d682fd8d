"""Delivered BoNT-A doses for many shots and uncertainty samples at once.

A shot's delivered dose (facesim.treatment.spread, rules 2 and 3) needs, for each muscle, the kernel
integral at the shot's width and at its cross-fascia width, and the muscle's capture at its reference
width. For fixed sites these depend only on a width, so they are tabulated once on a geometric sigma
grid and interpolated in log(sigma); the fascial crossings of each site are computed once. A thousand
plans times two hundred spread samples cost lookups and array arithmetic, not a quadrature each.
"""

from __future__ import annotations

import numpy as np

from facesim.treatment.bont import BontParams, bont_params
from facesim.treatment.spread import _combine, _Geometry

SIGMA_GRID_MM = np.geomspace(0.5, 40.0, 96)
_LOG_STEP = np.log(SIGMA_GRID_MM[1] / SIGMA_GRID_MM[0])


def _grid_position(sigma_mm) -> tuple[np.ndarray, np.ndarray]:
    """Index into SIGMA_GRID_MM and the weight of the next point, linear in log(sigma)."""
    f = np.clip(np.log(np.asarray(sigma_mm, float) / SIGMA_GRID_MM[0]) / _LOG_STEP, 0, len(SIGMA_GRID_MM) - 1.001)
    i = f.astype(int)
    return i, f - i


def _interpolate(table: np.ndarray, sigma_mm: np.ndarray) -> np.ndarray:
    """``table`` (G, M) on SIGMA_GRID_MM at ``sigma_mm`` (...) -> (..., M)."""
    i, w = _grid_position(sigma_mm)
    return (1.0 - w[..., None]) * table[i] + w[..., None] * table[i + 1]


def _interpolate_columns(table: np.ndarray, widths_mm: np.ndarray) -> np.ndarray:
    """``table`` (G, M) at one width per column, ``widths_mm`` (..., M) -> (..., M)."""
    i, w = _grid_position(widths_mm)
    col = np.arange(table.shape[1])
    return (1.0 - w) * table[i, col] + w * table[i + 1, col]


class DoseTable:
    """Delivered dose per unit from shots at fixed sites, as a function of sigma.

    Parameters
    ----------
    sites_xy : (S, 2) float array, mm, frontal-plane injection points
    deep : (S,) bool array, deep injections
    territories : sequence of Territory (M,)
    """

    def __init__(self, sites_xy: np.ndarray, deep: np.ndarray, territories, params: BontParams | None = None):
        self.params = params or bont_params()
        sites_xy = np.asarray(sites_xy, float).reshape(-1, 2)
        geo = _Geometry.of(territories)
        self._sites = sites_xy
        # The kernel (S, G, M) on the sigma grid, filled on demand: a search reaches about a quarter of the grid.
        self._kernel = np.zeros((len(sites_xy), len(SIGMA_GRID_MM), len(territories)))
        self._filled = np.zeros((len(sites_xy), len(SIGMA_GRID_MM)), bool)
        self.geometry = geo
        # Each territory's capture (G, M) on the sigma grid, filled on demand as well.
        self._capture = np.zeros((len(SIGMA_GRID_MM), len(territories)))
        self._capture_filled = np.zeros(self._capture.shape, bool)
        self.crossing = geo.crossing(sites_xy, deep)          # (S, M) each

    def kernel(self, site: int, sigma_mm: np.ndarray) -> np.ndarray:
        """The kernel table (G, M) of ``site``, its rows that interpolation at ``sigma_mm`` (...) reads filled in."""
        i, _ = _grid_position(sigma_mm)
        rows = np.union1d(i, i + 1)
        todo = rows[~self._filled[site, rows]]
        if todo.size:
            xy = np.repeat(self._sites[site][None], todo.size, axis=0)
            self._kernel[site, todo] = self.geometry.kernel(xy, SIGMA_GRID_MM[todo])
            self._filled[site, todo] = True
        return self._kernel[site]

    def capture(self, widths_mm: np.ndarray) -> np.ndarray:
        """The capture table (G, M), its cells that interpolation at ``widths_mm`` (..., M) reads filled in."""
        i, _ = _grid_position(widths_mm)
        col = np.broadcast_to(np.arange(self._capture.shape[1]), i.shape)
        need = np.zeros(self._capture.shape, bool)
        need[i, col] = need[i + 1, col] = True
        g, m = np.nonzero(need & ~self._capture_filled)
        if g.size:
            self._capture[g, m] = self.geometry.capture(SIGMA_GRID_MM[g], m)
            self._capture_filled[g, m] = True
        return self._capture

    def delivered(self, site: int, units_ona: np.ndarray, sigma_mm: np.ndarray) -> np.ndarray:
        """Delivered dose (..., M) in U for ``units_ona`` (...) at ``sigma_mm`` (...) from site ``site``."""
        sigma = np.asarray(sigma_mm, float)
        sigma_x = np.minimum(sigma, self.params.cross_fascia_sigma_mm)
        kernel = self.kernel(site, np.concatenate([sigma.ravel(), sigma_x.ravel()]))
        share = _combine(_interpolate(kernel, sigma), _interpolate(kernel, sigma_x),
                         sigma_x, self.crossing.row(site), self.params)
        units = np.asarray(units_ona, float)
        widths = self.geometry.reference_widths(sigma, units, self.params)
        norm = _interpolate_columns(self.capture(widths), widths)
        return units[..., None] * np.minimum(share / norm, 1.0)
