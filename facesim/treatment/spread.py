"""BoNT-A spread: how much of a shot reaches each muscle.

1. Width. A shot spreads as a normalised 2-D Gaussian in the frontal plane with
   ``sigma = 4 mm * (V / 0.1 mL)^(1/3) * (U / 3)^(1/6) * spread_factor`` (products.toml
   ``[bont.spread]``), ``U`` the dose in ona-equivalent units and ``V`` its volume: the given
   volume, or the shot's own dilution, or else ``U`` at the reference dilution per 100
   ona-equivalent U, so equivalent doses of any product spread alike.
2. Physical share (a fraction of the toxin). ``K_m(s)`` is the kernel's integral over muscle m's
   territory (a capsule: a segment plus a half-width) at width ``s``. The needle lies in a fascial
   compartment (:mod:`facesim.treatment.fascia`): the superficial mimetic layer, or the deep
   muscle it is in. A muscle in that compartment gets ``K_m(sigma)``: the injected volume spreads
   freely within its fascia. A muscle in another compartment, ``k`` fascial boundaries and ``dz``
   mm of depth away, gets ``T^k * exp(-dz^2 / (2 s^2)) * K_m(s)`` with
   ``s = min(sigma, cross_fascia_sigma_mm)`` and ``T`` = 0.77 per boundary (the literature's
   fascial barrier). A fascia stops the volume itself, so what crosses is only the toxin in the
   near field of the needle, which spreads in depth as in the plane. That is why a deep shot
   stays mostly within its muscle: 25 U deep in the masseter (sigma 10.5 mm) hardly reaches the
   risorius above it, while a shallow one would, as clinics report. A superficial DAO shot placed
   medially still reaches the DLI deep to it (one boundary, 3.5 mm deeper). If the shares add up
   to more than 1 (overlapping territories split the toxin), they are all divided by their sum;
   the rest goes to tissue that is no muscle, so toxin is conserved.
3. Delivered dose (U, what the dose-response reads). ED50s and clinical doses are quoted as
   "units injected into that muscle", and such a shot also lands partly outside the muscle. So a
   share is read against ``c_m(s)``, the share of a shot of width ``s`` placed at the centre of m's
   territory in m's own compartment: ``delivered_m = U * min(1, share_m / c_m(s_m))``, where
   ``s_m = sigma * min(1, (U_max,m / U)^(volume_exponent + dose_exponent))`` is the width of this
   shot, or of the same shot (product, dilution, patient) scaled down to m's largest single dose
   ``U_max,m`` (safety.toml ``max_site_u``; ``ref_units`` for a territory without one) if this one
   is larger. So any dose up to a muscle's per-site maximum, given at its centre, gives it its
   nominal units whatever its dilution (10-100 U/mL do not change the effect, section 3), and a
   neighbour's share is read against what that muscle takes of its own largest dose: a small share
   of a wide kernel is a small dose, and no muscle is given more than ``U``. (Reading every share
   against this shot's own width, as an earlier rule did, turned a 5 % share of a 25 U masseter
   shot into 10 U in the thin risorius.)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import erf

from facesim.errors import InputError
from facesim.face.names import base_name
from facesim.treatment import fascia
from facesim.treatment.bont import (BontParams, Product, _check_depth, _check_units, bont_params, injection_volume_ml,
                                    product, site_dose, to_ona_units)


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


@dataclass(frozen=True)
class _Geometry:
    """Territories as arrays: muscle ids, segment ends a, b (n, 2) mm, half-widths w (n,) mm, layers, U_max (n,) U."""

    ids: tuple[str, ...]
    a: np.ndarray
    b: np.ndarray
    w: np.ndarray
    layers: np.ndarray
    max_units: np.ndarray

    @classmethod
    def of(cls, territories) -> "_Geometry":
        a = np.array([t.start for t in territories], float).reshape(-1, 2)
        b = np.array([t.end for t in territories], float).reshape(-1, 2)
        w = np.array([t.half_width_mm for t in territories], float)
        ids = tuple(t.muscle_id for t in territories)
        return cls(ids, a, b, w, fascia.territory_layers(territories), np.array([_max_units(m) for m in ids], float))

    def kernel(self, sites, sigma) -> np.ndarray:
        """``K_m``: kernel integral over each territory, sites (k, 2) mm, sigma (k,) mm -> (k, n)."""
        return _raw_shares(np.asarray(sites, float).reshape(-1, 2), np.asarray(sigma, float).reshape(-1),
                           self.a, self.b, self.w)

    def crossing(self, sites, deep_shot) -> fascia.Crossing:
        """Compartment boundaries and depths from needles at ``sites`` (k, 2) to every territory, (k, n)."""
        sites = np.asarray(sites, float).reshape(-1, 2)
        home = fascia.needle_compartment(sites, np.asarray(deep_shot, bool).reshape(-1), self.a, self.b, self.w,
                                         self.layers)
        return fascia.crossing(home, self.layers)

    def capture(self, sigma, muscles) -> np.ndarray:
        """``c_m(s)`` (c,): the share of a shot at territory ``muscles[i]``'s centre of width ``sigma[i]`` (mm)
        that stays in that territory's own compartment (the denominator of rule 3)."""
        m = np.asarray(muscles, int).reshape(-1)
        k = self.kernel(((self.a + self.b) / 2)[m], np.asarray(sigma, float).reshape(-1))  # (c, n)
        total = (k * fascia.own_compartment(self.layers)[m]).sum(axis=1)
        return k[np.arange(len(m)), m] / np.maximum(total, 1.0)

    def reference_widths(self, sigma, units_ona, params: BontParams) -> np.ndarray:
        """``s_m`` (..., n), mm: the shot's width, scaled down to each muscle's largest dose (rule 3)."""
        u = np.maximum(np.asarray(units_ona, float), 1e-300)[..., None]
        scale = np.minimum(1.0, (self.max_units / u) ** (params.volume_exponent + params.dose_exponent))
        return np.asarray(sigma, float)[..., None] * scale


