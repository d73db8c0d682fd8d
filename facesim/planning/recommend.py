"""From a search to advice: the conservative plan, the ranking, a staged plan, and why.

Uses :class:`facesim.planning.planner.PlanningProblem` for the numbers; everything here is
selection and wording.
"""

from __future__ import annotations

import dataclasses
from dataclasses import asdict, dataclass, field
from concurrent.futures import ThreadPoolExecutor
from typing import Callable

import numpy as np

from facesim.datafiles import bundled
from facesim.face.names import base_name
from facesim.tissue.model import FaceModel
from facesim.treatment.bont import product
from facesim.assessment.triage import goal_and_aftercare
from facesim.planning.gates import (FOLLOW_DAYS, HABIT_FIRST, best_of, both_paths, largest_in, noticeable_expressions,
                                    resolves_by_itself, weak_elevators)
from facesim.planning.planner import PlanItem, PlannerSettings, PlanningProblem, PlanSet, over_pulling_muscles, rank
from facesim.outputs import signals_held
from facesim.planning.search import planner_threads
from facesim.scenario.case import Scenario
from facesim.treatment.shot import Shot

#: The bands shown per report day (judge.plan_metrics names, mm): the deviations of rest and smile, each
#: judged expression's asymmetry, and the reported asymmetry (the largest).
METRICS = ("rest_dev", "smile_dev", "smile_exc", "smile_ll", "smile_asym", "lower_lip_down_asym", "frown_asym",
           "asym")


@dataclass
class Band:
    """Median and 10-90 % band over the samples (mm)."""

    median: float
    q10: float
    q90: float

    @classmethod
    def of(cls, values: np.ndarray) -> "Band":
        q10, med, q90 = np.quantile(values, [0.1, 0.5, 0.9])
        return cls(round(float(med), 3), round(float(q10), 3), round(float(q90), 3))


@dataclass
class RankedPlan:
    """One plan with its predicted course. Units are ona-equivalent U; ``product_units`` in the chosen product."""

    rank: int
    sites: list[str]
    units: list[float]  # U for toxin sites, mL for filler sites (see unit_names)
    unit_names: list[str]
    product_units: list[float]
    total_u: float
    feasible: bool
    p_target: float
    p_overcorrection: float
    p_side_effect: float
    side_effect: str
    asymmetry_at_peak: Band
    course: dict[str, dict[str, Band]] = field(default_factory=dict)  # day -> metric -> band
    noticeable_again_day: float | None = None  # first day after the peak the median asymmetry is noticeable again
    retreatment_day: float | None = None  # the review / re-treatment day: that day, never before 12 weeks
    product: str = "onabotulinumtoxinA"  # the product ``product_units`` are in
    below_threshold_fraction: float = 0.0  # of (sample, window day) pairs below the threshold
    elevator_caution: str = ""  # words when the plan weakens a smile elevator

    @property
    def shots(self) -> tuple[Shot, ...]:
        """The plan's toxin shots on day 0, in the chosen product's own units (filler sites are not shots)."""
        return tuple(Shot.at(site, pu, product=self.product)
                     for site, pu, unit in zip(self.sites, self.product_units, self.unit_names) if unit == "U")

    def shot_rows(self) -> list[dict]:
        """``plan.json``'s ``shots[]``: site, ona-equivalent ``units``, ``product_units`` and ``product``."""
        return [{"site": site, "units": u, "product_units": pu, "product": self.product}
                for site, u, pu, unit in zip(self.sites, self.units, self.product_units, self.unit_names)
                if unit == "U"]


@dataclass
class StagedPlan:
    """Start low, review, touch up: per site (``sites`` as in the chosen plan), doses in ona-equivalent U."""

    sites: list[str]
    start_units: list[float]
    review_day: float
    p_target_after_start: float
    asymmetry_after_start: Band
    touch_up_units: list[float]
    p_touch_up_needed: float
    p_target_after_touch_up: float
    asymmetry_after_touch_up: Band


