"""Delivered BoNT-A doses for many shots and uncertainty samples at once.

A shot's delivered dose to muscle m is ``units * share_m(site, sigma) / ref_m(sigma)``
(facesim.treatment.spread, rule 2). For fixed sites the ratio depends only on the spread
width sigma, so it is tabulated once on a geometric sigma grid and interpolated
in log(sigma): a thousand plans times two hundred spread samples cost a lookup,
not a quadrature each.
"""

from __future__ import annotations

import numpy as np

from facesim.treatment.bont import BontParams, bont_params
from facesim.treatment.spread import _shares

SIGMA_GRID_MM = np.geomspace(0.5, 40.0, 96)
_LOG_STEP = np.log(SIGMA_GRID_MM[1] / SIGMA_GRID_MM[0])


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
        g, s, m = len(SIGMA_GRID_MM), len(sites_xy), len(territories)
        sig = np.tile(SIGMA_GRID_MM, s)
        shares = _shares(np.repeat(sites_xy, g, axis=0), sig, np.repeat(np.asarray(deep, bool), g),
                         territories, self.params).reshape(s, g, m)
        centres = np.array([t.centre for t in territories], float).reshape(-1, 2)
        own_deep = np.array([t.depth == "deep" for t in territories])
        ref = _shares(np.repeat(centres, g, axis=0), np.tile(SIGMA_GRID_MM, m), np.repeat(own_deep, g),
                      territories, self.params).reshape(m, g, m)
        ref = np.einsum("mgm->gm", ref)  # each muscle's share of a shot at its own centre, (G, M)
        self.ratio = shares / ref[None]  # (S, G, M) delivered U per injected U

    def delivered(self, site: int, units_ona: np.ndarray, sigma_mm: np.ndarray) -> np.ndarray:
        """Delivered dose (..., M) in U for ``units_ona`` (...) at ``sigma_mm`` (...) from site ``site``."""
        f = np.clip(np.log(np.asarray(sigma_mm, float) / SIGMA_GRID_MM[0]) / _LOG_STEP, 0, len(SIGMA_GRID_MM) - 1.001)
        i = f.astype(int)
        w = (f - i)[..., None]
        table = self.ratio[site]
        return np.asarray(units_ona, float)[..., None] * ((1.0 - w) * table[i] + w * table[i + 1])
