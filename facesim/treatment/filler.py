"""HA filler: volume over time (swelling, degradation, hyaluronidase) and its displacement field.

The model is linear, so an injection contributes ``v(t) * B`` to the shape:
``B`` the displacement field of 1 mL at the site (:func:`filler_unit_field`,
solved once: the tissue pushed out over the bolus and sliding away from it along
the surface, so filler below a drooping corner lifts it) and ``v(t)`` the
apparent volume in mL (:func:`filler_volume_course`).
Parameters and their sources: facesim/data/fillers.toml.
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import get_close_matches

import numpy as np

from facesim.datafiles import bundled
from facesim.errors import InputError
from facesim.face.mesh import Face

ML_TO_MM3 = 1000.0
DEPTH_WIDENING = 0.43  # footprint sigma per mm of depth (Boussinesq point load; ASSUMPTION)


@dataclass(frozen=True)
class FillerClass:
    """One HA product class (``lip``, ``mid``, ``deep``); see fillers.toml.

    Attributes
    ----------
    name : str
    swelling_s0 : float
        Peak oedema as extra apparent volume per retained volume (1.0 = doubles).
    swelling_peak_day, swelling_tau_days : float, days
        Linear rise to the peak, then exponential decay.
    half_life_days : float, days
        Half-life of the degradable part.
    floor : float
        Persistent fraction that does not degrade (0..1).
    max_volume_ml : float, mL
        Per-site (per-side) maximum from the trials.
    default_depth_mm, default_spread_mm : float, mm
    """

    name: str
    swelling_s0: float
    swelling_peak_day: float
    swelling_tau_days: float
    half_life_days: float
    floor: float
    max_volume_ml: float
    default_depth_mm: float
    default_spread_mm: float

    @classmethod
    def get(cls, name: str) -> "FillerClass":
        """The bundled class ``name``; an unknown name raises InputError with a suggestion."""
        classes = bundled.fillers().classes
        if name not in classes:
            hint = get_close_matches(str(name), list(classes), n=1)
            fix = f"did you mean '{hint[0]}'?" if hint else f"use one of: {', '.join(classes)}"
            raise InputError(f"product_class: unknown filler class '{name}'; {fix}")
        fields = cls.__dataclass_fields__
        return cls(name=name, **{k: float(v) for k, v in classes[name].values().items() if k in fields})


@dataclass(frozen=True)
class Hyaluronidase:
    """Enzymatic reversal (``[hyaluronidase]`` in fillers.toml).

    Attributes
    ----------
    removal_fraction : float
        Fraction of the HA present that is dissolved (0.9 = 90 %).
    tau_days, complete_days : float, days
        Exponential time constant, and the time by which the removal is complete.
    swelling_s0, swelling_tau_days, swelling_peak_day : float
        Procedure oedema, as extra apparent volume per mL of HA present on that day.
    """

    removal_fraction: float
    tau_days: float
    complete_days: float
    swelling_s0: float
    swelling_tau_days: float
    swelling_peak_day: float

    @classmethod
    def default(cls) -> "Hyaluronidase":
        data = bundled.fillers().hyaluronidase
        return cls(**{k: float(getattr(data, k)) for k in cls.__dataclass_fields__})

    def remaining(self, t: np.ndarray) -> np.ndarray:
        """Fraction of the HA left, (k,), for days ``t`` since the enzyme (1 before it).

        Rule: ``1 - f * min(1, (1 - exp(-t/tau)) / (1 - exp(-T/tau)))``: an
        exponential with time constant tau, rescaled so that exactly the fraction
        f is gone at T = ``complete_days`` (48 h) and nothing more after that.
        The remaining 1 - f keeps degrading at the product's own rate.
        """
        t = np.asarray(t, dtype=float)
        tp = np.maximum(t, 0.0)
        progress = -np.expm1(-tp / self.tau_days) / -np.expm1(-self.complete_days / self.tau_days)
        return np.where(t >= 0.0, 1.0 - self.removal_fraction * np.minimum(progress, 1.0), 1.0)


def swelling_course(t: np.ndarray, s0: float, peak_day: float, tau_days: float) -> np.ndarray:
    """Oedema (extra apparent volume per unit volume), (k,), for days ``t`` since the procedure.

    Zero before t = 0, a linear rise to ``s0`` at ``peak_day`` (a step if 0), then
    ``s0 * exp(-(t - peak_day) / tau_days)``.
    """
    t = np.asarray(t, dtype=float)
    rise = s0 * t / peak_day if peak_day > 0 else np.full_like(t, s0)
    decay = s0 * np.exp(-np.maximum(t - peak_day, 0.0) / tau_days)
    return np.where(t < 0.0, 0.0, np.where(t < peak_day, rise, decay))


def retention(t: np.ndarray, half_life_days: float, floor: float) -> np.ndarray:
    """Retained fraction ``floor + (1 - floor) * 2**(-t / half_life)``, zero before t = 0."""
    t = np.asarray(t, dtype=float)
    kept = floor + (1.0 - floor) * np.exp2(-np.maximum(t, 0.0) / half_life_days)
    return np.where(t >= 0.0, kept, 0.0)


def filler_volume_course(
    days: np.ndarray,
    volume_ml: float,
    product_class: str,
    day_injected: float = 0.0,
    hyaluronidase_day: float | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Apparent and retained filler volume on a day axis.

    Parameters
    ----------
    days : (k,) float array, days (day 0 = first treatment)
    volume_ml : float, mL, injected volume (>= 0)
    product_class : str, ``lip``, ``mid`` or ``deep``
    day_injected : float, days
    hyaluronidase_day : float or None, days (on or after ``day_injected``)

    Returns
    -------
    apparent_ml : (k,) float array, mL
        What the tissue holds: ``retained * (1 + swelling)``, plus the oedema of a
        hyaluronidase procedure (``s0_h`` times the HA present that day, decaying).
    retained_ml : (k,) float array, mL
        HA left: ``V * (floor + (1 - floor) * 2**(-t/half_life))`` (zero before the
        injection), times the hyaluronidase remaining fraction after that day.
    """
    cls = FillerClass.get(product_class)
    volume_ml = _check_volume(volume_ml)
    day_injected = _check_day("day_injected", day_injected)
    t = np.asarray(days, dtype=float) - day_injected
    retained = volume_ml * retention(t, cls.half_life_days, cls.floor)
    apparent = retained * (1.0 + swelling_course(t, cls.swelling_s0, cls.swelling_peak_day, cls.swelling_tau_days))
    if hyaluronidase_day is not None:
        hyaluronidase_day = _check_day("hyaluronidase_day", hyaluronidase_day)
        if hyaluronidase_day < day_injected:
            raise InputError(
                f"hyaluronidase_day = {hyaluronidase_day} is before the injection (day {day_injected}); "
                "give a day on or after the injection"
            )
        enzyme = Hyaluronidase.default()
        th = np.asarray(days, dtype=float) - hyaluronidase_day
        keep = enzyme.remaining(th)
        present = volume_ml * retention(hyaluronidase_day - day_injected, cls.half_life_days, cls.floor)
        oedema = present * swelling_course(th, enzyme.swelling_s0, enzyme.swelling_peak_day, enzyme.swelling_tau_days)
        retained = retained * keep
        apparent = apparent * keep + oedema
    return apparent, retained


