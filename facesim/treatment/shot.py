"""One BoNT-A shot, whoever gives it: a scenario's plan, a previous injection, the planner, a trainee.

:class:`Shot` describes a shot the way a clinician writes it (a site, units of a
product, a day); :meth:`Shot.place` resolves it on a face once: site ->
position and depth -> ona-equivalent units -> the per-muscle delivered dose
(:class:`PlacedShot`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from facesim.face.names import SIDE_SIGN, side_of
from facesim.errors import InputError
from facesim.treatment.bont import BontParams, _check_depth, _check_units, injection_volume_ml, to_ona_units
from facesim.treatment.spread import delivered_dose, shot_sigma_mm
from facesim.treatment.sites import site_target


@dataclass(frozen=True)
class PlacedShot:
    """A BoNT-A shot placed on one face (made by :meth:`facesim.treatment.shot.Shot.place`).

    Attributes
    ----------
    site_xy : (2,) tuple, mm, frontal-plane injection point
    units : float, the product's own units
    product : str
    day : float, days (negative: before day 0)
    volume_ml : float or None, mL; None = the ona-equivalent units at the reference dilution
    depth : str, ``superficial`` or ``deep``
    muscle_id : str or None, the muscle aimed at (None: the one it mostly reaches)
    """

    site_xy: tuple[float, float]
    units: float
    product: str = "onabotulinumtoxinA"
    day: float = 0.0
    volume_ml: float | None = None
    depth: str = "superficial"
    muscle_id: str | None = None

    def __post_init__(self):
        _check_units(self.units, "injection units")
        if self.volume_ml is not None and not self.volume_ml > 0:
            raise InputError(f"injection volume_ml must be > 0 (or omitted), got {self.volume_ml}")
        _check_depth(self.depth, "injection depth")

    @property
    def units_ona(self) -> float:
        """The dose in onabotulinumtoxinA-equivalent U."""
        return float(to_ona_units(self.units, self.product))

    def sigma_mm(self, params: BontParams | None = None, spread_scale=1.0):
        """Spread width of this shot, mm (see :func:`shot_sigma_mm`)."""
        return shot_sigma_mm(self.units, self.product, self.volume_ml, spread_scale, params)

    def delivered(self, territories, params: BontParams | None = None) -> np.ndarray:
        """Delivered dose per territory (n,), U, never above the shot's (facesim.treatment.spread, rule 3); 0 for 0 U."""
        u = self.units_ona
        if u == 0:
            return np.zeros(len(territories))
        return delivered_dose(u, self.site_xy, float(self.sigma_mm(params)), territories, self.depth, params)

    def target(self, territories) -> str:
        """The muscle this shot aims at: its own, or else the territory it delivers most to."""
        if self.muscle_id is not None:
            return self.muscle_id
        return territories[int(np.argmax(self.delivered(territories)))].muscle_id


@dataclass(frozen=True)
class SiteRef:
    """Where a shot goes: exactly one of a site name, a landmark (+ offset) or a point.

    Attributes
    ----------
    name : str or None, a named site (``dao_right``) or a muscle id (its territory's centre)
    landmark : str or None, a landmark of the mesh
    offset_xyz_mm : (3,) tuple, mm, added to the landmark (already mirrored to x, y, z)
    point_mm : (3,) tuple or None, mm
    shift_mm : (3,) tuple or None, [lateral, superior, anterior] mm from a named site
        (a needle placed off the site, e.g. 10 mm medial: ``[-10, 0, 0]``)
    """

    name: str | None = None
    landmark: str | None = None
    offset_xyz_mm: tuple[float, float, float] = (0.0, 0.0, 0.0)
    point_mm: tuple[float, float, float] | None = None
    shift_mm: tuple[float, float, float] | None = None

    def describe(self) -> str:
        if self.name:
            return self.name + (f" shifted {list(self.shift_mm)} mm" if self.shift_mm is not None else "")
        if self.landmark:
            return f"{self.landmark} {list(self.offset_xyz_mm)} mm"
        return f"point {list(self.point_mm)} mm"


@dataclass(frozen=True)
class Shot:
    """One BoNT-A injection.

    Attributes
    ----------
    site : SiteRef
    units : float, the product's own units
    product : str, canonical product name
    day : float, days (negative: before day 0, a previous injection)
    volume_ml : float or None, mL; None = the ona-equivalent units at the reference dilution
    depth : str or None, ``superficial`` / ``deep``; None = the site's own depth
    where : str, ``file: injection[k]`` for messages
    previous : bool, a previous injection (from the history)
    target : str or None, the muscle aimed at by a landmark or point shot (None: the one it reaches most)
    """

    site: SiteRef
    units: float
    product: str = "onabotulinumtoxinA"
    day: float = 0.0
    volume_ml: float | None = None
    depth: str | None = None
    where: str = field(default="", compare=False)  # message context, not part of the shot
    previous: bool = False
    target: str | None = None

    @classmethod
    def at(cls, site: str, units: float, **kwargs) -> "Shot":
        """A shot at a named site (or a muscle id): ``Shot.at("dao_right", 3.0, day=0)``."""
        return cls(SiteRef(name=site), float(units), **kwargs)

    @property
    def units_ona(self) -> float:
        """The dose in onabotulinumtoxinA-equivalent U."""
        return float(to_ona_units(self.units, self.product))

    @property
    def volume(self) -> float:
        """Injected volume, mL (the given volume, or the ona-equivalent units at the reference dilution)."""
        if self.volume_ml is not None:
            return float(self.volume_ml)
        return float(injection_volume_ml(self.units, None, self.product))

    def place(self, model) -> PlacedShot:
        """This shot on ``model``'s face: frontal-plane position, depth and the muscle aimed at."""
        site, muscle = self.site, self.target
        if site.name is not None:
            xy, depth, muscle = site_target(model, site.name)
            xy = np.asarray(xy, float)
            if site.shift_mm is not None:
                lateral, superior, _ = site.shift_mm
                xy = xy + [SIDE_SIGN.get(side_of(site.name), 1.0) * lateral, superior]
        else:
            xyz = (np.asarray(site.point_mm) if site.point_mm is not None
                   else model.face.landmark_position(site.landmark) + np.asarray(site.offset_xyz_mm))
            xy, depth = xyz[:2], "superficial"
        return PlacedShot(tuple(map(float, xy)), self.units, self.product, self.day, self.volume,
                          self.depth or depth, muscle)
