"""`facesim simulate SCENARIO`: a scenario's corner balance day by day."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .console import escape, streams
from .options import AllowHighDose, ClinicianOverride, Force, ScenarioArg, VerticesOverride, parse_days, scenario_path


def timeline_table(tl, title: str):
    """A rich Table of a Timeline: per day the rest and smile deviations (mm), the asymmetry and its verdict."""
    from rich.table import Table

    from facesim.metrics import dominant_side, verdict

    table = Table(title=title, caption="L-R = patient's left minus right; (L)/(R): the side higher or pulling more")
    for name in ("day", "rest height L-R", "smile height L-R", "smile travel L-R", "asym", "verdict"):
        table.add_column(name, justify="left" if name == "verdict" else "right")
    rest = tl.metrics["rest"]
    smile = tl.metrics.get("smile")
    asym = tl.asymmetry()

    def cell(value: float) -> str:
        side = dominant_side(value, "L", "R")
        return f"{value:+.2f} ({side})" if side != "even" else f"{value:+.2f} (=)"

    for k, day in enumerate(tl.days):
        cells = [f"{day:g}", cell(float(rest.rest_height_deviation[k]))]
        if smile is not None:
            cells += [cell(float(smile.height_deviation[k])), cell(float(smile.excursion_difference[k]))]
        else:
            cells += ["-", "-"]
        cells += [f"{float(asym[k]):.1f}", verdict(float(asym[k]))]
        table.add_row(*cells)
    return table


def print_title(console, spec, scenario: Path, description: bool = False) -> None:
    """The scenario's title in bold and where it came from (and its description)."""
    console.print(f"[bold]{escape(spec.title)}[/bold]  ({escape(scenario)})")
    if description and spec.description:
        console.print(escape(spec.description))


def simulate(
    scenario: ScenarioArg,
    days: Annotated[str | None, typer.Option(help="Days to report, comma-separated, in days since the first "
                                                  "treatment (default: the scenario's follow-up days, or "
                                                  "0,3,7,14,28,60,90,120,180).")] = None,
    out: Annotated[Path | None, typer.Option(help="Directory to write timeline.json and timeline.csv.")] = None,
    force: Force = False,
    allow_high_dose: AllowHighDose = False,
    vertices: VerticesOverride = None,
    clinician_override: ClinicianOverride = False,
) -> None:
    """Simulate a scenario's treatments over time and print the mouth-corner balance day by day."""
    from facesim.outputs import check_outputs, write_files
    from facesim.scenario.case import load_scenario
    from facesim.simulation.run import TIMELINE_FILES, run_scenario

    targets = check_outputs((out / name for name in TIMELINE_FILES), force) if out is not None else []
    scenario = scenario_path(scenario)
    spec = load_scenario(scenario, allow_high_dose).treatment_story(clinician_override, "simulate")
    day_list = parse_days(days)
    io = streams()
    with io.info.status("building the face and its response basis..."):
        run = run_scenario(spec, day_list, vertices, source=str(scenario))
    print_title(io.data, spec, scenario, description=True)
    io.data.print(timeline_table(run.timeline, "Mouth-corner balance by day (mm)"))
    io.notes(spec.flags, run.simulation.warnings)
    if targets:
        io.wrote(*write_files(targets, run.files().values()))
    io.disclaimer()
