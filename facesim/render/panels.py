"""Side-by-side face panels with the patient's R and L marked."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from facesim.face.mesh import Face
from facesim.outputs import signals_held, write_atomically
from facesim.render.backend import pyvista

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
    heat : (n,) float array, mm, optional
        Per-vertex values drawn as a colour map instead of skin (e.g. displacement).
    bands, injections : overlays (muscles by remaining strength; injection points).
    azimuth_deg : float, degrees
        Camera turn about the vertical axis: 0 frontal, +35 a three-quarter view
        toward the patient's left.
    title : str
    marks : dict[str, (3,) float array]
        Points to mark (e.g. the commissures), drawn as small spheres.
    lines : list[tuple[(3,), (3,), str]]
        Reference segments (start, end, colour), e.g. the pupil and corner lines.
    note : str
        A small line of text at the panel's lower right (e.g. a colour key).
    """

    vertices: np.ndarray
    title: str = ""
    marks: dict[str, np.ndarray] = field(default_factory=dict)
    lines: list = field(default_factory=list)
    heat: np.ndarray | None = None
    bands: list["MuscleBand"] = field(default_factory=list)
    injections: list["InjectionMark"] = field(default_factory=list)
    azimuth_deg: float = 0.0
    note: str = ""


@dataclass
class MuscleBand:
    """A muscle drawn on the skin, coloured by the force it keeps.

    points : (k, 3) float array, mm — a polyline on the skin
    remaining : float in [0, 1] — fraction of the muscle's force left (1 = untouched)
    """

    points: np.ndarray
    remaining: float


@dataclass
class InjectionMark:
    """An injection point: a sphere sized by dose and a disc showing the spread.

    point : (3,) float array, mm; units : float, U; spread_mm : float, mm (kernel sigma)
    """

    point: np.ndarray
    units: float
    spread_mm: float


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


def _mouth_cavity(pv, face: Face, shape: np.ndarray):
    """A dark backdrop behind the mouth slit of ``shape``, seen when the lips part.

    A rectangle a little wider than the (deformed) mouth, just behind its corners:
    close enough that a turned view sees no gap beside it, narrow enough that it
    never shows outside the cheeks.
    """
    left = shape[face.landmark_index("cheilion_left")]
    right = shape[face.landmark_index("cheilion_right")]
    centre = 0.5 * (left + right)
    centre[2] = min(left[2], right[2]) - 5.0
    direction = (left - right) * np.array([1.0, 1.0, 0.0])
    width = float(np.linalg.norm(direction)) + 10.0
    return pv.Plane(center=centre, direction=(0.0, 0.0, 1.0), i_size=width, j_size=26.0, i_resolution=1,
                    j_resolution=1)


def strength_colour(remaining: float) -> tuple[float, float, float]:
    """RGB for a muscle keeping ``remaining`` of its force: green (1) -> yellow (0.55) -> red (0.1 and less)."""
    from facesim.treatment.bont import bont_params

    loss = float(np.clip((1.0 - remaining) / bont_params().emax, 0.0, 1.0))  # emax: the largest loss BoNT-A gives
    green, yellow, red = np.array([0.15, 0.65, 0.2]), np.array([0.95, 0.8, 0.1]), np.array([0.85, 0.1, 0.1])
    rgb = green + (yellow - green) * loss / 0.5 if loss < 0.5 else yellow + (red - yellow) * (loss - 0.5) / 0.5
    return tuple(float(c) for c in rgb)


def _add_overlays(pv, plotter, panel: FacePanel) -> None:
    for band in panel.bands:
        line = pv.lines_from_points(np.asarray(band.points, float))
        plotter.add_mesh(line.tube(radius=0.8, n_sides=10), color=strength_colour(band.remaining), opacity=0.8)
    for mark in panel.injections:
        centre = np.asarray(mark.point, float) + np.array([0.0, 0.0, 1.5])
        plotter.add_mesh(pv.Sphere(radius=0.6 + 0.5 * np.sqrt(mark.units), center=centre), color="purple")
        disc = pv.Disc(center=centre, inner=0.0, outer=2.0 * mark.spread_mm, normal=(0, 0, 1), c_res=40)
        plotter.add_mesh(disc, color="mediumpurple", opacity=0.3)