@dataclass
class PlanResult:
    """What the planner answers for one patient: the recommendation, the chosen and ranked plans, and
    (not serialised) every evaluated plan with the candidate site names."""

    patient: str
    # "plan", "wait", "no_injection", "re_education_first", "correct_habit_first", "examine_first", "not_toxin"
    # or "no_suitable_plan" (red flags: PlanningRefused, a referral)
    recommendation: str
    reason: str
    warnings: list[str]
    untreated: Band
    chosen: RankedPlan | None
    staged: StagedPlan | None
    ranked: list[RankedPlan]
    tradeoff: list[dict]
    n_plans: int
    samples: int
    seed: int
    product: str
    settings: dict
    plans: PlanSet | None = field(default=None, repr=False, compare=False)
    site_names: list[str] = field(default_factory=list, repr=False, compare=False)

    def as_dict(self) -> dict:
        """The JSON form (``plan.json``): every field but the evaluated plans; plans carry ``shots[]``."""
        out = {k: v for k, v in asdict(dataclasses.replace(self, plans=None)).items() if k not in ("plans", "site_names")}
        if self.chosen is not None:
            out["chosen"]["shots"] = self.chosen.shot_rows()
        for row, plan in zip(out["ranked"], self.ranked):
            row["shots"] = plan.shot_rows()
        return out


def make_plan(model: FaceModel, scenario: Scenario, settings: PlannerSettings | None = None,
              top: int = 10, progress: Callable[[int, int], None] | None = None,
              problem: PlanningProblem | None = None) -> PlanResult:
    """Search, rank and explain: the PlanResult (with every evaluated plan and the candidate site names).

    ``problem``: the PlanningProblem of this model, scenario and settings, if already built (reused).
    """
    problem = problem or PlanningProblem(model, scenario, settings)
    s = problem.settings
    plans = problem.search(progress)
    over = over_pulling_muscles(problem.scenario)
    aimed = np.array([bool((row >= 0).any()) and all(problem.sites[j].muscle_id in over for j in row if j >= 0)
                      for row in plans.sites])
    is_filler = np.array([site.filler is not None for site in problem.sites] + [False])  # [-1]: no site
    filler_ml = (plans.units * is_filler[plans.sites]).sum(axis=1)
    feasible, order = rank(plans, s, aimed, filler_ml, elevator_sites(problem, plans))
    baseline = problem.response([s.peak_day]).baseline
    untreated = Band.of(baseline["asym"][:, 0])
    warnings = _warnings(problem)
    problem.response(_course_days(s))  # built once, before the threads share it
    # The ranked plans' courses are array arithmetic (numpy releases the GIL): one thread each, signals held
    # until they end (a signal raised inside the pool's locks breaks them; see search.PlanSearch.run).
    with signals_held(), ThreadPoolExecutor(planner_threads()) as pool:
        ranked = list(pool.map(lambda ri: _ranked(problem, plans, ri[1], ri[0] + 1, feasible[ri[1]]),
                               enumerate(order[:top])))
    empty = int(np.flatnonzero((plans.sites < 0).all(axis=1))[0])
    recommendation, reason, chosen, staged = _decide(problem, plans, feasible, order, ranked, empty, untreated)
    if recommendation == "examine_first":
        ranked = _with_paths(problem, plans, feasible, order, ranked)
    if chosen is not None and chosen.elevator_caution:
        warnings.append(chosen.elevator_caution)
    tradeoff = _tradeoff(plans)
    return PlanResult(scenario.patient.name, recommendation, reason, warnings, untreated, chosen, staged, ranked,
                      tradeoff, len(plans), s.samples, s.seed, s.product, asdict(s), plans,
                      [site.name for site in problem.sites])