def _max_units(muscle_id: str) -> float:
    """The muscle's largest single dose, U (safety.toml ``max_site_u``); ``ref_units`` for a territory without one."""
    try:
        return float(site_dose(base_name(muscle_id))[1])
    except InputError:
        return bont_params().ref_units


def _combine(k_own, k_cross, sigma_cross, crossing: fascia.Crossing, params: BontParams) -> np.ndarray:
    """Physical shares (..., n) from the kernel at the shot's width and at the cross-fascia width (rule 2)."""
    s = np.asarray(sigma_cross, float)[..., None]
    through = params.fascia_transmission ** crossing.boundaries * np.exp(-crossing.dz_mm ** 2 / (2.0 * s * s))
    share = np.where(crossing.same, k_own, through * k_cross)
    return share / np.maximum(share.sum(axis=-1, keepdims=True), 1.0)


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


def dose_shares(site_xy, sigma_mm: float, territories, depth: str = "superficial",
                params: BontParams | None = None) -> np.ndarray:
    """Share of a shot's toxin landing in each territory (rule 2); they sum to <= 1.

    Parameters
    ----------
    site_xy : (2,) float array, mm
    sigma_mm : float, mm
    territories : sequence of Territory (n,)
    depth : str, ``superficial`` or ``deep``, the needle's layer

    Returns
    -------
    (n,) float array, fraction of the dose
    """
    return _shares(_Geometry.of(territories), site_xy, sigma_mm, depth, params or bont_params())


def _shares(geo: _Geometry, site_xy, sigma_mm: float, depth: str, p: BontParams) -> np.ndarray:
    _check_depth(depth, "depth")
    if not sigma_mm > 0:
        raise InputError(f"sigma_mm must be > 0, got {sigma_mm}")
    site = np.asarray(site_xy, float).reshape(1, 2)
    sigma_x = np.minimum([float(sigma_mm)], p.cross_fascia_sigma_mm)
    k_own, k_cross = geo.kernel(site, [float(sigma_mm)]), geo.kernel(site, sigma_x)
    return _combine(k_own, k_cross, sigma_x, geo.crossing(site, [depth == "deep"]), p)[0]


def delivered_dose(units_ona: float, site_xy, sigma_mm: float, territories, depth: str = "superficial",
                   params: BontParams | None = None) -> np.ndarray:
    """Delivered dose per muscle, U (rule 3 of the module docstring).

    Returns
    -------
    (n,) float array, U, each <= ``units_ona``; ``units_ona`` for a shot at a muscle's centre, in its
    layer, up to the muscle's per-site maximum dose.
    """
    units = float(_check_units(units_ona, "units_ona"))
    p = params or bont_params()
    geo = _Geometry.of(territories)
    share = _shares(geo, site_xy, sigma_mm, depth, p)
    norm = geo.capture(geo.reference_widths(float(sigma_mm), units, p), np.arange(len(geo.w)))
    return units * np.minimum(share / norm, 1.0)
