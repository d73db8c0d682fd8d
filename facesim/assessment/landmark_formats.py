"""Landmark files as they come from photo tools, read as the file gives them (RawLandmarks).

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
    optional; ``points`` may also be the top-level object). An optional ``"ibug68": [[x, y], ...]``
    (68 points, iBUG order; ``facesim landmarks`` writes it) gives the MEEI measures their contours;
    a named point then overrides its iBUG point, so a hand-corrected ``cheilion_left`` moves iBUG 54.
CSV (``.csv``): facesim.assessment.landmark_csv
    68 rows ``x,y`` (or ``x,y,z``) with or without a header row; a header may name
    ``name`` (facesim names), ``index`` (iBUG 0-67) and ``x``, ``y``, ``z`` columns, or be
    one wide row ``x_0 ... x_67, y_0 ... y_67`` (OpenFace's layout).
iBUG ``.pts``
    ``version: 1``, ``n_points: 68``, the 68 rows between ``{`` and ``}`` (image pixels).

Iris circles (Emotrics, JSON ``iris``) keep their centre as well as their radius: the
centre is then the pupil (facesim.assessment.landmark_input).

Scaling to mm and the change to facesim's frame: facesim.assessment.landmark_input.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from difflib import get_close_matches
from pathlib import Path

import numpy as np

from facesim.datafiles.load import read_input_text
from facesim.errors import InputError
from facesim.face.ibug68 import IBUG68, N_IBUG, ibug_point, pts_rows

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
    iris_centre : dict side -> (d,) float array, file units and frame (only irises the file gives)
    ibug : (68, d) float array or None, the raw 68 points when the file had them
    source : str, for messages
    """

    points: dict[str, np.ndarray]
    units: str | None = None
    frame: str = "image"
    iris_radius: dict[str, float] = field(default_factory=dict)
    iris_centre: dict[str, np.ndarray] = field(default_factory=dict)
    ibug: np.ndarray | None = None
    source: str = "landmarks"

    @property
    def dims(self) -> int:
        return len(next(iter(self.points.values())))


def number(token: str, where: str) -> float:
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
    return [number(t, where) for t in tokens]


def ibug_points(rows: list[list[float]], source: str) -> np.ndarray:
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


def _iris(values: list[float], where: str) -> tuple[np.ndarray, float] | None:
    """(centre (2,), radius) of an iris circle ``x, y, r``, or None when the tool found none (r <= 0)."""
    if len(values) != 3:
        raise InputError(f"{where}: an iris is 3 numbers (x, y, radius), found {len(values)}")
    return (np.array(values[:2], float), values[2]) if values[2] > 0 else None  # Emotrics writes -1: none


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
    ibug = ibug_points([_point_line(t, f"{source} line {k}") for k, t in shape], source)
    iris = {}
    for side in ("left", "right"):
        rows = next((v for key, v in sections.items() if f"{side} iris" in key), None)
        if rows:
            values = [number(tok, f"{source} line {k}") for k, t in rows for tok in _split(t)]
            circle = _iris(values, f"{source} {side} iris")
            if circle is not None:
                iris[side] = circle
    return RawLandmarks(named_from_ibug(ibug), units="px", frame="image", ibug=ibug, source=source,
                        **_iris_fields(iris, ibug.shape[1]))


def _iris_fields(iris: dict[str, tuple[np.ndarray, float]], dims: int) -> dict:
    """RawLandmarks' iris_radius and iris_centre from (centre, radius) circles (a 3D file's centre gets z 0)."""
    centre = {k: np.concatenate([c, np.zeros(dims - 2)]) for k, (c, _) in iris.items()}
    return {"iris_radius": {k: r for k, (_, r) in iris.items()}, "iris_centre": centre}


def header_comment(text: str, where: str, found: dict) -> None:
    """Read a ``# units: px|mm`` or ``# frame: image|facesim`` comment line into ``found`` (others are ignored)."""
    m = re.match(r"#\s*(units|frame)\s*[:=]\s*(\S+)", text, re.IGNORECASE)
    if m:
        key, value = m.group(1).lower(), m.group(2).lower()
        choices = UNITS if key == "units" else FRAMES
        if value not in choices:
            raise InputError(f"{where}: {key} {value!r}; use one of {', '.join(choices)}")
        found[key] = value


