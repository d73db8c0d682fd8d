"""BoNT-A time course and response: effective dose over days, Hill map, per-muscle force factor.

1. Time course of one shot's effective dose in one muscle (t days after it, D0 the dose
   the muscle receives): ``D(t) = D0 * rise(t) * hold(t)``, ``rise = 1 - exp(-(t - lag)/rise_tau)``
   after ``lag = onset_delay_d * onset_lag_factor`` (0 before): visible after a few days, at
   its peak by about two weeks. ``hold = 1`` until ``plateau_end_d * duration_factor``, then
   ``exp(-((t - plateau_end) / tau(D0))^2)``: a plateau, then a decline that starts slowly and
   ends faster, so a standard perioral dose lasts 3-4 months.
   ``tau(D0) = decline_tau_d * duration_factor * (1 + duration_dose_slope * ln(D0 / duration_ref_u))``
   (at least ``min_decline_fraction * decline_tau_d``): a larger local dose lasts longer, and the
   weak edges of the spread recover first (clinical-parameters, "Local-dose duration").
2. Response. Effective doses of all shots in a muscle add, then a Hill map gives the
   fraction of force lost, ``emax * D^n / (D^n + ED50^n)`` (never above ``emax``);
   the force factor is ``g = 1 - loss``.
"""

from __future__ import annotations

import numpy as np

from facesim.datafiles import bundled
from facesim.treatment.bont import BontParams, Product, _check_units, bont_params, ed50_u, product


def decline_tau_d(dose_u, product_name: str | Product = "ona", params: BontParams | None = None):
    """Decline time (days) of a shot's effective dose: longer for a larger local dose (module docstring)."""
    p, prod = params or bont_params(), product(product_name)
    with np.errstate(divide="ignore"):
        scale = 1.0 + p.duration_dose_slope * np.log(np.maximum(np.asarray(dose_u, float), 1e-12) / p.duration_ref_u)
    return p.decline_tau_d * prod.duration_factor * np.maximum(scale, p.min_decline_fraction)


def effective_dose(dose_u, days_since, product_name: str | Product = "ona", params: BontParams | None = None,
                   decay_scale=1.0, onset_delay_d=None, rise_tau_d=None, plateau_end_d=None):
    """Effective dose of one shot into one muscle: rise, plateau, decline (module docstring).

    Parameters
    ----------
    dose_u : float or array, U, the dose the muscle receives (its size sets the decline time)
    days_since : float array, days after the shot (negative: before it, dose 0)
    decay_scale : float or array, multiplier on the decline time (uncertainty samples)
    onset_delay_d, rise_tau_d, plateau_end_d : float or array, days, or None for the defaults
        (sampled values for the uncertainty samples)

    Returns
    -------
    float array, U (broadcast of every input)
    """
    p, prod = params or bont_params(), product(product_name)
    t = np.asarray(days_since, float)
    d0 = _check_units(dose_u, "dose_u")
    lag = (p.onset_delay_d if onset_delay_d is None else np.asarray(onset_delay_d)) * prod.onset_lag_factor
    tau_rise = p.rise_tau_d if rise_tau_d is None else np.asarray(rise_tau_d)
    plateau = (p.plateau_end_d if plateau_end_d is None else np.asarray(plateau_end_d)) * prod.duration_factor
    rise = np.where(t > lag, -np.expm1(-np.maximum(t - lag, 0) / tau_rise), 0.0)
    x = np.maximum(t - plateau, 0) / (decline_tau_d(d0, prod, p) * np.asarray(decay_scale))
    return d0 * rise * np.exp(-x * x)


def force_loss(effective_dose_u, ed50_u, emax: float = 0.9, hill_n: float = 1.5):
    """Fraction of force lost, ``emax * D^n / (D^n + ED50^n)``, in [0, emax]; broadcasts."""
    d = np.maximum(np.asarray(effective_dose_u, float), 0.0)
    with np.errstate(divide="ignore", over="ignore"):    # D = 0 or tiny -> ratio inf -> loss 0
        return emax / (1.0 + (np.asarray(ed50_u, float) / d) ** hill_n)


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
        total += effective_dose(inj.delivered(territories, p)[None, :], (t - inj.day)[:, None], inj.product, p)
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
