"""Reading a scan's mesh file (OBJ/PLY/STL/GLB/OFF) as vertex and triangle arrays, in the file's order."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from facesim.errors import InputError

MESH_SUFFIXES = (".obj", ".ply", ".stl", ".glb", ".gltf", ".off")


def read_obj(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """Vertices and triangles of an OBJ, in the file's ``v`` order (polygons fan-triangulated)."""
    verts, tris = [], []
    with open(path, encoding="utf-8", errors="replace") as fh:
        for line in fh:
            if line.startswith("v "):
                parts = line.split()
                verts.append(parts[1:4])
            elif line.startswith("f "):
                ids = [int(tok.split("/")[0]) for tok in line.split()[1:]]
                ids = [i - 1 if i > 0 else len(verts) + i for i in ids]
                tris.extend((ids[0], ids[k], ids[k + 1]) for k in range(1, len(ids) - 1))
    try:
        vertices = np.array(verts, dtype=float).reshape(-1, 3)
    except ValueError:
        raise InputError(f"{path}: a 'v' line does not hold three numbers") from None
    return vertices, np.array(tris, dtype=np.int64).reshape(-1, 3)


def read_mesh(path: Path | str) -> tuple[np.ndarray, np.ndarray]:
    """Read a mesh file (OBJ/PLY/STL/GLB/OFF) keeping the vertex order.

    Returns
    -------
    vertices : (n, 3) float array, file units
    faces : (m, 3) int array
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: file not found")
    suffix = path.suffix.lower()
    if suffix not in MESH_SUFFIXES:
        raise InputError(f"{path}: unknown mesh format '{suffix}'; use one of {', '.join(MESH_SUFFIXES)}")
    if suffix == ".obj":
        vertices, faces = read_obj(path)
    else:
        vertices, faces = _read_with_trimesh(path)
    if len(vertices) == 0:
        raise InputError(f"{path}: no vertices; is this a mesh file?")
    if len(faces) == 0:
        raise InputError(f"{path}: {len(vertices)} vertices but no faces (a point cloud?); "
                         "mesh the scan into a triangle surface first")
    if not np.all(np.isfinite(vertices)):
        bad = int(np.sum(~np.isfinite(vertices).all(axis=1)))
        raise InputError(f"{path}: {bad} vertices have NaN or infinite coordinates; fix or remove them")
    if faces.min() < 0 or faces.max() >= len(vertices):
        raise InputError(f"{path}: a face refers to a vertex past the {len(vertices)} vertices")
    return vertices, faces


def _read_with_trimesh(path: Path) -> tuple[np.ndarray, np.ndarray]:
    import trimesh

    try:
        loaded = trimesh.load(path, process=False)
    except Exception as exc:  # trimesh raises many kinds on a bad file
        raise InputError(f"{path}: cannot read the mesh ({type(exc).__name__}: {exc})") from None
    parts = list(loaded.geometry.values()) if isinstance(loaded, trimesh.Scene) else [loaded]
    meshes = [g for g in parts if isinstance(g, trimesh.Trimesh) and len(g.faces)]
    if not meshes:
        points = sum(len(getattr(g, "vertices", ())) for g in parts)
        return np.zeros((points, 3)) if points else np.zeros((0, 3)), np.zeros((0, 3), dtype=np.int64)
    if len(meshes) > 1:  # a scene (GLB): its parts in the file's order, scene transforms not applied
        offsets = np.cumsum([0] + [len(m.vertices) for m in meshes[:-1]])
        return (np.vstack([m.vertices for m in meshes]).astype(float),
                np.vstack([m.faces + o for m, o in zip(meshes, offsets)]).astype(np.int64))
    return np.asarray(meshes[0].vertices, dtype=float), np.asarray(meshes[0].faces, dtype=np.int64)
