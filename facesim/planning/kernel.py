"""The planner's inner loop, compiled: every plan of a site pair x every sample, fused.

For plan (la, lb) and sample k the corner coordinates are the baseline plus the
per-site terms of each site's own muscles, corrected on the muscles both sites
reach (their force factor depends on the summed dose: the Hill map is applied
here). From the coordinates: the asymmetry, whether it is below the threshold,
over-correction against the sample's untreated balance, and side effects.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from facesim.metrics import asymmetry_rule, expression_deviations, overcorrection_rule, rest_deviations

# The clinical rules are defined once (facesim.metrics) and compiled here for the inner loop.
_asymmetry = njit(asymmetry_rule)
_expression_deviations = njit(expression_deviations)
_overcorrected = njit(overcorrection_rule)
_rest_deviations = njit(rest_deviations)

#: The Hill map is tabulated over dose / ED50 in [0, TABLE_MAX] (beyond: the last value; doses here stay
#: below 20 U and ED50 x sample factor above 0.25 U, so x < 80 is reached only at saturation).
TABLE_MAX = 96.0
TABLE_SIZE = 12289


def hill_table(emax: np.ndarray, hill_n: np.ndarray) -> tuple[np.ndarray, float]:
    """(K, G) force loss of each sample at dose / ED50 = g / scale, and the scale (points per unit)."""
    x = np.linspace(0.0, TABLE_MAX, TABLE_SIZE)
    with np.errstate(divide="ignore"):
        table = emax[:, None] / (1.0 + x[None, 1:] ** -hill_n[:, None])
    return np.concatenate([np.zeros((len(emax), 1)), table], axis=1), (TABLE_SIZE - 1) / TABLE_MAX


def evaluate_pairs(*args):
    """The compiled kernel (``_evaluate_pairs``) on C-contiguous float64 / int64 / bool copies of its arrays,
    so that numba compiles one specialization only (each memory layout would be a compile of its own)."""
    return _evaluate_pairs(*(_contiguous(a) for a in args))


def _contiguous(a):
    if not isinstance(a, np.ndarray):
        return a
    kind = {"b": np.bool_, "i": np.int64, "u": np.int64}.get(a.dtype.kind, np.float64)
    return np.ascontiguousarray(a, dtype=kind)


# Serial and without the GIL: the search runs site groups on threads (search.planner_threads); a numba parallel
# build compiled for 5 s instead of 2.5 s on first use.
# long kernel: one fused numba loop (plan x sample x shared muscle); split, it would store (plans, K, 8) coordinates
@njit(cache=True, nogil=True)
def _evaluate_pairs(plan_a, plan_b, base, ta, tb, da, db, ga, gb, d0, g0, w8, inv_ed50, hill_table, table_scale,
                   shared_ids, shared_watched, side_a, side_b, side_limit, baseline, noticeable_mm, over_mm,
                   lay, n_muscles, full):
    """Evaluate plans (plan_a[p], plan_b[p]) = level indices of the two sites.

    Shapes (C = metrics.PLAN_COORDS planner coordinates, E = the judged expressions, PLAN_EXPRESSIONS[1:]): base (K, C); ta (La, K, C); tb (Lb, K, C); da, ga (La, K, S); db, gb (Lb, K, S);
    d0, g0 (K, S); w8 (K, S, C); inv_ed50 (K, S) = 1 / ED50 of each sample; hill_table (K, G): the
    sample's force loss at dose / ED50 = g / table_scale (see hill_table); shared_ids, shared_watched (S,);
    side_a (La, K), side_b (Lb, K): muscle id of a side effect or -1; baseline (K, 2 + 3 E): the untreated
    deviations, metrics.DEVIATIONS; noticeable_mm, over_mm, lay (E,): judge.Tolerance.

    Returns per plan: q10, median, q90 of the reported asymmetry over samples (linear interpolation, as
    numpy.quantile), n_target (samples noticeable in no expression), n_over, n_side (int32) and
    side_muscle (int32, -1 none). With ``full`` False (a window day: only n_target is used) the quantiles,
    over-correction and side effects are skipped and left at zero.
    """
    n_plans = plan_a.shape[0]
    last = hill_table.shape[1] - 1
    k_n = base.shape[0]
    n_c = base.shape[1]
    s_n = da.shape[2]
    quantiles = np.zeros((n_plans, 3))
    n_target = np.zeros(n_plans, dtype=np.int32)
    n_over = np.zeros(n_plans, dtype=np.int32)
    n_side = np.zeros(n_plans, dtype=np.int32)
    side_muscle = np.full(n_plans, -1, dtype=np.int32)
    for p in range(n_plans):
        la = plan_a[p]
        lb = plan_b[p]
        c = np.empty(n_c)
        asym_k = np.empty(k_n)
        counts = np.zeros(n_muscles, dtype=np.int32)
        for k in range(k_n):
            for j in range(n_c):
                c[j] = base[k, j] + ta[la, k, j] + tb[lb, k, j]
            who = side_a[la, k]
            if who < 0:
                who = side_b[lb, k]
            for s in range(s_n):
                x = (da[la, k, s] + db[lb, k, s] + d0[k, s]) * inv_ed50[k, s] * table_scale
                i = int(x)
                if i >= last:
                    loss = hill_table[k, last]
                else:
                    loss = hill_table[k, i] + (x - i) * (hill_table[k, i + 1] - hill_table[k, i])
                correction = (g0[k, s] - (1.0 - loss)) - ga[la, k, s] - gb[lb, k, s]
                for j in range(n_c):
                    c[j] -= correction * w8[k, s, j]
                if who < 0 and shared_watched[s] and loss > side_limit:
                    who = shared_ids[s]
            rest_dev, rest_ll = _rest_deviations(c)
            rest_limit = over_mm.min()
            over = full and (_overcorrected(rest_dev, baseline[k, 0], rest_limit)
                             or _overcorrected(rest_ll, baseline[k, 1], rest_limit))
            asym = 0.0
            noticeable = False
            for e in range(noticeable_mm.shape[0]):
                dev, exc, ll = _expression_deviations(c, e + 1)
                a = _asymmetry(rest_dev, dev, exc, rest_ll, ll)
                noticeable = noticeable or a >= noticeable_mm[e]
                if not full:
                    if noticeable:
                        break
                    continue
                if lay[e]:
                    asym = max(asym, a)
                j = 2 + 3 * e
                over = (over or _overcorrected(dev, baseline[k, j], over_mm[e])
                        or _overcorrected(exc, baseline[k, j + 1], over_mm[e])
                        or _overcorrected(ll, baseline[k, j + 2], over_mm[e]))
            asym_k[k] = asym
            if not noticeable:
                n_target[p] += 1
            if over:
                n_over[p] += 1
            if full and who >= 0:
                n_side[p] += 1
                counts[who] += 1
        if n_side[p] > 0:
            side_muscle[p] = np.argmax(counts)
        if not full:
            continue
        asym_k.sort()
        for qi, q in enumerate((0.1, 0.5, 0.9)):
            pos = q * (k_n - 1)
            lo = int(np.floor(pos))
            hi = min(lo + 1, k_n - 1)
            quantiles[p, qi] = asym_k[lo] + (pos - lo) * (asym_k[hi] - asym_k[lo])
    return quantiles, n_target, n_over, n_side, side_muscle
