"""`facesim simulate SCENARIO`: a scenario's corner balance day by day."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from facesim import DISCLAIMER
from facesim.errors import InputError
from facesim.metrics import dominant_side, verdict
from facesim.outputs import check_writable, write_csv, write_json
from facesim.scenario.case import load_scenario
from facesim.simulation.timeline import ScenarioSimulation, Timeline, build_model

from .errors import reports_errors
from .options import AllowHighDose, Force, VerticesOverride


def parse_days(text: str | None) -> list[float] | None:
    """``"0,7,14"`` -> [0.0, 7.0, 14.0]; None stays None."""
    if text is None:
        return None
    try:
        days = [float(d) for d in text.split(",") if d.strip()]
    except ValueError:
        raise InputError(f"--days {text!r}: give day numbers separated by commas, e.g. --days 0,14,90") from None
    if not days:
        raise InputError("--days: give at least one day, e.g. --days 0,14,90")
    return sorted(set(days))


def timeline_table(tl: Timeline, title: str) -> Table:
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


@reports_errors
def simulate(
    scenario: Annotated[Path, typer.Argument(help="Scenario TOML file (see scenarios/README-example.toml).")],
    days: Annotated[str | None, typer.Option(help="Days to report, comma-separated (default: the scenario's "
                                                  "follow-up days, or 0,3,7,14,28,60,90,120,180).")] = None,
    out: Annotated[Path | None, typer.Option(help="Directory to write timeline.json and timeline.csv.")] = None,
    force: Force = False,
    allow_high_dose: AllowHighDose = False,
    vertices: VerticesOverride = None,
) -> None:
    """Simulate a scenario's treatments over time and print the mouth-corner balance day by day."""
    spec = load_scenario(scenario, allow_high_dose)
    day_list = parse_days(days)
    targets = []
    if out is not None:
        targets = [check_writable(out / name, force) for name in ("timeline.json", "timeline.csv")]
    console = Console()
    with console.status("building the face and its response basis..."):
        model = build_model(spec, vertices)
        sim = ScenarioSimulation(model, spec)
        tl = sim.timeline(day_list)
    console.print(f"[bold]{spec.title}[/bold]  ({scenario})")
    if spec.description:
        console.print(spec.description)
    console.print(timeline_table(tl, "Mouth-corner balance by day (mm)"))
    for flag in spec.flags:
        console.print(f"[bold red]FLAG:[/bold red] {flag}")
    for warning in sim.warnings:
        console.print(f"[yellow]warning:[/yellow] {warning}")
    if targets:
        rows = tl.rows()
        payload = {
            "title": spec.title,
            "scenario": str(scenario),
            "vertices": model.face.n_vertices,
            "days": [float(d) for d in tl.days],
            "flags": spec.flags,
            "warnings": list(sim.warnings),
            "rows": rows,
        }
        write_json(targets[0], payload)
        write_csv(targets[1], rows)
        console.print(f"wrote {targets[0]} and {targets[1]}")
    console.print(f"[dim]{DISCLAIMER}[/dim]")
