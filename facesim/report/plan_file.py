"""Plan files: ``facesim report --plan PLAN.json`` replaces the scenario's planned injections.

One reader for both forms a plan comes in (the history's previous injections stay):

- the ``plan.json`` that ``facesim plan --out D`` writes: its ``chosen.shots[]`` (site,
  ``product_units`` and ``product``) become the injections, on day 0;
- a hand-written plan with the keys of a scenario's ``[[injection]]`` table::

    {"title": "optional name of the plan",
     "injections": [{"site": "dao_right", "units": 2.0, "product": "ona", "day": 0},
                    {"site": "dao_right", "units": 1.0, "day": 14}]}

  (a bare list of injections is accepted too). Each entry is then checked exactly like
  a scenario's ``[[injection]]``.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import ConfigDict

from facesim.datafiles import read_json
from facesim.datafiles.base import Frozen, Positive
from facesim.datafiles.load import validate
from facesim.errors import InputError
from facesim.scenario.case import Scenario, parse_scenario, read_scenario_file


class HandPlan(Frozen):
    """A hand-written plan: a title and ``[[injection]]`` tables."""

    title: str | None = None
    injections: tuple[dict, ...]


class PlannedShot(Frozen):
    """One shot of the planner's chosen plan (``plan.json`` ``chosen.shots[]``); ``units`` is ona-equivalent."""

    model_config = ConfigDict(extra="ignore", frozen=True)
    site: str
    product_units: Positive
    product: str = "onabotulinumtoxinA"


class ChosenPlan(Frozen):
    model_config = ConfigDict(extra="ignore", frozen=True)
    shots: tuple[PlannedShot, ...]


class PlannerOutput(Frozen):
    """The planner's ``plan.json`` (only what a plan file needs is read)."""

    model_config = ConfigDict(extra="ignore", frozen=True)
    patient: str = "patient"
    recommendation: str
    chosen: ChosenPlan | None = None


def load_plan(path: Path | str) -> tuple[str | None, list[dict]]:
    """Read a plan JSON file: (title or None, list of ``[[injection]]`` tables)."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such plan file; give a JSON file (see facesim.report.plan_file)")
    data = read_json(path)
    if isinstance(data, list):
        data = {"injections": data}
    if isinstance(data, dict) and "recommendation" in data:
        out = validate(PlannerOutput, data, str(path), error=InputError, dotted=True)
        if out.chosen is None or not out.chosen.shots:
            raise InputError(f"{path}: the planner recommends {out.recommendation!r}, with no injections to show; "
                             "report the scenario without --plan")
        shots = [{"site": s.site, "units": s.product_units, "product": s.product} for s in out.chosen.shots]
        return f"facesim plan ({out.recommendation})", shots
    plan = validate(HandPlan, data, str(path), error=InputError, dotted=True)
    return plan.title, [dict(e) for e in plan.injections]


def scenario_with_plan(scenario_path: Path | str, plan_path: Path | str, allow_high_dose: bool = False) -> Scenario:
    """The scenario with its planned injections replaced by the plan file's (history kept)."""
    scenario_path, plan_path = Path(scenario_path), Path(plan_path)
    data = read_scenario_file(scenario_path)
    title, injections = load_plan(plan_path)
    data = {**data, "injection": injections}
    if title:
        data["title"] = f"{data.get('title', scenario_path.stem)} — plan: {title}"
    return parse_scenario(data, f"{scenario_path} + {plan_path}", allow_high_dose)
