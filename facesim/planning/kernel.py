"""The planner's inner loop, compiled: every plan of a site pair x every sample, fused.

For plan (la, lb) and sample k the corner coordinates are the baseline plus the
per-site terms of each site's own muscles, corrected on the muscles both sites
reach (their force factor depends on the summed dose: the Hill map is applied
here). From the coordinates: the asymmetry, whether it is below the threshold,
over-correction against the sample's untreated balance, and side effects.
"""

from __future__ import annotations

import threading

import numpy as np
from numba import njit

from facesim.metrics import (PLAN_COORDS, PLAN_EXPRESSIONS, asymmetry_rule, expression_deviations, overcorrection_rule,
                             rest_deviations)

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


def warm_up() -> None:
    """Compile (or load from numba's cache) the kernel's one specialization, on a one-plan, one-row problem.

    ``facesim plan`` starts this on a thread while it builds the face and the problem, so that a first plan
    after installing (an empty numba cache: about 3 s of compilation on a 2-core machine) overlaps that
    work; ``facesim demo`` runs it on a thread while it renders, so the quick start leaves the cache warm.
    """
    f, i, b = np.zeros, (lambda *shape: np.zeros(shape, np.int64)), np.zeros(1, bool)
    table, scale = hill_table(np.ones(1), np.ones(1))
    evaluate_pairs(i(1), i(1), f((1, PLAN_COORDS)), f((1, 8)), f((1, 1, PLAN_COORDS)), f((1, 1, PLAN_COORDS)),
                   f((1, 1, 8)), f((1, 1, 8)), *[f((1, 1, 1))] * 4, f((1, 1)), f((1, 1)), f((1, 1, PLAN_COORDS)),
                   f((1, 1, 8)), np.ones((1, 1)), table, scale, i(1), b, i(1, 1) - 1, i(1, 1) - 1, 0.5,
                   f((1, 2 + 3 * (len(PLAN_EXPRESSIONS) - 1))), np.ones(3), np.ones(3), np.ones(3, bool), 1, True)


def warm_up_in_background() -> threading.Thread:
    """warm_up on a thread, started (the search's first kernel call waits for it on numba's lock).

    Not a daemon: an interrupted command's exit waits for it (0.2 s with numba's cache, the compilation
    without). A daemon thread would be frozen at exit wherever it is inside numba or an import, and the
    interpreter's shutdown can then wait on a lock it holds for ever (a SIGTERM test hung once in CI).
    """
    thread = threading.Thread(target=warm_up, name="facesim-kernel-warm-up")
    thread.start()
    return thread


def _contiguous(a):
    if not isinstance(a, np.ndarray):
        return a
    kind = {"b": np.bool_, "i": np.int64, "u": np.int64}.get(a.dtype.kind, np.float64)
    return np.ascontiguousarray(a, dtype=kind)


def linear_deviation_map() -> np.ndarray:
    """(PLAN_COORDS, 8) the deviations that are linear in the planner coordinates, as a matrix derived from
    the one definition (metrics.rest_deviations, expression_deviations): columns rest_dev, rest_ll, then
    per judged expression its height and lower-lip deviations (c @ map, mm). The kernel screens a plan
    on these before it needs the excursions (not linear)."""
    eye = np.eye(PLAN_COORDS)
    columns = list(rest_deviations(eye))
    for e in range(1, len(PLAN_EXPRESSIONS)):
        dev, _, ll = expression_deviations(eye, e)
        columns += [dev, ll]
    return np.stack(columns, axis=1)


