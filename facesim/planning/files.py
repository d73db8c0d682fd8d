"""The files ``facesim plan --out`` writes: the result as JSON, the ranking, the trade-off, every plan.

:func:`plan_file_names` names them before the search runs (so an existing
file is refused first); :func:`plan_files` gives their contents, in the same
order: a dict for ``.json``, a list of dict rows for ``.csv``.
"""

from __future__ import annotations

from facesim.planning.search import PlanSet
from facesim.planning.recommend import PlanResult

PLAN_FILES = ("plan.json", "ranked_plans.csv", "tradeoff.csv")
ALL_PLANS_FILE = "all_plans.csv"


def plan_file_names(all_plans: bool = False) -> list[str]:
    """The file names, in order; ``all_plans`` adds every evaluated plan."""
    return list(PLAN_FILES) + ([ALL_PLANS_FILE] if all_plans else [])


def ranked_rows(result: PlanResult) -> list[dict]:
    """One row per ranked plan: sites, amounts, total U, chances, week-2 asymmetry band (mm), re-treatment day."""
    return [{"rank": p.rank, "sites": " + ".join(p.sites),
             "amounts_u_ona": " + ".join(f"{u:g} {'U' if n == 'U' else 'mL'}" for u, n in zip(p.units, p.unit_names)),
             f"amounts_{p.product}_units": " + ".join(f"{pu:g}" for pu, n in zip(p.product_units, p.unit_names)
                                                      if n == "U"),
             "total_u_ona": p.total_u, "feasible": p.feasible, "below_threshold_fraction": p.below_threshold_fraction,
             "p_target_week2": p.p_target, "p_overcorrection": p.p_overcorrection, "p_side_effect": p.p_side_effect,
             "asym_median_mm": p.asymmetry_at_peak.median, "asym_q10_mm": p.asymmetry_at_peak.q10,
             "asym_q90_mm": p.asymmetry_at_peak.q90, "noticeable_again_day": p.noticeable_again_day,
             "retreatment_day": p.retreatment_day, "caution": p.elevator_caution}
            for p in result.ranked]


def all_plan_rows(plans: PlanSet, site_names: list[str]) -> list[dict]:
    """One row per evaluated plan (up to two sites and their amounts, U or mL)."""
    return [{"site_a": site_names[a] if a >= 0 else "", "amount_a_u_ona_or_ml": ua,
             "site_b": site_names[b] if b >= 0 else "", "amount_b_u_ona_or_ml": ub, "total_toxin_u_ona": t,
             "below_threshold_fraction": pw, "p_target_week2": pt,
             "p_overcorrection": po, "p_side_effect": ps, "asym_median_mm": md, "asym_q10_mm": lo,
             "asym_q90_mm": hi}
            for (a, b), (ua, ub), t, pw, pt, po, ps, md, lo, hi in zip(
                plans.sites, plans.units, plans.total_u, plans.p_window, plans.p_target, plans.p_over, plans.p_side,
                plans.median, plans.q10, plans.q90)]


def plan_files(result: PlanResult, all_plans: bool = False) -> dict:
    """File name -> content, in the order of :func:`plan_file_names`: ``plan.json`` is ``result.as_dict()``
    (``recommendation``, ``chosen`` with its ``shots[]``, ``ranked``, ...); ``all_plans`` needs ``result.plans``."""
    contents = [result.as_dict(), ranked_rows(result), result.tradeoff]
    if all_plans:
        contents.append(all_plan_rows(result.plans, result.site_names))
    return dict(zip(plan_file_names(all_plans), contents))
