"""The demo's picture: one row per patient, columns rest and smile, the pupil and corner lines drawn."""

from __future__ import annotations

from pathlib import Path

from facesim.render.panels import FacePanel, render_panels
from facesim.simulation.demo import DemoCase
from facesim.tissue.model import FaceModel


def demo_panels(model: FaceModel, cases: list[DemoCase]) -> list[FacePanel]:
    """A panel per case and expression: the corners marked, the pupil line grey, the corner line orange."""
    face = model.face
    ids = {name: face.landmark_index(name) for name in ("cheilion_left", "cheilion_right", "pupil_left", "pupil_right")}
    panels = []
    for case in cases:
        for expression, shape in case.shapes.items():
            marks = {n: shape[i] for n, i in ids.items() if n.startswith("cheilion")}
            lines = [
                (shape[ids["pupil_right"]], shape[ids["pupil_left"]], "dimgray"),
                (shape[ids["cheilion_right"]], shape[ids["cheilion_left"]], "darkorange"),
            ]
            panels.append(FacePanel(shape, f"{case.patient.name}: {expression}", marks, lines))
    return panels


def demo_picture(model: FaceModel, cases: list[DemoCase], path: Path | str) -> Path:
    """Render the demo's grid (rows: patients; columns: rest, smile) to a PNG at ``path``."""
    return render_panels(model.face, demo_panels(model, cases), path, columns=2)
