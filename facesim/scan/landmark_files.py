"""Reading a scan's landmark file (JSON) as vertex ids or positions, before the mesh is cleaned.

Formats
-------
* facesim's own ``.landmarks.json`` (``{"landmarks": {name: {"index": i, ...}}}``);
* named points: ``{"landmarks": {name: i or [x, y, z]}}`` or the same mapping at the
  top level; positions are in the mesh file's units and frame and must lie on the
  surface;
* the 68-point iBUG (Multi-PIE) order by vertex id: ``{"ibug68": [68 ids]}``, a bare
  list of 68 ids, or ICT-FaceKit's ``vertex_indices.json`` (``idx_to_landmark_verts``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from facesim.datafiles import read_json
from facesim.errors import InputError
from facesim.face.ibug68 import N_IBUG


@dataclass
class LandmarkInput:
    """Landmarks as a file gives them (before the mesh is cleaned).

    indices : name -> vertex id; points : name -> (3,) position in file units;
    ibug : (68,) vertex ids or None
    """

    indices: dict[str, int] = field(default_factory=dict)
    points: dict[str, np.ndarray] = field(default_factory=dict)
    ibug: np.ndarray | None = None
    source: str = ""


def _ibug_list(values, where: str) -> np.ndarray:
    ids = np.asarray(values)
    if ids.shape != (N_IBUG,) or not np.issubdtype(ids.dtype, np.integer):
        raise InputError(f"{where}: the iBUG list must be 68 integer vertex ids (got {ids.shape[0] if ids.ndim else 0})")
    return ids.astype(np.int64)


def read_landmark_file(path: Path | str) -> LandmarkInput:
    """Read landmarks (see the module docstring for the formats)."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: landmark file not found")
    if path.suffix.lower() == ".pts":
        raise InputError(f"{path}: an iBUG .pts file holds 2D image points (for facesim assess); a mesh needs "
                         "vertex ids or 3D points: give a JSON {\"ibug68\": [68 vertex ids]} or {\"landmarks\": "
                         "{name: index or [x, y, z]}}")
    doc = read_json(path)
    out = LandmarkInput(source=str(path))
    if isinstance(doc, list):
        out.ibug = _ibug_list(doc, str(path))
        return out
    if not isinstance(doc, dict):
        raise InputError(f"{path}: expected a JSON object of landmarks or a list of 68 vertex ids")
    for key in ("ibug68", "ibug", "idx_to_landmark_verts"):
        if key in doc:
            out.ibug = _ibug_list(doc[key], f"{path}: {key}")
            return out
    table = doc.get("landmarks", doc)
    if not isinstance(table, dict) or not table:
        raise InputError(f"{path}: no landmarks; give {{\"landmarks\": {{name: index or [x, y, z]}}}}")
    skip = {"units", "axes", "mesh", "n_vertices", "note", "regions", "anchoring"} if table is doc else set()
    for name, entry in table.items():
        if name in skip:
            continue
        where = f"{path}: landmark {name}"
        if isinstance(entry, dict):
            entry = entry.get("index", entry.get("position", entry.get("position_mm")))
        if isinstance(entry, bool) or entry is None:
            raise InputError(f"{where}: give a vertex index or [x, y, z]")
        if isinstance(entry, int):
            out.indices[name] = entry
        elif isinstance(entry, list) and len(entry) == 3 and all(isinstance(c, (int, float)) for c in entry):
            p = np.array(entry, dtype=float)
            if not np.all(np.isfinite(p)):
                raise InputError(f"{where}: position has NaN or infinite values")
            out.points[name] = p
        else:
            raise InputError(f"{where}: give a vertex index or [x, y, z], not {entry!r}")
    return out