# ---------------------------------------------------------------------------
# Displacement field of 1 mL


def vertex_normals(face: Face) -> np.ndarray:
    """Unit outward normals (n, 3), area-weighted from the triangles (CCW seen from outside)."""
    v, f = face.vertices, face.faces
    cross = np.cross(v[f[:, 1]] - v[f[:, 0]], v[f[:, 2]] - v[f[:, 0]])  # 2 x area x unit normal
    normals = np.zeros_like(v)
    for k in range(3):
        np.add.at(normals, f[:, k], cross)
    length = np.linalg.norm(normals, axis=1, keepdims=True)
    return normals / np.maximum(length, 1e-300)


def displaced_volume_mm3(model, field: np.ndarray) -> float:
    """Volume swept by the skin, ``sum_i A_i (u_i . n_i)``, in mm^3.

    Parameters
    ----------
    model : FaceModel
    field : (n, 3) float array, mm, vertex displacements
    """
    normal_disp = np.einsum("ij,ij->i", np.asarray(field, dtype=float), vertex_normals(model.face))
    return float(model.tissue.areas @ normal_disp)


def bolus_slide(model, site_vertex: int, depth_mm: float, outward: np.ndarray, tangential_push: float) -> np.ndarray:
    """Along-surface displacement (n, 3) in mm that goes with an outward filler field.

    The bolus centre is ``c = x_site - depth * n_site``. A skin point x pushed out by
    ``u_n = outward . n`` (> 0) also slides along the surface, away from the bolus, by
    ``tangential_push * u_n * min(tan theta, 1)`` along the surface part of x - c, theta
    being the angle of x - c from the normal n at x: a point dilatation at depth in an
    incompressible elastic half-space moves the surface along the ray from its centre,
    ``u_r = (r / d) u_z`` (Mogi 1958); beyond 45 degrees (r > d) the along-surface part is
    held at the outward motion, since there the thin, bone-tied tissue layer and not a
    half-space carries it. Normal to the surface it adds nothing, so the swept volume
    (:func:`displaced_volume_mm3`) is that of ``outward``.
    """
    x = model.face.vertices
    normals = vertex_normals(model.face)
    ray = x - (x[site_vertex] - depth_mm * normals[site_vertex])
    up = np.einsum("ij,ij->i", ray, normals)
    along = ray - up[:, None] * normals
    length = np.linalg.norm(along, axis=1)
    tan = np.where(up > 0, np.minimum(length / np.maximum(up, 1e-12), 1.0), 1.0)
    u_n = np.maximum(np.einsum("ij,ij->i", outward, normals), 0.0)
    return (tangential_push * u_n * tan / np.maximum(length, 1e-12))[:, None] * along


