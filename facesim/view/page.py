"""The viewer as HTML: the standalone page (``facesim view``) and the section the report embeds.

Jinja2 templates of ``facesim/view/templates/``; the payload is JSON inside a ``<script
type="application/json">`` (``</`` escaped), the WebGL2 code is facesim's own ``viewer.js``.
"""

from __future__ import annotations

import json
from functools import cache

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from facesim.about import DISCLAIMER
from facesim.simulation.timeline import ScenarioSimulation
from facesim.view.payload import viewer_payload


@cache
def environment() -> Environment:
    """The viewer's templates (HTML autoescaped), built once."""
    return Environment(loader=PackageLoader("facesim.view", "templates"), autoescape=select_autoescape(("html",)),
                       undefined=StrictUndefined)


def payload_json(payload: dict) -> Markup:
    """The payload as JSON safe inside a script element (no ``</``, no ``<!--``)."""
    text = json.dumps(payload, separators=(",", ":"), allow_nan=False)
    return Markup(text.replace("<", "\\u003c"))


def viewer_section(sim: ScenarioSimulation) -> Markup:
    """The viewer as one HTML fragment (controls, canvas, data and script) for a page to embed."""
    env = environment()
    payload = viewer_payload(sim)
    script = Markup(env.loader.get_source(env, "viewer.js")[0].replace("</", "<\\/"))
    return Markup(env.get_template("viewer_body.html").render(
        payload_json=payload_json(payload), script=script, days=payload["days"], disclaimer=DISCLAIMER))


def viewer_html(sim: ScenarioSimulation) -> str:
    """The standalone viewer page of a scenario."""
    return environment().get_template("viewer.html").render(title=sim.scenario.title, body=viewer_section(sim))
