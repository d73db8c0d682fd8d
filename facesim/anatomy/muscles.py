"""Muscles as data: parse the anatomy file and place each muscle on a face.

A placed muscle carries its *unit load*: the vertex forces (N) it exerts at
1 N of total muscle force. The tissue solve turns each unit load into one
basis field, so any combination of muscle forces is a weighted sum.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from facesim.datafiles import bundled, read_toml
from facesim.errors import DataError
from facesim.face.mesh import Face
from facesim.face.names import SIDE_SIGN, SIDES, sided
from facesim.geometry.laplacian import vertex_areas

KINDS = ("linear", "sphincter")


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
    """One muscle as written in the anatomy file (placed on both sides)."""

    name: str
    label: str
    kind: str
    max_force_n: float
    falloff_mm: float = 5.0
    region: str | None = None
    insertion: PointSpec | None = None
    origin: PointSpec | None = None
    centre: PointSpec | None = None
    semi_axes_mm: tuple[float, float] = (30.0, 12.0)
    midline_taper_mm: float = 3.0
    territory: TerritorySpec | None = None


@dataclass(frozen=True)
class Anatomy:
    """All muscles of a model; ``muscle_ids`` fixes the basis order."""

    muscles: tuple[MuscleSpec, ...]
    reference_ipd_mm: float = 62.0

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(m.name for m in self.muscles)

    @property
    def muscle_ids(self) -> tuple[str, ...]:
        return tuple(sided(m.name, side) for m in self.muscles for side in SIDES)

    @classmethod
    def default(cls) -> "Anatomy":
        return cls.from_dict(bundled("anatomy"), "facesim/data/anatomy.toml")

    @classmethod
    def from_file(cls, path: Path | str) -> "Anatomy":
        return cls.from_dict(read_toml(path), str(path))

    @classmethod
    def from_dict(cls, data: dict, source: str) -> "Anatomy":
        muscles = []
        for k, entry in enumerate(data.get("muscle", [])):
            where = f"{source}: muscle[{k}]"
            try:
                kind = entry["kind"]
                if kind not in KINDS:
                    raise DataError(f"{where}.kind = {kind!r}; use one of {', '.join(KINDS)}")
                points = {
                    key: PointSpec(entry[key]["landmark"], tuple(map(float, entry[key]["offset_mm"])))
                    for key in ("insertion", "origin", "centre")
                    if key in entry
                }
                needed = ("insertion", "origin") if kind == "linear" else ("centre",)
                for key in needed:
                    if key not in points:
                        raise DataError(f"{where} ({entry['name']}): missing '{key}'")
                spec = MuscleSpec(
                    name=entry["name"],
                    label=entry.get("label", entry["name"]),
                    kind=kind,
                    max_force_n=float(entry["max_force_n"]),
                    falloff_mm=float(entry.get("falloff_mm", 5.0)),
                    region=entry.get("region"),
                    semi_axes_mm=tuple(map(float, entry.get("semi_axes_mm", (30.0, 12.0)))),
                    midline_taper_mm=float(entry.get("midline_taper_mm", 3.0)),
                    territory=_territory(entry["territory"], f"{where}.territory") if "territory" in entry else None,
                    **points,
                )
            except KeyError as exc:
                raise DataError(f"{where}: missing key {exc}; see the header of anatomy.toml") from None
            if spec.max_force_n <= 0 or spec.falloff_mm <= 0:
                raise DataError(f"{where} ({spec.name}): max_force_n and falloff_mm must be > 0")
            muscles.append(spec)
        if not muscles:
            raise DataError(f"{source}: no [[muscle]] entries")
        return cls(tuple(muscles), float(data.get("reference_ipd_mm", 62.0)))


TERRITORY_DEPTHS = ("superficial", "deep")


def _point(entry: dict) -> PointSpec:
    return PointSpec(entry["landmark"], tuple(map(float, entry["offset_mm"])))


def _territory(entry: dict, where: str) -> TerritorySpec:
    """Parse ``territory = {...}`` of a muscle (see the header of anatomy.toml)."""
    depth = entry.get("depth", "superficial")
    if depth not in TERRITORY_DEPTHS:
        raise DataError(f"{where}.depth = {depth!r}; use superficial or deep")
    half_width = float(entry["half_width_mm"])
    if not half_width > 0:
        raise DataError(f"{where}.half_width_mm = {half_width}; give a width > 0 mm")
    fraction = entry.get("length_fraction")
    if fraction is not None and not 0 < float(fraction) <= 1:
        raise DataError(f"{where}.length_fraction = {fraction}; give a fraction in (0, 1]")
    ends = [_point(entry[k]) if k in entry else None for k in ("start", "end")]
    if (fraction is None) == (ends[0] is None or ends[1] is None):
        raise DataError(f"{where}: give either length_fraction or both start and end")
    return TerritorySpec(half_width, depth, None if fraction is None else float(fraction), *ends)


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
    return v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-12)


def _place(face: Face, spec: MuscleSpec, side: str, scale: float, areas: np.ndarray) -> PlacedMuscle:
    x = face.vertices
    mask = face.region(spec.region) if spec.region else np.ones(len(x), dtype=bool)
    if spec.kind == "linear":
        attachment = spec.insertion.locate(face, side, scale)
        origin = spec.origin.locate(face, side, scale)
        sigma = spec.falloff_mm * scale
        weight = areas * np.exp(-0.5 * np.sum((x - attachment) ** 2, axis=1) / sigma**2)
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
