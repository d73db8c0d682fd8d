"""Plan files: ``facesim report --plan PLAN.json`` replaces the scenario's planned injections.

The history's previous injections stay. The format is JSON with the keys of a scenario's
``[[injection]]`` table::

    {"title": "optional name of the plan",
     "injections": [{"site": "dao_right", "units": 2.0, "product": "ona", "day": 0},
                    {"site": "dao_right", "units": 1.0, "day": 14}]}

A bare list of injections is accepted too. Each entry is checked exactly like a
scenario's ``[[injection]]`` (site, units, product, dilution_ml_per_100u or
volume_ml, depth, day).
"""

from __future__ import annotations

from pathlib import Path

from facesim.datafiles import read_json
from facesim.errors import InputError
from facesim.scenario.case import Scenario, parse_scenario, read_scenario_file


def load_plan(path: Path | str) -> tuple[str | None, list[dict]]:
    """Read a plan JSON file: (title or None, list of ``[[injection]]`` tables)."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such plan file; give a JSON file (see facesim.report.plan_file)")
    data = read_json(path)
    title = None
    if isinstance(data, dict):
        unknown = set(data) - {"title", "injections"}
        if unknown:
            raise InputError(f"{path}: unknown key {sorted(unknown)[0]!r}; use 'title' and 'injections'")
        title, data = data.get("title"), data.get("injections")
    if not isinstance(data, list) or not all(isinstance(e, dict) for e in data):
        raise InputError(f"{path}: 'injections' must be a list of objects like "
                         '{"site": "dao_right", "units": 2, "day": 0}')
    return (str(title) if title is not None else None), data


def scenario_with_plan(scenario_path: Path | str, plan_path: Path | str, allow_high_dose: bool = False) -> Scenario:
    """The scenario with its planned injections replaced by the plan file's (history kept)."""
    scenario_path, plan_path = Path(scenario_path), Path(plan_path)
    data = read_scenario_file(scenario_path)
    title, injections = load_plan(plan_path)
    data = {**data, "injection": injections}
    if title:
        data["title"] = f"{data.get('title', scenario_path.stem)} — plan: {title}"
    return parse_scenario(data, f"{scenario_path} + {plan_path}", allow_high_dose)
