"""Photographs as landmark input: a photo's found landmarks (facesim.photo) as a LandmarkSet in mm,
the rest/smile pair checked by the quality gates, and the float JSON ``facesim landmarks`` writes.

The JSON is the landmark reader's own format (facesim.assessment.landmark_formats): ``points`` (the
facesim names of single iBUG points, editable by hand), ``iris`` (both circles, the scale and the
pupils) and ``ibug68`` (all 68 points, for the MEEI contours), in image pixels as floats.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np

from facesim.assessment.landmark_formats import RawLandmarks, named_from_ibug
from facesim.assessment.landmark_input import DEFAULT_IRIS_MM, LandmarkSet, Scale, to_landmark_set
from facesim.face.ibug68 import IBUG68
from facesim.photo.landmarks import PhotoLandmarks


def photo_raw(found: PhotoLandmarks) -> RawLandmarks:
    """``found`` as RawLandmarks: image pixels with the 68 points and both iris circles."""
    ibug = np.asarray(found.ibug, float)
    return RawLandmarks(named_from_ibug(ibug), units="px", frame="image", ibug=ibug, source=found.source,
                        iris_radius=dict(found.iris_radius),
                        iris_centre={k: np.asarray(c, float) for k, c in found.iris_centre.items()})


def read_photo(path: Path | str, face: int | None = None, mirror: bool = True,
               field: str = "photo") -> PhotoLandmarks:
    """The landmarks of the photo at ``path``, refused (InputError) when the photo fails a quality gate."""
    from facesim.photo.gates import check_photo
    from facesim.photo.landmarks import read_photo_landmarks

    return check_photo(read_photo_landmarks(path, face=face, mirror=mirror, field_name=field))


def photo_set(found: PhotoLandmarks, scale: Scale = Scale()) -> LandmarkSet:
    """``found`` in mm in facesim's frame; the scale is the iris (11.77 mm) unless ``scale`` gives one."""
    return to_landmark_set(photo_raw(found), scale)


def read_photo_pair(rest: Path | str, smile: Path | str, scale: Scale = Scale(), face: int | None = None,
                    mirror: bool = True) -> tuple[LandmarkSet, LandmarkSet]:
    """Rest and smile photos as LandmarkSets, each through the gates and the pair through the pair gate."""
    from facesim.photo.gates import check_pair

    found = read_photo(rest, face, mirror, "--rest"), read_photo(smile, face, mirror, "--smile")
    check_pair(*found)
    if scale.mm_per_px is not None or scale.ipd_mm is not None:
        return photo_set(found[0], scale), photo_set(found[1], scale)
    return shared_iris_scale(*found, scale)


def shared_iris_scale(rest: PhotoLandmarks, smile: PhotoLandmarks,
                      scale: Scale = Scale()) -> tuple[LandmarkSet, LandmarkSet]:
    """A photo pair scaled by one inter-pupillary distance: the mean of the two photos' iris estimates.

    The iris is a few pixels across, so each photo's own iris scale varies by 2-3 % between two photos of
    one face (7.6 vs 7.8 px on the 512 px astronaut); the distance between the iris centres in pixels is
    ten times steadier. Each photo is then scaled so its pupils are that far apart.
    """
    ipd = 0.5 * (photo_set(rest, scale).ipd_mm + photo_set(smile, scale).ipd_mm)
    iris = scale.iris_mm or DEFAULT_IRIS_MM
    how = f"inter-pupillary distance {ipd:.1f} mm (the mean of both photos' scales from a {iris:g} mm iris)"
    return tuple(dataclasses.replace(photo_set(f, Scale(ipd_mm=ipd)), scale_source=f"{how} over the pupils' "
                                     f"{f.ipd_px:.1f} px") for f in (rest, smile))


def photo_json(found: PhotoLandmarks) -> str:
    """The landmark JSON of ``found`` (float pixels; see the module notes), read back by read_landmarks."""
    ibug = np.asarray(found.ibug, float)
    points = {name: [round(float(v), 3) for v in ibug[idx[0]]] for name, (idx, _) in IBUG68.items()
              if len(idx) == 1}
    data = {
        "units": "px", "frame": "image", "photo": Path(found.source).name,
        "size_px": list(found.size), "mirror_averaged": found.mirrored,
        "pose_deg": dict(zip(("yaw", "pitch", "roll"), (round(a, 2) for a in found.pose_deg))),
        "points": points,
        "iris": {side: [*(round(float(v), 3) for v in found.iris_centre[side]), round(found.iris_radius[side], 3)]
                 for side in ("left", "right")},
        "ibug68": [[round(float(v), 3) for v in row] for row in ibug],
    }
    return _readable_json(data)


def _readable_json(data: dict) -> str:
    """JSON with one point a line (a dict's entries and a list of points each on their own line)."""
    def block(value, close: str) -> str:
        if isinstance(value, dict):
            rows = [f"  {json.dumps(k)}: {json.dumps(v)}" for k, v in value.items()]
        else:
            rows = [f"  {json.dumps(v)}" for v in value]
        return "\n" + ",\n".join(rows) + "\n " + close

    parts = []
    for key, value in data.items():
        nested = isinstance(value, dict) or (isinstance(value, list) and value and isinstance(value[0], list))
        text = (("{" + block(value, "}")) if isinstance(value, dict) else ("[" + block(value, "]"))) if nested \
            else json.dumps(value)
        parts.append(f" {json.dumps(key)}: {text}")
    return "{\n" + ",\n".join(parts) + "\n}\n"


def read_any(path: Path | str, scale: Scale = Scale(), face: int | None = None, mirror: bool = True,
             field: str = "landmarks") -> LandmarkSet:
    """A photo (by its suffix: facesim.photo.image.is_photo_path) or a landmark file, as a LandmarkSet."""
    from facesim.assessment.landmark_input import read_landmarks
    from facesim.photo.image import is_photo_path

    if is_photo_path(path):
        return photo_set(read_photo(path, face, mirror, field), scale)
    return read_landmarks(path, scale)


def read_rest_smile(rest: Path | str, smile: Path | str, scale: Scale = Scale(), face: int | None = None,
                    mirror: bool = True) -> tuple[LandmarkSet, LandmarkSet]:
    """The rest and smile inputs, photos or landmark files; two photos also pass the pair gate."""
    from facesim.photo.image import is_photo_path

    if is_photo_path(rest) and is_photo_path(smile):
        return read_photo_pair(rest, smile, scale, face, mirror)
    return read_any(rest, scale, face, mirror, "--rest"), read_any(smile, scale, face, mirror, "--smile")
