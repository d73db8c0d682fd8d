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
import functools
from dataclasses import dataclass
from typing import Callable

import numpy as np

from facesim.datafiles import bundled
from facesim.treatment.dose_table import DoseTable
from facesim.errors import InputError
from facesim.geometry.frontal import frontal_axes
from facesim.metrics import METRIC_LANDMARKS, PLAN_COORDS, PLAN_EXPRESSIONS, PLAN_POINTS
from facesim.planning.judge import Tolerance, expression_scales, overcorrected, plan_metrics
from facesim.planning.kernel import hill_table
from facesim.anatomy.muscles import PointSpec, face_scale
from facesim.face.names import SIDES
from facesim.treatment.filler import FillerInjection
from facesim.tissue.model import FaceModel
from facesim.planning.search import PlanSearch, PlanSet, search_generation
from facesim.treatment.bont import ed50_u, site_range, to_ona_units
from facesim.treatment.shot import PlacedShot
from facesim.treatment.spread import shot_sigma_mm
from facesim.treatment.time_course import effective_dose, force_loss
from facesim.scenario.case import Scenario
from facesim.treatment.sites import named_sites, site_target, unknown_site_message
from facesim.simulation.timeline import ScenarioSimulation
from facesim.assessment.triage import REFERRAL, PlanningRefused
from facesim.treatment.uncertainty import ParameterSamples, sample_parameters

#: Input limits of the planner (README, input limits): the finest dose step (U) and the most samples.
MIN_STEP_U = 0.1
MAX_SAMPLES = 5000
#: The most (sample, day) rows one window pass of the search folds together (memory bound: a site's
#: coordinate terms are levels x rows x PLAN_COORDS floats, 5 MB per level at this size).
WINDOW_ROWS = 2400


def _whole(value) -> bool:
    """A whole number (int, not bool)."""
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


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
    retreatment_min_day: float
    wait_limit_day: float
    weak_strength: float
    # per PLAN_EXPRESSIONS[1:]: (target, over-correction) thresholds as multiples of threshold_mm and of
    # overcorrection_mm (planner.toml [target.expressions]; inf: no target)
    expression_scale: tuple[tuple[float, float], ...]
    filler: bool = False  # add filler volumes at the commissure sites to the candidates

    @classmethod
    def default(cls, **overrides) -> "PlannerSettings":
        plan, safety = bundled.planner(), bundled.safety()
        values = {**plan.search.values(), **plan.target.values(), "threshold_mm": bundled.noticeable_mm(),
                  "expression_scale": expression_scales(plan.target.expressions),
                  "max_total_u": safety.dose.max_total_u, "max_sites": safety.dose.max_sites,
                  "overcorrection_mm": safety.effects.overcorrection_mm,
                  "side_effect_loss": safety.effects.side_effect_loss}
        values.update({k: v for k, v in overrides.items() if v is not None})
        values.pop("expressions")
        settings = cls(**values)
        settings.validate()
        return settings

    @functools.cached_property
    def tolerance(self) -> "Tolerance":
        """Each judged expression's thresholds (PLAN_EXPRESSIONS[1:]), derived once from the settings."""
        scale = np.asarray(self.expression_scale, float).reshape(-1, 2)
        return Tolerance(scale[:, 0] * self.threshold_mm, scale[:, 1] * self.overcorrection_mm,
                         np.isclose(scale[:, 0], 1.0))

    def validate(self) -> None:
        checks = [
            (MIN_STEP_U <= self.step_u <= 10.0, "step_u (--step)", f"use a dose step from {MIN_STEP_U:g} to 10 U, "
             "e.g. 0.5"),
            (0 < self.max_total_u <= 100.0, "max_total_u (--max-units)", "use a total from 0 to 100 U, e.g. 20"),
            (self.max_site_u is None or 0 < self.max_site_u <= 100.0, "max_site_u (--max-site-units)",
             "use a per-site maximum from 0 to 100 U"),
            (1 <= self.max_sites <= 2, "max_sites", "use 1 or 2 sites per plan (1-2 lower-face zones per session)"),
            (_whole(self.samples) and 1 <= self.samples <= MAX_SAMPLES, "samples (--samples)",
             f"use 1 to {MAX_SAMPLES:,} samples"),
            (_whole(self.seed) and 0 <= self.seed < 2**32, "seed (--seed)", "use a whole number from 0 to 4294967295"),
            (0 < self.probability <= 1, "probability", "use a fraction in (0, 1]"),
        ]
        for ok, name, fix in checks:
            if not ok:
                value = getattr(self, name.split(" ")[0])
                raise InputError(f"planner setting {name} = {value!r}; {fix}")
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
    step: float
    filler: FillerInjection | None = None  # 1 mL at this site (filler sites only)
    field_c: np.ndarray | None = None  # (PLAN_COORDS,) planner coordinates moved by 1 mL, mm

    @property
    def unit(self) -> str:
        return "mL" if self.filler is not None else "U"


