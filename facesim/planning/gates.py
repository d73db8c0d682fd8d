"""The decision gates' checks on a planning problem (DESIGN.md): a weak side, a previous injection that
resolves by itself, and a corner low at rest that the photos cannot explain (both paths kept).

facesim.planning.recommend asks these in the gates' order and words the answer.
"""

from __future__ import annotations

import numpy as np

from facesim.assessment.triage import DROOP_EXAMINATION
from facesim.datafiles import bundled
from facesim.face.names import base_name
from facesim.metrics import PLAN_EXPRESSIONS
from facesim.planning.planner import PlannerSettings, PlanningProblem, PlanSet, over_pulling_muscles

#: The days of the daily course (days 0-180) the gates and the ranked plans are judged on.
FOLLOW_DAYS = np.arange(0.0, 181.0, 1.0)


HABIT_FIRST = (
    "a habit (one-sided chewing or jaw propping) drives the asymmetry: correct the habit first (chew on both "
    "sides, stop propping the jaw, balance exercises); the tone evens out over weeks. Toxin (the ranked plans) "
    "only as an adjunct: trust the toxin alone and leave the habit untouched, and things drift back "
    "(seeds/001)")


def best_of(problem: PlanningProblem, plans: PlanSet, feasible, order, filler: bool) -> int | None:
    """The best-ranked plan that is filler only (``filler``) or toxin only (feasible ones first), or None."""
    is_filler = np.array([site.filler is not None for site in problem.sites] + [False])
    kind = [i for i in order if (used := plans.sites[i][plans.sites[i] >= 0]).size
            and bool(is_filler[used].all() if filler else not is_filler[used].any())]
    good = [i for i in kind if feasible[i]]
    return int(good[0] if good else min(kind, key=lambda i: plans.median[i])) if kind else None


def both_paths(problem: PlanningProblem, plans: PlanSet, feasible, order) -> str:
    """The examine-first reason: which plan for DAO tone, which for tissue droop (with what it leaves)."""
    def words(i):
        if i is None:
            return "none"
        row = [(problem.sites[j].name, u, problem.sites[j].unit) for j, u in zip(plans.sites[i], plans.units[i]) if j >= 0]
        shots = " + ".join(f"{name} {u:g} {unit}" for name, u, unit in row)
        return f"{shots} (leaves {plans.median[i]:.1f} mm at week 2{'' if feasible[i] else ', short of the target'})"

    toxin, filler = (best_of(problem, plans, feasible, order, f) for f in (False, True))
    return (f"{DROOP_EXAMINATION} If the examination finds DAO tone: toxin, {words(toxin)}; if tissue droop: not "
            f"toxin but filler, {words(filler)}, or a corner lift. Both are among the ranked plans")


def weak_elevators(problem: PlanningProblem) -> list[str]:
    """Smile elevators weaker than ``weak_strength`` while nothing over-pulls (a weak side), else []."""
    p, s = problem.scenario.patient, problem.settings
    elevators = set(bundled.safety().effects.smile_elevators)
    if over_pulling_muscles(problem.scenario):
        return []
    return sorted(m for m, v in p.strength.items() if base_name(m) in elevators and v < s.weak_strength)


def resolves_by_itself(problem: PlanningProblem) -> float | None:
    """The day a previous injection's asymmetry stops (for good) being noticeable in most samples, in any
    judged expression, if by ``wait_limit_day``."""
    s = problem.settings
    if not problem.sim.injections:
        return None
    day = last_noticeable_day(problem.response(FOLLOW_DAYS).baseline["noticeable"])
    if day is None:
        return None
    return day if day <= s.wait_limit_day else None


def last_noticeable_day(noticeable: np.ndarray) -> float | None:
    """From (K, FOLLOW_DAYS) noticeable flags: the first day after which the asymmetry is noticeable in
    fewer than half of the samples for good, if it is noticeable in most on some day (None: never
    noticeable, or still noticeable on day 180)."""
    most = noticeable.mean(axis=0) >= 0.5
    if not most.any():
        return None
    last = np.flatnonzero(most)[-1]
    return float(FOLLOW_DAYS[last + 1]) if last + 1 < FOLLOW_DAYS.size else None


def largest_in(problem: PlanningProblem) -> str:
    """", largest in the frown" naming the judged expression with the largest median asymmetry at the peak."""
    base = problem.response([problem.settings.peak_day]).baseline
    medians = {name: float(np.median(base[f"{name}_asym"][:, 0])) for name in PLAN_EXPRESSIONS[1:]}
    name = max(medians, key=medians.get)
    return f", largest in the {name.replace('_', ' ')}" if medians[name] > 0.05 else ""


def noticeable_expressions(baseline: dict, settings: PlannerSettings, day_index: int = 0) -> list[str]:
    """The judged expressions noticeable in most samples on that day of ``baseline`` (plan_metrics)."""
    tol = settings.tolerance
    return [name for e, name in enumerate(PLAN_EXPRESSIONS[1:])
            if np.mean(baseline[f"{name}_asym"][:, day_index] >= tol.noticeable_mm[e]) >= 0.5]
