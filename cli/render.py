"""`facesim render SCENARIO`: before/after pictures, the timeline plot and animations."""

from __future__ import annotations

import os
import shutil
import tempfile
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from facesim import DISCLAIMER
from facesim.outputs import check_writable
from facesim.scenario.case import load_scenario
from facesim.simulation.timeline import ScenarioSimulation, build_model

from .errors import reports_errors
from .options import AllowHighDose, Force, VerticesOverride
from .simulate import parse_days


class AnimationMode(str, Enum):
    months = "months"
    rest_smile = "rest-smile"


def _names(text: str) -> list[str]:
    return [v for v in text.split(",") if v.strip()]


def planned_files(views, animate: bool, mode: str, mp4: bool) -> list[str]:
    """File names ``facesim render`` writes, in order."""
    names = [f"before_after_{v}.png" for v in views] + ["timeline.png"]
    if animate:
        stem = "smile_months" if mode == "months" else "rest_to_smile"
        names += [f"{stem}.gif"] + ([f"{stem}.mp4"] if mp4 else [])
    return names


@reports_errors
def render(
    scenario: Annotated[Path, typer.Argument(help="Scenario TOML file (see scenarios/README-example.toml).")],
    out: Annotated[Path, typer.Option(help="Directory for the pictures.")],
    days: Annotated[str, typer.Option(help="Days to show side by side, comma-separated; the first is "
                                           "'before'.")] = "0,14,120",
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
    force: Force = False,
    allow_high_dose: AllowHighDose = False,
    vertices: VerticesOverride = None,
) -> None:
    """Render before/after pictures of a scenario (rest and smile on chosen days), its timeline plot and, with --animate, an animation. Every picture marks the patient's R and L."""
    from facesim.render.animation import mp4_available, render_frames, write_gif, write_mp4
    from facesim.render.timeline_plot import plot_timeline
    from facesim.render.views import OVERLAYS, VIEWS, check_choices, render_before_after

    spec = load_scenario(scenario, allow_high_dose)
    day_list = parse_days(days)
    view_list = check_choices(_names(views), tuple(VIEWS), "--views")
    overlays = () if overlay.strip() == "none" else check_choices(_names(overlay), OVERLAYS, "--overlay")
    if not view_list:
        view_list = ("front",)
    mode = animation.value
    mp4 = animate and mp4_available()
    targets = [check_writable(out / name, force) for name in planned_files(view_list, animate, mode, mp4)]
    console = Console()
    with console.status("building the face and its response basis..."):
        model = build_model(spec, vertices)
        sim = ScenarioSimulation(model, spec)
    out.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=".facesim-render-", dir=out))
    try:
        staged = [stage / t.name for t in targets]
        with console.status("rendering before/after pictures..."):
            for view, path in zip(view_list, staged):
                render_before_after(sim, path, day_list, view=view, overlays=overlays)
            plot_timeline(sim, staged[len(view_list)])
        if animate:
            anim_day = day_list[1] if len(day_list) > 1 else day_list[0]
            with Progress(TextColumn("animation frames"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                          console=console, transient=True) as bar:
                task = bar.add_task("frames", total=None)
                frames = render_frames(sim, mode, view_list[0], anim_day,
                                       progress=lambda done, total: bar.update(task, completed=done, total=total))
            write_gif(staged[len(view_list) + 1], frames)
            if mp4:
                write_mp4(staged[len(view_list) + 2], frames)
        for src, dst in zip(staged, targets):
            os.replace(src, dst)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    console.print(f"[bold]{spec.title}[/bold]  ({scenario})")
    for path in targets:
        console.print(f"wrote {path}")
    if animate and not mp4:
        console.print("[yellow]note:[/yellow] MP4 skipped: no ffmpeg writer installed "
                      "(pip install imageio-ffmpeg); the GIF was written")
    for flag in spec.flags:
        console.print(f"[bold red]FLAG:[/bold red] {flag}")
    for warning in sim.warnings:
        console.print(f"[yellow]warning:[/yellow] {warning}")
    console.print("[dim]Pictures: the patient's R is on the viewer's left. " + DISCLAIMER + "[/dim]")
