"""`facesim render SCENARIO`: before/after pictures, the timeline plot and animations."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from .console import streams
from .options import AllowHighDose, ClinicianOverride, Force, ScenarioArg, VerticesOverride, comma_list, parse_days, scenario_path
from .simulate import print_title


class AnimationMode(str, Enum):
    months = "months"
    rest_smile = "rest-smile"


def render(
    scenario: ScenarioArg,
    out: Annotated[Path, typer.Option(help="Directory for the pictures.")],
    days: Annotated[str, typer.Option(help="Days to show side by side, comma-separated, in days since the first "
                                           "treatment; the first is 'before'.")] = "0,14,120",
    views: Annotated[str, typer.Option(help="Views, comma-separated: front, three-quarter (turned toward the "
                                            "treated side), three-quarter-left, three-quarter-right.")]
    = "front,three-quarter",
    overlay: Annotated[str, typer.Option(help="Overlays, comma-separated: heat (change since the first day), "
                                              "muscles (coloured by remaining strength), injections (dose and "
                                              "spread), landmarks (corners, pupil line); 'none' for none.")]
    = "landmarks",
    animate: Annotated[bool, typer.Option("--animate", help="Also write an animation (GIF; MP4 when "
                                                            "imageio-ffmpeg is installed).")] = False,
    animation: Annotated[AnimationMode, typer.Option(help="months: the smile on days 0-180; rest-smile: rest "
                                                          "to smile on the second --days day.")]
    = AnimationMode.months,
    photo: Annotated[Path | None, typer.Option(help="The patient's frontal photo at rest (JPEG/PNG/HEIC): also "
                                                   "write before_after_photo.png, the --days on that photo "
                                                   "(warped by the model; simulated panels watermarked).")]
    = None,
    force: Force = False,
    allow_high_dose: AllowHighDose = False,
    vertices: VerticesOverride = None,
    clinician_override: ClinicianOverride = False,
) -> None:
    """Render before/after pictures of a scenario (rest and smile on chosen days), its timeline plot and, with --animate, an animation; with --photo, the days on the patient's own photo. Every picture marks the patient's R and L."""
    from facesim.outputs import check_outputs, write_together
    from facesim.render.animation import mp4_available
    from facesim.render.scenario_pictures import picture_files, render_scenario
    from facesim.render.views import OVERLAYS, VIEWS, check_choices
    from facesim.scenario.case import load_scenario
    from facesim.simulation.run import scenario_simulation

    scenario = scenario_path(scenario)
    spec = load_scenario(scenario, allow_high_dose).treatment_story(clinician_override, "render")
    day_list = parse_days(days)
    view_list = check_choices(comma_list(views), tuple(VIEWS), "--views") or ("front",)
    overlays = () if overlay.strip() == "none" else check_choices(comma_list(overlay), OVERLAYS, "--overlay")
    mode = animation.value
    mp4 = animate and mp4_available()
    names = picture_files(view_list, animate, mode, mp4, photo is not None)
    targets = check_outputs((out / name for name in names), force)
    photo_input = None
    if photo is not None:
        from facesim.render.photo_strip import read_photo_input

        photo_input = read_photo_input(photo)
    io = streams()
    with io.progress("building the face and its response basis...") as update:
        sim = scenario_simulation(spec, vertices)
        write_together(targets, lambda staged: render_scenario(sim, staged, day_list, view_list, overlays, animate,
                                                               mode, mp4, progress=update, photo=photo_input))
    print_title(io.data, spec, scenario)
    io.wrote(*targets)
    if animate and not mp4:
        io.info.print("[yellow]note:[/yellow] MP4 skipped: no ffmpeg writer installed "
                      "(pip install imageio-ffmpeg); the GIF was written")
    io.notes(spec.flags, sim.warnings)
    io.disclaimer("Pictures: the patient's R is on the viewer's left. ")
