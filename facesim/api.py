"""The public API: the clinic's workflow in memory, one call a step (``import facesim as fs``).

::

    model = fs.FaceModel.builtin(n_vertices=3000)
    a = fs.assess(model, rest="rest.txt", smile="smile.txt", ipd_mm=62)   # or rest="rest.jpg", smile="smile.jpg"
    case = fs.Scenario.for_patient(a.patient, history=a.history)
    p = fs.plan(model, case, samples=40, seed=0)
    treated = case.with_shots(p.chosen.shots)
    tl = fs.simulate(model, treated, days=[0, 14, 90])
    fs.render_before_after(model, treated, days=[0, 14], out="ba.png")
    fs.write_report(model, treated, "report.html", plan=p)

Every function returns data and prints nothing; bad input raises a FacesimError
subclass with a one-line message.
"""

from __future__ import annotations

from pathlib import Path

from facesim.anatomy.patient import Patient
from facesim.assessment.assess import Assessment, assess
from facesim.planning.planner import PlannerSettings
from facesim.planning.recommend import PlanResult, make_plan
from facesim.scenario.case import Scenario, load_scenario
from facesim.scenario.history import History
from facesim.simulation.timeline import ScenarioSimulation, Timeline, simulate
from facesim.tissue.model import FaceModel
from facesim.treatment.shot import Shot, SiteRef

__all__ = ["Assessment", "FaceModel", "History", "Patient", "PlanResult", "PlannerSettings", "Scenario", "Shot",
           "SiteRef", "Timeline", "assess", "load_scenario", "plan", "render_before_after", "simulate",
           "write_report"]


def plan(model: FaceModel, scenario: Scenario, *, samples: int | None = None, seed: int = 0,
         **settings) -> PlanResult:
    """The planner's answer for ``scenario`` (settings as PlannerSettings fields, e.g. ``max_total_u=10``)."""
    return make_plan(model, scenario, PlannerSettings.default(samples=samples, seed=seed, **settings))


def render_before_after(model: FaceModel, scenario: Scenario, days, out: Path | str, *,
                        expressions=("rest", "smile"), view: str = "front", overlays=()) -> Path:
    """Write the before/after picture (PNG) of ``scenario`` on ``days``; returns the path."""
    from facesim.render.views import render_before_after as render

    return render(ScenarioSimulation(model, scenario), out, days, tuple(expressions), view, tuple(overlays))


def write_report(model: FaceModel, scenario: Scenario, path: Path | str, *, plan: PlanResult | None = None) -> Path:
    """Write the self-contained HTML report of ``scenario`` (with the planner's answer, if given)."""
    from facesim.report.write import write_report as write

    return write(ScenarioSimulation(model, scenario), path, plan=plan)
