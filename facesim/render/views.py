"""Before/after pictures of a scenario: panels by day and expression, with overlays.

A picture is a grid: one row per expression (rest, smile), one column per day
(the first column is "before"). Every panel is drawn from the same camera, so
two renders of the same view differ only where the face changed.

Overlays (any of :data:`OVERLAYS`):

- ``heat``: how far each point of the skin moved since the first day shown
  (same expression), as a colour map instead of skin.
- ``muscles``: each muscle's belly (its BoNT-A territory) as a band on the skin,
  green at full strength and red when weakened (the BoNT-A force factor g of
  that muscle on that day).
- ``injections``: each shot given by that day, a sphere sized by its dose and a
  disc of radius 2 sigma showing its spread (facesim.treatment.spread.shot_sigma_mm).
- ``landmarks``: the mouth corners (blue = patient's left, red = right), the
  inter-pupillary line (grey) and the corner line (orange).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from scipy.spatial import cKDTree

from facesim.errors import InputError
from facesim.render.panels import FacePanel, InjectionMark, MuscleBand, render_turns

#: View name -> camera turn about the vertical axis (degrees); +35 shows more of the patient's left.
#: ``three-quarter`` turns toward the side that gets the most toxin (the patient's left if none).
VIEWS = {"front": 0.0, "three-quarter": None, "three-quarter-left": 35.0, "three-quarter-right": -35.0}
THREE_QUARTER_DEG = 35.0
OVERLAYS = ("heat", "muscles", "injections", "landmarks")
EXPRESSIONS = ("rest", "smile")
SKIN_LIFT_MM = 1.2  # draw bands this far out of the skin so they are not hidden by it
MUSCLE_KEY = "muscles: green = full strength, red = weakened"


def check_choices(values, allowed, option: str) -> tuple[str, ...]:
    """Validate a list of names against ``allowed``; InputError naming the option and the choices."""
    values = tuple(dict.fromkeys(v.strip() for v in values if v.strip()))
    bad = [v for v in values if v not in allowed]
    if bad:
        raise InputError(f"{option}: unknown value {bad[0]!r}; use one or more of {', '.join(allowed)}")
    return values


class SkinProjector:
    """Put frontal-plane points (x, y) on the (deformed) skin of a face.

    The built-in face is a depth map, so the skin near (x, y) is found by its rest
    (x, y); a point is the inverse-distance average of its nearest vertices'
    deformed positions, so it follows the skin when the face moves and a polyline
    does not zig-zag from vertex to vertex.
    """

    def __init__(self, face, neighbours: int = 8):
        self.face = face
        self.tree = cKDTree(face.vertices[:, :2])
        self.neighbours = neighbours

    def weights(self, xy) -> tuple[np.ndarray, np.ndarray]:
        xy = np.atleast_2d(np.asarray(xy, float))
        dist, idx = self.tree.query(xy, k=self.neighbours)
        w = 1.0 / np.maximum(dist, 1e-3) ** 2
        return idx, w / w.sum(axis=1, keepdims=True)

    def place(self, xy, shape: np.ndarray, lift_mm: float = SKIN_LIFT_MM) -> np.ndarray:
        """Points (k, 3) in mm on the deformed ``shape``, ``lift_mm`` out of the skin."""
        idx, w = self.weights(xy)
        return np.einsum("kj,kjd->kd", w, shape[idx]) + np.array([0.0, 0.0, lift_mm])


def muscle_bands(sim, shape: np.ndarray, day: float, projector: SkinProjector | None = None,
                 samples: int = 24) -> list[MuscleBand]:
    """Every muscle's belly as a band on ``shape``, coloured by its force factor on ``day``.

    The orbicularis oris (a sphincter along the lip line) is drawn as two arcs, one
    in each lip, so the band does not cover the mouth slit.
    """
    projector = projector or SkinProjector(sim.model.face)
    g = sim.force_factor(np.array([float(day)]))[0]
    bands = []
    for k, t in enumerate(sim.territories):
        start, end = np.asarray(t.start, float), np.asarray(t.end, float)
        s = np.linspace(0.0, 1.0, samples)[:, None]
        line = start + s * (end - start)
        if t.muscle_id.startswith("orbicularis_oris"):
            offsets = (0.7 * t.half_width_mm, -0.8 * t.half_width_mm)
            lines = [line + np.array([0.0, dy]) * (1.0 - 0.6 * s ** 2) for dy in offsets]
        else:
            lines = [line]
        for xy in lines:
            bands.append(MuscleBand(_smooth(projector.place(xy, shape)), float(np.clip(g[k], 0.0, 1.0))))
    return bands


def _smooth(points: np.ndarray, passes: int = 3) -> np.ndarray:
    """Average each inner point of a polyline with its neighbours (ends kept)."""
    p = points.copy()
    for _ in range(passes):
        p[1:-1] = 0.25 * p[:-2] + 0.5 * p[1:-1] + 0.25 * p[2:]
    return p


def injection_marks(sim, shape: np.ndarray, day: float, projector: SkinProjector | None = None) -> list[InjectionMark]:
    """The shots given on or before ``day`` (previous ones included), on the skin of ``shape``."""
    projector = projector or SkinProjector(sim.model.face)
    marks = []
    for inj in sim.injections:
        if inj.day > day:
            continue
        marks.append(InjectionMark(projector.place(inj.site_xy, shape, 1.0)[0], inj.units_ona, float(inj.sigma_mm())))
    return marks


def landmark_overlay(face, shape: np.ndarray) -> tuple[dict, list]:
    """Corner marks and the pupil and corner lines of ``shape`` (for FacePanel.marks / .lines)."""
    at = {n: shape[face.landmark_index(n)] for n in ("cheilion_left", "cheilion_right", "pupil_left", "pupil_right")}
    lift = np.array([0.0, 0.0, 1.0])
    marks = {n: at[n] + lift for n in ("cheilion_left", "cheilion_right")}
    lines = [(at["pupil_right"] + lift, at["pupil_left"] + lift, "dimgray"),
             (at["cheilion_right"] + lift, at["cheilion_left"] + lift, "darkorange")]
    return marks, lines


def treated_side(sim) -> str | None:
    """The patient's side that receives the most planned toxin (ona U), or None without toxin."""
    dose = {"left": 0.0, "right": 0.0}
    for shot, inj in zip(sim.scenario.injections, sim.injections):
        if not shot.previous:
            dose["left" if inj.site_xy[0] > 0 else "right"] += shot.units_ona
    if not any(dose.values()):
        return None
    return max(dose, key=dose.get)


