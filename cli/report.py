"""`facesim report SCENARIO`: one self-contained HTML report (patient page and clinician page)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from facesim import DISCLAIMER
from facesim.outputs import check_writable
from facesim.report.pages import scenario_with_plan, write_report
from facesim.scenario.case import load_scenario
from facesim.simulation.timeline import ScenarioSimulation, build_model

from .errors import reports_errors
from .options import AllowHighDose, Force, VerticesOverride


@reports_errors
def report(
    scenario: Annotated[Path, typer.Argument(help="Scenario TOML file (see scenarios/README-example.toml).")],
    out: Annotated[Path, typer.Option(help="HTML file to write (images embedded; opens offline).")],
    plan: Annotated[Path | None, typer.Option(help='Plan JSON replacing the scenario\'s planned injections: '
                                                   '{"injections": [{"site": "dao_right", "units": 2, "day": 0}]} '
                                                   '(keys as in [[injection]]).')] = None,
    force: Force = False,
    allow_high_dose: AllowHighDose = False,
    vertices: VerticesOverride = None,
) -> None:
    """Write a report: pictures, timeline and plain-language milestones for the patient; metrics, plan, assumptions with sources and uncertainty for the clinician."""
    spec = load_scenario(scenario, allow_high_dose) if plan is None else scenario_with_plan(scenario, plan,
                                                                                            allow_high_dose)
    check_writable(out, force)
    console = Console()
    with console.status("building the face and its response basis...") as status:
        model = build_model(spec, vertices)
        sim = ScenarioSimulation(model, spec)
        path = write_report(sim, out, progress=lambda step: status.update(f"{step}..."))
    console.print(f"[bold]{spec.title}[/bold]  ({scenario})")
    for flag in spec.flags:
        console.print(f"[bold red]FLAG:[/bold red] {flag}")
    for warning in sim.warnings:
        console.print(f"[yellow]warning:[/yellow] {warning}")
    console.print(f"wrote {path}")
    console.print(f"[dim]{DISCLAIMER}[/dim]")
