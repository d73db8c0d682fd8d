"""Side-by-side face panels with the patient's R and L marked."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from ..face import Face
from ..outputs import write_atomically
from .backend import pyvista

SKIN = np.array([0.91, 0.74, 0.63])
LIP = np.array([0.74, 0.40, 0.40])
EYE = np.array([0.96, 0.96, 0.95])
IRIS = np.array([0.25, 0.18, 0.14])
CORNER_COLOURS = {"left": "royalblue", "right": "crimson"}


@dataclass
class FacePanel:
    """One view of a face shape.

    Attributes
    ----------
    vertices : (n, 3) float array, mm
        The deformed face.
    title : str
    marks : dict[str, (3,) float array]
        Points to mark (e.g. the commissures), drawn as small spheres.
    lines : list[tuple[(3,), (3,), str]]
        Reference segments (start, end, colour), e.g. the pupil and corner lines.
    """

    vertices: np.ndarray
    title: str = ""
    marks: dict[str, np.ndarray] = field(default_factory=dict)
    lines: list = field(default_factory=list)


def _soften(face: Face, mask: np.ndarray, steps: int = 2) -> np.ndarray:
    """Blend a vertex mask with its neighbours so colour edges are not jagged."""
    f = face.faces
    n = face.n_vertices
    rows = np.concatenate([f[:, 0], f[:, 1], f[:, 2], np.arange(n)])
    cols = np.concatenate([f[:, 1], f[:, 2], f[:, 0], np.arange(n)])
    adjacency = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, n))
    adjacency = adjacency + adjacency.T
    adjacency = sp.diags(1.0 / np.asarray(adjacency.sum(axis=1)).ravel()) @ adjacency
    value = mask.astype(float)
    for _ in range(steps):
        value = adjacency @ value
    return value


def skin_colours(face: Face) -> np.ndarray:
    """Per-vertex RGB in [0, 1]: skin, lips, eyes, with soft edges."""
    colours = np.tile(SKIN, (face.n_vertices, 1))
    for region, colour in (("lips", LIP), ("eyes", EYE), ("iris", IRIS)):
        if region in face.regions:
            weight = _soften(face, face.regions[region])[:, None]
            colours = (1.0 - weight) * colours + weight * colour
    return colours


def _polydata(pv, vertices, faces):
    cells = np.hstack([np.full((len(faces), 1), 3), faces]).ravel()
    return pv.PolyData(np.asarray(vertices, dtype=float), cells)


def _mouth_cavity(pv, face: Face):
    """A dark disc behind the mouth slit, seen when the lips part."""
    left, right = face.landmark_position("cheilion_left"), face.landmark_position("cheilion_right")
    centre = 0.5 * (left + right) - np.array([0.0, 0.0, 12.0])
    disc = pv.Disc(center=(0.0, 0.0, 0.0), inner=0.0, outer=1.0, normal=(0.0, 0.0, 1.0), c_res=48)
    disc.points *= np.array([0.6 * np.linalg.norm(left - right), 10.0, 1.0])
    disc.points += centre
    return disc


def render_panels(
    face: Face,
    panels: list[FacePanel],
    path: Path | str,
    columns: int | None = None,
    panel_size: tuple[int, int] = (520, 560),
    azimuth_deg: float = 0.0,
) -> Path:
    """Render ``panels`` in a grid to a PNG at ``path`` (written whole or not at all).

    The camera looks at the face from the front (+z), so the patient's right
    is on the viewer's left; every panel says so with R and L labels.
    """
    pv = pyvista()
    columns = columns or len(panels)
    rows = int(np.ceil(len(panels) / columns))
    size = (panel_size[0] * columns, panel_size[1] * rows)
    colours = skin_colours(face)
    centre = face.vertices.mean(axis=0)
    span = np.ptp(face.vertices[:, 1])
    plotter = pv.Plotter(off_screen=True, shape=(rows, columns), window_size=size, border=False)
    for k, panel in enumerate(panels):
        plotter.subplot(k // columns, k % columns)
        plotter.set_background("white")
        mesh = _polydata(pv, panel.vertices, face.faces)
        mesh["rgb"] = colours
        plotter.add_mesh(mesh, scalars="rgb", rgb=True, smooth_shading=True, specular=0.2)
        plotter.add_mesh(_mouth_cavity(pv, face), color=(0.22, 0.06, 0.07))
        for name, point in panel.marks.items():
            side = "left" if name.endswith("left") else "right"
            plotter.add_mesh(pv.Sphere(radius=1.3, center=point), color=CORNER_COLOURS[side])
        for start, end, colour in panel.lines:
            plotter.add_mesh(pv.Line(start, end), color=colour, line_width=3)
        plotter.add_text(panel.title, position="upper_edge", font_size=11, color="black")
        plotter.add_text("R", position="left_edge", font_size=18, color="crimson")
        plotter.add_text("L", position="right_edge", font_size=18, color="royalblue")
        plotter.add_text("R / L: patient's right / left", position="lower_left", font_size=8, color="dimgray")
        plotter.camera_position = [
            (centre[0], centre[1], centre[2] + 3.2 * span),
            (centre[0], centre[1], centre[2]),
            (0.0, 1.0, 0.0),
        ]
        plotter.camera.azimuth = azimuth_deg
        plotter.enable_parallel_projection()
        plotter.camera.parallel_scale = 0.56 * span
    out = write_atomically(Path(path), lambda tmp: plotter.screenshot(str(tmp)))
    plotter.close()
    return out