def _decide(problem: PlanningProblem, plans: PlanSet, feasible, order, ranked, empty: int, untreated: Band):
    """(recommendation, reason, chosen, staged), in the decision gates' order (DESIGN.md): habit first, no
    injection, a weak side, wait, examine first (tone or droop), plan, not toxin or no suitable plan."""
    s, h = problem.settings, problem.scenario.history
    if h.habit:  # the habit comes first, whatever the corners show today (it drives them)
        return ("correct_habit_first", HABIT_FIRST, None, None)
    if plans.p_window[empty] >= s.probability:
        return ("no_injection", f"the asymmetry is already below the noticeable threshold ({s.threshold_mm:g} mm) in "
                f"{plans.p_window[empty]:.0%} of samples and days (median {untreated.median:.1f} mm at week 2"
                f"{largest_in(problem)}): no toxin is needed; the goal is a balance nobody notices"
                + ("; the previous injection wears off by itself" if problem.sim.injections else ""), None, None)
    weak = weak_elevators(problem)
    if weak:
        return ("re_education_first", f"a weak side, not an over-pulling one: {', '.join(weak)} below "
                f"{s.weak_strength:.0%} of average strength with no muscle pulling too hard. Re-education first "
                "(smile-and-hold, resistance and mirror exercises, physiotherapy), and rule out a nerve cause "
                "(a facial-nerve examination) before anything cosmetic. Toxin on the other side is only a later "
                "option: the ranked plans below carry their cautions", None, None)
    wait_day = resolves_by_itself(problem)
    if wait_day is not None:
        shown = noticeable_expressions(problem.response([0.0]).baseline, s) or ["smile"]
        return ("wait", f"the asymmetry (noticeable today in the {' and the '.join(e.replace('_', ' ') for e in shown)}) "
                f"comes from the previous injection and resolves by itself: below the noticeable threshold "
                f"from about day {wait_day:g} (most samples), sooner than a new dose would settle; "
                "a corrective dose would only add toxin for the same months. Wait it out and re-assess then",
                None, None)
    if h.rest_droop_unexamined and feasible.any():
        return "examine_first", both_paths(problem, plans, feasible, order), None, None
    if feasible.any():
        chosen = ranked[0]
        reason = (f"the fewest units that keep the asymmetry below {s.threshold_mm:g} mm from the week-2 review to "
                  f"day {max(s.window_days):g} in {chosen.below_threshold_fraction:.0%} of samples and days "
                  f"(target {s.probability:.0%}), with small chances of over-correction and side effects")
        return "plan", reason, chosen, _staged(problem, plans, int(order[0]))
    reason, static = _why_not(problem, plans, order, untreated)
    return ("not_toxin" if static else "no_suitable_plan"), reason, None, None


def _with_paths(problem: PlanningProblem, plans: PlanSet, feasible, order, ranked: list) -> list:
    """The ranked plans with the best toxin-only and filler-only plans first (both paths kept)."""
    first = [i for i in (best_of(problem, plans, feasible, order, f) for f in (False, True)) if i is not None]
    head = [_ranked(problem, plans, i, k + 1, bool(feasible[i])) for k, i in enumerate(first)]
    rest = [p for p in ranked if all((p.sites, p.units) != (h.sites, h.units) for h in head)]
    return head + [dataclasses.replace(p, rank=len(head) + k + 1) for k, p in enumerate(rest)]


def _shots(problem: PlanningProblem, plans: PlanSet, i: int, scale: float = 1.0) -> list[PlanItem]:
    """Plan i's shots, optionally scaled down (rounded down to each site's step, at least its lowest level)."""
    out = []
    for site, units in zip(plans.sites[i], plans.units[i]):
        if site >= 0:
            step, lowest = problem.sites[site].step, float(problem.sites[site].levels[0])
            # scaled down to the step, never below the site's practical minimum (its lowest level)
            u = units if scale == 1.0 else max(lowest, np.floor(units * scale / step + 1e-9) * step)
            out.append((int(site), round(float(u), 6), 0.0))
    return out


