"""Landmarks measured on a patient's photographs (or scans), read into facesim's frame.

The file formats (iBUG / dlib 68-point text, Emotrics text, JSON of named points) are read by
facesim.assessment.landmark_formats; here the points are scaled to mm and turned into facesim's frame.

Frames
------
``image`` (the default for text and JSON): x runs to the viewer's right, which
is the patient's LEFT, y runs DOWN, z (3D) away from the viewer. facesim's frame
has +x = patient's left, +y up, +z toward the viewer, so y and z are flipped.
``facesim``: the points are already in facesim's frame.

Scale
-----
Pixels become mm by one of: a given mm per pixel; a given inter-pupillary
distance (each photo scaled so its pupils are that far apart); or the iris
diameter (11.77 mm by default, the Emotrics convention) over the mean iris
diameter in pixels from the file. Points in mm need no scale.

Pupils
------
The pupils (the frame's origin and horizontal) are the iris centres when the file
gives both iris circles (Emotrics text, JSON ``iris``), as Emotrics measures;
otherwise the centroid of each eye's 6 eyelid points (iBUG files) or the pupil
points a JSON/CSV file names. :attr:`LandmarkSet.pupil_source` says which.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from facesim.assessment.landmark_formats import RawLandmarks, read_landmarks_raw
from facesim.errors import InputError
from facesim.face.frame import IPD_RANGE_MM
from facesim.metrics import METRIC_LANDMARKS

DEFAULT_IRIS_MM = 11.77  # Emotrics' default visible iris diameter (mm)


@dataclass(frozen=True)
class Scale:
    """How to turn pixels into mm; give at most one of the three.

    Attributes
    ----------
    mm_per_px : float or None
    ipd_mm : float or None, the patient's inter-pupillary distance
    iris_mm : float or None, visible iris diameter (default 11.77 mm when the file has irises)
    """

    mm_per_px: float | None = None
    ipd_mm: float | None = None
    iris_mm: float | None = None

    def __post_init__(self):
        given = [(k, v) for k, v in (("--scale-mm-per-px", self.mm_per_px), ("--ipd-mm", self.ipd_mm),
                                     ("--iris-mm", self.iris_mm)) if v is not None]
        if len(given) > 1:
            raise InputError(f"give one scale, not {' and '.join(k for k, _ in given)}")
        for key, value in given:
            if not (math.isfinite(value) and value > 0):
                raise InputError(f"{key} = {value}; give a positive number")


@dataclass(frozen=True)
class LandmarkSet:
    """Landmarks in mm in facesim's frame, origin midway between the pupils.

    Attributes
    ----------
    points : dict name -> (3,) float array, mm (+x patient's left, +y up; z = 0 for 2D input)
    dims : 2 or 3
    mm_per_unit : float, the scale applied (1 for mm input)
    ibug : (68, 3) float array or None, all 68 points in the same frame when the file had them
    source : str
    pupil_source : str, how the pupils were found (:data:`PUPIL_SOURCES`)
    scale_source : str, how the scale was found, in words
    units : "px" or "mm", the file's units
    """

    points: dict[str, np.ndarray]
    dims: int
    mm_per_unit: float = 1.0
    ibug: np.ndarray | None = None
    source: str = "landmarks"
    pupil_source: str = "named"
    scale_source: str = "the file is in mm"
    units: str = "mm"

    def __getitem__(self, name: str) -> np.ndarray:
        return self.points[name]

    def __contains__(self, name: str) -> bool:
        return name in self.points

    @property
    def ipd_mm(self) -> float:
        """Inter-pupillary distance, mm."""
        return float(np.linalg.norm(self.points["pupil_left"][:2] - self.points["pupil_right"][:2]))

    def metric_points(self) -> np.ndarray:
        """(6, 3) float array, mm, in ``METRIC_LANDMARKS`` order (for facesim.metrics)."""
        return np.stack([self.points[n] for n in METRIC_LANDMARKS])


def _to_facesim(p: np.ndarray, frame: str) -> np.ndarray:
    """(..., d) in the file's frame -> (..., 3) facesim axes (no scale, no origin)."""
    out = np.zeros(p.shape[:-1] + (3,))
    out[..., : p.shape[-1]] = p
    if frame == "image":
        out[..., 1:] *= -1.0  # y down -> up, z away from the viewer -> toward
    return out


#: How a LandmarkSet's pupils were found, by key: the words the CLI and the exports print.
PUPIL_SOURCES = {
    "iris": "iris centres (the file's iris circles)",
    "eyelids": "eyelid centroids (mean of each eye's 6 iBUG eyelid points; the file has no iris circles)",
    "named": "the pupil points the file names",
}


def with_pupils(raw: RawLandmarks) -> tuple[RawLandmarks, str]:
    """``raw`` with its pupils set to the iris centres when it has both, and the key of how (PUPIL_SOURCES)."""
    if set(raw.iris_centre) >= {"left", "right"}:
        points = dict(raw.points, pupil_left=raw.iris_centre["left"], pupil_right=raw.iris_centre["right"])
        return dataclasses.replace(raw, points=points), "iris"
    return raw, ("eyelids" if raw.ibug is not None else "named")


def mm_per_unit(raw: RawLandmarks, scale: Scale) -> float:
    """The factor that turns ``raw``'s units into mm, or InputError naming what is missing."""
    return scale_of(raw, scale)[0]


def scale_of(raw: RawLandmarks, scale: Scale) -> tuple[float, str]:
    """(mm per file unit, how it was found in words), or InputError naming what is missing."""
    for name in ("pupil_left", "pupil_right"):
        if name not in raw.points:
            raise InputError(f"{raw.source}: missing {name}; the metrics are measured in the pupil frame")
    options = scale.mm_per_px or scale.ipd_mm or scale.iris_mm
    if raw.units == "mm":
        if options is not None:
            raise InputError(f"{raw.source} is in mm; drop the pixel scale option")
        return 1.0, "the file is in mm"
    if scale.mm_per_px is not None:
        return scale.mm_per_px, f"--scale-mm-per-px {scale.mm_per_px:g}"
    if scale.ipd_mm is not None:
        d = float(np.linalg.norm(raw.points["pupil_left"][:2] - raw.points["pupil_right"][:2]))
        if d <= 0:
            raise InputError(f"{raw.source}: the two pupils coincide; check the eye points")
        return scale.ipd_mm / d, f"--ipd-mm {scale.ipd_mm:g} over the pupils' {d:.1f} px"
    if raw.iris_radius:
        iris = scale.iris_mm or DEFAULT_IRIS_MM
        px = 2.0 * float(np.mean(list(raw.iris_radius.values())))
        how = "--iris-mm" if scale.iris_mm else "Emotrics' default"
        return iris / px, f"iris diameter {iris:g} mm ({how}) over the file's mean iris diameter {px:.1f} px"
    if scale.iris_mm is not None:
        raise InputError(f"{raw.source}: --iris-mm needs iris circles in the file; use --ipd-mm or "
                         "--scale-mm-per-px instead")
    raise InputError(f"{raw.source}: points are in pixels and no scale was given; pass --scale-mm-per-px, "
                     "--ipd-mm, or a file with iris circles (Emotrics) for --iris-mm")


def to_landmark_set(raw: RawLandmarks, scale: Scale = Scale()) -> LandmarkSet:
    """Scale ``raw`` to mm, flip it into facesim's frame and centre it between the pupils."""
    raw, pupils = with_pupils(raw)
    k, how = scale_of(raw, scale)
    points = {n: _to_facesim(p, raw.frame) * k for n, p in raw.points.items()}
    centre = 0.5 * (points["pupil_left"] + points["pupil_right"])
    centre[2] = 0.0
    points = {n: p - centre for n, p in points.items()}
    ibug = None if raw.ibug is None else _to_facesim(raw.ibug, raw.frame) * k - centre
    missing = [n for n in METRIC_LANDMARKS if n not in points]
    if missing:
        raise InputError(f"{raw.source}: missing {', '.join(missing)}; the corner metrics need them")
    if points["pupil_left"][0] <= points["pupil_right"][0]:
        raise InputError(
            f"{raw.source}: the left pupil is not on the viewer's right of the right pupil; "
            "check left/right labels or the frame (image x runs to the viewer's right)"
        )
    check_plausible(points, raw.source)
    return LandmarkSet(points, dims=raw.dims, mm_per_unit=k, ibug=ibug, source=raw.source, pupil_source=pupils,
                       scale_source=how, units=raw.units or "px")


#: Lip points that must lie in the mouth: between the corners (this margin, mm) and within half the
#: mouth's width of the corners' height (a lip point swapped with a jaw or nose point is not).
LIP_POINTS = ("upper_lip_left", "upper_lip_right", "lower_lip_left", "lower_lip_right", "stomion")
LIP_MARGIN_MM = 2.0


def check_plausible(points: dict[str, np.ndarray], source: str) -> None:
    """Refuse landmarks that are not a face seen from the front, in mm centred between the pupils: the IPD
    within IPD_RANGE_MM, finite points within 200 mm, the mouth below the eyes, each corner on its side,
    the lip points inside the mouth."""
    if not all(np.all(np.isfinite(p)) for p in points.values()):
        raise InputError(f"{source}: a landmark is not a finite number; check the file")
    ipd = float(np.linalg.norm(points["pupil_left"][:2] - points["pupil_right"][:2]))  # as LandmarkSet.ipd_mm
    lo, hi = IPD_RANGE_MM
    if not lo <= ipd <= hi:
        raise InputError(f"{source}: the scale gives an inter-pupillary distance of {ipd:.3g} mm (an adult's is "
                         f"{lo:g}-{hi:g} mm); check --scale-mm-per-px, --ipd-mm or --iris-mm, or the pupils")
    far = [n for n, p in points.items() if np.abs(p[:2]).max() > 200.0]
    if far:
        raise InputError(f"{source}: {far[0]} lies {np.abs(points[far[0]][:2]).max():.0f} mm from the eyes; a face "
                         "is smaller: check that point")
    cl, cr = points["cheilion_left"], points["cheilion_right"]
    if not (cl[1] < -20.0 and cr[1] < -20.0):
        raise InputError(f"{source}: the mouth corners are not below the eyes (the image is upside down, or the "
                         "points are mislabelled); check the frame and the labels")
    if not (cl[0] > 0.0 > cr[0]):
        raise InputError(f"{source}: the mouth corners are on the wrong sides (left corner to the patient's right "
                         "or both on one side); check the left/right labels")
    width, height = cl[0] - cr[0], 0.5 * (cl[1] + cr[1])
    for name in LIP_POINTS:
        p = points.get(name)
        if p is not None and not (cr[0] - LIP_MARGIN_MM <= p[0] <= cl[0] + LIP_MARGIN_MM
                                  and abs(p[1] - height) <= 0.5 * width):
            raise InputError(f"{source}: {name} lies outside the mouth (between the corners, within half the "
                             "mouth's width of their height); check that point and its label")


def read_landmarks(path: Path | str, scale: Scale = Scale()) -> LandmarkSet:
    """Read a landmark file into mm in facesim's frame (see the module notes)."""
    return to_landmark_set(read_landmarks_raw(path), scale)
