"""Landmark CSV files (``.csv``), read as the file gives them (RawLandmarks).

Layouts
-------
No header
    68 rows ``x,y`` (or ``x,y,z``) in iBUG 300-W / dlib order.
A header of long columns (one landmark a row)
    ``x``, ``y`` and optionally ``z``, with either nothing else (68 rows in iBUG
    order), an ``index`` column (iBUG index 0-67, each once, any order) or a
    ``name`` column (facesim names, e.g. ``cheilion_left``, as in the JSON format).
A wide header (one photo a row)
    ``x_0 ... x_67`` and ``y_0 ... y_67`` (OpenFace's 2D landmark columns, image
    pixels); other columns are ignored; exactly one data row.

Lines starting with ``#`` are comments, except ``# units: px|mm`` and ``# frame:
image|facesim`` (as in the plain text format). Without them the points are
image pixels.
"""

from __future__ import annotations

import csv
from difflib import get_close_matches

import numpy as np

from facesim.assessment.landmark_formats import (KNOWN_NAMES, RawLandmarks, data_lines, ibug_points,
                                                 named_from_ibug, number)
from facesim.errors import InputError
from facesim.face.ibug68 import N_IBUG

LONG_COLUMNS = ("name", "index", "x", "y", "z")


def _rows(text: str, source: str) -> tuple[list[tuple[int, list[str]]], dict]:
    """(line number, cells) of the data lines, and the units/frame comments found."""
    found: dict = {}
    rows = [(k, [c.strip() for c in next(csv.reader([line]))]) for k, line in
            data_lines(text.splitlines(), source, found)]
    if not rows:
        raise InputError(f"{source}: no landmark rows; write 68 rows x,y (with or without a header x,y)")
    return rows, found


def _is_header(cells: list[str]) -> bool:
    try:
        [float(c) for c in cells]
    except ValueError:
        return True
    return False


def _coordinates(cells: list[str], where: str) -> list[float]:
    if len(cells) not in (2, 3):
        raise InputError(f"{where}: {len(cells)} values; a landmark row is x,y or x,y,z")
    return [number(c, where) for c in cells]


def _long(header: list[str], rows, source: str):
    """(named points or None, iBUG array or None) from long columns."""
    unknown = [c for c in header if c not in LONG_COLUMNS]
    if unknown:
        raise InputError(f"{source}: unknown column {unknown[0]!r}; use {', '.join(LONG_COLUMNS)} "
                         "(or the wide x_0 ... x_67, y_0 ... y_67)")
    if "x" not in header or "y" not in header or ("name" in header and "index" in header):
        raise InputError(f"{source}: the header needs x and y columns (and at most one of name, index)")
    axes = [header.index(a) for a in ("x", "y", "z") if a in header]
    points, indices = [], []
    for k, cells in rows:
        where = f"{source} line {k}"
        if len(cells) != len(header):
            raise InputError(f"{where}: {len(cells)} values for {len(header)} columns ({','.join(header)})")
        points.append(_coordinates([cells[i] for i in axes], where))
        if "name" in header:
            indices.append(_known_name(cells[header.index("name")], where))
        elif "index" in header:
            indices.append(_ibug_index(cells[header.index("index")], where))
    if "name" in header:
        if len(set(indices)) != len(indices):
            raise InputError(f"{source}: a landmark name appears twice; give each point once")
        return dict(zip(indices, (np.array(p) for p in points))), None
    if "index" in header:
        if sorted(indices) != list(range(N_IBUG)):
            missing = sorted(set(range(N_IBUG)) - set(indices))
            raise InputError(f"{source}: the index column must hold 0-67 once each"
                             + (f" (missing {missing[0]})" if missing else " (one appears twice)"))
        points = [points[indices.index(i)] for i in range(N_IBUG)]
    return None, ibug_points(points, source)


def _known_name(name: str, where: str) -> str:
    if name not in KNOWN_NAMES:
        hint = get_close_matches(name, KNOWN_NAMES, n=1)
        fix = f"did you mean '{hint[0]}'?" if hint else f"use one of {', '.join(KNOWN_NAMES)}"
        raise InputError(f"{where}: unknown landmark '{name}'; {fix}")
    return name


def _ibug_index(text: str, where: str) -> int:
    value = number(text, where)
    if value != int(value) or not 0 <= value < N_IBUG:
        raise InputError(f"{where}: index {text!r}; an iBUG index is a whole number 0-67")
    return int(value)


def _wide(header: list[str], rows, source: str) -> np.ndarray:
    """The (68, 2) iBUG array of a one-row wide file (x_0 ... x_67, y_0 ... y_67)."""
    need = [f"{a}_{i}" for a in ("x", "y") for i in range(N_IBUG)]
    missing = [c for c in need if c not in header]
    if missing:
        raise InputError(f"{source}: wide columns need x_0 ... x_67 and y_0 ... y_67; {missing[0]} is missing")
    if len(rows) != 1:
        raise InputError(f"{source}: {len(rows)} data rows; a wide landmark file holds one photo (one row)")
    k, cells = rows[0]
    if len(cells) != len(header):
        raise InputError(f"{source} line {k}: {len(cells)} values for {len(header)} columns")
    where = f"{source} line {k}"
    xy = [[number(cells[header.index(f"{a}_{i}")], where) for a in ("x", "y")] for i in range(N_IBUG)]
    return np.array(xy)


def read_csv(text: str, source: str) -> RawLandmarks:
    """Read a landmark CSV (see the module notes)."""
    rows, found = _rows(text, source)
    units, frame = found.get("units"), found.get("frame", "image")
    if not _is_header(rows[0][1]):
        ibug = ibug_points([_coordinates(cells, f"{source} line {k}") for k, cells in rows], source)
        return RawLandmarks(named_from_ibug(ibug), units=units, frame=frame, ibug=ibug, source=source)
    header = [c.lower() for c in rows[0][1]]
    if len(set(header)) != len(header):
        raise InputError(f"{source}: a column name appears twice in the header; name each column once")
    body = rows[1:]
    if not body:
        raise InputError(f"{source}: a header and no landmark rows; add the rows below the header")
    if "x_0" in header:
        ibug = _wide(header, body, source)
        return RawLandmarks(named_from_ibug(ibug), units=units, frame=frame, ibug=ibug, source=source)
    named, ibug = _long(header, body, source)
    if ibug is not None:
        return RawLandmarks(named_from_ibug(ibug), units=units, frame=frame, ibug=ibug, source=source)
    return RawLandmarks(named, units=units, frame=frame, source=source)