def view_azimuth(sim, view: str) -> float:
    """Camera turn (degrees) for ``view``; ``three-quarter`` looks at the treated side."""
    if view not in VIEWS:
        raise InputError(f"--views: unknown view {view!r}; use one or more of {', '.join(VIEWS)}")
    if VIEWS[view] is not None:
        return VIEWS[view]
    return -THREE_QUARTER_DEG if treated_side(sim) == "right" else THREE_QUARTER_DEG


def override_prefix(sim) -> str:
    """"OVERRIDE · " on every panel of a referred patient simulated anyway ("" otherwise)."""
    return "OVERRIDE · " if sim.scenario.override_label else ""


def day_title(day: float, first: bool) -> str:
    label = f"day {day:g}"
    if first:
        return f"{label} (before)" if day <= 0 else f"{label} (first shown)"
    if day >= 60:
        return f"{label} (~{day / 30.4:.1f} months)".replace(".0 months", " months")
    if day >= 21:
        return f"{label} (~{day / 7:.0f} weeks)"
    return label


def face_panel(sim, day: float, expression: str, view: str = "front", overlays=(), reference: np.ndarray | None = None,
               title: str | None = None, projector: SkinProjector | None = None) -> FacePanel:
    """One panel: the scenario's face on ``day`` in ``expression``, seen from ``view``.

    ``reference`` (n, 3), mm: the shape the ``heat`` overlay measures change from
    (default: no change, zeros).
    """
    overlays = check_choices(overlays, OVERLAYS, "--overlay")
    face = sim.model.face
    shape = sim.shape(day, expression)
    projector = projector or SkinProjector(face)
    panel = FacePanel(shape, title if title is not None else f"{expression}, day {day:g}",
                      azimuth_deg=view_azimuth(sim, view))
    if "heat" in overlays:
        panel.heat = np.zeros(len(shape)) if reference is None else np.linalg.norm(shape - reference, axis=1)
    if "muscles" in overlays:
        panel.bands = muscle_bands(sim, shape, day, projector)
        panel.note = MUSCLE_KEY
    if "injections" in overlays:
        panel.injections = injection_marks(sim, shape, day, projector)
    if "landmarks" in overlays:
        panel.marks, panel.lines = landmark_overlay(face, shape)
    return panel


def before_after_panels(sim, days, expressions=EXPRESSIONS, view: str = "front", overlays=()) -> list[FacePanel]:
    """Panels row by row: one row per expression, one column per day (the first is "before")."""
    days = [float(d) for d in days]
    if not days:
        raise InputError("--days: give at least one day, e.g. --days 0,14,120")
    projector = SkinProjector(sim.model.face)
    panels = []
    for expression in expressions:
        reference = sim.shape(days[0], expression) if "heat" in overlays else None
        for k, day in enumerate(days):
            title = f"{override_prefix(sim)}{expression}: {day_title(day, k == 0)}"
            panels.append(face_panel(sim, day, expression, view, overlays, reference, title, projector))
    return panels


def render_before_after(sim, path: Path | str, days, expressions=EXPRESSIONS, view: str = "front", overlays=(),
                        panel_size: tuple[int, int] = (520, 560)) -> Path:
    """Write the before/after grid (rows: expressions, columns: days) of one view to a PNG."""
    return render_views(sim, {view: path}, days, expressions, overlays, panel_size)[0]


def render_views(sim, paths: dict[str, Path | str], days, expressions=EXPRESSIONS, overlays=(),
                 panel_size: tuple[int, int] = (520, 560)) -> list[Path]:
    """Write the before/after grid of each view (``paths``: view -> PNG) from one scene, turned per view."""
    views = list(paths)
    panels = before_after_panels(sim, days, expressions, views[0], overlays)
    first = view_azimuth(sim, views[0])
    shots = [(path, view_azimuth(sim, view) - first) for view, path in paths.items()]
    return render_turns(sim.model.face, panels, shots, columns=len(list(days)), panel_size=panel_size)