def data_lines(lines: list[str], source: str, found: dict):
    """Yield (line number, line) of the lines that are neither blank nor ``#`` comments, reading the
    ``# units`` / ``# frame`` comments into ``found`` on the way."""
    for k, line in enumerate(lines, start=1):
        text = line.strip()
        if text.startswith("#"):
            header_comment(text, f"{source} line {k}", found)
        elif text:
            yield k, line


def _read_plain(lines: list[str], source: str) -> RawLandmarks:
    found: dict = {}
    rows = [_point_line(text, f"{source} line {k}") for k, text in data_lines(lines, source, found)]
    ibug = ibug_points(rows, source)
    return RawLandmarks(named_from_ibug(ibug), units=found.get("units"), frame=found.get("frame", "image"),
                        ibug=ibug, source=source)


def _read_json(text: str, source: str) -> RawLandmarks:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{source}: not valid JSON ({exc.msg} at line {exc.lineno})") from None
    except (RecursionError, ValueError) as exc:  # nesting; an integer of thousands of digits
        raise InputError(f"{source}: not a landmark file ({str(exc)[:60]}); fix the file") from None
    if not isinstance(data, dict):
        raise InputError(f"{source}: expected a JSON object of named points")
    units = data.get("units")
    if units is not None and units not in UNITS:
        raise InputError(f"{source}: units {units!r}; use one of {', '.join(UNITS)}")
    frame = data.get("frame", "image")
    if frame not in FRAMES:
        raise InputError(f"{source}: frame {frame!r}; use one of {', '.join(FRAMES)}")
    table = data.get("points", {k: v for k, v in data.items() if k not in ("units", "frame", "iris", "ibug68")})
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
        circle = _iris([_json_number(v, f"{source}: iris.{side}") for v in value], f"{source}: iris.{side}")
        if circle is not None:
            iris[side] = circle
    dims = len(next(iter(points.values())))
    ibug = _json_ibug(data.get("ibug68"), points, dims, source)
    if ibug is not None:
        points = {**named_from_ibug(ibug), **{n: p for n, p in points.items() if not _single(n)}}
    return RawLandmarks(points, units=units, frame=frame, ibug=ibug, source=source, **_iris_fields(iris, dims))


def _json_ibug(rows, points: dict[str, np.ndarray], dims: int, source: str) -> np.ndarray | None:
    """The JSON's ``ibug68`` list as a (68, dims) array with the named single-index points written over it."""
    if rows is None:
        return None
    if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
        raise InputError(f"{source}: ibug68 must be a list of 68 [x, y] points")
    ibug = ibug_points([[_json_number(v, f"{source}: ibug68[{k}]") for v in r] for k, r in enumerate(rows)],
                       f"{source}: ibug68")
    if ibug.shape[1] != dims:
        raise InputError(f"{source}: ibug68 has {ibug.shape[1]} coordinates a point, points have {dims}; use the same")
    for name, p in points.items():
        if _single(name):
            ibug[IBUG68[name][0][0]] = p
    return ibug


def _single(name: str) -> bool:
    """True when the facesim landmark ``name`` is one iBUG point (cheilion_left is 54; a pupil is a mean)."""
    return name in IBUG68 and len(IBUG68[name][0]) == 1


def read_landmarks_raw(path: Path | str) -> RawLandmarks:
    """Read a landmark file (JSON, Emotrics text or plain 68-point text); see the module notes."""
    path = Path(path)
    text = read_input_text(path, "landmark file")
    source = str(path)
    if path.suffix.lower() == ".csv":
        from facesim.assessment.landmark_csv import read_csv

        return read_csv(text, source)
    rows = pts_rows(text)
    if rows is not None:  # iBUG .pts: image pixels, 68 rows between braces
        return _read_plain(rows, source)
    if path.suffix.lower() == ".json" or text.lstrip().startswith("{"):
        return _read_json(text, source)
    lines = text.splitlines()
    if any(line.strip().startswith("#") and line.strip().endswith("{") for line in lines):
        return _read_emotrics(lines, source)
    return _read_plain(lines, source)


def raw_from_ibug(ibug: np.ndarray, units: str | None = "px", frame: str = "image",
                  source: str = "landmarks") -> RawLandmarks:
    """RawLandmarks from a (68, d) iBUG array already in memory."""
    ibug = np.asarray(ibug, float)
    if ibug.shape[0] != N_IBUG or not np.all(np.isfinite(ibug)):
        raise InputError(f"{source}: need 68 finite points, got shape {ibug.shape}")
    return RawLandmarks(named_from_ibug(ibug), units=units, frame=frame, ibug=ibug, source=source)
