"""Measure a patient from landmark sets: corner metrics, the MEEI (Emotrics) measures and lower-face (jaw) signs.

Everything is in the frontal plane with the inter-pupillary line horizontal,
the same frame as facesim.metrics; lengths in mm, +x the patient's left.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from facesim.assessment.meei import MeeiPhoto, meei_measures
from facesim.datafiles import bundled
from facesim.errors import InputError
from facesim.geometry.frontal import to_frontal
from facesim.assessment.landmark_input import LandmarkSet
from facesim.metrics import CornerMetrics, corner_metrics


def pupil_frame(points: LandmarkSet, names: tuple[str, ...]) -> np.ndarray:
    """Frontal coordinates (len(names), 2), mm, of ``names``: origin between the pupils, x toward
    the patient's left along the pupil line, y up."""
    return to_frontal(np.stack([points[n][:2] for n in names]), points["pupil_left"], points["pupil_right"])


@dataclass(frozen=True)
class Measurements:
    """What the photographs show.

    Attributes
    ----------
    corner : CornerMetrics (rest vs smile), mm and degrees
    expressions : dict name -> CornerMetrics for any further expressions (vs rest)
    chin_deviation_mm : float or None
        Menton's distance from the facial midline (the perpendicular bisector of
        the pupils) at rest, + toward the patient's left.
    jaw_cant_deg : float or None
        Tilt of the gonion-to-gonion line against the pupil line at rest,
        + when the patient's left side is higher.
    jaw_explained_rest_mm : float
        The rest corner height difference (L - R) the jaw tilt alone would cause.
    jaw_explained_lower_lip_mm : float
        The same for the lower-lip height difference.
    ipd_mm : float, the rest photo's inter-pupillary distance
    meei_rest, meei_smile : MeeiPhoto or None, the MEEI (Emotrics) measures of each photo (None when the
        file has no 68 iBUG points, e.g. a JSON of named points)
    pupil_source : str, how the rest photo's pupils were found (landmark_input.PUPIL_SOURCES key)
    """

    corner: CornerMetrics
    expressions: dict
    chin_deviation_mm: float | None
    jaw_cant_deg: float | None
    jaw_explained_rest_mm: float
    jaw_explained_lower_lip_mm: float
    ipd_mm: float
    meei_rest: MeeiPhoto | None = None
    meei_smile: MeeiPhoto | None = None
    pupil_source: str = "named"

    def excursion_change(self) -> tuple[float, float] | None:
        """(left, right) MEEI commissure excursion change, smile minus rest (mm), or None without 68 points."""
        if self.meei_rest is None or self.meei_smile is None:
            return None
        return tuple(self.meei_smile.side(s).commissure_excursion_mm - self.meei_rest.side(s).commissure_excursion_mm
                     for s in ("left", "right"))


def spline_smoothing_mm2(points: LandmarkSet) -> float:
    """Emotrics' spline smoothing (1 px^2) in mm^2 for ``points`` (a nominal pixel for files in mm)."""
    cfg = bundled.measures().meei
    mm_per_px = points.mm_per_unit if points.units == "px" else cfg.mm_input_mm_per_px
    return cfg.spline_smoothing_px2 * mm_per_px ** 2


def photo_meei(points: LandmarkSet) -> MeeiPhoto | None:
    """The MEEI measures of one photo in its pupil frame (iris centres when the file had them), or None
    when ``points`` has no 68 iBUG points."""
    if points.ibug is None:
        return None
    try:
        return meei_measures(points.ibug, points["pupil_left"], points["pupil_right"], spline_smoothing_mm2(points))
    except InputError as exc:
        raise InputError(f"{points.source}: {exc}") from None


def measure(rest: LandmarkSet, smile: LandmarkSet, others: dict[str, LandmarkSet] | None = None) -> Measurements:
    """Corner metrics (facesim.metrics definitions) and jaw signs from the rest and smile landmarks."""
    corner = corner_metrics(rest.metric_points(), smile.metric_points())
    expressions = {name: corner_metrics(rest.metric_points(), s.metric_points()) for name, s in (others or {}).items()}
    chin = float(pupil_frame(rest, ("menton",))[0, 0]) if "menton" in rest else None
    cant = None
    explained = explained_ll = 0.0
    if "gonion_left" in rest and "gonion_right" in rest:
        gl, gr = pupil_frame(rest, ("gonion_left", "gonion_right"))
        d = gl - gr
        if d[0] <= 0:
            raise InputError(f"{rest.source}: the left jaw angle is not to the patient's left of the right one")
        cant = float(np.degrees(np.arctan2(d[1], d[0])))
        slope = d[1] / d[0]
        c = pupil_frame(rest, ("cheilion_left", "cheilion_right", "lower_lip_left", "lower_lip_right"))
        explained = float(slope * (c[0, 0] - c[1, 0]))
        explained_ll = float(slope * (c[2, 0] - c[3, 0]))
    return Measurements(
        corner=corner,
        expressions=expressions,
        chin_deviation_mm=chin,
        jaw_cant_deg=cant,
        jaw_explained_rest_mm=explained,
        jaw_explained_lower_lip_mm=explained_ll,
        ipd_mm=rest.ipd_mm,
        meei_rest=photo_meei(rest),
        meei_smile=photo_meei(smile),
        pupil_source=rest.pupil_source,
    )
