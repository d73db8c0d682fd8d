"""The report as one self-contained HTML document: a patient page and a clinician page.

The Jinja2 templates of ``facesim/report/templates/`` (autoescaped, loaded and compiled once) lay out
the words and rows of :mod:`facesim.report.content`; the CSS is inline and the pictures are embedded
as base64 data URIs, so the file opens offline.
"""

from __future__ import annotations

import base64
from functools import cache

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from facesim.about import DISCLAIMER, __version__
from facesim.datafiles import bundled
from facesim.report.content import (aftercare, assumption_rows, metrics_rows, milestone_rows, plan_rows,
                                    planner_rows, what_changes, when_items)
from facesim.report.report_data import ReportData
from facesim.view.page import viewer_section

FIGURES = ("front", "three_quarter", "overlays", "timeline", "photo")


@cache
def environment() -> Environment:
    """The templates' environment (HTML autoescaped, undefined names an error), built once."""
    env = Environment(loader=PackageLoader("facesim.report", "templates"), autoescape=select_autoescape(("html",)),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters["g"] = lambda value: f"{value:g}"
    return env


def _data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def referral_html(scenario) -> str:
    """A referred patient's report (no treatment story): the referral's tier, why, what to bring."""
    return environment().get_template("referral.html").render(
        scenario=scenario, referral=scenario.history.referral, disclaimer=DISCLAIMER, version=__version__)


def report_html(data: ReportData, images: dict[str, bytes], plan=None) -> str:
    """The report as one HTML document; ``images`` maps ``front``, ``three_quarter``,
    ``overlays``, ``timeline`` and ``photo`` (the days on the patient's own photo) to PNG bytes (any may be missing); ``plan`` is a PlanResult or None."""
    context = {
        "scenario": data.scenario,
        "days_text": ", ".join(f"{d:g}" for d in data.picture_days),
        "images": {key: _data_uri(images[key]) if key in images else None for key in FIGURES},
        "what_changes": what_changes(data),
        "when": when_items(data),
        "care": aftercare(),
        "previous_toxin": any(s.previous for s in data.scenario.injections),
        "treated": bool(data.scenario.planned_injections or data.scenario.fillers or data.scenario.corner_lifts),
        "disclaimer": DISCLAIMER,
        "n_vertices": data.sim.model.face.n_vertices,
        "version": __version__,
        "plan_rows": plan_rows(data.sim),
        "warnings": data.sim.warnings,
        "plan": plan,
        "planner_rows": [] if plan is None else planner_rows(plan),
        "metrics_rows": metrics_rows(data.followup),
        "thresholds": bundled.perception().threshold_mm,
        "lay_mm": bundled.noticeable_mm(),
        "milestone_rows": milestone_rows(data),
        "uncertainty": data.uncertainty.description,
        "assumption_rows": assumption_rows(),
        "viewer": viewer_section(data.sim),
    }
    return environment().get_template("report.html").render(context)
