"""Conservative BoNT-A dose planning under uncertainty.

A plan is up to ``max_sites`` named sites with a dose each (steps of ``step_u``),
all given on day 0. Every plan is simulated for every uncertainty sample
(spread, dose-response, duration, patient) on the window days, as array
products on the landmark basis: no tissue solve. Plans sharing their sites are
evaluated together, and only the muscles those sites reach go through the
dose-response map.

"Conservative" (DESIGN.md, issue 5): among plans whose asymmetry at the peak is
below the noticeable threshold in at least 80 % of samples, with small chances
of over-correction and of side effects, the fewest units, then the lowest
over-correction risk, then the smallest residual.
"""

from __future__ import annotations

import dataclasses
import itertools
from dataclasses import dataclass
from typing import Callable

import numpy as np

from facesim.datafiles import bundled
from facesim.treatment.dose_table import DoseTable, shot_sigma_mm
from facesim.errors import InputError
from facesim.metrics import METRIC_LANDMARKS, frontal_coordinates
from facesim.anatomy.muscles import PointSpec, face_scale
from facesim.face.mesh import SIDES
from facesim.treatment.filler import FillerInjection
from facesim.tissue.model import FaceModel
from facesim.planning.kernel import evaluate_pairs, hill_table
from facesim.treatment.pharmacology import effective_dose, ed50_u, force_loss, site_dose, to_ona_units
from facesim.scenario.case import Scenario
from facesim.treatment.sites import named_sites, site_target, unknown_site_message
from facesim.simulation.timeline import ScenarioSimulation
from facesim.assessment.triage import PlanningRefused
from facesim.treatment.uncertainty import ParameterSamples, sample_parameters

REFERRAL = "see a neurologist before any cosmetic treatment"
#: A site "reaches" a muscle whose force factor it changes by more than this in some sample and level.
REACHED_CHANGE = 0.005
#: Muscles both sites of a plan change by more than this are evaluated on the joint dose grid (exact);
#: below it, the smaller contribution is added as if alone (error measured in tests: < 0.05 mm).
JOINT_CHANGE = 0.02


@dataclass(frozen=True, kw_only=True)
class PlannerSettings:
    """Search space and targets; :meth:`default` reads them from the data files, with sources:
    facesim/data/planner.toml, the limits from safety.toml, the noticeable threshold (mm) from
    perception.toml."""

    sites: tuple[str, ...] | None = None  # candidate site names; None = every named site
    step_u: float
    max_total_u: float
    max_site_u: float | None = None  # caps every site's own maximum
    max_sites: int
    samples: int = 200
    seed: int = 0
    product: str = "onabotulinumtoxinA"
    peak_day: float
    window_days: tuple[float, ...]
    report_days: tuple[float, ...]
    threshold_mm: float
    probability: float
    overcorrection_mm: float
    max_overcorrection_probability: float
    side_effect_loss: float
    max_side_effect_probability: float
    start_fraction: float
    review_day: float
    filler: bool = False  # add filler volumes at the commissure sites to the candidates

    @classmethod
    def default(cls, **overrides) -> "PlannerSettings":
        plan, safety = bundled.planner(), bundled.safety()
        values = {**plan.search.values(), **plan.target.values(), "threshold_mm": bundled.noticeable_mm(),
                  "max_total_u": safety.dose.max_total_u, "max_sites": safety.dose.max_sites,
                  "overcorrection_mm": safety.effects.overcorrection_mm,
                  "side_effect_loss": safety.effects.side_effect_loss}
        values.update({k: v for k, v in overrides.items() if v is not None})
        settings = cls(**values)
        settings.validate()
        return settings

    def validate(self) -> None:
        checks = [
            (self.step_u > 0, "step_u", "use a positive dose step, e.g. 0.5"),
            (self.max_total_u > 0, "max_total_u", "use a positive total, e.g. 20"),
            (self.max_site_u is None or self.max_site_u > 0, "max_site_u", "use a positive per-site maximum"),
            (1 <= self.max_sites <= 2, "max_sites", "use 1 or 2 sites per plan (1-2 lower-face zones per session)"),
            (self.samples >= 1, "samples", "use at least 1 sample"),
            (0 < self.probability <= 1, "probability", "use a fraction in (0, 1]"),
        ]
        for ok, name, fix in checks:
            if not ok:
                raise InputError(f"planner setting {name} = {getattr(self, name)!r}; {fix}")
        if self.peak_day not in self.window_days:
            raise InputError(f"planner peak_day {self.peak_day} must be one of window_days {self.window_days}")


