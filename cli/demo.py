"""`facesim demo`: the built-in face at rest and smiling, symmetric and asymmetric."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .console import streams
from .options import DEFAULT_VERTICES, Force, Vertices


def _signed(value: float, positive: str, negative: str) -> str:
    from facesim.metrics import dominant_side

    return f"{value:+.2f} ({dominant_side(value, positive, negative)})"


def _direction(angle) -> str:
    """A travel direction in degrees, or "—" when the corner moved too little to have one (NaN)."""
    value = float(angle)
    return "—" if value != value else f"{value:.1f}"


def metrics_table(cases):
    """A rich Table of corner metrics, one column per case (each has ``.patient.name`` and ``.metrics``)."""
    from rich.table import Table

    from facesim.metrics import verdict

    table = Table(title="Mouth-corner balance (mm, degrees; L-R = patient's left minus right; facesim's motion "
                        "measures, not Emotrics')")
    table.add_column("measure")
    for case in cases:
        table.add_column(case.patient.name, justify="right")
    rows = [
        ("corner height L-R at rest", lambda m: _signed(m.rest_height_deviation, "left higher", "right higher")),
        ("corner height L-R in smile", lambda m: _signed(m.height_deviation, "left higher", "right higher")),
        ("corner travel rest->smile L / R", lambda m: f"{m.excursion_left:.2f} / {m.excursion_right:.2f}"),
        ("corner travel L-R", lambda m: _signed(m.excursion_difference, "left pulls more", "right pulls more")),
        ("travel direction L / R (deg)", lambda m: f"{_direction(m.angle_left)} / {_direction(m.angle_right)}"),
        ("corner reach rest->smile L / R", lambda m: f"{m.rest_reach_left:.1f}->{m.reach_left:.1f} / "
         f"{m.rest_reach_right:.1f}->{m.reach_right:.1f}"),
        ("lower lip (iBUG 56/58) L-R rest / smile", lambda m: f"{m.rest_lower_lip_deviation:+.2f} / {m.lower_lip_deviation:+.2f}"),
        ("balance score (0-100)", lambda m: f"{float(m.balance_score):.0f}"),
        ("verdict", lambda m: verdict(float(m.asymmetry))),
    ]
    for label, cell in rows:
        table.add_row(label, *(cell(case.metrics) for case in cases))
    return table


def demo(
    out: Annotated[Path, typer.Option(help="PNG to write (rest and smile, both patients).")] = Path(
        "facesim-out/demo.png"
    ),
    vertices: Vertices = DEFAULT_VERTICES,
    force: Force = False,
) -> None:
    """Simulate rest and smile on the built-in face for a symmetric patient and an over-toned right DAO; print the corner metrics and write a picture."""
    from facesim.outputs import check_suffix, check_writable
    from facesim.simulation.demo import run_demo
    from facesim.simulation.timeline import builtin_model

    check_writable(check_suffix(out, (".png",)), force)
    io = streams()
    from facesim.planning.kernel import warm_up_in_background

    # The planner's kernel compiled (numba cache) while the demo runs: the quick start leaves a first
    # `facesim plan` without a compile wait.
    warming = warm_up_in_background()
    with io.info.status("building the face and its response basis..."):
        model = builtin_model(vertices)
        cases = run_demo(model)
    io.data.print(f"built-in face: {model.face.n_vertices} vertices, {len(model.muscle_ids)} muscles")
    io.data.print(metrics_table(cases))
    with io.info.status("rendering..."):
        from facesim.render.demo_picture import demo_picture

        path = demo_picture(model, cases, out)
    io.wrote(f"{path}  (rows: patients; columns: rest, smile; patient's R on the viewer's left)")
    with io.info.status("preparing the planner (once after installing)..."):
        warming.join()
    io.disclaimer()
