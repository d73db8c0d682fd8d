"""Face files: a mesh (PLY/OBJ/...) plus a JSON beside it with landmarks, regions and the bone-tie map."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import trimesh

from facesim.datafiles.load import read_json
from facesim.errors import InputError
from facesim.face.mesh import Face
from facesim.outputs import write_atomically

CONVENTIONS = {
    "units": "mm",
    "axes": "+x patient's left, +y up (superior), +z out of the face (anterior)",
}


def landmarks_path(mesh_path: Path | str) -> Path:
    """``face.ply`` -> ``face.landmarks.json``."""
    mesh_path = Path(mesh_path)
    return mesh_path.with_name(mesh_path.stem + ".landmarks.json")


def save_face(face: Face, mesh_path: Path | str, note: str = "") -> tuple[Path, Path]:
    """Write the mesh (format from the suffix, e.g. .ply) and its landmarks JSON.

    Each file is written whole or not at all. Returns both paths.
    """
    mesh_path = Path(mesh_path)
    mesh = trimesh.Trimesh(face.vertices, face.faces, process=False)
    write_atomically(mesh_path, lambda tmp: mesh.export(tmp, file_type=mesh_path.suffix.lstrip(".")))
    document = {
        **CONVENTIONS,
        "mesh": mesh_path.name,
        "n_vertices": face.n_vertices,
        "note": note,
        "landmarks": {
            name: {"index": int(i), "position_mm": [round(float(c), 6) for c in face.vertices[i]]}
            for name, i in sorted(face.landmarks.items())
        },
        "regions": {name: np.flatnonzero(mask).tolist() for name, mask in sorted(face.regions.items())},
    }
    if face.anchoring is not None:
        document["anchoring"] = [round(float(t), 4) for t in face.anchoring]
    lm_path = landmarks_path(mesh_path)
    write_atomically(lm_path, lambda tmp: tmp.write_text(json.dumps(document, separators=(",", ":")) + "\n"))
    return mesh_path, lm_path


def load_face(mesh_path: Path | str) -> Face:
    """Read a mesh and the JSON beside it (vertex order kept; regions and anchoring when present)."""
    mesh_path = Path(mesh_path)
    lm_path = landmarks_path(mesh_path)
    for p in (mesh_path, lm_path):
        if not p.is_file():
            raise InputError(f"{p}: file not found; give a mesh with its .landmarks.json beside it")
    try:
        mesh = trimesh.load(mesh_path, process=False, force="mesh")
        n = len(mesh.vertices)
        if n < 3 or len(mesh.faces) < 1:
            raise ValueError("no triangles")
    except Exception as exc:  # trimesh raises many kinds for a broken file
        raise InputError(f"{mesh_path}: not a readable mesh ({str(exc)[:60]}); re-export or re-import it") from None
    document = read_json(lm_path)
    try:
        landmarks = {name: int(entry["index"]) for name, entry in dict(document.get("landmarks", {})).items()}
    except (AttributeError, KeyError, TypeError, ValueError):
        raise InputError(f"{lm_path}: each landmark needs an integer \"index\"; re-import the face with "
                         "`facesim mesh import`") from None
    bad = [name for name, i in landmarks.items() if not 0 <= i < n]
    if bad:
        raise InputError(f"{lm_path}: landmark {bad[0]} indexes past the {n} vertices of {mesh_path.name}")
    regions = {}
    for name, ids in document.get("regions", {}).items():
        mask = np.zeros(n, dtype=bool)
        try:
            mask[np.asarray(ids, dtype=np.int64)] = True
        except (IndexError, TypeError, ValueError):
            raise InputError(f"{lm_path}: region {name} holds indices that are not vertices of {mesh_path.name}; "
                             "re-import the face") from None
        regions[name] = mask
    tie = document.get("anchoring")
    if tie is not None:
        tie = np.asarray(tie, dtype=float)
        if tie.shape != (n,):
            raise InputError(f"{lm_path}: anchoring has {tie.size} values for {n} vertices; re-import the face")
    return Face(np.asarray(mesh.vertices, float), np.asarray(mesh.faces, np.int64), landmarks, regions, tie,
                name=mesh_path.stem)