@dataclass(frozen=True, eq=False)
class Site:
    """A candidate injection site on this face: toxin (levels in ona-equivalent U) or HA filler (mL)."""

    name: str
    muscle_id: str  # the target muscle; "" for filler
    xy: np.ndarray
    deep: bool
    levels: np.ndarray
    typical_u: tuple[float, float]
    step: float
    filler: FillerInjection | None = None  # 1 mL at this site (filler sites only)
    field8: np.ndarray | None = None  # (8,) corner coordinates moved by 1 mL (rest and smile), mm

    @property
    def unit(self) -> str:
        return "mL" if self.filler is not None else "U"


@dataclass(frozen=True, eq=False)
class PlanSet:
    """Every evaluated plan at the peak day, as arrays over plans (P).

    sites : (P, 2) int, site index or -1; units : (P, 2) float, U (toxin sites) or mL (filler sites)
    total_u : (P,) toxin units; p_target, p_over, median, q10, q90 : (P,) over samples
    p_side : (P,) chance of a side effect at the peak; side_muscle : (P,) int, the most frequent (-1 none)
    """

    sites: np.ndarray
    units: np.ndarray
    total_u: np.ndarray
    p_target: np.ndarray
    p_over: np.ndarray
    median: np.ndarray
    q10: np.ndarray
    q90: np.ndarray
    p_side: np.ndarray
    side_muscle: np.ndarray

    def __len__(self) -> int:
        return len(self.total_u)


@dataclass(frozen=True)
class Shot:
    """One planned injection: candidate site index, ona-equivalent units, day."""

    site: int
    units: float
    day: float = 0.0


@dataclass(frozen=True, eq=False)
class _Response:
    """Everything of the patient on a set of days, for every sample."""

    days: np.ndarray
    w8: np.ndarray  # (K, T, M, 8) corner coordinates (rest cL, cR, smile cL, cR; x, y) per unit force factor
    base8: np.ndarray  # (K, T, 8) coordinates with the baseline force factors
    d0: np.ndarray  # (K, T, M) effective dose of earlier injections, U
    g0: np.ndarray  # (K, T, M) baseline force factor
    baseline: dict  # metric -> (K, T) without new toxin


