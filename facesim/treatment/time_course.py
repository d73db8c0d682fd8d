"""BoNT-A time course and response: effective dose over days, Hill map, per-muscle force factor.

1. Time course of one shot's effective dose (t days after it):
   ``D(t) = D0 * rise(t) * decay(t)``, ``rise = 1 - exp(-(t - lag)/rise_tau)`` after
   ``lag = onset_delay_d * onset_lag_factor`` (0 before), ``decay = 1`` until
   ``hold_d`` then ``exp(-(t - hold_d)/(decay_tau_d * duration_factor))``.
2. Response. Effective doses of all shots in a muscle add, then a Hill map gives the
   fraction of force lost, ``emax * D^n / (D^n + ED50^n)`` (never above ``emax``);
   the force factor is ``g = 1 - loss``. Higher doses last longer because the dose
   decays while the response saturates.
"""

from __future__ import annotations

import numpy as np

from facesim.datafiles import bundled
from facesim.treatment.bont import BontParams, Product, _check_units, bont_params, ed50_u, product


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