def _ranked(problem: PlanningProblem, plans: PlanSet, i: int, position: int, feasible: bool) -> RankedPlan:
    s = problem.settings
    shots = _shots(problem, plans, i)
    prod = product(s.product)
    n_report = len(s.report_days)
    sim = problem.simulate(shots, _course_days(s))
    course = {f"{d:g}": {m: Band.of(sim[m][:, t]) for m in METRICS} for t, d in enumerate(s.report_days)}
    side = plans.side_muscle[i]
    again = _noticeable_again_day(sim["noticeable"][:, n_report:], s) if shots else None
    return RankedPlan(
        rank=position,
        sites=[problem.sites[site].name for site, _, _ in shots],
        units=[units for _, units, _ in shots],
        unit_names=[problem.sites[site].unit for site, _, _ in shots],
        product_units=[round(units * (prod.units_per_ona_unit if problem.sites[site].filler is None else 1.0), 2)
                       for site, units, _ in shots],
        total_u=float(plans.total_u[i]),
        feasible=bool(feasible),
        p_target=float(plans.p_target[i]),
        p_overcorrection=float(plans.p_over[i]),
        p_side_effect=float(plans.p_side[i]),
        side_effect=problem.model.muscle_ids[side] if side >= 0 else "",
        asymmetry_at_peak=Band(float(plans.median[i]), float(plans.q10[i]), float(plans.q90[i])),
        course=course,
        noticeable_again_day=again,
        retreatment_day=None if not shots else max(again or FOLLOW_DAYS[-1], s.retreatment_min_day),
        product=prod.name,
        below_threshold_fraction=float(plans.p_window[i]),
        elevator_caution=_elevator_caution(problem, shots),
    )


def _course_days(s: PlannerSettings) -> list[float]:
    """The days a ranked plan is simulated on, in one pass: the report days, then FOLLOW_DAYS."""
    return [*map(float, s.report_days), *map(float, FOLLOW_DAYS)]


def _noticeable_again_day(noticeable: np.ndarray, s: PlannerSettings) -> float | None:
    """First day after the peak on which the asymmetry is noticeable (in any judged expression) in most
    samples again (None: not by day 180); ``noticeable`` (K, FOLLOW_DAYS)."""
    after = (FOLLOW_DAYS > s.peak_day) & (noticeable.mean(axis=0) >= 0.5)
    return float(FOLLOW_DAYS[after][0]) if after.any() else None


def elevator_sites(problem: PlanningProblem, plans: PlanSet) -> np.ndarray:
    """(P,) how many of each plan's sites aim at a smile elevator (safety.toml smile_elevators)."""
    elevators = set(bundled.safety().effects.smile_elevators)
    is_elevator = np.array([bool(site.muscle_id) and base_name(site.muscle_id) in elevators
                            for site in problem.sites] + [False])  # [-1]: no site
    return is_elevator[plans.sites].sum(axis=1)


def _elevator_caution(problem: PlanningProblem, shots: list[PlanItem]) -> str:
    """A caution naming the smaller smile, for a plan that weakens a smile elevator."""
    elevators = set(bundled.safety().effects.smile_elevators)
    hit = [problem.sites[site] for site, _, _ in shots
           if problem.sites[site].muscle_id and base_name(problem.sites[site].muscle_id) in elevators]
    if not hit:
        return ""
    names = ", ".join(f"{site.muscle_id} ({site.name})" for site in hit)
    return (f"caution: this plan weakens a smile elevator, {names}: a smaller smile on that side. Elevators are "
            "treated only when no depressor or lower-lip plan works; usually avoided (clinical-parameters 2b)")