class PlanningProblem:
    """One patient, set up once: baseline, uncertainty samples, candidate sites, dose tables."""

    def __init__(self, model: FaceModel, scenario: Scenario, settings: PlannerSettings | None = None):
        self.settings = s = settings or PlannerSettings.default()
        self.joint_change = JOINT_CHANGE
        if scenario.history.red_flags:
            raise PlanningRefused(f"planning refused: red flags in the history "
                                  f"({', '.join(scenario.history.red_flags)}); {REFERRAL}")
        self.model = model
        self.scenario = dataclasses.replace(scenario, injections=tuple(i for i in scenario.injections if i.previous))
        self.sim = ScenarioSimulation(model, self.scenario)
        self.territories = self.sim.territories
        self.samples: ParameterSamples = sample_parameters(s.samples, s.seed)
        rest_pts, basis = model.landmark_basis(METRIC_LANDMARKS)
        # The pupils sit on bone-tied skin, so the frontal frame is that of the rest mesh and the
        # corner coordinates are affine in the muscle forces.
        coords0 = frontal_coordinates(rest_pts)
        ex = (coords0[0] - coords0[1]) / np.linalg.norm(coords0[0] - coords0[1])
        self._rot = np.stack([ex, [-ex[1], ex[0]]], axis=1)
        self._b = (basis[:, 2:4, :2] @ self._rot).reshape(len(model.muscle_ids), 4)  # (M, 4) mm per N
        self._c0 = coords0[2:4].reshape(4)
        self.sites = self._candidate_sites()
        previous = self.sim.injections
        xy = np.array([site.xy for site in self.sites] + [i.site_xy for i in previous]).reshape(-1, 2)
        deep = np.array([site.deep for site in self.sites] + [i.depth == "deep" for i in previous], bool)
        self.table = DoseTable(xy, deep, self.territories)
        self.ed50 = np.array([ed50_u(t.muscle_id, scenario.patient.sex) for t in self.territories])
        self._responses: dict[tuple, _Response] = {}

    # -- set-up ------------------------------------------------------------------

    def _candidate_sites(self) -> list[Site]:
        s = self.settings
        names = s.sites if s.sites is not None else tuple(named_sites())
        out = []
        for name in names:
            if name not in named_sites() and name not in self.model.muscle_ids:
                raise InputError(f"--sites: {unknown_site_message(name, self.model.muscle_ids)}")
            xy, depth, muscle_id = site_target(self.model, name)
            typical, site_max = site_dose(muscle_id)
            top = min(site_max, s.max_site_u or site_max, s.max_total_u)
            levels = s.step_u * np.arange(1, int(np.floor(top / s.step_u + 1e-9)) + 1)
            out.append(Site(name, muscle_id, np.asarray(xy, float), depth == "deep", levels, tuple(typical), s.step_u))
        if not out:
            raise InputError("--sites: no candidate sites; name at least one, e.g. dao_right")
        if s.filler:
            out += self._filler_sites()
        return out

    def _filler_sites(self) -> list[Site]:
        """One filler site below each commissure (planner.toml [filler])."""
        cfg = bundled.planner().filler
        model = self.model
        point = PointSpec(cfg.landmark, cfg.offset_mm)
        stencil = model.landmark_weights(METRIC_LANDMARKS[2:4])
        out = []
        for side in SIDES:
            xyz = point.locate(model.face, side, face_scale(model.face, model.anatomy))
            filler = FillerInjection(tuple(map(float, xyz)), 1.0, cfg.product_class)
            corners = (stencil @ filler.unit_field(model))[:, :2] @ self._rot  # (2, 2) mm per mL
            step = float(cfg.step_ml)
            top = filler.filler_class.max_volume_ml
            levels = step * np.arange(1, int(np.floor(top / step + 1e-9)) + 1)
            out.append(Site(f"commissure_filler_{side}", "", xyz[:2], False, levels, (0.0, 0.0), step, filler,
                            np.tile(corners.reshape(4), 2)))
        return out

    def response(self, days) -> _Response:
        """The patient without new toxin on ``days``, for every sample (cached)."""
        key = tuple(float(d) for d in np.atleast_1d(days))
        if key not in self._responses:
            t = np.asarray(key)
            k, m = self.samples, self.model
            strength, tone = self.sim.multipliers(t)  # (T, M)
            pk = k.patient[:, None, None]
            strength = 1.0 + (strength[None] - 1.0) * pk  # (K, T, M): how far off the measured over-pull may be
            tone = 1.0 + (tone[None] - 1.0) * pk
            ex = m.expressions
            w = [m.max_force * (ex.tone * tone + ex.get(e) * strength) for e in ("rest", "smile")]
            w8 = np.concatenate([wi[..., None] * self._b for wi in w], axis=-1)  # (K, T, M, 8)
            static = (self.sim.static_at_landmarks(t)[:, 2:4, :2] @ self._rot).reshape(len(t), 4)
            d0 = np.zeros((k.size, len(t), len(self.territories)))
            for j, inj in enumerate(self.sim.injections):
                d0 += self._shot_dose(len(self.sites) + j, inj.units, inj.product, inj.day, t)
            g0 = 1.0 - self._loss(d0)
            base8 = np.tile(self._c0, 2) + np.tile(static, 2)[None] + np.einsum("ktm,ktmc->ktc", g0, w8)
            self._responses[key] = _Response(t, w8, base8, d0, g0, corner_asymmetry(base8))
        return self._responses[key]

    def _shot_dose(self, row: int, units, product_name: str, day: float, days: np.ndarray) -> np.ndarray:
        """Effective dose (K, T, M) in U of one shot (product units) from table row ``row``."""
        sig = shot_sigma_mm(units, product_name, self.samples.spread)  # (K,)
        ona = np.full(self.samples.size, float(to_ona_units(units, product_name)))
        delivered = self.table.delivered(row, ona, sig)  # (K, M)
        course = effective_dose(1.0, days[None, :] - day, product_name, decay_scale=self.samples.decay[:, None])
        return course[..., None] * delivered[:, None, :]

    def _loss(self, dose: np.ndarray, muscles=slice(None)) -> np.ndarray:
        """Fraction of force lost for effective doses (..., K, T, m)."""
        k = self.samples
        ed50 = self.ed50[muscles] * k.ed50[:, None, None]
        return force_loss(dose, ed50, k.emax[:, None, None], k.hill_n[:, None, None])

    # -- exact simulation of a few plans ------------------------------------------------

    def simulate(self, shots: list[Shot], days) -> dict[str, np.ndarray]:
        """Metrics (K, T) and force loss (K, T, M) of one plan on ``days``, every sample (exact)."""
        r = self.response(days)
        dose = r.d0.copy()
        filler = np.zeros((len(r.days), 8))
        for shot in shots:
            site = self.sites[shot.site]
            if site.filler is None:
                dose += self._shot_dose(shot.site, shot.units, "onabotulinumtoxinA", shot.day, r.days)
            else:
                filler += shot.units * site.filler.course(r.days - shot.day)[0][:, None] * site.field8
        loss = self._loss(dose)
        coords = r.base8 + filler[None] + np.einsum("ktm,ktmc->ktc", (1.0 - loss) - r.g0, r.w8)
        out = corner_asymmetry(coords)
        out["over"] = overcorrected(out, r.baseline, self.settings.overcorrection_mm)
        out["loss"] = loss
        return out

    # -- the search: every plan, every sample, at the peak ---------------------------------
    #
    # A muscle's force factor depends only on the total dose it receives, so the
    # corner coordinates of a two-site plan split into: the baseline, the terms of
    # the muscles only site a changes (a function of a's dose alone, computed once
    # per dose level), those only site b changes, and the muscles both change by
    # more than JOINT_CHANGE, evaluated on the joint grid of the two doses.

    def search(self, progress: Callable[[int, int], None] | None = None, day: float | None = None) -> PlanSet:
        """Evaluate every candidate plan for every sample on one day (default: the peak day)."""
        self._day = float(self.settings.peak_day if day is None else day)
        self._terms: dict[int, tuple] = {}
        n = len(self.sites)
        groups = [()] + [(i,) for i in range(n)]
        if self.settings.max_sites >= 2:
            groups += list(itertools.combinations(range(n), 2))
        parts = []
        for g, combo in enumerate(groups):
            parts.append(self._search_group(combo))
            if progress:
                progress(g + 1, len(groups))
        return PlanSet(*(np.concatenate([p[i] for p in parts]) for i in range(10)))

    def _site_terms(self, i: int):
        """Site i at every dose level: reached muscles, doses, losses, coordinate terms, strong mask."""
        if i not in self._terms and self.sites[i].filler is not None:
            site, k_n = self.sites[i], self.samples.size
            apparent = float(site.filler.course(np.array([self._day]))[0][0])  # mL seen per mL injected
            terms = np.ascontiguousarray(np.broadcast_to(
                (site.levels * apparent)[:, None, None] * site.field8, (len(site.levels), k_n, 8)))
            none = np.zeros((len(site.levels), k_n, 0))
            self._terms[i] = (np.zeros(0, int), none, none, terms, np.zeros(0, bool), none)
        if i not in self._terms:
            r = self.response([self._day])
            site = self.sites[i]
            levels = site.levels
            sig = shot_sigma_mm(levels[:, None], "onabotulinumtoxinA", self.samples.spread[None, :])  # (L, K)
            delivered = self.table.delivered(i, np.broadcast_to(levels[:, None], sig.shape), sig)  # (L, K, M)
            course = effective_dose(1.0, r.days, "onabotulinumtoxinA", decay_scale=self.samples.decay[:, None])
            dose = delivered * course[None]  # peak day, (L, K, M); course is (K, 1)
            loss = self._loss(dose[:, :, None, :] + r.d0[None])[:, :, 0, :]
            dg = r.g0[None, :, 0, :] - (1.0 - loss)  # force factor lost beyond the baseline
            change = dg.max(axis=(0, 1))
            reached = np.flatnonzero(change > REACHED_CHANGE)
            terms = -np.matmul(dg[..., reached].transpose(1, 0, 2), r.w8[:, 0, reached, :]).transpose(1, 0, 2)
            self._terms[i] = (reached, dose[..., reached], loss[..., reached], terms, change[reached] > self.joint_change,
                              dg[..., reached])
        return self._terms[i]

    def _search_group(self, combo: tuple[int, ...]):
        """Every dose combination of the sites ``combo`` (0, 1 or 2 sites), every sample."""
        s = self.settings
        r = self.response([self._day])
        k_n = self.samples.size
        watched = self._watched(combo)
        sides = [self._site_terms(i) for i in combo] + [None] * (2 - len(combo))
        if sides[1] is None or sides[0] is None:
            shared = np.zeros(0, int)
        else:
            shared = np.intersect1d(sides[0][0][sides[0][4]], sides[1][0][sides[1][4]])
        args = []
        for term in sides:
            if term is None:  # an empty partner: one level with no effect
                args.append((np.zeros((1, k_n, 8)), np.zeros((1, k_n, len(shared))), np.zeros((1, k_n, len(shared))),
                             np.full((1, k_n), -1)))
                continue
            reached, dose, loss, terms, _, dg = term
            own = ~np.isin(reached, shared)
            cols = np.searchsorted(reached, shared)
            side, side_id = self._side(loss[..., own], reached[own], watched)
            args.append((terms, dose[..., cols], dg[..., cols], np.where(side, side_id, -1)))
        (ta, da, ga, side_a), (tb, db, gb, side_b) = args
        levels_a = self.sites[combo[0]].levels if combo else np.zeros(1)
        levels_b = self.sites[combo[1]].levels if len(combo) == 2 else np.zeros(1)
        toxin = [site is not None and self.sites[site].filler is None for site in (*combo, None, None)[:2]]
        total = levels_a[:, None] * toxin[0] + levels_b[None, :] * toxin[1]
        plan_a, plan_b = np.nonzero(total <= s.max_total_u + 1e-9)
        k = self.samples
        base = r.baseline
        quant, n_target, n_over, n_side, side_muscle = evaluate_pairs(
            plan_a, plan_b, r.base8[:, 0], ta, tb, da, db, ga, gb,
            np.ascontiguousarray(r.d0[:, 0, shared]), np.ascontiguousarray(r.g0[:, 0, shared]),
            np.ascontiguousarray(r.w8[:, 0, shared, :]), 1.0 / (k.ed50[:, None] * self.ed50[None, shared]),
            *self._hill_table(),
            shared.astype(np.int64), watched[shared], side_a.astype(np.int64), side_b.astype(np.int64),
            s.side_effect_loss, np.stack([base["rest_dev"][:, 0], base["smile_dev"][:, 0], base["exc_diff"][:, 0]], 1),
            s.threshold_mm, s.overcorrection_mm, len(self.model.muscle_ids))
        n_plans = len(plan_a)
        sites = np.full((n_plans, 2), -1)
        units = np.zeros((n_plans, 2))
        for j, (site, levels, idx) in enumerate(zip(combo, (levels_a, levels_b), (plan_a, plan_b))):
            sites[:, j] = site
            units[:, j] = levels[idx]
        return (sites, units, total[plan_a, plan_b], n_target / k_n, n_over / k_n, quant[:, 1], quant[:, 0], quant[:, 2],
                n_side / k_n, side_muscle)

    def _hill_table(self):
        if not hasattr(self, "_table"):
            self._table = hill_table(self.samples.emax, self.samples.hill_n)
        return self._table

    def _watched(self, combo) -> np.ndarray:
        """(M,) bool: muscles whose loss is a side effect for this site combination."""
        names = bundled.planner().side_effects
        targets = {self.sites[i].muscle_id for i in combo}
        return np.array([m.rsplit("_", 1)[0] in names and m not in targets for m in self.model.muscle_ids])

    def _side(self, loss: np.ndarray, muscles: np.ndarray, watched: np.ndarray):
        """Side effect per (..., K) and the muscle, from losses (..., K, r) of ``muscles``."""
        cols = watched[muscles]
        if not cols.any():
            return np.zeros(loss.shape[:-1], bool), np.full(loss.shape[:-1], -1)
        over = loss[..., cols] - self.settings.side_effect_loss
        return over.max(axis=-1) > 0, muscles[cols][over.argmax(axis=-1)]


