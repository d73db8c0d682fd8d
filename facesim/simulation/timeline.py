"""A scenario on the day axis: per-muscle forces and static fields, day by day.

The model is linear, so a day's shape is

``u(e, t) = sum_m F_max,m * g_m(t) * (tone_m * tau_m(t) + a_e,m * s_m(t)) * B_m + sum_j c_j(t) * S_j``

with ``g`` the BoNT-A force factor (facesim.treatment), ``tau`` and ``s`` the
patient's tone and strength multipliers (habit correction and re-education
change them over time), ``B`` the muscle basis and ``S_j`` static fields: filler
(``c`` = apparent volume, mL), corner lift (``c`` = lift, mm) and the skeletal
offset (``c`` = 1). Every day is a small matrix product on the landmark stencils;
nothing is solved per day. Filler and lift unit fields are solved once, when a
:class:`ScenarioSimulation` is built.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from facesim.datafiles import bundled
from facesim.face.names import base_name
from facesim.metrics import METRIC_LANDMARKS, CornerMetrics, corner_metrics, dominant_side, verdict
from facesim.treatment.corrections import SkeletalAsymmetry
from facesim.tissue.model import FaceModel
from facesim.treatment.shot import PlacedShot
from facesim.treatment.time_course import force_factor
from facesim.scenario.case import Scenario, check_site_dose
from facesim.treatment.shot import Shot
from facesim.treatment.sites import muscle_territories

LIFT_FOOTPRINT_MM = 4.0  # ASSUMPTION: sigma of the upward load a corner-lift suture puts on the skin
# The safety thresholds (keep-out, DLI share, side-effect loss) are in facesim/data/safety.toml.


def builtin_model(vertices: int | None = None) -> FaceModel:
    """The model on the built-in face (about ``vertices`` vertices), kept on disk between commands."""
    from facesim.tissue.model_cache import cached

    return cached(("builtin", vertices), lambda: FaceModel.builtin(vertices))


def build_model(scenario: Scenario, vertices: int | None = None) -> FaceModel:
    """The face model a scenario asks for (``vertices`` overrides its resolution); kept on disk between
    commands (facesim.tissue.model_cache)."""
    from facesim.tissue.model_cache import cached, file_digest

    if scenario.patient.mesh == "builtin":
        return builtin_model(vertices or scenario.patient.vertices)
    from facesim.face.files import landmarks_path
    from facesim.scan.imported_face import load_imported_face

    mesh = scenario.patient.mesh
    try:
        key = ("mesh", file_digest(mesh), file_digest(landmarks_path(Path(mesh))))
    except OSError:  # missing: load_imported_face says so in one line
        return FaceModel(load_imported_face(mesh))
    return cached(key, lambda: FaceModel(load_imported_face(mesh)))


def lift_unit_field(model: FaceModel, side: str) -> np.ndarray:
    """Displacement (n, 3) in mm of a corner lift of 1 mm: the tissue response to an upward
    load around the commissure (gaussian footprint), scaled so the commissure (its
    landmark patch) rises exactly 1 mm."""
    name = f"cheilion_{side}"
    x = model.face.vertices
    r2 = np.sum((x - model.face.landmark_position(name)) ** 2, axis=1)
    load = np.zeros_like(x)
    load[:, 1] = model.tissue.areas * np.exp(-0.5 * r2 / LIFT_FOOTPRINT_MM**2)
    field = model.solve_loads(load[None])[0]
    stencil = model.landmark_weights((name,))
    return field / float((stencil @ field)[0, 1])


@dataclass(frozen=True)
class StaticComponent:
    """A displacement field with a time course: ``course(days) (k,) x field (n, 3)``."""

    label: str
    field: np.ndarray
    course: object  # callable days -> (k,)


@dataclass(frozen=True, eq=False)
class Timeline:
    """A scenario simulated on days.

    Attributes
    ----------
    days : (k,) float array, days
    muscle_ids : tuple[str, ...]
    force_factor : (k, n_muscles) float array, BoNT-A force factor g (1 = untouched)
    strength, tone : (k, n_muscles) float arrays, multipliers on those days
    landmarks : dict expression -> (k, 6, 3) float array, mm, METRIC_LANDMARKS positions
    metrics : dict expression -> CornerMetrics with (k,) arrays (against that day's rest)
    """

    days: np.ndarray
    muscle_ids: tuple[str, ...]
    force_factor: np.ndarray
    strength: np.ndarray
    tone: np.ndarray
    landmarks: dict
    metrics: dict

    @property
    def expressions(self) -> tuple[str, ...]:
        return tuple(self.metrics)

    def asymmetry(self) -> np.ndarray:
        """Largest corner asymmetry (k,) in mm over all simulated expressions, per day."""
        return np.maximum.reduce([m.asymmetry for m in self.metrics.values()])

    def rows(self) -> list[dict]:
        """One dict per day and expression (the CSV/JSON records), plain floats and strings."""
        out = []
        for k, day in enumerate(self.days):
            for e, m in self.metrics.items():
                row = {"day": float(day), "expression": e}
                row.update({name: _plain(v[k]) for name, v in m.export_dict().items()})
                asym = float(m.asymmetry[k])
                row.update(
                    asymmetry_mm=asym,
                    balance_score=float(m.balance_score[k]),
                    verdict=verdict(asym),
                    higher_corner=dominant_side(row["height_deviation"], "left", "right"),
                    pulls_more=dominant_side(row["corner_travel_difference_mm"], "left", "right") if e != "rest" else "",
                )
                out.append(row)
        return out


def _plain(value) -> float | None:
    """A plain float for the records; None for NaN (a travel direction of a corner that did not move)."""
    value = float(value)
    return None if value != value else value


class ScenarioSimulation:
    """A scenario resolved on one face model; cheap to evaluate on any days.

    Built once: injection sites resolved to the face, muscle territories, filler
    and corner-lift unit fields solved, the skeletal field. Then
    :meth:`timeline` evaluates any number of days as array products.

    Attributes
    ----------
    injections : tuple[PlacedShot, ...], the scenario's shots (history first) on this face
    warnings : tuple[str, ...], the scenario's warnings plus safety-rule warnings
    static : tuple[StaticComponent, ...]
    """

    def __init__(self, model: FaceModel, scenario: Scenario):
        self.model, self.scenario = model, scenario
        self.territories = muscle_territories(model)
        self.patient = scenario.patient
        warnings = list(scenario.warnings)
        self.injections = tuple(self._resolve(shot, warnings) for shot in scenario.injections)
        self.static = self._static_components()
        warnings += self._safety_warnings()
        self.warnings = tuple(dict.fromkeys(warnings))

    # -- set-up ------------------------------------------------------------

    def _resolve(self, shot: Shot, warnings: list) -> PlacedShot:
        placed = shot.place(self.model)
        if shot.site.name is None and not shot.previous:  # a free point: check against the muscle it mostly reaches
            if placed.delivered(self.territories).max() > 0:
                note = check_site_dose(shot, placed.target(self.territories), self.scenario.allow_high_dose)
                if note:
                    warnings.append(note)
        return placed

    def _static_components(self) -> tuple[StaticComponent, ...]:
        out = []
        for k, f in enumerate(self.scenario.fillers):
            out.append(StaticComponent(f"filler[{k}]", f.unit_field(self.model), lambda d, f=f: f.course(d)[0]))
        for lift in self.scenario.corner_lifts:
            out.append(StaticComponent(f"corner lift {lift.side}", lift_unit_field(self.model, lift.side),
                                       lift.course))
        p = self.scenario.patient
        for side, droop in p.corner_droop_mm.items():
            if droop:
                out.append(StaticComponent(f"corner droop {side}", -droop * lift_unit_field(self.model, side),
                                           lambda d: np.ones(np.shape(d))))
        if p.skeletal:
            skeletal = SkeletalAsymmetry(p.jaw_shift_mm, p.jaw_cant_deg).field(self.model.face)
            out.append(StaticComponent("skeletal", skeletal,
                                       lambda d: np.ones(np.shape(d))))
        return tuple(out)

    def _safety_warnings(self) -> list[str]:
        rules = bundled.safety()
        keep_out, dli_share = rules.placement.keep_out_mm, rules.placement.dli_share
        out = []
        ids = self.model.muscle_ids
        planned = [(s, i) for s, i in zip(self.scenario.injections, self.injections) if not s.previous]
        for shot, inj in planned:
            for side in ("left", "right"):
                corner = self.model.face.landmark_position(f"cheilion_{side}")[:2]
                dist = float(np.linalg.norm(np.asarray(inj.site_xy) - corner))
                if dist < keep_out:
                    out.append(f"{shot.where}: the site is {dist:.0f} mm from the {side} commissure; keep perioral "
                               f"toxin >= {keep_out:.0f} mm away (Hexsel) to spare the smile muscles")
        for side in ("left", "right"):
            dao = sum(i.delivered(self.territories)[ids.index(f"dao_{side}")] for _, i in planned)
            dli = sum(i.delivered(self.territories)[ids.index(f"dli_{side}")] for _, i in planned)
            if dao > rules.placement.dli_check_min_dao_u and dli > dli_share * dao:
                out.append(f"the {side} DLI gets {dli:.1f} U against {dao:.1f} U for the {side} DAO (more than "
                           f"{100 * dli_share:g} % of the DAO's dose; units as if injected into each muscle): risk of "
                           "a lower-lip drop on that side; inject more laterally and superficially")
        if planned:
            days = np.arange(0.0, 181.0, 1.0)
            loss = 1.0 - self.force_factor(days, [i for _, i in planned]).min(axis=0)
            limit = rules.effects.side_effect_loss
            for m, mid in enumerate(ids):
                if base_name(mid) in rules.effects.smile_elevators and loss[m] > limit:
                    out.append(f"{mid} loses up to {loss[m]:.0%} of its force (> {100 * limit:g} %): the smile on "
                               "that side may weaken or narrow")
        return out

    # -- day axis ------------------------------------------------------------

    def force_factor(self, days, injections=None) -> np.ndarray:
        """BoNT-A force factor (k, n_muscles) on ``days``."""
        shots = self.injections if injections is None else injections
        return force_factor(days, shots, self.territories, self.scenario.patient.sex)

    def multipliers(self, days) -> tuple[np.ndarray, np.ndarray]:
        """(strength, tone), each (k, n_muscles), on ``days``: the patient's, changed by
        re-education (strength x its course) and habit correction (tone = its course)."""
        t = np.atleast_1d(np.asarray(days, float))
        s0, tone0 = self.patient.multipliers(self.model.muscle_ids)
        strength = np.tile(s0, (t.size, 1))
        tone = np.tile(tone0, (t.size, 1))
        for ex in self.scenario.exercises:
            cols = [self.model.index(m) for m in ex.muscle_ids]
            strength[:, cols] *= ex.course(t)[:, None]
        for habit in self.scenario.habit_corrections:
            cols = [self.model.index(m) for m in habit.muscle_ids]
            tone[:, cols] = habit.course(t)[:, None]
        return strength, tone

    def forces(self, days, expression: str, factor=None, multipliers=None) -> np.ndarray:
        """Muscle forces (k, n_muscles) in N on ``days`` in ``expression``."""
        m = self.model
        g = self.force_factor(days) if factor is None else factor
        strength, tone = self.multipliers(days) if multipliers is None else multipliers
        activation = m.expressions.get(expression)
        return m.muscle_forces(activation, strength, tone, g)

    def static_at_landmarks(self, days, names: tuple[str, ...] = METRIC_LANDMARKS) -> np.ndarray:
        """Static displacement (k, L, 3) in mm of landmarks ``names`` (filler, lift, skeletal)."""
        t = np.atleast_1d(np.asarray(days, float))
        out = np.zeros((t.size, len(names), 3))
        stencil = self.model.landmark_weights(tuple(names))
        for c in self.static:
            out += np.asarray(c.course(t), float)[:, None, None] * (stencil @ c.field)[None]
        return out

    def static_field(self, day: float, labels: tuple[str, ...] | None = None) -> np.ndarray:
        """Static vertex displacement (n, 3) in mm on one day (optionally only components ``labels``)."""
        out = np.zeros_like(self.model.face.vertices)
        for c in self.static:
            if labels is None or c.label in labels:
                out += float(np.asarray(c.course(np.array([day])))[0]) * c.field
        return out

    def shape(self, day: float, expression: str) -> np.ndarray:
        """Deformed vertex positions (n, 3) in mm on ``day`` in ``expression``."""
        forces = self.forces(np.array([float(day)]), expression)[0]
        return self.model.face.vertices + self.model.displacement(forces) + self.static_field(day)

    def timeline(self, days=None, expressions=None, factor=None) -> Timeline:
        """Landmarks and corner metrics on ``days`` (default: the scenario's follow-up days).

        ``factor`` (k, n_muscles) replaces the BoNT-A force factor (e.g. under sampled parameters).
        """
        t = np.asarray(self.scenario.days if days is None else days, float)
        exprs = tuple(dict.fromkeys(("rest", *(self.scenario.expressions if expressions is None else expressions))))
        g = self.force_factor(t) if factor is None else np.asarray(factor, float)
        mult = self.multipliers(t)
        static = self.static_at_landmarks(t)
        landmarks = {e: self.model.landmark_positions(self.forces(t, e, g, mult), METRIC_LANDMARKS) + static
                     for e in exprs}
        metrics: dict[str, CornerMetrics] = {e: corner_metrics(landmarks["rest"], landmarks[e]) for e in exprs}
        return Timeline(t, self.model.muscle_ids, g, mult[0], mult[1], landmarks, metrics)


def simulate(model: FaceModel, scenario: Scenario, days=None) -> Timeline:
    """Shorthand: ``ScenarioSimulation(model, scenario).timeline(days)``."""
    return ScenarioSimulation(model, scenario).timeline(days)
