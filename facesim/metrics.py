"""Mouth-corner balance in the frontal plane, as a photograph sees it.

The frame: origin midway between the pupils, x along the inter-pupillary line
toward the patient's left, y perpendicular to it (up). z is dropped. All
functions take arrays with any leading batch shape, so a thousand plans and
days are measured in one call.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from facesim.datafiles import bundled
from facesim.geometry.frontal import to_frontal

#: Landmarks the metrics read, in this order, as (..., 6, 3) arrays.
METRIC_LANDMARKS = (
    "pupil_left",
    "pupil_right",
    "cheilion_left",
    "cheilion_right",
    "lower_lip_left",
    "lower_lip_right",
)
EVEN_MM = 0.05  # differences below this are reported as "even"
#: CornerMetrics fields under the names users see (CSV/JSON keys): facesim's motion measures are
#: "corner travel" and "travel direction", never Emotrics' "commissure excursion" / "smile angle".
EXPORT_NAMES = {
    "excursion_left": "corner_travel_left_mm",
    "excursion_right": "corner_travel_right_mm",
    "excursion_difference": "corner_travel_difference_mm",
    "angle_left": "travel_direction_left_deg",
    "angle_right": "travel_direction_right_deg",
}


def frontal_coordinates(points: np.ndarray) -> np.ndarray:
    """Map landmark points (..., 6, 3) in METRIC_LANDMARKS order to the frontal frame (..., 6, 2), mm."""
    return to_frontal(points, points[..., 0, :], points[..., 1, :])


def asymmetry_rule(rest_dev, expr_dev, excursion_diff, rest_lip_dev, expr_lip_dev):
    """The asymmetry (mm): the largest of |rest height deviation|, |expression height deviation|,
    |excursion difference| and the lower lip's |height deviation| at rest and in the expression
    (an over-active DLI shows there). The one definition: CornerMetrics, the planner and its
    compiled kernel call it (arrays broadcast; scalars work under numba)."""
    corners = np.maximum(np.maximum(np.abs(rest_dev), np.abs(expr_dev)), np.abs(excursion_diff))
    return np.maximum(corners, np.maximum(np.abs(rest_lip_dev), np.abs(expr_lip_dev)))


def overcorrection_rule(after, before, limit_mm):
    """Over-correction of one left-minus-right deviation (mm): the side that was the weaker by at
    least half of ``limit_mm`` is now the stronger by more than ``limit_mm``. The one definition
    (planner and compiled kernel); broadcasts, scalars under numba."""
    return (np.abs(before) >= 0.5 * limit_mm) & (after * before < 0.0) & (np.abs(after) > limit_mm)


#: The expressions a plan is judged in, in the order of the planner's coordinate blocks: rest first,
#: then each expression compared with it (the tolerance of each: planner.toml [target.expressions]).
PLAN_EXPRESSIONS = ("rest", "smile", "lower_lip_down", "frown")
#: The planner's coordinates: per expression (PLAN_EXPRESSIONS) the corners and lower-lip points
#: (cL, cR, llL, llR) as (x, y) in the frontal frame: 8 numbers per expression, mm.
PLAN_POINTS = ("cheilion_left", "cheilion_right", "lower_lip_left", "lower_lip_right")
PLAN_COORDS = 8 * len(PLAN_EXPRESSIONS)
#: The names of the deviations (left minus right, mm) the planner checks for over-correction, in the
#: order of plan_deviations: the rest's corner and lower lip, then per expression its corner height,
#: excursion and lower-lip height differences.
DEVIATIONS = ("rest_dev", "rest_ll") + tuple(f"{e}_{k}" for e in PLAN_EXPRESSIONS[1:] for k in ("dev", "exc", "ll"))


def rest_deviations(c):
    """Corner and lower-lip height differences at rest (mm) from planner coordinates (..., PLAN_COORDS)."""
    return c[..., 1] - c[..., 3], c[..., 5] - c[..., 7]


def expression_deviations(c, e):
    """Height, excursion (from rest) and lower-lip height differences (mm) of expression block ``e``
    (>= 1, PLAN_EXPRESSIONS) from planner coordinates (..., PLAN_COORDS). Scalars under numba for a
    1-D array."""
    o = 8 * e
    exc = (np.hypot(c[..., o] - c[..., 0], c[..., o + 1] - c[..., 1])
           - np.hypot(c[..., o + 2] - c[..., 2], c[..., o + 3] - c[..., 3]))
    return c[..., o + 1] - c[..., o + 3], exc, c[..., o + 5] - c[..., o + 7]



@dataclass(frozen=True)
class CornerMetrics:
    """Corner balance for one expression against rest (arrays broadcast over a batch).

    Deviations are left minus right (positive: the patient's left is higher or
    pulls more). Heights are relative to the pupil line (negative below it).

    Attributes
    ----------
    rest_height_deviation, height_deviation : mm
        Commissure height difference at rest and in the expression.
    rest_lower_lip_deviation, lower_lip_deviation : mm
        Lower-lip height difference at the lower_lip_left/right landmarks (iBUG 56 / 58 in photo
        input, about 0.4 of the way from the midline to the corner). Not Emotrics' lower-lip
        height deviation (a spline point below the upper lip's half-way point: assessment.meei).
    rest_reach_left/right, reach_left/right : mm
        Commissure distance from the facial midline.
    excursion_left/right : mm
        Corner travel: the commissure's displacement from rest to the expression
        (frontal plane). facesim's own motion measure, not Emotrics' commissure
        excursion (a distance from the lower-lip midline point in one photo:
        facesim.assessment.meei); users see it as "corner travel" (EXPORT_NAMES).
    excursion_difference : mm
    angle_left/right : degrees
        Travel direction: the direction of that displacement above the lateral
        horizontal; NaN when the corner travelled less than measures.toml
        ``[motion] min_travel_for_direction_mm`` (a corner that did not move has
        no direction). Not Emotrics' smile angle.
    """

    rest_height_deviation: np.ndarray
    height_deviation: np.ndarray
    rest_lower_lip_deviation: np.ndarray
    lower_lip_deviation: np.ndarray
    rest_reach_left: np.ndarray
    rest_reach_right: np.ndarray
    reach_left: np.ndarray
    reach_right: np.ndarray
    excursion_left: np.ndarray
    excursion_right: np.ndarray
    excursion_difference: np.ndarray
    angle_left: np.ndarray
    angle_right: np.ndarray

    def as_dict(self) -> dict[str, np.ndarray]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def export_dict(self) -> dict[str, np.ndarray]:
        """The metrics under the names users see in exports (EXPORT_NAMES)."""
        return {EXPORT_NAMES.get(k, k): v for k, v in self.as_dict().items()}

    @property
    def asymmetry(self) -> np.ndarray:
        """The asymmetry (mm): :func:`asymmetry_rule` of these metrics."""
        return asymmetry_rule(self.rest_height_deviation, self.height_deviation, self.excursion_difference,
                              self.rest_lower_lip_deviation, self.lower_lip_deviation)

    @property
    def balance_score(self) -> np.ndarray:
        """0-100; 100 is perfect balance, 50 at the lay detection threshold."""
        half = bundled.perception().balance_score.half_score_mm
        return 100.0 * 2.0 ** (-((self.asymmetry / half) ** 2))


def corner_metrics(rest_points: np.ndarray, points: np.ndarray) -> CornerMetrics:
    """Corner metrics from landmark positions (..., 6, 3) at rest and in an expression."""
    r = frontal_coordinates(rest_points)
    e = frontal_coordinates(points)
    d = e[..., 2:4, :] - r[..., 2:4, :]  # corner displacement (left, right)
    lateral = d[..., 0] * np.array([1.0, -1.0])
    excursion = np.linalg.norm(d, axis=-1)
    moved = excursion >= bundled.measures().motion.min_travel_for_direction_mm
    angle = np.where(moved, np.degrees(np.arctan2(d[..., 1], lateral)), np.nan)
    return CornerMetrics(
        rest_height_deviation=r[..., 2, 1] - r[..., 3, 1],
        height_deviation=e[..., 2, 1] - e[..., 3, 1],
        rest_lower_lip_deviation=r[..., 4, 1] - r[..., 5, 1],
        lower_lip_deviation=e[..., 4, 1] - e[..., 5, 1],
        rest_reach_left=r[..., 2, 0],
        rest_reach_right=-r[..., 3, 0],
        reach_left=e[..., 2, 0],
        reach_right=-e[..., 3, 0],
        excursion_left=excursion[..., 0],
        excursion_right=excursion[..., 1],
        excursion_difference=excursion[..., 0] - excursion[..., 1],
        angle_left=angle[..., 0],
        angle_right=angle[..., 1],
    )


def dominant_side(deviation: float, positive: str = "left", negative: str = "right") -> str:
    """Name the side a left-minus-right deviation favours, or "even" below 0.05 mm."""
    if abs(deviation) < EVEN_MM:
        return "even"
    return positive if deviation > 0 else negative


def verdict(asymmetry_mm: float) -> str:
    """Plain-words verdict for an asymmetry against the perception thresholds."""
    t = bundled.perception().threshold_mm
    if asymmetry_mm < t.clinician_detection:
        return "not noticeable"
    if asymmetry_mm < bundled.noticeable_mm():
        return "noticeable to a trained eye"
    if asymmetry_mm <= t.acceptable:
        return "noticeable, usually acceptable"
    if asymmetry_mm < t.unacceptable:
        return "noticeable"
    return "clearly noticeable"
