"""From a search to advice: the conservative plan, the ranking, a staged plan, and why.

Uses :class:`facesim.planning.planner.PlanningProblem` for the numbers; everything here is
selection and wording.
"""

from __future__ import annotations

import dataclasses
from dataclasses import asdict, dataclass, field
from typing import Callable

import numpy as np

from facesim.tissue.model import FaceModel
from facesim.treatment.bont import product
from facesim.planning.planner import PlanItem, PlannerSettings, PlanningProblem, PlanSet, over_pulling_muscles, rank
from facesim.scenario.case import Scenario
from facesim.treatment.shot import Shot

METRICS = ("rest_dev", "smile_dev", "exc_diff", "asym")
FOLLOW_DAYS = np.arange(0.0, 181.0, 1.0)


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
    retreatment_day: float | None = None  # first day after the peak the asymmetry is noticeable again
    product: str = "onabotulinumtoxinA"  # the product ``product_units`` are in

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
    recommendation: str  # "plan", "no injection" or "no suitable plan"
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
    feasible, order = rank(plans, s, aimed, filler_ml)
    baseline = problem.response([s.peak_day]).baseline
    untreated = Band.of(baseline["asym"][:, 0])
    warnings = _warnings(problem)
    ranked = [_ranked(problem, plans, i, r + 1, feasible[i]) for r, i in enumerate(order[:top])]
    empty = int(np.flatnonzero((plans.sites < 0).all(axis=1))[0])

    chosen, staged = None, None
    if plans.p_target[empty] >= s.probability:
        recommendation = "no injection"
        reason = (f"the asymmetry is already below the noticeable threshold ({s.threshold_mm:g} mm) in "
                  f"{plans.p_target[empty]:.0%} of samples (median {untreated.median:.1f} mm): no toxin is needed")
    elif feasible.any():
        recommendation = "plan"
        chosen = ranked[0]
        reason = (f"the fewest units that bring the asymmetry below {s.threshold_mm:g} mm at week 2 in at least "
                  f"{s.probability:.0%} of samples, with small chances of over-correction and side effects")
        staged = _staged(problem, plans, int(order[0]))
    else:
        recommendation = "no suitable plan"
        reason = _why_not(problem, plans, order, untreated)
    tradeoff = _tradeoff(plans)
    return PlanResult(scenario.patient.name, recommendation, reason, warnings, untreated, chosen, staged, ranked,
                      tradeoff, len(plans), s.samples, s.seed, s.product, asdict(s), plans,
                      [site.name for site in problem.sites])


def _shots(problem: PlanningProblem, plans: PlanSet, i: int, scale: float = 1.0) -> list[PlanItem]:
    """Plan i's shots, optionally scaled down (rounded down to each site's step, at least one step)."""
    out = []
    for site, units in zip(plans.sites[i], plans.units[i]):
        if site >= 0:
            step = problem.sites[site].step
            u = units if scale == 1.0 or units <= step else max(step, np.floor(units * scale / step + 1e-9) * step)
            out.append((int(site), round(float(u), 6), 0.0))
    return out


def _ranked(problem: PlanningProblem, plans: PlanSet, i: int, position: int, feasible: bool) -> RankedPlan:
    s = problem.settings
    shots = _shots(problem, plans, i)
    prod = product(s.product)
    sim = problem.simulate(shots, s.report_days)
    course = {f"{d:g}": {m: Band.of(sim[m][:, t]) for m in METRICS} for t, d in enumerate(s.report_days)}
    side = plans.side_muscle[i]
    daily = np.median(problem.simulate(shots, FOLLOW_DAYS)["asym"], axis=0) if shots else None
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
        retreatment_day=_retreatment_day(daily, s) if daily is not None else None,
        product=prod.name,
    )


def _retreatment_day(daily_median: np.ndarray, s: PlannerSettings) -> float | None:
    """First day after the peak on which the median asymmetry is noticeable again (None: not by day 180)."""
    after = (FOLLOW_DAYS > s.peak_day) & (daily_median >= s.threshold_mm)
    return float(FOLLOW_DAYS[after][0]) if after.any() else None


def _staged(problem: PlanningProblem, plans: PlanSet, i: int) -> StagedPlan:
    """Start below the full dose, review at week 2, touch up with the rest if still noticeable."""
    s = problem.settings
    full = _shots(problem, plans, i)
    start = _shots(problem, plans, i, s.start_fraction)
    review = problem.simulate(start, [s.review_day])
    touch = [(f[0], round(f[1] - st[1], 3), s.review_day) for f, st in zip(full, start) if f[1] - st[1] > 1e-9]
    still = review["asym"][:, 0] >= s.threshold_mm
    after = problem.simulate(start + touch, [s.review_day + s.peak_day])
    return StagedPlan(
        start_units=[units for _, units, _ in start],
        review_day=s.review_day,
        p_target_after_start=float(np.mean(~still)),
        asymmetry_after_start=Band.of(review["asym"][:, 0]),
        touch_up_units=[units for _, units, _ in touch],
        p_touch_up_needed=float(np.mean(still)),
        p_target_after_touch_up=float(np.mean(after["asym"][:, 0] < s.threshold_mm)),
        asymmetry_after_touch_up=Band.of(after["asym"][:, 0]),
    )


def _tradeoff(plans: PlanSet) -> list[dict]:
    """For each total dose: the plan with the smallest median residual asymmetry at the peak."""
    out = []
    for total in np.unique(np.round(plans.total_u, 6)):
        idx = np.flatnonzero(np.isclose(plans.total_u, total))
        best = idx[np.argmin(plans.median[idx])]
        out.append({"total_u": float(total), "median_asymmetry_mm": round(float(plans.median[best]), 3),
                    "p_target": float(plans.p_target[best])})
    return out


def _static_rest_deviation(problem: PlanningProblem) -> float:
    """Rest corner height difference (mm) from static offsets alone (skeletal, droop, filler)."""
    static = problem.sim.static_at_landmarks([problem.settings.peak_day])[0]
    return float(static[2, 1] - static[3, 1])


def _warnings(problem: PlanningProblem) -> list[str]:
    out = list(problem.sim.warnings)
    p = problem.scenario.patient
    if p.skeletal:
        out.append(f"skeletal asymmetry: the jaw offset alone sets the corners {abs(_static_rest_deviation(problem)):.1f} "
                   "mm apart at rest, and toxin does not change it; injections are not the first step "
                   "(orthodontic / orthognathic evaluation)")
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
                f"evaluation for the jaw. The best toxin plan leaves {plans.median[best]:.1f} mm")
    return (f"no plan within the limits (max {s.max_total_u:g} U, {s.max_sites} sites) brings the asymmetry below "
            f"{s.threshold_mm:g} mm in {s.probability:.0%} of samples without over-correction or side effects; "
            f"the best leaves {plans.median[best]:.1f} mm (untreated {untreated.median:.1f} mm)")
