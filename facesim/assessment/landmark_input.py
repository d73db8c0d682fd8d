"""Landmarks measured on a patient's photographs (or scans), read into facesim's frame.

Formats
-------
Plain 68-point text (iBUG 300-W / dlib order)
    One point per line, ``x y`` or ``x,y`` (or ``x y z`` for 3D), 68 lines.
    Blank lines and lines starting with ``#`` are ignored, except two optional
    header comments: ``# units: px`` or ``# units: mm`` and ``# frame: image``
    or ``# frame: facesim``.
Emotrics text (the ``.txt`` file Emotrics saves beside a photo)
    Sections opened by a comment line ending in ``{`` and closed by ``# }``::

        # File name {
        photo.jpg
        # }
        # 68 facial Landmarks [x,y] {
        412,633            (68 lines, x,y in pixels)
        # }
        # Left iris [x,y,r] {
        530                (one number a line: centre x, centre y, radius; -1 = not found)
        401
        27
        # }
        # Right iris [x,y,r] {
        ...
        # }
        # Face bounding Box [top(x), left(y), width, height] {
        ...
        # }

    Read from Emotrics' own writer (``utilities.save_txt_file``): "Left iris"
    is the patient's left eye (the one around iBUG points 42-47). Unknown
    sections are skipped; an iris section may also be one ``x,y,r`` line.
JSON of named points
    ``{"units": "px" | "mm", "frame": "image" | "facesim",
    "points": {"cheilion_left": [x, y] or [x, y, z], ...},
    "iris": {"left": [x, y, r], "right": [x, y, r]}}`` (``units`` and ``frame``
    optional; ``points`` may also be the top-level object).

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
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from difflib import get_close_matches
from pathlib import Path

import numpy as np

from facesim.errors import InputError
from facesim.face.ibug68 import IBUG68, IBUG_MIRROR, N_IBUG, ibug_point
from facesim.metrics import METRIC_LANDMARKS

DEFAULT_IRIS_MM = 11.77  # Emotrics' default visible iris diameter (mm)
FRAMES = ("image", "facesim")
UNITS = ("px", "mm")

#: Names a JSON file may use (the iBUG-derived ones and the built-in face's others).
KNOWN_NAMES = tuple(sorted({*IBUG68, "zygion_left", "zygion_right"}))




@dataclass(frozen=True)
class RawLandmarks:
    """Landmarks as a file gives them, before scaling and the frame change.

    Attributes
    ----------
    points : dict name -> (d,) float array, file units, file frame (d = 2 or 3)
    units : "px", "mm" or None (not stated)
    frame : "image" or "facesim"
    iris_radius : dict side -> float, file units (only irises the file gives)
    ibug : (68, d) float array or None, the raw 68 points when the file had them
    source : str, for messages
    """

    points: dict[str, np.ndarray]
    units: str | None = None
    frame: str = "image"
    iris_radius: dict[str, float] = field(default_factory=dict)
    ibug: np.ndarray | None = None
    source: str = "landmarks"

    @property
    def dims(self) -> int:
        return len(next(iter(self.points.values())))


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
    """

    points: dict[str, np.ndarray]
    dims: int
    mm_per_unit: float = 1.0
    ibug: np.ndarray | None = None
    source: str = "landmarks"

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


# --- parsing ---------------------------------------------------------------


def _number(token: str, where: str) -> float:
    try:
        value = float(token)
    except ValueError:
        raise InputError(f"{where}: {token!r} is not a number; write each point as `x y` or `x,y`") from None
    if not math.isfinite(value):
        raise InputError(f"{where}: {token!r} is not a finite number; every coordinate must be finite")
    return value