def filler_unit_field(model, site_xyz, depth_mm: float, spread_mm: float,
                      tangential_push: float | None = None) -> np.ndarray:
    """Displacement field (n, 3) in mm of 1 mL of filler at a skin site.

    Outward: a pressure load along the outward skin normal with a gaussian
    footprint around the site, solved once on the tissue and scaled so that the
    displaced volume (:func:`displaced_volume_mm3`) is exactly 1000 mm^3. Along the
    surface: the tissue pushed out also slides away from the bolus
    (:func:`bolus_slide`), so tissue above a bolus placed below a corner moves up:
    filler under a drooping corner supports and lifts it. V mL moves the skin by V
    times this field (the model is linear).

    Parameters
    ----------
    model : FaceModel
    site_xyz : (3,) float, mm, a point on (or within 10 mm of) the skin;
        the bolus sits under the nearest vertex.
    depth_mm : float, mm (>= 0)
        Depth of the bolus under the skin. A deeper bolus pushes a wider patch
        of skin: the footprint's standard deviation is
        ``sqrt(spread_mm**2 + (0.43 * depth_mm)**2)``. ASSUMPTION: 0.43 d is the
        gaussian width matching Boussinesq's surface stress of a point load at
        depth d, ``(1 + (r/d)**2)**-2.5`` (half maximum at r = 0.51 d).
    spread_mm : float, mm (> 0), width of the bolus itself.
    tangential_push : float >= 0 or None
        Scale of the along-surface slide (None: fillers.toml ``[field] tangential_push``; 0 = outward only).
    """
    site = np.asarray(site_xyz, dtype=float)
    if site.shape != (3,) or not np.all(np.isfinite(site)):
        raise InputError(f"site_xyz = {site_xyz!r}; give three finite coordinates in mm")
    if not (np.isfinite(depth_mm) and depth_mm >= 0):
        raise InputError(f"depth_mm = {depth_mm}; give a depth >= 0 mm")
    if not (np.isfinite(spread_mm) and spread_mm > 0):
        raise InputError(f"spread_mm = {spread_mm}; give a bolus width > 0 mm")
    if tangential_push is None:
        tangential_push = float(bundled.fillers().field.tangential_push)
    vertices = model.face.vertices
    dist = np.linalg.norm(vertices - site, axis=1)
    nearest = int(np.argmin(dist))
    if dist[nearest] > 10.0:
        raise InputError(f"site_xyz is {dist[nearest]:.1f} mm from the skin; give a point on the face")
    sigma2 = spread_mm**2 + (DEPTH_WIDENING * depth_mm) ** 2
    r2 = np.sum((vertices - vertices[nearest]) ** 2, axis=1)
    pressure = np.exp(-0.5 * r2 / sigma2)
    load = (pressure * model.tissue.areas)[:, None] * vertex_normals(model.face)
    field = model.solve_loads(load[None])[0]
    volume = displaced_volume_mm3(model, field)
    if not volume > 0:
        raise InputError("filler site: the load displaces no volume here; choose a site on the mobile face")
    outward = field * (ML_TO_MM3 / volume)
    return outward + bolus_slide(model, nearest, depth_mm, outward, tangential_push)