#: One entry of a plan on the candidate sites: (candidate index, amount in the site's unit: ona-equivalent
#: U for toxin, mL for filler, day). Plans are rows of arrays (PlanSet); this is one row's entry.
PlanItem = tuple[int, float, float]


def _coordinates(forces: np.ndarray, b: np.ndarray, factors: np.ndarray) -> np.ndarray:
    """(K, T, PLAN_COORDS) coordinate change, mm, for force factors (K, T, M) on forces (K, T, M, E), N, and
    the plan points' (M, 8) mm per N: one matmul, no (K, T, M, PLAN_COORDS) array."""
    k_n, t_n, m_n, e_n = forces.shape
    per_expression = np.swapaxes(factors[..., None] * forces, -1, -2)  # (K, T, E, M)
    return (per_expression @ b).reshape(k_n, t_n, 8 * e_n)


@dataclass(frozen=True, eq=False)
class _Response:
    """Everything of the patient on a set of days, for every sample."""

    days: np.ndarray
    forces: np.ndarray  # (K, T, M, E) each muscle's force, N, in each of metrics.PLAN_EXPRESSIONS
    b: np.ndarray  # (M, 8) mm per N: the plan points' frontal (x, y) per unit force (metrics.PLAN_POINTS)
    base_c: np.ndarray  # (K, T, PLAN_COORDS) coordinates with the baseline force factors
    d0: np.ndarray  # (K, T, M) effective dose of earlier injections, U
    g0: np.ndarray  # (K, T, M) baseline force factor
    baseline: dict  # metric -> (K, T) without new toxin

    @functools.cached_property
    def w_c(self) -> np.ndarray:
        """(K, T, M, PLAN_COORDS) planner coordinates per unit force factor (kept only when asked for: on
        the 181 days of a follow-up it would be 0.2 GB)."""
        k_n, t_n, m_n, e_n = self.forces.shape
        return (self.forces[..., None] * self.b[None, None, :, None, :]).reshape(k_n, t_n, m_n, 8 * e_n)

    def coordinates(self, factors: np.ndarray) -> np.ndarray:
        """(K, T, PLAN_COORDS) coordinate change for force factors (K, T, M): sum over muscles, mm."""
        return _coordinates(self.forces, self.b, factors)


