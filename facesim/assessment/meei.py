"""The MEEI (Emotrics) mouth measures of one photograph, as Emotrics defines them.

Definitions read from Emotrics (MEEI Facial Nerve Center, github dguari1/Emotrics,
``measurements.py``); this is facesim's own implementation. All in the **iris frame**:
origin midway between the iris centres, x along the iris-centre line toward the
patient's left, y perpendicular to it, up (facesim.geometry.frontal). Lengths in mm,
angles in degrees. iBUG 68 indices (0-based): 48 the right commissure, 54 the left.

Lower-lip midline point
    The outer lower-lip contour 48-59-58-57-56-55-54 as a smoothing cubic spline
    y(x) (scipy ``UnivariateSpline``, k=3, Emotrics' smoothing s = 1 px^2), evaluated
    on the facial midline x = 0 (the perpendicular bisector of the iris centres).
Commissure excursion (CE), per side
    The distance from the lower-lip midline point to the commissure (one photo).
Smile angle (SA), per side
    90 + the elevation (degrees) of the commissure seen from the lower-lip midline
    point: 90 = level with it, > 90 = the corner above it.
Lip points, per side
    r = half the commissure's distance from the midline (along the iris line). The
    upper-lip point is where the circle of radius r about the commissure meets the
    outer upper-lip spline (48-49-50-51-52-53-54); the lower-lip point is the outer
    lower-lip spline straight below it (perpendicular to the iris line).
Dental show (interlabial distance), per side
    At the upper-lip point's x: the inner upper lip (60-61-62-63-64) minus the inner
    lower lip (60-67-66-65-64), both as splines; 0 when the lips touch or overlap.
Heights
    Each point's y (above the iris line; negative below). Commissure, upper-lip and
    lower-lip height deviations are left minus right (+: the left is higher);
    Emotrics reports their absolute values.

Where facesim departs from Emotrics' code (both rotation-invariance fixes):
- Emotrics offsets the right commissure's y by the midpoint's x (``center[0]`` for
  ``center[1]``) when it computes r, so its lip points, lip height deviations and
  dental show change with head tilt. facesim uses the commissure's own coordinates.
- Emotrics finds the upper-lip point on a 1-pixel grid along x; facesim solves the
  circle-spline crossing exactly (a difference of at most half a pixel along the lip).
- Emotrics picks the reference side of its deviation % by comparing image x
  coordinates (tilt-dependent); facesim compares them along the iris line.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from facesim.errors import InputError
from facesim.geometry.frontal import to_frontal

if TYPE_CHECKING:  # scipy.interpolate / optimize are imported where used (0.3 s the planner does not need)
    from scipy.interpolate import UnivariateSpline

OUTER_LOWER = (48, 59, 58, 57, 56, 55, 54)
OUTER_UPPER = (48, 49, 50, 51, 52, 53, 54)
INNER_UPPER = (60, 61, 62, 63, 64)
INNER_LOWER = (60, 67, 66, 65, 64)
CORNER = {"left": 54, "right": 48}
LOWER_LIP_CENTRE = 57
SIDES = ("right", "left")


@dataclass(frozen=True)
class MeeiSide:
    """One side's MEEI measures in one photo (iris frame, mm and degrees).

    Attributes
    ----------
    commissure_excursion_mm : float, lower-lip midline point to commissure
    smile_angle_deg : float, 90 + the commissure's elevation seen from that point
    dental_show_mm : float, interlabial gap at the lip point (>= 0)
    commissure_height_mm, upper_lip_height_mm, lower_lip_height_mm : float, + above the iris line
    commissure, upper_lip_point, lower_lip_point : (2,) float arrays, mm, iris frame
    """

    commissure_excursion_mm: float
    smile_angle_deg: float
    dental_show_mm: float
    commissure_height_mm: float
    upper_lip_height_mm: float
    lower_lip_height_mm: float
    commissure: np.ndarray
    upper_lip_point: np.ndarray
    lower_lip_point: np.ndarray


@dataclass(frozen=True)
class MeeiPhoto:
    """The MEEI measures of one photo.

    Attributes
    ----------
    right, left : MeeiSide (the patient's sides)
    lower_lip_midpoint : (2,) float array, mm, iris frame (x = 0)
    pulled_toward : "left" or "right", the side the lower-lip centre (iBUG 57) lies toward
        along the iris line (Emotrics' guess of the healthy side, the reference of deviation %)
    """

    right: MeeiSide
    left: MeeiSide
    lower_lip_midpoint: np.ndarray
    pulled_toward: str

    def side(self, name: str) -> MeeiSide:
        return self.left if name == "left" else self.right

    @property
    def commissure_height_deviation_mm(self) -> float:
        """Left minus right commissure height (mm, + left higher)."""
        return self.left.commissure_height_mm - self.right.commissure_height_mm

    @property
    def upper_lip_height_deviation_mm(self) -> float:
        """Left minus right upper-lip point height (mm, + left higher)."""
        return self.left.upper_lip_height_mm - self.right.upper_lip_height_mm

    @property
    def lower_lip_height_deviation_mm(self) -> float:
        """Left minus right lower-lip point height (mm, + left higher)."""
        return self.left.lower_lip_height_mm - self.right.lower_lip_height_mm


def contour_spline(points: np.ndarray, indices: tuple[int, ...], smoothing_mm2: float,
                   what: str = "lip") -> UnivariateSpline:
    """The smoothing cubic spline y(x) through iBUG ``indices`` of frontal ``points`` (68, 2), mm.

    Raises InputError when the points do not run strictly from the patient's right to left along the
    iris line (a spline y(x) needs that; a mislabelled or upside-down file breaks it).
    """
    xy = points[list(indices)]
    if not np.all(np.diff(xy[:, 0]) > 0):
        raise InputError(f"the {what} points (iBUG {'-'.join(map(str, indices))}) do not run from the patient's "
                         "right to left along the iris line; check the landmark order and the left/right labels")
    from scipy.interpolate import UnivariateSpline

    with warnings.catch_warnings():  # FITPACK's multi-line notes when s is tight: the approximation Emotrics uses too
        warnings.simplefilter("ignore", UserWarning)
        return UnivariateSpline(xy[:, 0], xy[:, 1], k=3, s=smoothing_mm2)


def _elevation_deg(origin: np.ndarray, point: np.ndarray) -> float:
    d = point - origin
    return float(np.degrees(np.arcsin(d[1] / np.hypot(*d))))


def upper_lip_point(upper: UnivariateSpline, corner: np.ndarray, radius: float) -> np.ndarray:
    """Where the circle of ``radius`` (mm) about ``corner`` meets the upper-lip spline, toward the midline."""
    from scipy.optimize import brentq

    def gap(x):
        return float(np.hypot(x - corner[0], upper(x) - corner[1])) - radius

    xs = np.linspace(corner[0], 0.0, 257)  # from the corner to the midline
    g = np.array([gap(x) for x in xs])
    crossing = np.flatnonzero(np.sign(g[:-1]) != np.sign(g[1:]))
    if crossing.size:
        i = crossing[0]
        x = brentq(gap, xs[i], xs[i + 1], xtol=1e-12) if g[i] != 0 else xs[i]
    else:  # the spline never reaches the circle: the nearest point, as Emotrics' grid search does
        x = xs[np.argmin(np.abs(g))]
    return np.array([x, float(upper(x))])


def _side(points, corner_idx, splines, midpoint) -> MeeiSide:
    outer_upper, outer_lower, inner_upper, inner_lower = splines
    corner = points[corner_idx]
    up = upper_lip_point(outer_upper, corner, 0.5 * abs(corner[0]))
    low = np.array([up[0], float(outer_lower(up[0]))])
    gap = float(inner_upper(up[0]) - inner_lower(up[0]))
    return MeeiSide(
        commissure_excursion_mm=float(np.hypot(*(corner - midpoint))),
        smile_angle_deg=90.0 + _elevation_deg(midpoint, corner),
        dental_show_mm=max(gap, 0.0),
        commissure_height_mm=float(corner[1]),
        upper_lip_height_mm=float(up[1]),
        lower_lip_height_mm=float(low[1]),
        commissure=corner.copy(),
        upper_lip_point=up,
        lower_lip_point=low,
    )


def meei_frontal(points: np.ndarray, smoothing_mm2: float) -> MeeiPhoto:
    """The MEEI measures from 68 iBUG points already in the iris frame, (68, 2) mm.

    ``smoothing_mm2`` is the splines' smoothing factor (Emotrics' 1 px^2 times the pixel size squared).
    """
    p = np.asarray(points, float)[:, :2]
    if p.shape != (68, 2) or not np.all(np.isfinite(p)):
        raise InputError(f"the MEEI measures need 68 finite iBUG points, got shape {p.shape}")
    if not p[CORNER["left"], 0] > 0.0 > p[CORNER["right"], 0]:
        raise InputError("the mouth corners (iBUG 48, 54) are not on either side of the facial midline; "
                         "check the left/right labels")
    splines = (contour_spline(p, OUTER_UPPER, smoothing_mm2, "outer upper-lip"),
               contour_spline(p, OUTER_LOWER, smoothing_mm2, "outer lower-lip"),
               contour_spline(p, INNER_UPPER, smoothing_mm2, "inner upper-lip"),
               contour_spline(p, INNER_LOWER, smoothing_mm2, "inner lower-lip"))
    midpoint = np.array([0.0, float(splines[1](0.0))])
    sides = {s: _side(p, CORNER[s], splines, midpoint) for s in SIDES}
    # Emotrics: on the midline (>=) favours the left; 1e-9 mm keeps that through rounding under a rotation
    pulled = "left" if p[LOWER_LIP_CENTRE, 0] >= midpoint[0] - 1e-9 else "right"
    return MeeiPhoto(right=sides["right"], left=sides["left"], lower_lip_midpoint=midpoint, pulled_toward=pulled)


def meei_measures(ibug: np.ndarray, iris_left: np.ndarray, iris_right: np.ndarray,
                  smoothing_mm2: float) -> MeeiPhoto:
    """The MEEI measures of one photo from 68 iBUG points (68, >=2) and the two iris centres (>=2,), in mm,
    any in-plane rotation and position (+x toward the patient's left, +y up); see the module notes."""
    frontal = to_frontal(np.asarray(ibug, float)[:, :2], np.asarray(iris_left, float)[:2],
                         np.asarray(iris_right, float)[:2])
    return meei_frontal(frontal, smoothing_mm2)