def overcorrected(met: dict[str, np.ndarray], before: dict[str, np.ndarray], limit_mm: float) -> np.ndarray:
    """Over-correction per sample (and day): the side that was the weaker by at least half of
    ``limit_mm`` is now the stronger by more than ``limit_mm``, in the rest height, the smile height
    or the excursion difference. (The search kernel applies the same rule.)"""
    out = np.zeros(np.shape(met["asym"]), bool)
    for key in ("rest_dev", "smile_dev", "exc_diff"):
        flipped = (np.sign(met[key]) == -np.sign(before[key])) & (np.abs(before[key]) >= 0.5 * limit_mm)
        out |= flipped & (np.abs(met[key]) > limit_mm)
    return out


def corner_asymmetry(c: np.ndarray) -> dict[str, np.ndarray]:
    """Corner metrics from (..., 8) coordinates: rest cL, cR, smile cL, cR (x, y), frontal frame, mm."""
    rest_dev = c[..., 1] - c[..., 3]
    smile_dev = c[..., 5] - c[..., 7]
    exc_l = np.hypot(c[..., 4] - c[..., 0], c[..., 5] - c[..., 1])
    exc_r = np.hypot(c[..., 6] - c[..., 2], c[..., 7] - c[..., 3])
    exc_diff = exc_l - exc_r
    asym = np.maximum(np.maximum(np.abs(rest_dev), np.abs(smile_dev)), np.abs(exc_diff))
    return {"rest_dev": rest_dev, "smile_dev": smile_dev, "exc_diff": exc_diff, "asym": asym}


