"""`facesim report SCENARIO`: one self-contained HTML report (patient page and clinician page)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .console import streams
from .options import AllowHighDose, ClinicianOverride, Force, ScenarioArg, VerticesOverride, scenario_path
from .simulate import print_title


def report(
    scenario: ScenarioArg,
    out: Annotated[Path, typer.Option(help="HTML file to write (images embedded; opens offline).")],
    plan: Annotated[Path | None, typer.Option(help='Plan JSON replacing the scenario\'s planned injections: '
                                                   '{"injections": [{"site": "dao_right", "units": 2, "day": 0}]} '
                                                   '(keys as in [[injection]]; units in U, day in days).')] = None,
    photo: Annotated[Path | None, typer.Option(help="The patient's frontal photo at rest (JPEG/PNG/HEIC): the "
                                                   "patient page also shows the picture days on that photo "
                                                   "(simulated ones watermarked).")] = None,
    force: Force = False,
    allow_high_dose: AllowHighDose = False,
    vertices: VerticesOverride = None,
    clinician_override: ClinicianOverride = False,
) -> None:
    """Write a report: pictures, timeline and plain-language milestones for the patient; metrics, plan, assumptions with sources and uncertainty for the clinician. A patient with red flags gets a referral report (why, how urgent, what to bring) and no treatment story."""
    from facesim.outputs import check_writable
    from facesim.report.plan_file import scenario_with_plan
    from facesim.report.write import needs_referral, write_referral, write_report
    from facesim.scenario.case import load_scenario
    from facesim.simulation.run import scenario_simulation

    check_writable(out, force)
    scenario = scenario_path(scenario)
    spec = load_scenario(scenario, allow_high_dose) if plan is None else scenario_with_plan(scenario, plan,
                                                                                            allow_high_dose)
    if clinician_override:  # a referred patient's full report, every page labelled
        spec = spec.treatment_story(True, "report")
    photo_input = None
    if photo is not None and not needs_referral(spec):
        from facesim.render.photo_strip import read_photo_input

        photo_input = read_photo_input(photo)
    io = streams()
    if needs_referral(spec):  # red flags: the referral page, no simulation and no treatment story
        print_title(io.data, spec, scenario)
        io.notes(spec.flags, ())
        io.wrote(write_referral(spec, out))
        io.disclaimer()
        return
    with io.info.status("building the face and its response basis...") as status:
        sim = scenario_simulation(spec, vertices)
        path = write_report(sim, out, progress=lambda step: status.update(f"{step}..."), photo=photo_input)
    print_title(io.data, spec, scenario)
    io.notes(spec.flags, sim.warnings)
    io.wrote(path)
    io.disclaimer()
