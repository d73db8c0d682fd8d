"""Delivered BoNT-A doses for many shots and uncertainty samples at once.

A shot's delivered dose (facesim.treatment.spread, rules 2 and 3) needs, for each muscle, the kernel
integral at the shot's width and at its cross-fascia width, and the muscle's capture at that width.
For fixed sites these depend only on a width, so they are tabulated once on a geometric sigma grid
and interpolated in log(sigma); the fascial crossings of each site are computed once. A thousand
plans times two hundred spread samples cost lookups and array arithmetic, not a quadrature each.
"""

from __future__ import annotations

import numpy as np

from facesim.treatment.bont import BontParams, bont_params
from facesim.treatment.spread import _combine, _Geometry

SIGMA_GRID_MM = np.geomspace(0.5, 40.0, 96)
_LOG_STEP = np.log(SIGMA_GRID_MM[1] / SIGMA_GRID_MM[0])


def _interpolate(table: np.ndarray, sigma_mm: np.ndarray) -> np.ndarray:
    """``table`` (G, M) on SIGMA_GRID_MM at ``sigma_mm`` (...) -> (..., M), linear in log(sigma)."""
    f = np.clip(np.log(np.asarray(sigma_mm, float) / SIGMA_GRID_MM[0]) / _LOG_STEP, 0, len(SIGMA_GRID_MM) - 1.001)
    i = f.astype(int)
    w = (f - i)[..., None]
    return (1.0 - w) * table[i] + w * table[i + 1]


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
        g, s, m = len(SIGMA_GRID_MM), len(sites_xy), len(territories)
        self.kernel = geo.kernel(np.repeat(sites_xy, g, axis=0), np.tile(SIGMA_GRID_MM, s)).reshape(s, g, m)
        self.capture = geo.capture(SIGMA_GRID_MM)            # (G, M)
        self.nominal_capture = geo.nominal_capture()           # (M,)
        self.crossing = geo.crossing(sites_xy, deep)           # (S, M) each

    def delivered(self, site: int, units_ona: np.ndarray, sigma_mm: np.ndarray) -> np.ndarray:
        """Delivered dose (..., M) in U for ``units_ona`` (...) at ``sigma_mm`` (...) from site ``site``."""
        sigma = np.asarray(sigma_mm, float)
        sigma_x = np.minimum(sigma, self.params.cross_fascia_sigma_mm)
        share = _combine(_interpolate(self.kernel[site], sigma), _interpolate(self.kernel[site], sigma_x),
                         sigma_x, self.crossing.row(site), self.params)
        norm = np.maximum(_interpolate(self.capture, sigma), self.nominal_capture)
        return np.asarray(units_ona, float)[..., None] * np.minimum(share / norm, 1.0)
