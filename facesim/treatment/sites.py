"""Where toxin goes on a face: muscle territories and named injection sites.

- :func:`muscle_territories`: each placed muscle's belly as a pharmacology
  :class:`~facesim.treatment.Territory` (a capsule in the frontal plane), from
  the ``territory`` of anatomy.toml.
- :func:`named_sites`: the clinic's injection points (facesim/data/sites.toml),
  e.g. ``dao_right``: mid-pupillary line, ~13 mm above the mandibular border.
- :func:`site_target`: a site name (a named site or any muscle id, which means
  the centre of that muscle's territory) -> position, depth and target muscle.
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import get_close_matches
from functools import cache

import numpy as np

from facesim.anatomy.muscles import PointSpec, TerritorySpec, face_scale
from facesim.datafiles import bundled
from facesim.errors import DataError, InputError
from facesim.face.names import SIDE_SIGN, SIDES, sided
from facesim.treatment.spread import Territory


@dataclass(frozen=True)
class NamedSite:
    """A named injection point on one side, e.g. ``dao_right``.

    Attributes
    ----------
    name : str, ``<site>_<side>``
    muscle_id : str, the target muscle (sets the per-site dose maximum)
    point : PointSpec, landmark + [lateral, superior, anterior] offset (mm)
    side : str
    depth : str, ``superficial`` or ``deep``
    """

    name: str
    muscle_id: str
    point: PointSpec
    side: str
    depth: str


@cache
def named_sites() -> dict[str, NamedSite]:
    """All named sites of facesim/data/sites.toml, both sides."""
    out = {}
    for base, row in bundled.sites().site.items():
        point = PointSpec(row.landmark, tuple(map(float, row.offset_mm)))
        for side in SIDES:
            out[sided(base, side)] = NamedSite(sided(base, side), sided(row.muscle, side), point, side, row.depth)
    return out


def site_names(muscle_ids: tuple[str, ...]) -> list[str]:
    """Every name a ``site =`` key accepts: the named sites, then the muscle ids."""
    return list(named_sites()) + [m for m in muscle_ids if m not in named_sites()]


def unknown_site_message(name: str, muscle_ids: tuple[str, ...]) -> str:
    """``"unknown site 'x'; did you mean 'y'?"`` for a name that is neither a site nor a muscle."""
    hint = get_close_matches(str(name), site_names(muscle_ids), n=1, cutoff=0.5)
    sites = ", ".join(sorted(named_sites()))
    fix = f"did you mean '{hint[0]}'?" if hint else f"use a named site ({sites}) or a muscle id"
    return f"unknown site '{name}'; {fix}"


def check_site_name(name: str, where: str) -> str:
    """``name`` if it is a named site or a muscle id of the default anatomy, else InputError at ``where``."""
    from facesim.anatomy.muscles import Anatomy

    ids = Anatomy.default().muscle_ids
    if name not in named_sites() and name not in ids:
        raise InputError(f"{where}: {unknown_site_message(name, ids)}")
    return name


def _territory(model, muscle, spec: TerritorySpec | None, scale: float) -> Territory:
    ms = muscle.spec
    if spec is None:  # default: 80 % of the way to the origin, falloff as half-width
        if ms.kind == "sphincter":
            half_axis = np.array([SIDE_SIGN[muscle.side] * ms.semi_axes_mm[0] * 0.8 * scale, 0.0])
            start, end = muscle.attachment[:2], muscle.attachment[:2] + half_axis
            return Territory(muscle.id, tuple(start), tuple(end), ms.semi_axes_mm[1] * 0.5 * scale)
        spec = TerritorySpec(half_width_mm=ms.falloff_mm, length_fraction=0.8)
    if spec.length_fraction is not None:
        if muscle.origin is None:
            raise DataError(f"anatomy: {ms.name} is a sphincter; give its territory as start and end points")
        start = muscle.attachment[:2]
        end = start + spec.length_fraction * (muscle.origin[:2] - start)
    else:
        start = spec.start.locate(model.face, muscle.side, scale)[:2]
        end = spec.end.locate(model.face, muscle.side, scale)[:2]
    return Territory(muscle.id, tuple(map(float, start)), tuple(map(float, end)),
                     spec.half_width_mm * scale, spec.depth)



def muscle_territories(model) -> tuple[Territory, ...]:
    """Territories (frontal-plane capsules, mm) of every muscle of ``model``, in ``muscle_ids`` order."""
    scale = face_scale(model.face, model.anatomy)
    return tuple(_territory(model, m, m.spec.territory, scale) for m in model.muscles)


def site_target(model, name: str) -> tuple[np.ndarray, str, str]:
    """Position, depth and target muscle of a site name on ``model``.

    Parameters
    ----------
    model : FaceModel
    name : str, a named site (``dao_right``) or a muscle id (its territory centre)

    Returns
    -------
    xy : (2,) float array, mm, frontal-plane position
    depth : str, ``superficial`` or ``deep``
    muscle_id : str
    """
    sites = named_sites()
    if name in sites:
        site = sites[name]
        xyz = site.point.locate(model.face, site.side, face_scale(model.face, model.anatomy))
        return xyz[:2], site.depth, site.muscle_id
    if name in model.muscle_ids:
        territory = muscle_territories(model)[model.index(name)]
        return territory.centre, territory.depth, name
    raise InputError(unknown_site_message(name, model.muscle_ids))
