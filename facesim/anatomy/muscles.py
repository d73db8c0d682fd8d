"""Muscles as data: parse the anatomy file and place each muscle on a face.

A placed muscle carries its *unit load*: the vertex forces (N) it exerts at
1 N of total muscle force. The tissue solve turns each unit load into one
basis field, so any combination of muscle forces is a weighted sum.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from facesim.datafiles import bundled, read_toml, validate
from facesim.datafiles.body import AnatomyFile, MuscleEntry, Point
from facesim.errors import DataError
from facesim.face.mesh import Face
from facesim.face.names import SIDE_SIGN, SIDES, sided
from facesim.geometry.laplacian import vertex_areas



@dataclass(frozen=True)
class PointSpec:
    """A point given as a landmark plus an offset [lateral, superior, anterior] (mm)."""

    landmark: str
    offset_mm: tuple[float, float, float]

    def locate(self, face: Face, side: str, scale: float) -> np.ndarray:
        """Position on ``face`` for ``side`` (mm); the lateral offset flips with the side."""
        base = face.landmark_position(self.landmark.format(side=side))
        lateral, superior, anterior = self.offset_mm
        return base + scale * np.array([SIDE_SIGN[side] * lateral, superior, anterior])


@dataclass(frozen=True)
class TerritorySpec:
    """Where a muscle's belly lies under the skin, for BoNT-A spread (a capsule in the frontal plane).

    Either ``length_fraction`` (linear muscles: the belly runs from the insertion toward
    the origin for that fraction of the length) or ``start`` and ``end`` points.

    Attributes
    ----------
    half_width_mm : float, mm (scaled with the face like the points)
    depth : str, ``superficial`` or ``deep`` (DLI lies deep to the DAO)
    """

    half_width_mm: float
    depth: str = "superficial"
    length_fraction: float | None = None
    start: PointSpec | None = None
    end: PointSpec | None = None


@dataclass(frozen=True)
class MuscleSpec:
    """One muscle as written in the anatomy file (placed on both sides).

    A linear muscle has ``insertion``, ``origin`` and ``falloff_mm`` (mm); a sphincter has
    ``centre``, ``semi_axes_mm`` and ``midline_taper_mm`` (mm); the others are None.
    ``sources``: ``(key, source)`` pairs as written (``max_force_n``'s source).
    """

    name: str
    label: str
    kind: str
    max_force_n: float
    falloff_mm: float | None = None
    region: str | None = None
    insertion: PointSpec | None = None
    origin: PointSpec | None = None
    centre: PointSpec | None = None
    semi_axes_mm: tuple[float, float] | None = None
    midline_taper_mm: float | None = None
    territory: TerritorySpec | None = None
    sources: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Anatomy:
    """All muscles of a model; ``muscle_ids`` fixes the basis order."""

    muscles: tuple[MuscleSpec, ...]
    reference_ipd_mm: float

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(m.name for m in self.muscles)

    @property
    def muscle_ids(self) -> tuple[str, ...]:
        return tuple(sided(m.name, side) for m in self.muscles for side in SIDES)

    @classmethod
    def default(cls) -> "Anatomy":
        """The bundled anatomy (facesim/data/anatomy.toml)."""
        return cls.from_model(bundled.anatomy())

    @classmethod
    def from_file(cls, path: Path | str) -> "Anatomy":
        """An anatomy file of the same form (e.g. written by ``facesim mesh calibrate-ict``)."""
        return cls.from_dict(read_toml(path), str(path))

    @classmethod
    def from_dict(cls, data: dict, source: str) -> "Anatomy":
        """Parsed TOML, checked like the bundled file; a problem is one DataError naming ``source``."""
        return cls.from_model(validate(AnatomyFile, data, source))

    @classmethod
    def from_model(cls, model: AnatomyFile) -> "Anatomy":
        return cls(tuple(_spec(m) for m in model.muscle), float(model.reference_ipd_mm))


def _point(p: Point | None) -> PointSpec | None:
    return None if p is None else PointSpec(p.landmark, tuple(map(float, p.offset_mm)))


def _float(value: float | None) -> float | None:
    return None if value is None else float(value)


def _spec(m: MuscleEntry) -> MuscleSpec:
    """A validated ``[[muscle]]`` entry as the MuscleSpec the engine places."""
    t = m.territory
    territory = None if t is None else TerritorySpec(float(t.half_width_mm), t.depth, _float(t.length_fraction),
                                                     _point(t.start), _point(t.end))
    return MuscleSpec(
        name=m.name, label=m.label or m.name, kind=m.kind, max_force_n=float(m.max_force_n),
        falloff_mm=_float(m.falloff_mm), region=m.region,
        insertion=_point(m.insertion), origin=_point(m.origin), centre=_point(m.centre),
        semi_axes_mm=None if m.semi_axes_mm is None else tuple(map(float, m.semi_axes_mm)),
        midline_taper_mm=_float(m.midline_taper_mm), territory=territory, sources=tuple(m.sources.items()),
    )


@dataclass(frozen=True, eq=False)
class PlacedMuscle:
    """A muscle on one side of one face.

    Attributes
    ----------
    id : str
        ``<name>_<side>``, e.g. ``dao_right``.
    attachment : (3,) float array, mm
        Insertion point (linear) or centre (sphincter) on this face.
    origin : (3,) float array, mm, or None
    unit_load : (n, 3) float array, N
        Vertex forces at 1 N of muscle force (weights sum to 1).
    """

    id: str
    spec: MuscleSpec
    side: str
    attachment: np.ndarray
    origin: np.ndarray | None
    unit_load: np.ndarray


def face_scale(face: Face, anatomy: Anatomy) -> float:
    """Size of ``face`` relative to the anatomy's reference (inter-pupillary distance)."""
    ipd = np.linalg.norm(face.landmark_position("pupil_left") - face.landmark_position("pupil_right"))
    return float(ipd / anatomy.reference_ipd_mm)


def _unit_vectors(v: np.ndarray) -> np.ndarray:
    return v / np.maximum(np.sqrt(_squared_lengths(v)), 1e-12)[:, None]


def _squared_lengths(v: np.ndarray) -> np.ndarray:
    """(n,) squared lengths of the rows of ``v`` (n, 3) (einsum: 5x faster than a sum over axis 1)."""
    return np.einsum("ij,ij->i", v, v)


def _place(face: Face, spec: MuscleSpec, side: str, scale: float, areas: np.ndarray) -> PlacedMuscle:
    x = face.vertices
    mask = face.region(spec.region) if spec.region else np.ones(len(x), dtype=bool)
    if spec.kind == "linear":
        attachment = spec.insertion.locate(face, side, scale)
        origin = spec.origin.locate(face, side, scale)
        sigma = spec.falloff_mm * scale
        weight = areas * np.exp(-0.5 * _squared_lengths(x - attachment) / sigma**2)
        direction = _unit_vectors(origin - x)
    else:
        attachment = spec.centre.locate(face, side, scale)
        origin = None
        a, b = (s * scale for s in spec.semi_axes_mm)
        d = x - attachment
        weight = areas * np.exp(-0.5 * ((d[:, 0] / a) ** 2 + (d[:, 1] / b) ** 2))
        weight *= 0.5 * (1.0 + np.tanh(SIDE_SIGN[side] * d[:, 0] / (spec.midline_taper_mm * scale)))
        direction = _unit_vectors(-d)
    weight = np.where(mask, weight, 0.0)
    total = weight.sum()
    if total <= 0:
        raise DataError(f"muscle {spec.name}_{side}: no skin within reach of its attachment")
    return PlacedMuscle(
        id=sided(spec.name, side),
        spec=spec,
        side=side,
        attachment=attachment,
        origin=origin,
        unit_load=(weight / total)[:, None] * direction,
    )


def place_muscles(face: Face, anatomy: Anatomy, areas: np.ndarray | None = None) -> list[PlacedMuscle]:
    """Place every muscle of ``anatomy`` on both sides of ``face``, in ``anatomy.muscle_ids`` order."""
    if areas is None:
        areas = vertex_areas(face.vertices, face.faces)
    scale = face_scale(face, anatomy)
    return [_place(face, spec, side, scale, areas) for spec in anatomy.muscles for side in SIDES]