def _add_scale_bar(pv, plotter, face: Face) -> None:
    """A vertical 10 mm bar beside the jaw (vertical, so a turned view does not shorten it)."""
    v = face.vertices
    x = v[:, 0].max() + 4.0
    y0 = v[:, 1].min() + 4.0
    z = np.median(v[:, 2])
    plotter.add_mesh(pv.Line((x, y0, z), (x, y0 + 10.0, z)), color="black", line_width=4)
    plotter.add_point_labels([(x + 1.5, y0 + 5.0, z)], ["10 mm"], font_size=11, text_color="black",
                             shape=None, show_points=False, always_visible=True)


@dataclass
class PanelScene:
    """A set-up off-screen plotter: one face mesh and one title per panel.

    Animations move a face (:meth:`set_shape`), change a title (:meth:`set_title`)
    and take another screenshot instead of building a new scene.
    """

    plotter: object
    face: Face
    meshes: list
    titles: list
    cavities: list
    columns: int = 1
    half_height: float = 1.0
    azimuths: tuple = ()  # each panel's own camera turn, degrees

    @signals_held()
    def turn(self, azimuth_deg: float) -> None:
        """Aim every panel's camera anew, turned ``azimuth_deg`` (plus the panel's own turn) from the front,
        and render (a screenshot alone would repeat the last rendered picture)."""
        for k, own in enumerate(self.azimuths):
            self.plotter.subplot(k // self.columns, k % self.columns)
            _aim_camera(self.plotter, self.face, azimuth_deg + own, self.half_height)
        self.plotter.render()

    @signals_held()
    def set_shape(self, k: int, vertices: np.ndarray) -> None:
        """Move panel ``k``'s face (and its mouth backdrop) to ``vertices`` (n, 3), mm."""
        self.meshes[k].points = np.asarray(vertices, float)
        self.meshes[k].compute_normals(inplace=True, cell_normals=False, split_vertices=False)
        self.cavities[k].points = _mouth_cavity(pyvista(), self.face, vertices).points

    def set_title(self, k: int, text: str) -> None:
        """Change panel ``k``'s title (an edge annotation, or a plain text actor)."""
        actor = self.titles[k]
        if hasattr(actor, "SetInput"):
            actor.SetInput(text)
        else:
            actor.SetText(7, text)  # vtkCornerAnnotation.UpperEdge

    @signals_held()
    def image(self) -> np.ndarray:
        """The rendered picture, (height, width, 3) uint8 RGB."""
        self.plotter.render()
        return np.asarray(self.plotter.screenshot(return_img=True))[..., :3]

    @signals_held()
    def close(self) -> None:
        self.plotter.close()


def _add_face(pv, plotter, face: Face, panel: FacePanel, colours: np.ndarray, heat_limits):
    """Add ``panel``'s face mesh in skin colours, or coloured by its heat (mm); returns the mesh."""
    mesh = _polydata(pv, panel.vertices, face.faces)
    if panel.heat is None:
        mesh["rgb"] = colours
        plotter.add_mesh(mesh, scalars="rgb", rgb=True, smooth_shading=True, specular=0.2)
    else:
        mesh["change (mm)"] = panel.heat
        plotter.add_mesh(mesh, scalars="change (mm)", cmap="YlOrRd", smooth_shading=True, clim=heat_limits,
                         scalar_bar_args={"vertical": True, "title": "change (mm)", "position_x": 0.86,
                                          "height": 0.5, "position_y": 0.25, "title_font_size": 12,
                                          "label_font_size": 10, "color": "black"})
    return mesh


def _add_marks(pv, plotter, panel: FacePanel) -> None:
    """The panel's marked points (spheres in the side's colour) and reference lines."""
    for name, point in panel.marks.items():
        side = "left" if name.endswith("left") else "right"
        plotter.add_mesh(pv.Sphere(radius=1.3, center=point), color=CORNER_COLOURS[side])
    for start, end, colour in panel.lines:
        plotter.add_mesh(pv.Line(start, end), color=colour, line_width=3)


def _add_labels(plotter, panel: FacePanel):
    """The panel's title, the patient's R and L and the note; returns the title's text actor."""
    title = plotter.add_text(panel.title, position="upper_edge", font_size=11, color="black")
    plotter.add_text("R", position="left_edge", font_size=18, color="crimson")
    plotter.add_text("L", position="right_edge", font_size=18, color="royalblue")
    plotter.add_text("R / L: patient's right / left", position="lower_left", font_size=8, color="dimgray")
    if panel.note:
        plotter.add_text(panel.note, position="lower_right", font_size=8, color="dimgray")
    return title


def _aim_camera(plotter, face: Face, azimuth_deg: float, half_height: float) -> None:
    """A parallel camera on the face from the front (+z), turned ``azimuth_deg`` about the vertical."""
    centre = face.vertices.mean(axis=0)
    span = np.ptp(face.vertices[:, 1])
    plotter.camera_position = [
        (centre[0], centre[1], centre[2] + 3.2 * span),
        (centre[0], centre[1], centre[2]),
        (0.0, 1.0, 0.0),
    ]
    plotter.camera.azimuth = azimuth_deg
    plotter.enable_parallel_projection()
    plotter.camera.parallel_scale = half_height


@signals_held()  # an interrupt half-way through VTK's set-up crashed the process at exit (SIGSEGV)
def build_scene(
    face: Face,
    panels: list[FacePanel],
    columns: int | None = None,
    panel_size: tuple[int, int] = (520, 560),
    azimuth_deg: float = 0.0,
) -> PanelScene:
    """Set up ``panels`` in a grid on one off-screen plotter (see :func:`render_panels`)."""
    pv = pyvista()
    columns = columns or len(panels)
    rows = int(np.ceil(len(panels) / columns))
    size = (panel_size[0] * columns, panel_size[1] * rows)
    colours = skin_colours(face)
    heats = [p.heat for p in panels if p.heat is not None]
    heat_limits = (0.0, max(1e-6, max(float(np.max(h)) for h in heats))) if heats else None
    span = np.ptp(face.vertices[:, 1])
    # Fit the face's height, or its width (plus the scale bar) in narrow panels.
    half_height = 0.56 * max(span, (np.ptp(face.vertices[:, 0]) + 30.0) * panel_size[1] / panel_size[0])
    plotter = pv.Plotter(off_screen=True, shape=(rows, columns), window_size=size,
                         border=len(panels) > 1, border_color="lightgray", border_width=1.0)
    meshes, titles, cavities = [], [], []
    for k, panel in enumerate(panels):
        plotter.subplot(k // columns, k % columns)
        plotter.set_background("white")
        meshes.append(_add_face(pv, plotter, face, panel, colours, heat_limits))
        cavity = _mouth_cavity(pv, face, panel.vertices)
        plotter.add_mesh(cavity, color=(0.22, 0.06, 0.07))
        cavities.append(cavity)
        _add_overlays(pv, plotter, panel)
        _add_scale_bar(pv, plotter, face)
        _add_marks(pv, plotter, panel)
        titles.append(_add_labels(plotter, panel))
        _aim_camera(plotter, face, azimuth_deg + panel.azimuth_deg, half_height)
    return PanelScene(plotter, face, meshes, titles, cavities, columns, half_height,
                      tuple(p.azimuth_deg for p in panels))


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
    return render_turns(face, panels, [(path, azimuth_deg)], columns, panel_size)[0]


def render_turns(face: Face, panels: list[FacePanel], shots: list[tuple[Path | str, float]], columns: int | None = None,
                 panel_size: tuple[int, int] = (520, 560)) -> list[Path]:
    """Render ``panels`` once set up to one PNG per (path, camera turn in degrees) of ``shots``, each written
    whole or not at all: views of the same panels (front, three-quarter) share one scene."""
    scene = build_scene(face, panels, columns, panel_size, shots[0][1])
    try:
        out = []
        for k, (path, azimuth) in enumerate(shots):
            if k:
                scene.turn(azimuth)
            out.append(write_atomically(Path(path), signals_held()(lambda tmp: scene.plotter.screenshot(str(tmp)))))
        return out
    finally:
        scene.close()