def _staged(problem: PlanningProblem, plans: PlanSet, i: int) -> StagedPlan:
    """Start below the full dose, review at week 2, touch up with the rest if still noticeable."""
    s = problem.settings
    full = _shots(problem, plans, i)
    start = _shots(problem, plans, i, s.start_fraction)
    review = problem.simulate(start, [s.review_day])
    touch = [(f[0], round(f[1] - st[1], 3), s.review_day) for f, st in zip(full, start)]
    still = review["noticeable"][:, 0]
    after = problem.simulate(start + [t for t in touch if t[1] > 1e-9], [s.review_day + s.peak_day])
    return StagedPlan(
        sites=[problem.sites[site].name for site, _, _ in full],
        start_units=[units for _, units, _ in start],
        review_day=s.review_day,
        p_target_after_start=float(np.mean(~still)),
        asymmetry_after_start=Band.of(review["asym"][:, 0]),
        touch_up_units=[units for _, units, _ in touch],
        p_touch_up_needed=float(np.mean(still)),
        p_target_after_touch_up=float(np.mean(~after["noticeable"][:, 0])),
        asymmetry_after_touch_up=Band.of(after["asym"][:, 0]),
    )


def _tradeoff(plans: PlanSet) -> list[dict]:
    """For each total dose: the plan with the smallest median residual asymmetry at the peak."""
    out = []
    for total in np.unique(np.round(plans.total_u, 6)):
        idx = np.flatnonzero(np.isclose(plans.total_u, total))
        best = idx[np.argmin(plans.median[idx])]
        out.append({"total_u": float(total), "median_asymmetry_mm": round(float(plans.median[best]), 3),
                    "p_target": float(plans.p_target[best]), "below_threshold_fraction": float(plans.p_window[best])})
    return out


def _static_rest_deviation(problem: PlanningProblem) -> float:
    """Rest corner height difference (mm) from static offsets alone (skeletal, droop, filler) and from the
    face's own geometry (an imported scan's unloaded corners)."""
    static = problem.sim.static_at_landmarks([problem.settings.peak_day])[0]
    return float(static[2, 1] - static[3, 1]) + face_rest_deviation(problem)


def face_rest_deviation(problem: PlanningProblem) -> float:
    """The face's own rest corner height difference (mm, left minus right) with no muscle force: geometry."""
    c0 = problem.rest_coordinates
    return float(c0[1] - c0[3])


def _warnings(problem: PlanningProblem) -> list[str]:
    out = list(problem.sim.warnings)
    p = problem.scenario.patient
    if p.skeletal:
        out.append(f"skeletal asymmetry: the jaw offset alone sets the corners {abs(_static_rest_deviation(problem)):.1f} "
                   "mm apart at rest, and toxin does not change it; injections are not the first step "
                   "(orthodontic / orthognathic evaluation)")
    own = face_rest_deviation(problem)
    if abs(own) >= 0.5:
        out.append(f"this face's own shape sets the corners {abs(own):.1f} mm apart at rest with no muscle pulling "
                   "(an imported scan's geometry): that part is static, and toxin does not change it")
    h = problem.scenario.history
    out += goal_and_aftercare(h)
    if h.habit:
        out.append("toxin only as an adjunct to habit correction: it drifts back if the habit stays")
    prod = product(problem.settings.product)
    if not prod.interchangeable:
        out.append(f"{prod.name}: {prod.note or 'its units are not interchangeable with onabotulinumtoxinA units'}")
    return out


def _why_not(problem: PlanningProblem, plans: PlanSet, order: np.ndarray, untreated: Band) -> str:
    s = problem.settings
    static = _static_rest_deviation(problem)
    best = int(order[0])
    if abs(static) >= s.threshold_mm * 0.5:
        return (f"toxin cannot help enough: {abs(static):.1f} mm of the rest asymmetry is static (bone or tissue, "
                "not muscle); consider filler for volume, a corner lift, or an orthodontic / orthognathic "
                f"evaluation for the jaw. The best toxin plan leaves {plans.median[best]:.1f} mm"), True
    return (f"no plan within the limits (max {s.max_total_u:g} U, {s.max_sites} sites) keeps the asymmetry below "
            f"{s.threshold_mm:g} mm over the cycle in {s.probability:.0%} of samples and days without over-correction "
            f"or side effects; the best leaves {plans.median[best]:.1f} mm at week 2 (untreated "
            f"{untreated.median:.1f} mm)"), False