def over_pulling_muscles(scenario: Scenario) -> set[str]:
    """Muscle ids the patient's multipliers make stronger than average (tone or strength > 1)."""
    p = scenario.patient
    return {m for table in (p.strength, p.tone) for m, v in table.items() if v > 1.0}


def rank(plans: PlanSet, settings: PlannerSettings, targets_over_puller: np.ndarray,
         filler_ml: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Feasible mask and the ranking of all plans (best first).

    Feasible: the target is met at the peak in >= ``probability`` of samples, with
    over-correction and side-effect chances within their limits. Order: feasible
    first; then the fewest toxin units, the least filler, the fewest sites, plans
    aimed at the patient's own over-pulling muscles, the lowest over-correction
    chance, the smallest residual.
    """
    s = settings
    feasible = ((plans.p_target >= s.probability) & (plans.p_over <= s.max_overcorrection_probability)
                & (plans.p_side <= s.max_side_effect_probability))
    n_sites = (plans.sites >= 0).sum(axis=1)
    filler_ml = np.zeros(len(plans)) if filler_ml is None else filler_ml
    order = np.lexsort((plans.median, np.round(plans.p_over, 3), ~targets_over_puller, n_sites,
                        np.round(filler_ml, 6), np.round(plans.total_u, 6), ~feasible))
    return feasible, order