class PlanningProblem:
    """One patient, set up once: baseline, uncertainty samples, candidate sites, dose tables."""

    def __init__(self, model: FaceModel, scenario: Scenario, settings: PlannerSettings | None = None):
        self.settings = s = settings or PlannerSettings.default()
        self.generation = search_generation()  # search.stop_searches ends this problem's searches
        if scenario.history.referral is not None:
            raise PlanningRefused(f"planning refused: {REFERRAL}: {scenario.history.referral.line()}")
        self.model = model
        self.scenario = dataclasses.replace(scenario, injections=tuple(i for i in scenario.injections if i.previous))
        self.sim = ScenarioSimulation(model, self.scenario)
        self.territories = self.sim.territories
        self.samples: ParameterSamples = sample_parameters(s.samples, s.seed)
        rest_pts, basis = model.landmark_basis(METRIC_LANDMARKS)
        # The pupils sit on bone-tied skin, so the frontal frame is that of the rest mesh and the
        # corner coordinates are affine in the muscle forces.
        origin, self._rot = frontal_axes(rest_pts[0], rest_pts[1])
        self._b = (basis[:, 2:6, :2] @ self._rot).reshape(len(model.muscle_ids), 8)  # (M, 8) mm per N
        self._c0 = ((rest_pts[2:6, :2] - origin) @ self._rot).reshape(8)
        self.sites = self._candidate_sites()
        previous = self.sim.injections
        xy = np.array([site.xy for site in self.sites] + [i.site_xy for i in previous]).reshape(-1, 2)
        deep = np.array([site.deep for site in self.sites] + [i.depth == "deep" for i in previous], bool)
        self.table = DoseTable(xy, deep, self.territories)
        self.ed50 = np.array([ed50_u(t.muscle_id, scenario.patient.sex) for t in self.territories])
        self._responses: dict[tuple, _Response] = {}

    @functools.cached_property
    def hill_table(self) -> tuple[np.ndarray, float]:
        """The samples' tabulated Hill map (kernel.hill_table), built once for every search day."""
        return hill_table(self.samples.emax, self.samples.hill_n)

    @property
    def rest_coordinates(self) -> np.ndarray:
        """(8,) the face's rest corner and lower-lip points (metrics.PLAN_POINTS) with no force, frontal mm."""
        return self._c0

    # -- set-up ------------------------------------------------------------------

    def _candidate_sites(self) -> list[Site]:
        s = self.settings
        names = s.sites if s.sites is not None else tuple(named_sites())
        out = []
        for name in names:
            if name not in named_sites() and name not in self.model.muscle_ids:
                raise InputError(f"--sites: {unknown_site_message(name, self.model.muscle_ids)}")
            xy, depth, muscle_id = site_target(self.model, name)
            low, site_max = site_range(muscle_id)
            top = min(site_max, s.max_site_u or site_max, s.max_total_u)
            levels = s.step_u * np.arange(1, int(np.floor(top / s.step_u + 1e-9)) + 1)
            levels = levels[levels >= low - 1e-9]  # practical doses only (safety.toml [dose.min_site_u])
            if levels.size:  # a site whose practical minimum is above the limits is no candidate
                out.append(Site(name, muscle_id, np.asarray(xy, float), depth == "deep", levels, s.step_u))
        if not out:
            raise InputError("--sites / --max-units / --max-site-units / --step: no candidate site has a practical "
                             "dose within these limits; name a site (e.g. dao_right) or raise the limits")
        if s.filler or self.scenario.history.rest_droop_unexamined:  # the tissue-droop path needs filler
            out += self._filler_sites()
        return out

    def _filler_sites(self) -> list[Site]:
        """One filler site below each commissure (planner.toml [filler])."""
        cfg = bundled.planner().filler
        model = self.model
        point = PointSpec(cfg.landmark, cfg.offset_mm)
        stencil = model.landmark_weights(PLAN_POINTS)
        out = []
        for side in SIDES:
            xyz = point.locate(model.face, side, face_scale(model.face, model.anatomy))
            filler = FillerInjection(tuple(map(float, xyz)), 1.0, cfg.product_class)
            corners = (stencil @ filler.unit_field(model))[:, :2] @ self._rot  # (4, 2) mm per mL
            step = float(cfg.step_ml)
            top = filler.filler_class.max_volume_ml
            levels = step * np.arange(1, int(np.floor(top / step + 1e-9)) + 1)
            out.append(Site(f"commissure_filler_{side}", "", xyz[:2], False, levels, step, filler,
                            np.tile(corners.reshape(8), len(PLAN_EXPRESSIONS))))
        return out

    def response(self, days, shots: tuple = ()) -> _Response:
        """The patient on ``days``, for every sample, with no new toxin or with ``shots`` (Shots given as
        well, e.g. a trainee's answer); cached per (days, shots)."""
        key = (tuple(float(d) for d in np.atleast_1d(days)), tuple(shots))
        if key not in self._responses:
            t = np.asarray(key[0])
            k, m = self.samples, self.model
            strength, tone = self.sim.multipliers(t)  # (T, M)
            pk = k.patient[:, None, None]
            strength = 1.0 + (strength[None] - 1.0) * pk  # (K, T, M): how far off the measured over-pull may be
            tone = 1.0 + (tone[None] - 1.0) * pk
            w = [m.muscle_forces(m.expressions.get(e), strength, tone) for e in PLAN_EXPRESSIONS]
            forces = np.stack(w, axis=-1)  # (K, T, M, E)
            static = (self.sim.static_at_landmarks(t)[:, 2:6, :2] @ self._rot).reshape(len(t), 8)
            d0 = np.zeros((k.size, len(t), len(self.territories)))
            for j, inj in enumerate(self.sim.injections):
                d0 += self._shot_dose(self.table, len(self.sites) + j, inj, t)
            if shots:
                placed = [shot.place(m) for shot in shots]
                table = DoseTable(np.array([p.site_xy for p in placed]), np.array([p.depth == "deep" for p in placed]),
                                  self.territories)
                for j, inj in enumerate(placed):
                    d0 += self._shot_dose(table, j, inj, t)
            g0 = 1.0 - self._loss(d0)
            n_e = len(PLAN_EXPRESSIONS)
            base_c = np.tile(self._c0, n_e) + np.tile(static, n_e)[None] + _coordinates(forces, self._b, g0)
            self._responses[key] = _Response(t, forces, self._b, base_c, d0, g0,
                                             plan_metrics(base_c, self.settings.tolerance))
        return self._responses[key]

    def _shot_dose(self, table: DoseTable, row: int, shot, days: np.ndarray) -> np.ndarray:
        """Effective dose (K, T, M) in U of a placed shot (or anything with units, product, day and volume_ml)
        whose site is ``table``'s row ``row``."""
        sig = shot_sigma_mm(shot.units, shot.product, shot.volume_ml, spread_scale=self.samples.spread)  # (K,)
        ona = np.full(self.samples.size, float(to_ona_units(shot.units, shot.product)))
        delivered = table.delivered(row, ona, sig)  # (K, M)
        return effective_dose(delivered[:, None, :], (days - shot.day)[None, :, None], shot.product,
                              **self.course_samples((-1, 1, 1)))

    def course_samples(self, shape: tuple) -> dict:
        """The sampled time-course parameters for effective_dose, each (K,) array reshaped to ``shape``."""
        k = self.samples
        return {"decay_scale": k.decay.reshape(shape), "onset_delay_d": k.onset_delay_d.reshape(shape),
                "rise_tau_d": k.rise_tau_d.reshape(shape), "plateau_end_d": k.plateau_end_d.reshape(shape)}

    def _loss(self, dose: np.ndarray, muscles=slice(None)) -> np.ndarray:
        """Fraction of force lost for effective doses (..., K, T, m)."""
        k = self.samples
        ed50 = self.ed50[muscles] * k.ed50[:, None, None]
        return force_loss(dose, ed50, k.emax[:, None, None], k.hill_n[:, None, None])

    # -- exact simulation of a few plans ------------------------------------------------

    def simulate(self, items: list[PlanItem], days) -> dict[str, np.ndarray]:
        """Metrics (K, T) and force loss (K, T, M) of one plan on ``days``, every sample (exact)."""
        r = self.response(days)
        dose = r.d0.copy()
        filler = np.zeros((len(r.days), PLAN_COORDS))
        for index, amount, day in items:
            site = self.sites[index]
            if site.filler is None:
                dose += self._shot_dose(self.table, index, PlacedShot(tuple(site.xy), amount, day=day), r.days)
            else:
                filler += amount * site.filler.course(r.days - day)[0][:, None] * site.field_c
        loss = self._loss(dose)
        coords = r.base_c + filler[None] + r.coordinates((1.0 - loss) - r.g0)
        out = plan_metrics(coords, self.settings.tolerance)
        out["over"] = overcorrected(out, r.baseline, self.settings.tolerance)
        out["loss"] = loss
        return out

    def search(self, progress: Callable[[int, int], None] | None = None) -> PlanSet:
        """Every candidate plan for every sample over the treatment cycle (facesim.planning.search).

        The quantiles, over-correction and side effects are those of the peak day; ``p_window`` is
        the fraction of (sample, window day) pairs below the threshold.
        """
        s = self.settings
        window = [d for d in s.window_days if d != s.peak_day]
        chunk = max(1, WINDOW_ROWS // self.samples.size)  # window days per kernel pass (memory: see WINDOW_ROWS)
        passes = [[s.peak_day]] + [window[j:j + chunk] for j in range(0, len(window), chunk)]
        runs = []
        for k, days in enumerate(passes):
            step = None if progress is None else (lambda g, n, k=k: progress(k * n + g, n * len(passes)))
            runs.append(PlanSearch(self, days, full=k == 0).run(step))
        below = sum(run.p_target * len(days) for run, days in zip(runs, passes))
        return dataclasses.replace(runs[0], p_window=below / sum(map(len, passes)))


def over_pulling_muscles(scenario: Scenario) -> set[str]:
    """Muscle ids the patient's multipliers make stronger than average (tone or strength > 1)."""
    p = scenario.patient
    return {m for table in (p.strength, p.tone) for m, v in table.items() if v > 1.0}


def rank(plans: PlanSet, settings: PlannerSettings, targets_over_puller: np.ndarray,
         filler_ml: np.ndarray | None = None, elevator_sites: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Feasible mask and the ranking of all plans (best first).

    Feasible: below the threshold in >= ``probability`` of (sample, window day) pairs, with
    over-correction and side-effect chances at the peak within their limits. Order:
    feasible first; then plans that weaken no smile elevator (``elevator_sites``: how
    many of a plan's sites aim at one; elevators last, DESIGN.md); then the fewest toxin
    units, the least filler, the fewest sites, plans aimed at the patient's own
    over-pulling muscles, the lowest over-correction chance, the longest balance, the
    smallest residual.
    """
    s = settings
    feasible = ((plans.p_window >= s.probability) & (plans.p_over <= s.max_overcorrection_probability)
                & (plans.p_side <= s.max_side_effect_probability))
    n_sites = (plans.sites >= 0).sum(axis=1)
    filler_ml = np.zeros(len(plans)) if filler_ml is None else filler_ml
    elevators = np.zeros(len(plans), int) if elevator_sites is None else elevator_sites
    order = np.lexsort((plans.median, -np.round(plans.p_window, 3), np.round(plans.p_over, 3), ~targets_over_puller,
                        n_sites, np.round(filler_ml, 6), np.round(plans.total_u, 6), elevators, ~feasible))
    return feasible, order