# Serial and without the GIL: the search runs site groups on threads (search.planner_threads); a numba parallel
# build compiled for 5 s instead of 2.5 s on first use.
# long kernel: one fused numba loop (plan x sample x shared muscle); split, it would store (plans, Q, C) coordinates
@njit(cache=True, nogil=True)
def _evaluate_pairs(plan_a, plan_b, base, base_l, ta, tb, la_l, lb_l, da, db, ga, gb, d0, g0, w8, w8_l, inv_ed50,
                   hill_table, table_scale, shared_ids, shared_watched, side_a, side_b, side_limit, baseline,
                   noticeable_mm, over_mm, lay, n_muscles, full):
    """Evaluate plans (plan_a[p], plan_b[p]) = level indices of the two sites, on Q rows (samples, or
    (day, sample) pairs: search.fold_days; row q is sample q % K of the K samples).

    Shapes (C = metrics.PLAN_COORDS planner coordinates, E = the judged expressions, PLAN_EXPRESSIONS[1:],
    D = 8 linear deviations, linear_deviation_map): base (Q, C), base_l (Q, D); ta (Q, La, C), la_l
    (Q, La, D); tb, lb_l likewise (Q, Lb, ...); da, ga (Q, La, S); db, gb (Q, Lb, S); d0, g0 (Q, S); w8
    (Q, S, C), w8_l (Q, S, D); inv_ed50 (K, S) = 1 / ED50 of each sample; hill_table (K, G): the sample's
    force loss at dose / ED50 = g / table_scale (see hill_table); shared_ids, shared_watched (S,);
    side_a (Q, La), side_b (Q, Lb): muscle id of a side effect or -1; baseline (Q, 2 + 3 E): the untreated
    deviations, metrics.DEVIATIONS; noticeable_mm, over_mm, lay (E,): judge.Tolerance.

    Returns per plan: the reported asymmetry per row (P, Q) (quantiles are taken outside), n_target
    (rows noticeable in no expression), n_over, n_side (int32) and side_muscle (int32, -1 none). With
    ``full`` False (window days: only n_target is used) the asymmetries, over-correction and side
    effects are skipped (asym is (0, Q)), and a row noticeable on its linear deviations alone is
    counted without its excursions (the asymmetry rule is a largest magnitude: an excursion can only
    add to it).
    """
    n_plans = plan_a.shape[0]
    last = hill_table.shape[1] - 1
    k_table = hill_table.shape[0]
    q_n = base.shape[0]
    n_c = base.shape[1]
    n_l = base_l.shape[1]
    s_n = da.shape[2]
    n_e = noticeable_mm.shape[0]
    rest_limit = over_mm.min()
    asym_q = np.zeros((n_plans if full else 0, q_n))
    n_target = np.zeros(n_plans, dtype=np.int32)
    n_over = np.zeros(n_plans, dtype=np.int32)
    n_side = np.zeros(n_plans, dtype=np.int32)
    side_muscle = np.full(n_plans, -1, dtype=np.int32)
    c = np.empty(n_c)
    v = np.empty(n_l)
    correction = np.empty(s_n)
    counts = np.zeros((n_plans, n_muscles), dtype=np.int32)
    # Rows outer, plans inner: a row's sample keeps its Hill table row (and the sites' rows) in cache.
    for q in range(q_n):
        kr = q % k_table
        for p in range(n_plans):
            la = plan_a[p]
            lb = plan_b[p]
            who = side_a[q, la]
            if who < 0:
                who = side_b[q, lb]
            for s in range(s_n):
                x = (da[q, la, s] + db[q, lb, s] + d0[q, s]) * inv_ed50[kr, s] * table_scale
                i = int(x)
                if i >= last:
                    loss = hill_table[kr, last]
                else:
                    loss = hill_table[kr, i] + (x - i) * (hill_table[kr, i + 1] - hill_table[kr, i])
                correction[s] = (g0[q, s] - (1.0 - loss)) - ga[q, la, s] - gb[q, lb, s]
                if who < 0 and shared_watched[s] and loss > side_limit:
                    who = shared_ids[s]
            if not full:  # the screen: noticeable on the linear deviations alone
                for j in range(n_l):
                    v[j] = base_l[q, j] + la_l[q, la, j] + lb_l[q, lb, j]
                for s in range(s_n):
                    for j in range(n_l):
                        v[j] -= correction[s] * w8_l[q, s, j]
                seen = False
                for e in range(n_e):
                    if _asymmetry(v[0], v[2 + 2 * e], 0.0, v[1], v[3 + 2 * e]) >= noticeable_mm[e]:
                        seen = True
                        break
                if seen:
                    continue
            for j in range(n_c):
                c[j] = base[q, j] + ta[q, la, j] + tb[q, lb, j]
            for s in range(s_n):
                for j in range(n_c):
                    c[j] -= correction[s] * w8[q, s, j]
            rest_dev, rest_ll = _rest_deviations(c)
            over = full and (_overcorrected(rest_dev, baseline[q, 0], rest_limit)
                             or _overcorrected(rest_ll, baseline[q, 1], rest_limit))
            asym = 0.0
            noticeable = False
            for e in range(n_e):
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
                over = (over or _overcorrected(dev, baseline[q, j], over_mm[e])
                        or _overcorrected(exc, baseline[q, j + 1], over_mm[e])
                        or _overcorrected(ll, baseline[q, j + 2], over_mm[e]))
            if full:
                asym_q[p, q] = asym
            if not noticeable:
                n_target[p] += 1
            if over:
                n_over[p] += 1
            if full and who >= 0:
                n_side[p] += 1
                counts[p, who] += 1
    for p in range(n_plans):
        if n_side[p] > 0:
            best = 0
            for m in range(n_muscles):
                if counts[p, m] > counts[p, best]:
                    best = m
            side_muscle[p] = best
    return asym_q, n_target, n_over, n_side, side_muscle