# ---------------------------------------------------------------------------
# An injection


@dataclass(frozen=True)
class FillerInjection:
    """One HA filler injection.

    Attributes
    ----------
    site : str or (3,) tuple, landmark name or xyz in mm
    volume_ml : float, mL (0 .. the class's per-site maximum)
    product_class : str, ``lip``, ``mid`` or ``deep``
    day : float, days
    offset_mm : (3,) tuple, mm, in x, y, z (already mirrored for the side; scenario files give
        [lateral, superior, anterior] and the parser converts), added to the site
    depth_mm, spread_mm : float or None, mm; None = the class default
    hyaluronidase_day : float or None, days
    """

    site: str | tuple[float, float, float]
    volume_ml: float
    product_class: str = "mid"
    day: float = 0.0
    offset_mm: tuple[float, float, float] = (0.0, 0.0, 0.0)
    depth_mm: float | None = None
    spread_mm: float | None = None
    hyaluronidase_day: float | None = None

    def __post_init__(self):
        cls = FillerClass.get(self.product_class)
        volume = _check_volume(self.volume_ml)
        if volume > cls.max_volume_ml:
            raise InputError(
                f"volume_ml = {volume} exceeds the {cls.name} per-site maximum {cls.max_volume_ml} mL; "
                "split it over sessions or sites"
            )
        _check_day("day", self.day)
        if self.hyaluronidase_day is not None and _check_day("hyaluronidase_day", self.hyaluronidase_day) < self.day:
            raise InputError(f"hyaluronidase_day = {self.hyaluronidase_day} is before the injection day {self.day}")
        offset = np.asarray(self.offset_mm, dtype=float)
        if offset.shape != (3,) or not np.all(np.isfinite(offset)):
            raise InputError(f"offset_mm = {self.offset_mm!r}; give three finite numbers in mm")
        object.__setattr__(self, "offset_mm", tuple(float(x) for x in offset))
        if not isinstance(self.site, str):
            xyz = np.asarray(self.site, dtype=float)
            if xyz.shape != (3,) or not np.all(np.isfinite(xyz)):
                raise InputError(f"site = {self.site!r}; give a landmark name or three finite coordinates in mm")
            object.__setattr__(self, "site", tuple(float(x) for x in xyz))

    @property
    def filler_class(self) -> FillerClass:
        return FillerClass.get(self.product_class)

    def position(self, face: Face) -> np.ndarray:
        """Site position (3,) in mm: the landmark (or xyz) plus the offset."""
        base = face.landmark_position(self.site) if isinstance(self.site, str) else np.array(self.site)
        return base + np.array(self.offset_mm)

    def unit_field(self, model) -> np.ndarray:
        """Displacement field (n, 3) in mm of 1 mL at this site (one solve)."""
        cls = self.filler_class
        depth = cls.default_depth_mm if self.depth_mm is None else self.depth_mm
        spread = cls.default_spread_mm if self.spread_mm is None else self.spread_mm
        return filler_unit_field(model, self.position(model.face), depth, spread)

    def course(self, days: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(apparent_ml, retained_ml), each (k,), on ``days``."""
        return filler_volume_course(days, self.volume_ml, self.product_class, self.day, self.hyaluronidase_day)


def _check_volume(volume_ml) -> float:
    if not (np.isfinite(volume_ml) and volume_ml >= 0):
        raise InputError(f"volume_ml = {volume_ml}; give a filler volume >= 0 mL")
    return float(volume_ml)


def _check_day(name: str, day) -> float:
    if not np.isfinite(day):
        raise InputError(f"{name} = {day}; give a finite day number (day 0 = first treatment)")
    return float(day)
