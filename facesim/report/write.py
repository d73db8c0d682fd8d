"""Write a scenario's report: simulate, render the pictures (facesim.render, imported only here) and
write the HTML file whole or not at all."""

from __future__ import annotations

import tempfile
from pathlib import Path

from facesim.report.page import referral_html, report_html
from facesim.report.report_data import ReportData, report_data
from facesim.simulation.bands import N_SAMPLES, SEED
from facesim.simulation.timeline import ScenarioSimulation


def write_report(sim: ScenarioSimulation, path: Path | str, progress=None, n_samples: int = N_SAMPLES,
                 seed: int = SEED, plan=None, photo=None) -> Path:
    """Simulate, render the pictures and write the HTML report to ``path`` (whole or not at all).

    ``progress(step: str)`` is called before each stage, if given; ``plan`` (a PlanResult) adds the
    planner's answer to the clinician page; ``photo`` (facesim.render.photo_strip.PhotoInput) adds the
    picture days on the patient's own photo to the patient page. A scenario with red flags gets the referral report (no
    treatment story) unless a clinician overrides it (Scenario.treatment_story), which labels every page.
    """
    from facesim.outputs import write_atomically

    if needs_referral(sim.scenario):
        return write_referral(sim.scenario, path)
    say = progress or (lambda step: None)
    say("simulating days 0-180 and the uncertainty samples")
    data = report_data(sim, n_samples=n_samples, seed=seed)
    with tempfile.TemporaryDirectory(prefix="facesim-report-") as tmp:
        images = _pictures(sim, data, Path(tmp), say)
        if photo is not None:
            images["photo"] = _photo_picture(sim, data, photo, Path(tmp), say)
    text = report_html(data, images, plan)
    return write_atomically(Path(path), lambda p: p.write_text(text, encoding="utf-8"))


def needs_referral(scenario) -> bool:
    """Red flags and no clinician override: the report is the referral, with no treatment story."""
    return scenario.history.referral is not None and not scenario.clinician_override


def write_referral(scenario, path: Path | str) -> Path:
    """Write a referred patient's report (why, how urgent, what to bring), whole or not at all."""
    from facesim.outputs import write_atomically

    text = referral_html(scenario)
    return write_atomically(Path(path), lambda p: p.write_text(text, encoding="utf-8"))


def _pictures(sim: ScenarioSimulation, data: ReportData, tmp: Path, say) -> dict[str, bytes]:
    """The report's pictures as PNG bytes: front, three-quarter, muscles and injections, timeline."""
    from facesim.render.timeline_plot import plot_timeline
    from facesim.render.views import render_before_after, render_views

    say("rendering the front and three-quarter views")
    render_views(sim, {"front": tmp / "front.png", "three-quarter": tmp / "three_quarter.png"}, data.picture_days,
                 overlays=("landmarks",))
    say("rendering the muscles and injections")
    render_before_after(sim, tmp / "overlays.png", data.picture_days, ("smile",), "front", ("muscles", "injections"))
    say("plotting the timeline")
    plot_timeline(sim, tmp / "timeline.png", timeline=data.timeline, uncertainty=data.uncertainty)
    return {key: (tmp / f"{key}.png").read_bytes() for key in ("front", "three_quarter", "overlays", "timeline")}


def _photo_picture(sim: ScenarioSimulation, data: ReportData, photo, tmp: Path, say) -> bytes:
    """The picture days on the patient's own photo, PNG bytes (facesim.render.photo_strip)."""
    from facesim.render.photo_strip import render_photo_strip

    say("warping the patient's photo")
    return render_photo_strip(sim, photo, tmp / "photo.png", data.picture_days).read_bytes()