def _json_number(value, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InputError(f"{where}: {value!r} is not a number")
    if not math.isfinite(value):
        raise InputError(f"{where}: {value!r} is not a finite number; every coordinate must be finite")
    return float(value)


def _split(line: str) -> list[str]:
    return [t for t in re.split(r"[,\s;]+", line.strip()) if t]


def _point_line(line: str, where: str) -> list[float]:
    tokens = _split(line)
    if len(tokens) not in (2, 3):
        raise InputError(f"{where}: {line.strip()!r} has {len(tokens)} values; write `x y` or `x,y` (or `x y z`)")
    return [_number(t, where) for t in tokens]


def _ibug_points(rows: list[list[float]], source: str) -> np.ndarray:
    if len(rows) != N_IBUG:
        raise InputError(
            f"{source}: found {len(rows)} points; a 68-point iBUG/dlib file has exactly 68 `x y` lines"
        )
    dims = {len(r) for r in rows}
    if len(dims) > 1:
        raise InputError(f"{source}: points mix 2 and 3 coordinates; use the same for every line")
    return np.array(rows, dtype=float)


def named_from_ibug(ibug: np.ndarray) -> dict[str, np.ndarray]:
    """facesim-named points from a (68, d) iBUG array (pupils = mean of each eye's 6 points)."""
    return {name: ibug_point(ibug, name) for name in IBUG68}


def _iris(values: list[float], where: str) -> float | None:
    if len(values) != 3:
        raise InputError(f"{where}: an iris is 3 numbers (x, y, radius), found {len(values)}")
    return values[2] if values[2] > 0 else None  # Emotrics writes -1 when it found no iris


def _read_emotrics(lines: list[str], source: str) -> RawLandmarks:
    sections: dict[str, list[tuple[int, str]]] = {}
    current = None
    for k, line in enumerate(lines, start=1):
        text = line.strip()
        if text.startswith("#"):
            body = text.lstrip("#").strip()
            if body.endswith("{"):
                current = body[:-1].strip().lower()
                sections[current] = []
            elif body.startswith("}"):
                current = None
            continue
        if current is not None and text:
            sections[current].append((k, text))
    shape = next((v for key, v in sections.items() if "landmark" in key), None)
    if shape is None:
        raise InputError(f"{source}: no '# 68 facial Landmarks [x,y] {{' section; is this an Emotrics file?")
    ibug = _ibug_points([_point_line(t, f"{source} line {k}") for k, t in shape], source)
    iris = {}
    for side in ("left", "right"):
        rows = next((v for key, v in sections.items() if f"{side} iris" in key), None)
        if rows:
            values = [_number(tok, f"{source} line {k}") for k, t in rows for tok in _split(t)]
            radius = _iris(values, f"{source} {side} iris")
            if radius is not None:
                iris[side] = radius
    return RawLandmarks(named_from_ibug(ibug), units="px", frame="image", iris_radius=iris, ibug=ibug,
                        source=source)


def _read_plain(lines: list[str], source: str) -> RawLandmarks:
    rows, units, frame = [], None, "image"
    for k, line in enumerate(lines, start=1):
        text = line.strip()
        if not text:
            continue
        if text.startswith("#"):
            m = re.match(r"#\s*(units|frame)\s*[:=]\s*(\S+)", text, re.IGNORECASE)
            if m:
                key, value = m.group(1).lower(), m.group(2).lower()
                choices = UNITS if key == "units" else FRAMES
                if value not in choices:
                    raise InputError(f"{source} line {k}: {key} {value!r}; use one of {', '.join(choices)}")
                if key == "units":
                    units = value
                else:
                    frame = value
            continue
        rows.append(_point_line(text, f"{source} line {k}"))
    ibug = _ibug_points(rows, source)
    return RawLandmarks(named_from_ibug(ibug), units=units, frame=frame, ibug=ibug, source=source)


def _read_json(text: str, source: str) -> RawLandmarks:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{source}: not valid JSON ({exc.msg} at line {exc.lineno})") from None
    if not isinstance(data, dict):
        raise InputError(f"{source}: expected a JSON object of named points")
    units = data.get("units")
    if units is not None and units not in UNITS:
        raise InputError(f"{source}: units {units!r}; use one of {', '.join(UNITS)}")
    frame = data.get("frame", "image")
    if frame not in FRAMES:
        raise InputError(f"{source}: frame {frame!r}; use one of {', '.join(FRAMES)}")
    table = data.get("points", {k: v for k, v in data.items() if k not in ("units", "frame", "iris")})
    if not isinstance(table, dict) or not table:
        raise InputError(f"{source}: no points; give \"points\": {{\"cheilion_left\": [x, y], ...}}")
    points = {}
    for name, value in table.items():
        if name not in KNOWN_NAMES:
            hint = get_close_matches(name, KNOWN_NAMES, n=1)
            fix = f"did you mean '{hint[0]}'?" if hint else f"use one of {', '.join(KNOWN_NAMES)}"
            raise InputError(f"{source}: unknown landmark '{name}'; {fix}")
        if not isinstance(value, list) or len(value) not in (2, 3):
            raise InputError(f"{source}: {name} = {value!r}; give [x, y] or [x, y, z]")
        points[name] = np.array([_json_number(v, f"{source}: {name}") for v in value])
    if len({len(p) for p in points.values()}) > 1:
        raise InputError(f"{source}: points mix 2 and 3 coordinates; use the same for every point")
    iris = {}
    for side, value in (data.get("iris") or {}).items():
        if side not in ("left", "right") or not isinstance(value, list):
            raise InputError(f"{source}: iris.{side}; give \"left\"/\"right\": [x, y, radius]")
        radius = _iris([_json_number(v, f"{source}: iris.{side}") for v in value], f"{source}: iris.{side}")
        if radius is not None:
            iris[side] = radius
    return RawLandmarks(points, units=units, frame=frame, iris_radius=iris, source=source)


def read_landmarks_raw(path: Path | str) -> RawLandmarks:
    """Read a landmark file (JSON, Emotrics text or plain 68-point text); see the module notes."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError(f"{path}: no such landmark file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read it as text ({exc})") from None
    source = str(path)
    if path.suffix.lower() == ".json" or text.lstrip().startswith("{"):
        return _read_json(text, source)
    lines = text.splitlines()
    if any(line.strip().startswith("#") and line.strip().endswith("{") for line in lines):
        return _read_emotrics(lines, source)
    return _read_plain(lines, source)


# --- scaling and the frame change -------------------------------------------


def _to_facesim(p: np.ndarray, frame: str) -> np.ndarray:
    """(..., d) in the file's frame -> (..., 3) facesim axes (no scale, no origin)."""
    out = np.zeros(p.shape[:-1] + (3,))
    out[..., : p.shape[-1]] = p
    if frame == "image":
        out[..., 1:] *= -1.0  # y down -> up, z away from the viewer -> toward
    return out


def mm_per_unit(raw: RawLandmarks, scale: Scale) -> float:
    """The factor that turns ``raw``'s units into mm, or InputError naming what is missing."""
    for name in ("pupil_left", "pupil_right"):
        if name not in raw.points:
            raise InputError(f"{raw.source}: missing {name}; the metrics are measured in the pupil frame")
    options = scale.mm_per_px or scale.ipd_mm or scale.iris_mm
    if raw.units == "mm":
        if options is not None:
            raise InputError(f"{raw.source} is in mm; drop the pixel scale option")
        return 1.0
    if scale.mm_per_px is not None:
        return scale.mm_per_px
    if scale.ipd_mm is not None:
        d = float(np.linalg.norm(raw.points["pupil_left"][:2] - raw.points["pupil_right"][:2]))
        if d <= 0:
            raise InputError(f"{raw.source}: the two pupils coincide; check the eye points")
        return scale.ipd_mm / d
    if raw.iris_radius:
        return (scale.iris_mm or DEFAULT_IRIS_MM) / (2.0 * float(np.mean(list(raw.iris_radius.values()))))
    if scale.iris_mm is not None:
        raise InputError(f"{raw.source}: --iris-mm needs iris circles in the file; use --ipd-mm or "
                         "--scale-mm-per-px instead")
    raise InputError(f"{raw.source}: points are in pixels and no scale was given; pass --scale-mm-per-px, "
                     "--ipd-mm, or a file with iris circles (Emotrics) for --iris-mm")


def to_landmark_set(raw: RawLandmarks, scale: Scale = Scale()) -> LandmarkSet:
    """Scale ``raw`` to mm, flip it into facesim's frame and centre it between the pupils."""
    k = mm_per_unit(raw, scale)
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
    return LandmarkSet(points, dims=raw.dims, mm_per_unit=k, ibug=ibug, source=raw.source)


def read_landmarks(path: Path | str, scale: Scale = Scale()) -> LandmarkSet:
    """Read a landmark file into mm in facesim's frame (see the module notes)."""
    return to_landmark_set(read_landmarks_raw(path), scale)


# --- writing (fixtures, round trips) ----------------------------------------


def ibug_text(points: np.ndarray, comma: bool = False, header: str = "") -> str:
    """Plain 68-point text for a (68, d) array (one point a line)."""
    sep = "," if comma else " "
    body = "\n".join(sep.join(f"{v:.4f}" for v in row) for row in np.asarray(points, float))
    return (header + "\n" if header else "") + body + "\n"


def emotrics_text(points: np.ndarray, iris_left=None, iris_right=None, photo: str = "photo.jpg") -> str:
    """An Emotrics-style text file for (68, 2) pixel points and optional (x, y, r) irises."""
    def block(title, rows):
        return [f"# {title} {{ ", *rows, "# } "]

    lines = block("File name", [photo])
    lines += block("68 facial Landmarks [x,y]", [f"{int(round(x))},{int(round(y))}" for x, y in points])
    for title, iris in (("Left iris [x,y,r]", iris_left), ("Right iris [x,y,r]", iris_right)):
        lines += block(title, [str(int(round(v))) for v in (iris if iris is not None else (-1, -1, -1))])
    lines += block("Face bounding Box [top(x), left(y), width, height]", ["0", "0", "0", "0"])
    return "\r\n".join(lines) + "\r\n"


def mirror_ibug(points: np.ndarray, midline_x: float = 0.0) -> np.ndarray:
    """The mirror image of a (68, d) iBUG array: x -> 2 * midline - x, left/right indices swapped."""
    out = np.array(points, dtype=float)[IBUG_MIRROR].copy()
    out[:, 0] = 2.0 * midline_x - out[:, 0]
    return out


def _mid(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return 0.5 * (a + b)


IBUG_SOURCE_NAMES = ("pupil_left", "pupil_right", "exocanthion_left", "exocanthion_right", "endocanthion_left",
                     "endocanthion_right", "nasion", "pronasale", "subnasale", "alare_left", "alare_right",
                     "cheilion_left", "cheilion_right", "upper_lip_left", "upper_lip_right", "labiale_superius",
                     "lower_lip_left", "lower_lip_right", "labiale_inferius", "stomion_upper", "stomion_lower",
                     "menton", "gonion_left", "gonion_right", "tragus_left", "tragus_right")


def ibug_from_named(named: dict[str, np.ndarray]) -> np.ndarray:
    """A (68, 3) iBUG array in facesim's frame from named points (``IBUG_SOURCE_NAMES``).

    Points with a facesim name take it; the rest are interpolated between them
    (jaw contour, brows, inner lips) so that the array is mirror-consistent,
    and each eye's 6 points average exactly to its pupil. For fixtures and
    round trips (model -> photo-like landmarks -> model).
    """
    p = {k: np.asarray(v, float) for k, v in named.items()}
    missing = [n for n in IBUG_SOURCE_NAMES if n not in p]
    if missing:
        raise InputError(f"ibug_from_named: missing {', '.join(missing)}")
    out = np.zeros((N_IBUG, 3))
    for side, (tragus, gonion, jaw) in (("right", (0, 4, range(1, 8))), ("left", (16, 12, range(15, 8, -1)))):
        t, g, m = p[f"tragus_{side}"], p[f"gonion_{side}"], p["menton"]
        out[tragus], out[gonion] = t, g
        for k, i in enumerate(jaw, start=1):
            out[i] = t + (g - t) * k / 4 if k < 4 else g + (m - g) * (k - 4) / 4 if k > 4 else g
    out[8] = p["menton"]
    up = np.array([0.0, 12.0, 0.0])
    for side, idx, sign in (("right", range(17, 22), 1.0), ("left", range(26, 21, -1), -1.0)):
        exo, endo = p[f"exocanthion_{side}"], p[f"endocanthion_{side}"]
        for k, i in enumerate(idx):
            out[i] = exo + (endo - exo) * k / 4 + up
    out[27], out[30], out[33] = p["nasion"], p["pronasale"], p["subnasale"]
    bridge = p["pronasale"] - p["nasion"]
    out[28], out[29] = p["nasion"] + bridge / 3, p["nasion"] + 2 * bridge / 3
    out[31], out[35] = p["alare_right"], p["alare_left"]
    out[32], out[34] = _mid(out[31], out[33]), _mid(out[35], out[33])
    lid = np.array([0.0, 4.0, 0.0])
    for side, (outer, a, b, inner, c, d) in (("right", (36, 37, 38, 39, 40, 41)), ("left", (45, 44, 43, 42, 47, 46))):
        exo, endo, pupil = p[f"exocanthion_{side}"], p[f"endocanthion_{side}"], p[f"pupil_{side}"]
        out[outer], out[inner] = exo, endo
        out[a], out[b] = exo + (endo - exo) / 3 + lid, exo + 2 * (endo - exo) / 3 + lid
        out[d], out[c] = exo + (endo - exo) / 3 - lid, exo + 2 * (endo - exo) / 3 - lid
        four = [a, b, c, d]
        out[four] += (6 * pupil - out[[outer, inner, *four]].sum(axis=0)) / 4
    out[48], out[54] = p["cheilion_right"], p["cheilion_left"]
    out[50], out[52], out[51] = p["upper_lip_right"], p["upper_lip_left"], p["labiale_superius"]
    out[49], out[53] = _mid(out[48], out[50]), _mid(out[52], out[54])
    out[56], out[58], out[57] = p["lower_lip_left"], p["lower_lip_right"], p["labiale_inferius"]
    out[55], out[59] = _mid(out[54], out[56]), _mid(out[58], out[48])
    out[62], out[66] = p["stomion_upper"], p["stomion_lower"]
    inward = np.array([2.0, 0.0, 0.0])
    out[60], out[64] = out[48] + inward, out[54] - inward
    out[61], out[63] = _mid(out[60], out[62]), _mid(out[62], out[64])
    out[65], out[67] = _mid(out[64], out[66]), _mid(out[66], out[60])
    return out


def facesim_to_image(points: np.ndarray, mm_per_px: float, origin_px=(500.0, 400.0)) -> np.ndarray:
    """Pixels (..., 2) of facesim-frame points (..., 3) mm in an image (x to the viewer's right, y down)."""
    pts = np.asarray(points, float)
    return np.stack([origin_px[0] + pts[..., 0] / mm_per_px, origin_px[1] - pts[..., 1] / mm_per_px], axis=-1)


def raw_from_ibug(ibug: np.ndarray, units: str | None = "px", frame: str = "image",
                  source: str = "landmarks") -> RawLandmarks:
    """RawLandmarks from a (68, d) iBUG array already in memory."""
    ibug = np.asarray(ibug, float)
    if ibug.shape[0] != N_IBUG or not np.all(np.isfinite(ibug)):
        raise InputError(f"{source}: need 68 finite points, got shape {ibug.shape}")
    return RawLandmarks(named_from_ibug(ibug), units=units, frame=frame, ibug=ibug, source=source)
