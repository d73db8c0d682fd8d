"""One cohort patient planned, and its outcome under a changed parameter: the rows of a cohort table.

Each patient is planned as ``facesim plan`` would (the conservative recommendation); with a varied
parameter (``bont.ed50`` = the patient's true ED50 as a multiple of what the planner assumes) the chosen
plan is then simulated on that truth, to show how often the recommended dose over- or under-corrects.
A patient that fails (a broken table row, a refusal) gives a row with ``error`` set; the run goes on.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from facesim.assessment.triage import PlanningRefused
from facesim.cohort.patients import CohortPatient, with_vertices
from facesim.errors import FacesimError, InputError
from facesim.planning.planner import PlannerSettings, PlanningProblem
from facesim.planning.recommend import make_plan

#: The parameters --vary can change, and what each multiplies.
VARIED = {"bont.ed50": "the patient's true ED50 of every muscle, as a multiple of what the planner assumes"}

#: Columns of a cohort table, in order (pyarrow types: facesim.cohort.study.schema).
COLUMNS = ("patient", "kind", "truth_cause", "truth_over", "truth_under", "vary", "vary_value", "recommendation",
           "sites", "units", "total_u", "window_fraction", "p_overcorrection", "p_side_effect", "retreatment_day",
           "true_window_fraction", "true_p_overcorrection", "error")

_MODELS: dict = {}  # face models of this process (a Dask worker builds each face once)


@dataclass(frozen=True)
class CohortSettings:
    """How each patient is planned: samples and seed of the uncertainty, the face's resolution, a varied
    parameter and its values (``vary`` "" for none: one row per patient)."""

    samples: int = 40
    seed: int = 0
    vertices: int | None = 3000
    vary: str = ""
    values: tuple[float, ...] = (1.0,)


def parse_vary(text: str | None) -> tuple[str, tuple[float, ...]]:
    """``bont.ed50=0.7,1.0,1.3`` -> ("bont.ed50", (0.7, 1.0, 1.3)); None / "" -> ("", (1.0,))."""
    if not text:
        return "", (1.0,)
    name, _, values = text.partition("=")
    if name.strip() not in VARIED:
        raise InputError(f"--vary {text!r}: the parameter must be one of {', '.join(VARIED)}, e.g. "
                         "--vary bont.ed50=0.7,1.0,1.3")
    try:
        numbers = tuple(float(v) for v in values.split(",") if v.strip())
    except ValueError:
        numbers = ()
    if not numbers or not all(np.isfinite(v) and 0.1 <= v <= 10 for v in numbers):
        raise InputError(f"--vary {text!r}: give factors between 0.1 and 10 after '=', e.g. bont.ed50=0.7,1.0,1.3")
    return name.strip(), numbers


def _model(scenario):
    from facesim.simulation.timeline import build_model

    key = (scenario.patient.mesh, scenario.patient.vertices)
    if key not in _MODELS:
        _MODELS[key] = build_model(scenario)
    return _MODELS[key]


def _blank(p: CohortPatient, s: CohortSettings, value: float, error: str = "") -> dict:
    t = p.truth
    row = dict.fromkeys(COLUMNS)
    row.update(patient=p.id, kind=p.kind, truth_cause=t.cause if t else None,
               truth_over=",".join(t.over_pulling) if t else None, truth_under=",".join(t.under_pulling) if t else None,
               vary=s.vary, vary_value=float(value), sites="", units="", error=error)
    return row


def patient_rows(p: CohortPatient, s: CohortSettings) -> list[dict]:
    """The rows of one patient (one per varied value), never raising for the patient's own failure."""
    if p.scenario is None:
        return [_blank(p, s, v, p.problem) for v in s.values]
    p = with_vertices(p, s.vertices)
    settings = PlannerSettings.default(samples=s.samples, seed=s.seed)
    try:
        model = _model(p.scenario)
        problem = PlanningProblem(model, p.scenario, settings)
        result = make_plan(model, p.scenario, settings, problem=problem)
    except PlanningRefused:  # red flags: a referral, not a plan
        return [_refused(p, s, v) for v in s.values]
    except (FacesimError, ValueError, FloatingPointError) as exc:
        return [_blank(p, s, v, f"{type(exc).__name__}: {exc}"[:300]) for v in s.values]
    return [_planned(p, s, v, problem, result) for v in s.values]


def _refused(p: CohortPatient, s: CohortSettings, value: float) -> dict:
    row = _blank(p, s, value)
    row["recommendation"] = "refer"
    return row


def _planned(p, s, value, problem, result) -> dict:
    row = _blank(p, s, value)
    row["recommendation"] = result.recommendation
    c = result.chosen if result.recommendation == "plan" else None
    if c is None:
        return row
    row.update(sites=",".join(c.sites), units=",".join(f"{u:g}" for u in c.units), total_u=float(c.total_u),
               window_fraction=float(c.below_threshold_fraction), p_overcorrection=float(c.p_overcorrection),
               p_side_effect=float(c.p_side_effect),
               retreatment_day=None if c.retreatment_day is None else float(c.retreatment_day))
    row["true_window_fraction"], row["true_p_overcorrection"] = _on_truth(problem, p.scenario, c, value)
    return row


def _on_truth(problem: PlanningProblem, scenario, chosen, factor: float) -> tuple[float, float]:
    """The chosen plan simulated on a patient whose ED50 is ``factor`` x the assumed one: the fraction of
    (sample, window day) pairs below the threshold, and the chance of over-correction at the peak day.
    At 1.0 that is the planning problem itself; another factor sets up a problem with the ED50s scaled."""
    truth = problem
    if factor != 1.0:
        truth = PlanningProblem(problem.model, scenario, problem.settings)
        truth.ed50 = truth.ed50 * factor
    settings = truth.settings
    index = {site.name: k for k, site in enumerate(truth.sites)}
    items = [(index[name], float(u), 0.0) for name, u in zip(chosen.sites, chosen.units)]
    days = list(settings.window_days)
    sim = truth.simulate(items, days)
    peak = days.index(settings.peak_day)
    return float(np.mean(~sim["noticeable"])), float(np.mean(sim["over"][:, peak]))


def chunk_rows(patients: list[CohortPatient], s: CohortSettings) -> list[dict]:
    """Every row of a chunk of patients, in order (what one Dask task computes)."""
    return [row for p in patients for row in patient_rows(p, s)]
