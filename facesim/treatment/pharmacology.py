"""BoNT-A pharmacology: product units, spread to muscles, time course, per-muscle force factor.

Numbers live in ``facesim/data/products.toml``, each with its source as data (its table's ``sources``).

Model
-----
1. Units. Product units convert to onabotulinumtoxinA-equivalent units (U):
   ``U = units / units_per_ona_unit``.
2. Spread. A shot spreads as a normalised 2-D Gaussian in the frontal plane with
   ``sigma = 4 mm * (V / 0.1 mL)^(1/3) * (U / 3)^(1/6) * spread_factor``. Each
   muscle's *share* is the kernel's integral over its territory (a capsule: a
   segment plus a half-width). Shares of non-overlapping territories sum to <= 1;
   the rest goes to non-target tissue, so toxin is conserved. A deep shot multiplies
   the share of deep muscles by ``deep_injection_weight_deep_muscle`` (1.5); if the
   weighted shares then sum to more than 1 they are all divided by that sum.
3. Delivered dose (the normalisation rule). ED50s and clinical doses are quoted as
   "units injected into that muscle", and such a shot also lands partly outside the
   muscle. So each muscle's delivered dose is expressed in *centre-equivalent units*:
   ``delivered_m = U * share_m(site) / share_m(reference)``, where the reference is
   the same kernel (same sigma) placed at the centre of m's own territory at m's own
   depth. A shot at a muscle's centre and depth gives it exactly its nominal units;
   an off-centre shot gives it less; a neighbour gets the units that, injected at
   the neighbour's own centre, would put the same toxin into it. Delivered doses
   therefore do not sum to U (each is on its own muscle's clinical scale); the
   physical shares do conserve toxin. A superficial shot at the centre of a deep
   muscle delivers less than its units (between 1/1.5 and 1 of them, depending on
   how much the reference was renormalised): the deep layer is reached less.
4. Time course of one shot's effective dose (t days after it):
   ``D(t) = D0 * rise(t) * decay(t)``, ``rise = 1 - exp(-(t - lag)/rise_tau)`` after
   ``lag = onset_delay_d * onset_lag_factor`` (0 before), ``decay = 1`` until
   ``hold_d`` then ``exp(-(t - hold_d)/(decay_tau_d * duration_factor))``.
5. Response. Effective doses of all shots in a muscle add, then a Hill map gives the
   fraction of force lost, ``emax * D^n / (D^n + ED50^n)`` (never above ``emax``);
   the force factor is ``g = 1 - loss``. Higher doses last longer because the dose
   decays while the response saturates.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, fields
from functools import cache

import numpy as np
from scipy.special import erf

from facesim.datafiles import bundled
from facesim.errors import InputError
from facesim.face.names import base_name

DEPTHS = ("superficial", "deep")


@dataclass(frozen=True)
class Product:
    """A BoNT-A product and its factors relative to onabotulinumtoxinA."""

    name: str
    aliases: tuple[str, ...]
    units_per_ona_unit: float
    onset_lag_factor: float
    duration_factor: float
    spread_factor: float
    interchangeable: bool = True
    note: str = ""


@dataclass(frozen=True)
class BontParams:
    """Pharmacodynamic defaults (``[bont]`` of products.toml); ``dataclasses.replace`` to vary."""

    onset_delay_d: float
    rise_tau_d: float
    hold_d: float
    decay_tau_d: float
    emax: float
    hill_n: float
    sex_dose_factor: float
    reference_dilution_ml_per_100u: float
    sigma_ref_mm: float
    ref_volume_ml: float
    ref_units: float
    volume_exponent: float
    dose_exponent: float
    deep_injection_weight_deep_muscle: float


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


@dataclass(frozen=True)
class PlacedShot:
    """A BoNT-A shot placed on one face (made by :meth:`facesim.treatment.shot.Shot.place`).

    Attributes
    ----------
    site_xy : (2,) tuple, mm, frontal-plane injection point
    units : float, the product's own units
    product : str
    day : float, days (negative: before day 0)
    volume_ml : float or None, mL; None = the units at the reference dilution
    depth : str, ``superficial`` or ``deep``
    muscle_id : str or None, the muscle aimed at (None: the one it mostly reaches)
    """

    site_xy: tuple[float, float]
    units: float
    product: str = "onabotulinumtoxinA"
    day: float = 0.0
    volume_ml: float | None = None
    depth: str = "superficial"
    muscle_id: str | None = None

    def __post_init__(self):
        _check_units(self.units, "injection units")
        if self.volume_ml is not None and not self.volume_ml > 0:
            raise InputError(f"injection volume_ml must be > 0 (or omitted), got {self.volume_ml}")
        _check_depth(self.depth, "injection depth")

    @property
    def units_ona(self) -> float:
        """The dose in onabotulinumtoxinA-equivalent U."""
        return float(to_ona_units(self.units, self.product))

    def sigma_mm(self, params: BontParams | None = None, spread_scale=1.0):
        """Spread width of this shot, mm (see :func:`shot_sigma_mm`)."""
        return shot_sigma_mm(self.units, self.product, self.volume_ml, spread_scale, params)

    def delivered(self, territories, params: BontParams | None = None) -> np.ndarray:
        """Delivered dose per territory (n,), centre-equivalent U (module docstring, rule 3); 0 for 0 U."""
        u = self.units_ona
        if u == 0:
            return np.zeros(len(territories))
        return delivered_dose(u, self.site_xy, float(self.sigma_mm(params)), territories, self.depth, params)

    def target(self, territories) -> str:
        """The muscle this shot aims at: its own, or else the territory it delivers most to."""
        if self.muscle_id is not None:
            return self.muscle_id
        return territories[int(np.argmax(self.delivered(territories)))].muscle_id


def _check_units(units, field: str) -> np.ndarray:
    u = np.asarray(units, float)
    if not np.all(np.isfinite(u)) or np.any(u < 0):
        raise InputError(f"{field} must be finite and >= 0, got {units}")
    return u


def _check_depth(depth: str, field: str) -> None:
    if depth not in DEPTHS:
        raise InputError(f"{field} must be 'superficial' or 'deep', got {depth!r}")


@cache
def _products() -> dict[str, tuple[str, Product]]:
    """Lower-case name or alias -> (its spelling, product)."""
    out = {}
    for name, row in bundled.products().product.items():
        p = Product(name=name, **row.values())
        out.update({key.lower(): (key, p) for key in (name, *p.aliases)})
    return out


def product(name: str | Product) -> Product:
    """Look up a product by name or alias (case-insensitive)."""
    if isinstance(name, Product):
        return name
    table = _products()
    try:
        return table[str(name).strip().lower()][1]
    except KeyError:
        near = difflib.get_close_matches(str(name).strip().lower(), table, n=1, cutoff=0.3)
        hint = f"did you mean {table[near[0]][0]!r}?" if near else f"use one of {sorted(table)}"
        raise InputError(f"product {name!r} is unknown; {hint}") from None


def to_ona_units(units, product_name: str | Product) -> np.ndarray | float:
    """Convert product units to onabotulinumtoxinA-equivalent units (U)."""
    return _check_units(units, "units") / product(product_name).units_per_ona_unit


@cache
def bont_params() -> BontParams:
    """The default pharmacodynamic parameters from products.toml."""
    b = bundled.products().bont
    flat = {**b.values(), **b.spread.values()}
    return BontParams(**{f.name: float(flat[f.name]) for f in fields(BontParams)})


def ed50_u(muscle_id: str, sex: str = "female") -> float:
    """ED50 in U of a muscle (side suffix ignored); men get x sex_dose_factor."""
    if sex not in ("female", "male"):
        raise InputError(f"sex must be 'female' or 'male', got {sex!r}")
    table = bundled.products().bont.ed50_u
    name = base_name(muscle_id)
    if name not in table:
        raise InputError(f"muscle {muscle_id!r} has no ED50 in products.toml; add [bont.ed50_u] {name}")
    return table[name] * (bont_params().sex_dose_factor if sex == "male" else 1.0)


def site_dose(muscle_id: str) -> tuple[tuple[float, float], float]:
    """Typical ``(lo, hi)`` and maximum single-site dose in U for a muscle.

    The one reader of the per-site maximum (safety.toml ``[dose.max_site_u]``): the
    planner's levels, the scenario's high-dose check and the trainer's read it here.
    """
    name = base_name(muscle_id)
    row, top = bundled.products().site_dose.get(name), bundled.safety().dose.max_site_u.get(name)
    if row is None:
        raise InputError(f"muscle {muscle_id!r} has no [site_dose] in products.toml; add one")
    if top is None:
        raise InputError(f"muscle {muscle_id!r} has no maximum in safety.toml [dose.max_site_u]; add {name} = <U>")
    return row.typical_u, top


def injection_volume_ml(units, dilution_ml_per_100u: float | None = None):
    """Volume of a shot (mL): ``units`` (vial units) at ``dilution_ml_per_100u`` mL per 100 units
    (default products.toml ``[bont] reference_dilution_ml_per_100u``)."""
    if dilution_ml_per_100u is None:
        dilution_ml_per_100u = bont_params().reference_dilution_ml_per_100u
    if not dilution_ml_per_100u > 0:
        raise InputError(f"dilution_ml_per_100u must be > 0, got {dilution_ml_per_100u}")
    return _check_units(units, "units") * dilution_ml_per_100u / 100.0


def spread_sigma_mm(units_ona, volume_ml, params: BontParams | None = None):
    """Gaussian spread width in mm: ``sigma_ref * (V/V_ref)^(1/3) * (U/U_ref)^(1/6)``."""
    p = params or bont_params()
    u, v = _check_units(units_ona, "units_ona"), _check_units(volume_ml, "volume_ml")
    return (p.sigma_ref_mm * (v / p.ref_volume_ml) ** p.volume_exponent
            * (u / p.ref_units) ** p.dose_exponent)


def shot_sigma_mm(units, product_name: str | Product, volume_ml=None, spread_scale=1.0,
                  params: BontParams | None = None):
    """The spread rule, defined once: Gaussian width (mm) of shots of ``units`` (the product's own units).

    ``volume_ml`` None means the units at the reference dilution (mL per 100 units of the product
    itself); ``spread_scale`` multiplies the width (uncertainty samples). Broadcasts.
    """
    p = params or bont_params()
    prod = product(product_name)
    units = np.asarray(units, float)
    volume = injection_volume_ml(units, p.reference_dilution_ml_per_100u) if volume_ml is None else volume_ml
    return spread_sigma_mm(to_ona_units(units, prod), volume, p) * prod.spread_factor * np.asarray(spread_scale, float)


def effective_dose(dose_u, days_since, product_name: str | Product = "ona", params: BontParams | None = None,
                   decay_scale=1.0):
    """Effective dose of one shot into one muscle.

    Parameters
    ----------
    dose_u : float or array, U
    days_since : (k,) float array, days after the shot (negative: before it, dose 0)
    decay_scale : float or array, multiplier on the decay time (uncertainty samples); broadcasts

    Returns
    -------
    (k,) float array, U (broadcast of the two inputs)
    """
    p, prod = params or bont_params(), product(product_name)
    t = np.asarray(days_since, float)
    lag = p.onset_delay_d * prod.onset_lag_factor
    rise = np.where(t > lag, -np.expm1(-np.maximum(t - lag, 0) / p.rise_tau_d), 0.0)
    decay = np.exp(-np.maximum(t - p.hold_d, 0) / (p.decay_tau_d * prod.duration_factor * np.asarray(decay_scale)))
    return _check_units(dose_u, "dose_u") * rise * decay


def force_loss(effective_dose_u, ed50_u, emax: float = 0.9, hill_n: float = 1.5):
    """Fraction of force lost, ``emax * D^n / (D^n + ED50^n)``, in [0, emax]; broadcasts."""
    d = np.maximum(np.asarray(effective_dose_u, float), 0.0)
    with np.errstate(divide="ignore", over="ignore"):    # D = 0 or tiny -> ratio inf -> loss 0
        return emax / (1.0 + (np.asarray(ed50_u, float) / d) ** hill_n)


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
    """Delivered dose per muscle in centre-equivalent U (see the module docstring, rule 3).

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


def force_factor(days, injections, territories, sex: str = "female", ed50_scale=1.0,
                 params: BontParams | None = None) -> np.ndarray:
    """Per-muscle force factor ``g_m(t) = 1 - loss_m(t)`` on each day.

    Parameters
    ----------
    days : (k,) float array, days (day 0 = first treatment)
    injections : sequence of PlacedShot
    territories : sequence of Territory (n,)
    ed50_scale : float or (n,) float array, multiplier on each muscle's ED50 (sensitivity)

    Returns
    -------
    (k, n) float array, in [1 - emax, 1]
    """
    p = params or bont_params()
    t = np.atleast_1d(np.asarray(days, float))
    total = np.zeros((t.size, len(territories)))
    for inj in injections:
        if inj.units_ona == 0:
            continue
        total += np.outer(effective_dose(1.0, t - inj.day, inj.product, p), inj.delivered(territories, p))
    ed50 = np.array([ed50_u(tr.muscle_id, sex) for tr in territories]) * ed50_scale
    return 1.0 - force_loss(total, ed50, p.emax, p.hill_n)


def duration_days(days, loss, fraction: float | None = None):
    """First day of ``days`` from which ``loss`` stays below ``fraction`` of its peak ("wears off by").

    Parameters
    ----------
    days : (k,) float array, days (increasing)
    loss : (k,) or (k, n) float array, fraction of force lost
    fraction : float, default products.toml ``[bont] worn_off_fraction`` (0.1)

    Returns
    -------
    float or (n,) float array, days; 0 where there is no loss, inf if not below by the last day
    """
    fraction = bundled.products().bont.worn_off_fraction if fraction is None else fraction
    t, L = np.asarray(days, float), np.asarray(loss, float)
    above = (L >= fraction * L.max(axis=0)) & (L > 0)
    last = np.where(above.any(axis=0), t.size - 1 - np.argmax(above[::-1], axis=0), -1)
    ext = np.append(t, np.inf)
    out = np.where(last < 0, 0.0, ext[last + 1])
    return float(out) if out.ndim == 0 else out
