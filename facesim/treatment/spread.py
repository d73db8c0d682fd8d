"""BoNT-A spread: how much of a shot reaches each muscle.

1. Spread. A shot spreads as a normalised 2-D Gaussian in the frontal plane with
   ``sigma = 4 mm * (V / 0.1 mL)^(1/3) * (U / 3)^(1/6) * spread_factor``. Each
   muscle's *share* is the kernel's integral over its territory (a capsule: a
   segment plus a half-width). Shares of non-overlapping territories sum to <= 1;
   the rest goes to non-target tissue, so toxin is conserved. A deep shot multiplies
   the share of deep muscles by ``deep_injection_weight_deep_muscle`` (1.5); if the
   weighted shares then sum to more than 1 they are all divided by that sum.
2. Delivered dose (the normalisation rule). ED50s and clinical doses
   are quoted as "units injected into that muscle", and such a shot also lands partly
   outside the muscle. So each muscle's delivered dose is expressed in *centre-equivalent
   units*: ``delivered_m = U * share_m(site) / share_m(reference)``, where the reference is
   the same kernel (same sigma) placed at the centre of m's own territory at m's own
   depth. A shot at a muscle's centre and depth gives it exactly its nominal units;
   an off-centre shot gives it less; a neighbour gets the units that, injected at
   the neighbour's own centre, would put the same toxin into it. Delivered doses
   therefore do not sum to U (each is on its own muscle's clinical scale); the
   physical shares do conserve toxin.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import erf

from facesim.errors import InputError
from facesim.treatment.bont import BontParams, Product, _check_depth, _check_units, bont_params, injection_volume_ml, product, to_ona_units


@dataclass(frozen=True)
class Territory:
    """Muscle belly under the skin: a capsule in the frontal plane (x, y in mm)."""

    muscle_id: str
    start: tuple[float, float]
    end: tuple[float, float]
    half_width_mm: float
    depth: str = "superficial"

    def __post_init__(self):
        if not self.half_width_mm > 0:
            raise InputError(f"territory {self.muscle_id}: half_width_mm must be > 0, got {self.half_width_mm}")
        _check_depth(self.depth, f"territory {self.muscle_id}")

    @property
    def centre(self) -> np.ndarray:
        return (np.asarray(self.start, float) + np.asarray(self.end, float)) / 2


def spread_sigma_mm(units_ona, volume_ml, params: BontParams | None = None):
    """Gaussian spread width in mm: ``sigma_ref * (V/V_ref)^(1/3) * (U/U_ref)^(1/6)``."""
    p = params or bont_params()
    u, v = _check_units(units_ona, "units_ona"), _check_units(volume_ml, "volume_ml")
    return (p.sigma_ref_mm * (v / p.ref_volume_ml) ** p.volume_exponent
            * (u / p.ref_units) ** p.dose_exponent)


def shot_sigma_mm(units, product_name: str | Product, volume_ml=None, spread_scale=1.0,
                  params: BontParams | None = None):
    """The spread rule, defined once: Gaussian width (mm) of shots of ``units`` (the product's own units).

    ``volume_ml`` None means the shot's ona-equivalent units at the reference dilution (mL per 100
    ona-equivalent U), so equivalent doses of every product have one width times its ``spread_factor``;
    ``spread_scale`` multiplies the width (uncertainty samples). Broadcasts.
    """
    p = params or bont_params()
    prod = product(product_name)
    units = np.asarray(units, float)
    volume = injection_volume_ml(units, None, prod) if volume_ml is None else volume_ml
    return spread_sigma_mm(to_ona_units(units, prod), volume, p) * prod.spread_factor * np.asarray(spread_scale, float)


def _territory_arrays(territories):
    a = np.array([t.start for t in territories], float).reshape(-1, 2)
    b = np.array([t.end for t in territories], float).reshape(-1, 2)
    w = np.array([t.half_width_mm for t in territories], float)
    deep = np.array([t.depth == "deep" for t in territories], bool)
    return a, b, w, deep


_GL_X, _GL_W = np.polynomial.legendre.leggauss(64)


_THETA, _THETA_W = (_GL_X + 1) * np.pi / 4, _GL_W * np.pi / 4   # Gauss-Legendre on [0, pi/2]


def _half_disc(u, v, sigma, w):
    """Kernel integral over the half-disc {u' >= 0, u'^2 + v'^2 <= w^2}; site at (u, v).

    With u' = w sin(theta) the chord half-height is w cos(theta): the v' integral is
    exact (erf) and the theta integral is smooth, done by 64-point Gauss-Legendre.
    """
    s = np.sqrt(2.0) * sigma[..., None]
    up = w[..., None] * np.sin(_THETA)                   # (..., q)
    h = w[..., None] * np.cos(_THETA)
    across = 0.5 * (erf((h - v[..., None]) / s) + erf((h + v[..., None]) / s))
    with np.errstate(over="ignore"):                     # tiny sigma: exp(-inf) = 0 is right
        along = np.exp(-((up - u[..., None]) / s) ** 2) / (np.sqrt(np.pi) * s)
    return (along * across * h) @ _THETA_W


def _raw_shares(sites, sigma, a, b, w):
    """Kernel integral over each capsule: sites (k, 2), sigma (k,) -> (k, n)."""
    seg = b - a
    length = np.linalg.norm(seg, axis=1)
    d = np.where(length[:, None] > 0, seg / np.maximum(length, 1e-300)[:, None], [1.0, 0.0])
    nrm = np.stack([-d[:, 1], d[:, 0]], axis=1)
    rel = sites[:, None, :] - a[None]                     # (k, n, 2) in the segment frame:
    u, v = (rel * d).sum(-1), (rel * nrm).sum(-1)         # along, across
    sig, ww = np.broadcast_to(sigma[:, None], u.shape), np.broadcast_to(w, u.shape)
    s = np.sqrt(2.0) * sig
    rect = 0.25 * (erf((length - u) / s) + erf(u / s)) * (erf((ww - v) / s) + erf((ww + v) / s))
    return rect + _half_disc(u - length, v, sig, ww) + _half_disc(-u, v, sig, ww)


def _shares(sites, sigma, deep_shot, territories, params):
    a, b, w, deep = _territory_arrays(territories)
    s = _raw_shares(sites, sigma, a, b, w)
    s = s * np.where(deep_shot[:, None] & deep[None], params.deep_injection_weight_deep_muscle, 1.0)
    return s / np.maximum(s.sum(axis=1, keepdims=True), 1.0)


def dose_shares(site_xy, sigma_mm: float, territories, depth: str = "superficial",
                params: BontParams | None = None) -> np.ndarray:
    """Share of a shot's toxin landing in each territory (sum <= 1 if they do not overlap).

    Parameters
    ----------
    site_xy : (2,) float array, mm
    sigma_mm : float, mm
    territories : sequence of Territory (n,)

    Returns
    -------
    (n,) float array, fraction of the dose
    """
    _check_depth(depth, "depth")
    if not sigma_mm > 0:
        raise InputError(f"sigma_mm must be > 0, got {sigma_mm}")
    site = np.asarray(site_xy, float).reshape(1, 2)
    return _shares(site, np.array([float(sigma_mm)]), np.array([depth == "deep"]), territories,
                   params or bont_params())[0]


def delivered_dose(units_ona: float, site_xy, sigma_mm: float, territories, depth: str = "superficial",
                   params: BontParams | None = None) -> np.ndarray:
    """Delivered dose per muscle in centre-equivalent U (see the module docstring, rule 2).

    Returns
    -------
    (n,) float array, U; ``units_ona`` exactly for a shot at a muscle's centre and depth.
    """
    p = params or bont_params()
    units = float(_check_units(units_ona, "units_ona"))
    share = dose_shares(site_xy, sigma_mm, territories, depth, p)
    centres = np.array([t.centre for t in territories]).reshape(-1, 2)
    own_deep = np.array([t.depth == "deep" for t in territories])
    ref = np.diagonal(_shares(centres, np.full(len(centres), float(sigma_mm)), own_deep, territories, p))
    return units * share / ref
