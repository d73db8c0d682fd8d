"""Import a patient's own face scan: read, check, repair, orient, landmark, prepare.

``import_face(mesh, landmarks)`` returns a Face ready for FaceModel (mm,
facesim's axes, a mouth opening, regions and a bone-tie map) and an
ImportReport of what was found, repaired and assumed. Nothing here prints.

Landmark files (JSON)
---------------------
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
from scipy.spatial import cKDTree

from facesim.anatomy.muscles import Anatomy, place_muscles
from facesim.datafiles import read_json
from facesim.errors import FacesimError, InputError
from facesim.face.mesh import Face
from facesim.face.ibug68 import IBUG68, N_IBUG, ibug_point
from facesim.face.frame import UNITS_MM, Pose, detect_units, fit_pose
from facesim.face.regions import face_regions
from facesim.geometry.repair import (
    MeshCheck,
    boundary_loops,
    check_mesh,
    compact,
    merge_coincident_vertices,
    orient_consistently,
    remove_bad_faces,
    vertex_components,
)
from facesim.face.mouth_slit import above_below, cut_opening, find_opening, lip_path

MESH_SUFFIXES = (".obj", ".ply", ".stl", ".glb", ".gltf", ".off")
SNAP_TOLERANCE = 0.06  # a landmark point farther than this x IPD from every vertex is off the surface
#: Rough cost of a model per vertex (22 muscle fields x 3 x 8 B, factor fill, working arrays),
#: and its build time (measured: 11k vertices in 2 s on one core; the factorization grows faster than n).
BYTES_PER_VERTEX = 2400
SECONDS_PER_VERTEX = 1.5e-4
LARGE_MESH = 60000  # above this many vertices, decimation is suggested
REQUIRED = ("pupil_left", "pupil_right", "cheilion_left", "cheilion_right")


# --- reading -----------------------------------------------------------------


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


# --- iBUG 68 -> facesim names ------------------------------------------------------

def ibug_landmarks(vertices: np.ndarray, used: np.ndarray, ids: np.ndarray) -> tuple[dict[str, int], list[str]]:
    """facesim landmarks from 68 iBUG vertex ids; returns (name -> vertex, derived names)."""
    tree = cKDTree(vertices[used])
    landmarks, derived = {}, []
    for name, (idx, _) in IBUG68.items():
        if len(idx) == 1:  # an iBUG point is a vertex: taken as-is
            landmarks[name] = int(ids[idx[0]])
        else:  # a point between iBUG points, snapped to the nearest used vertex
            landmarks[name] = int(used[tree.query(ibug_point(vertices[ids], name))[1]])
            derived.append(name)
    landmarks["stomion"] = landmarks["stomion_upper"]  # the slit is cut along the upper lip's edge vertex
    return landmarks, sorted(derived)


# --- the pipeline ------------------------------------------------------------------


@dataclass
class ImportReport:
    """What an import found, repaired and assumed (all in words or numbers, nothing printed)."""

    source: str
    check: MeshCheck
    units: str = "mm"
    mm_per_unit: float = 1.0
    ipd_mm: float = float("nan")
    pose_rms_mm: float = float("nan")
    rotation_deg: float = 0.0
    repairs: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    mouth: str = ""
    derived: list[str] = field(default_factory=list)
    landmarks: list[str] = field(default_factory=list)
    muscles_placed: list[str] = field(default_factory=list)
    muscles_missing: dict[str, str] = field(default_factory=dict)
    n_vertices: int = 0
    n_faces: int = 0
    estimate_mb: float = 0.0
    estimate_s: float = 0.0

    def lines(self) -> list[str]:
        c = self.check
        out = [
            f"mesh: {self.source}: {c.n_vertices} vertices, {c.n_faces} triangles, {c.components} part(s), "
            f"{len(c.boundary_loops)} border loop(s)",
            f"units: {self.units} (x{self.mm_per_unit:g} to mm; inter-pupillary distance {self.ipd_mm:.1f} mm)",
            f"orientation: rotated {self.rotation_deg:.1f} deg onto facesim's axes; landmark fit residual "
            f"{self.pose_rms_mm:.1f} mm",
        ]
        out += [f"problem: {p}" for p in c.problems()]
        out += [f"repaired: {r}" for r in self.repairs]
        out.append(f"mouth: {self.mouth}")
        out.append(f"landmarks: {len(self.landmarks)} ({', '.join(self.landmarks)})")
        if self.derived:
            out.append(f"derived landmarks: {', '.join(self.derived)}")
        out.append(f"muscles placed: {len(self.muscles_placed)}")
        out += [f"muscle not placed: {m}: {why}" for m, why in self.muscles_missing.items()]
        out.append(f"face: {self.n_vertices} vertices, {self.n_faces} triangles; model needs about "
                   f"{self.estimate_mb:.0f} MB and {self.estimate_s:.1f} s to build")
        out += [f"warning: {w}" for w in self.warnings]
        return out


@dataclass(frozen=True)
class ImportResult:
    face: Face
    report: ImportReport
    pose: Pose


def model_cost(n_vertices: int) -> tuple[float, float]:
    """Rough memory (MB) and time (s) to build a FaceModel on ``n_vertices`` vertices."""
    return n_vertices * BYTES_PER_VERTEX / 1e6, SECONDS_PER_VERTEX * n_vertices * (n_vertices / 1e4) ** 0.3


def parse_vertex_range(text: str) -> tuple[int, int]:
    """``"0:11248"`` -> (0, 11248), a half-open range of vertex ids."""
    try:
        a, b = (int(t) if t else None for t in text.split(":"))
    except ValueError:
        raise InputError(f"--keep-vertices {text!r}: give START:STOP, e.g. 0:11248") from None
    a = a or 0
    if b is None or b <= a:
        raise InputError(f"--keep-vertices {text!r}: give START:STOP with STOP > START")
    return a, b


def decimate(vertices: np.ndarray, faces: np.ndarray, target_vertices: int) -> tuple[np.ndarray, np.ndarray]:
    """Quadric decimation to about ``target_vertices`` (needs the fast_simplification package)."""
    try:
        from fast_simplification import simplify
    except ImportError:
        raise InputError("--decimate needs the fast_simplification package: pip install fast_simplification") from None
    target_faces = int(2 * target_vertices)
    v, f = simplify(np.ascontiguousarray(vertices, dtype=np.float64), np.ascontiguousarray(faces, dtype=np.int64),
                    target_count=target_faces)
    return np.asarray(v, float), np.asarray(f, np.int64)


def _remap(landmarks: dict[str, int], old_to_new: np.ndarray, what: str) -> dict[str, int]:
    out = {}
    for name, i in landmarks.items():
        j = int(old_to_new[i])
        if j < 0:
            raise InputError(f"landmark {name} (vertex {i}) lies on a part that was {what}")
        out[name] = j
    return out


def _check_indices(lm: LandmarkInput, n: int) -> None:
    bad = {k: v for k, v in lm.indices.items() if not 0 <= v < n}
    if bad:
        name, i = next(iter(bad.items()))
        raise InputError(f"{lm.source}: landmark {name} is vertex {i}, past the {n} vertices of the mesh")
    if lm.ibug is not None and (lm.ibug.min() < 0 or lm.ibug.max() >= n):
        raise InputError(f"{lm.source}: an iBUG vertex id is past the {n} vertices of the mesh")


def _snap(points: dict[str, np.ndarray], vertices: np.ndarray, used: np.ndarray, size: float) -> dict[str, int]:
    tree = cKDTree(vertices[used])
    out = {}
    for name, p in points.items():
        d, k = tree.query(p)
        if d > SNAP_TOLERANCE * size:
            raise InputError(f"landmark {name} is {d:.3g} file units from the nearest vertex: it is not on the "
                             "surface (wrong units, frame or mesh?)")
        out[name] = int(used[k])
    return out


def _complete(landmarks: dict[str, int], vertices: np.ndarray, derived: list[str]) -> None:
    """Fill names facesim uses from others when missing (pupils from the canthi, stomion ...)."""
    tree = cKDTree(vertices)
    for side in ("left", "right"):
        pupil, endo, exo = f"pupil_{side}", f"endocanthion_{side}", f"exocanthion_{side}"
        if pupil not in landmarks and endo in landmarks and exo in landmarks:
            landmarks[pupil] = int(tree.query(0.5 * (vertices[landmarks[endo]] + vertices[landmarks[exo]]))[1])
            derived.append(pupil)
    if "stomion" not in landmarks and "stomion_upper" in landmarks:
        landmarks["stomion"] = landmarks["stomion_upper"]
        derived.append("stomion")
    if "menton" not in landmarks and "pogonion" in landmarks:
        landmarks["menton"] = landmarks["pogonion"]
        derived.append("menton (= pogonion)")
    if "pogonion" not in landmarks and "menton" in landmarks:
        landmarks["pogonion"] = landmarks["menton"]
        derived.append("pogonion (= menton)")


def import_face(
    mesh_path: Path | str,
    landmarks_path: Path | str,
    units: str = "auto",
    keep_vertices: tuple[int, int] | None = None,
    decimate_to: int | None = None,
    anatomy: Anatomy | None = None,
    name: str | None = None,
) -> ImportResult:
    """Read a face scan and its landmarks and prepare a Face for facesim.

    Parameters
    ----------
    mesh_path, landmarks_path : paths (see the module docstring for the landmark formats)
    units : "auto" (from the inter-pupillary distance) or one of mm, cm, m, in
    keep_vertices : (start, stop) or None; keep only faces whose vertices all lie in
        that half-open id range (e.g. (0, 11248) for ICT's skin)
    decimate_to : int or None, a target vertex count (quadric decimation)
    anatomy : the muscles to try placing (default: the bundled anatomy)

    Returns
    -------
    ImportResult with the Face (mm, facesim's axes), the report and the pose used.
    """
    mesh_path = Path(mesh_path)
    vertices, faces = read_mesh(mesh_path)
    lm = read_landmark_file(landmarks_path)
    _check_indices(lm, len(vertices))
    report = ImportReport(source=mesh_path.name, check=MeshCheck(len(vertices), len(faces)))
    indices = dict(lm.indices)
    ibug = None if lm.ibug is None else lm.ibug.copy()

    def follow(old_to_new: np.ndarray, what: str) -> None:
        nonlocal indices, ibug
        indices = _remap(indices, old_to_new, what)
        if ibug is not None:
            new = old_to_new[ibug]
            if np.any(new < 0):
                raise InputError(f"iBUG landmark {int(np.flatnonzero(new < 0)[0])} lies on a part that was {what}")
            ibug = new

    if keep_vertices is not None:
        a, b = keep_vertices
        keep = np.all((faces >= a) & (faces < b), axis=1)
        if not keep.any():
            raise InputError(f"--keep-vertices {a}:{b} keeps no face of the mesh")
        vertices, faces, old_to_new = compact(vertices, faces, keep)
        follow(old_to_new, f"dropped by --keep-vertices {a}:{b}")
        report.repairs.append(f"kept the {len(faces)} faces within vertices {a}:{b}")
    report.check = check_mesh(vertices, faces)
    if len(np.unique(faces)) == faces.size and len(faces) > 1:  # a triangle soup (STL)
        vertices, faces, old_to_new = merge_coincident_vertices(vertices, faces)
        follow(old_to_new, "merged")
        report.repairs.append(f"welded coincident corners into {len(vertices)} vertices")
    faces, n_degenerate, n_duplicate = remove_bad_faces(vertices, faces)
    if n_degenerate or n_duplicate:
        report.repairs.append(f"removed {n_degenerate} degenerate and {n_duplicate} duplicate faces")
    if len(faces) == 0:
        raise InputError(f"{mesh_path}: every face is degenerate; this is not a surface")
    vertices, faces, old_to_new = compact(vertices, faces)
    follow(old_to_new, "unused")
    # Keep the part that holds the landmarks.
    count, label = vertex_components(len(vertices), faces)
    if count > 1:
        marks = list(indices.values()) + ([] if ibug is None else list(ibug))
        if marks:
            part = np.bincount(label[marks], minlength=count).argmax()
        else:
            part = np.bincount(label[faces[:, 0]]).argmax()
        keep = label[faces[:, 0]] == part
        dropped = count - 1
        vertices, faces, old_to_new = compact(vertices, faces, keep)
        follow(old_to_new, "dropped as disconnected")
        report.repairs.append(f"kept the part holding the landmarks; dropped {dropped} other part(s)")
    used = np.arange(len(vertices))
    # Name every landmark with a vertex.
    derived: list[str] = []
    landmarks: dict[str, int] = {}
    if ibug is not None:
        landmarks, derived = ibug_landmarks(vertices, used, ibug)
    landmarks.update(indices)
    if lm.points:
        size = float(np.linalg.norm(np.ptp(vertices, axis=0)))
        pts = lm.points
        for a_, b_ in (("pupil_left", "pupil_right"), ("endocanthion_left", "endocanthion_right")):
            if a_ in pts and b_ in pts:
                size = 2.0 * float(np.linalg.norm(pts[a_] - pts[b_]))
                break
        landmarks.update(_snap(pts, vertices, used, size))
    _complete(landmarks, vertices, derived)
    missing = [n for n in REQUIRED if n not in landmarks]
    if missing:
        raise InputError(f"{lm.source}: missing landmark(s) {', '.join(missing)}; facesim needs at least "
                         f"{', '.join(REQUIRED)} and the stomion")
    if "stomion" not in landmarks:
        raise InputError(f"{lm.source}: missing landmark stomion (or stomion_upper)")
    report.derived = derived
    # Units and pose.
    points = {n: vertices[i] for n, i in landmarks.items()}
    if units == "auto":
        unit, ipd = detect_units(points)
        report.units = unit
    else:
        if units not in UNITS_MM:
            raise InputError(f"--units {units!r}: use auto or one of {', '.join(UNITS_MM)}")
        report.units = units
    scale = UNITS_MM[report.units]
    report.mm_per_unit = scale
    report.ipd_mm = float(np.linalg.norm(points["pupil_left"] - points["pupil_right"]) * scale)
    pose = fit_pose(points, scale)
    report.pose_rms_mm = pose.rms_mm
    report.rotation_deg = float(np.degrees(np.arccos(np.clip((np.trace(pose.rotation) - 1) / 2, -1, 1))))
    vertices = pose.apply(vertices)
    _derive_in_frame(landmarks, vertices, derived)
    # Winding: consistent, with normals out of the face (+z around the nose and mouth).
    faces, flipped = orient_consistently(faces)
    if flipped:
        report.repairs.append(f"flipped {flipped} faces to a consistent winding")
    if _front_normal_z(vertices, faces, landmarks) < 0:
        faces = faces[:, [0, 2, 1]]
        report.repairs.append("reversed the winding so normals point out of the face")
    # Decimation.
    if decimate_to is not None and decimate_to < len(vertices):
        before = len(vertices)
        marks = {n: vertices[i] for n, i in landmarks.items()}
        vertices, faces = decimate(vertices, faces, decimate_to)
        vertices, faces, _ = compact(vertices, faces)
        faces, _, _ = remove_bad_faces(vertices, faces)
        vertices, faces, _ = compact(vertices, faces)
        tree = cKDTree(vertices)
        landmarks = {n: int(tree.query(p)[1]) for n, p in marks.items()}
        if landmarks.get("stomion_upper") == landmarks.get("stomion_lower"):
            landmarks.pop("stomion_lower", None)
        report.repairs.append(f"decimated from {before} to {len(vertices)} vertices")
    face, mouth_text = prepare_face(vertices, faces, landmarks, name or mesh_path.stem)
    report.mouth = mouth_text
    report.landmarks = sorted(face.landmarks)
    report.n_vertices, report.n_faces = face.n_vertices, len(face.faces)
    report.estimate_mb, report.estimate_s = model_cost(face.n_vertices)
    if face.n_vertices > LARGE_MESH:
        report.warnings.append(f"{face.n_vertices} vertices is a large model; consider --decimate 20000")
    report.muscles_placed, report.muscles_missing = check_muscles(face, anatomy or Anatomy.default())
    final = check_mesh(face.vertices, face.faces)
    if final.non_manifold_edges:
        report.warnings.append(f"{final.non_manifold_edges} non-manifold edges remain (left as they are)")
    return ImportResult(face=face, report=report, pose=pose)


ZYGION_LATERAL = 0.22  # zygion: this fraction of the way from the outer eye corner to the tragus ...
ZYGION_BELOW_IPD = 0.31  # ... and this many inter-pupillary distances below the pupils (built-in face)


def front_vertex(vertices: np.ndarray, x: float, y: float, radius: float) -> int:
    """The most anterior vertex (largest z) within ``radius`` of (x, y) in the frontal plane."""
    near = np.flatnonzero(np.hypot(vertices[:, 0] - x, vertices[:, 1] - y) < radius)
    if len(near) == 0:
        return int(np.argmin(np.hypot(vertices[:, 0] - x, vertices[:, 1] - y)))
    return int(near[np.argmax(vertices[near, 2])])


def _derive_in_frame(landmarks: dict[str, int], vertices: np.ndarray, derived: list[str]) -> None:
    """Landmarks placed from others once the face is in facesim's frame (zygia)."""
    v = vertices
    ipd = float(np.linalg.norm(v[landmarks["pupil_left"]] - v[landmarks["pupil_right"]]))
    for side, sign in (("left", 1.0), ("right", -1.0)):
        name, exo, tragus = f"zygion_{side}", f"exocanthion_{side}", f"tragus_{side}"
        if name in landmarks or exo not in landmarks:
            continue
        ex = v[landmarks[exo], 0]
        x = ex + (ZYGION_LATERAL * (v[landmarks[tragus], 0] - ex) if tragus in landmarks else sign * 0.09 * ipd)
        y = v[landmarks[f"pupil_{side}"], 1] - ZYGION_BELOW_IPD * ipd
        landmarks[name] = front_vertex(v, x, y, 0.05 * ipd)
        derived.append(name)


def _front_normal_z(vertices: np.ndarray, faces: np.ndarray, landmarks: dict[str, int]) -> float:
    """Area-weighted mean normal z over the central face (between the eyes and the mouth)."""
    ipd = np.linalg.norm(vertices[landmarks["pupil_left"]] - vertices[landmarks["pupil_right"]])
    centre = 0.5 * (vertices[landmarks["pupil_left"]] + vertices[landmarks["stomion"]])
    c = vertices[faces].mean(axis=1)
    near = np.linalg.norm(c - centre, axis=1) < 0.8 * ipd
    a, b, d = (vertices[faces[near, k]] for k in range(3))
    return float(np.cross(b - a, d - a)[:, 2].sum())


def prepare_face(vertices: np.ndarray, faces: np.ndarray, landmarks: dict[str, int], name: str = "face") -> tuple[Face, str]:
    """Give an oriented, mm face its mouth opening, regions and tie map.

    Returns (Face, a line describing the mouth).
    """
    landmarks = dict(landmarks)
    cr, cl = landmarks["cheilion_right"], landmarks["cheilion_left"]
    mouth = find_opening(vertices, faces, cr, cl)
    if mouth is None:
        path = lip_path(vertices, faces, cr, landmarks["stomion"], cl)
        vertices, faces, mouth = cut_opening(vertices, faces, path)
        text = f"lips closed; cut a slit of {len(path) - 1} edges from corner to corner"
    else:
        shift = max(np.linalg.norm(vertices[mouth.corners[0]] - vertices[cr]),
                    np.linalg.norm(vertices[mouth.corners[1]] - vertices[cl]))
        text = (f"lips open ({len(mouth.upper)} upper and {len(mouth.lower)} lower edge vertices); "
                f"the corners of the opening lie {shift:.1f} mm from the commissure landmarks")
    upper_given = landmarks.get("stomion_upper", landmarks["stomion"])
    lower_given = landmarks.get("stomion_lower", upper_given)
    if mouth.cut or upper_given == lower_given:
        # The stomion of each lip: the lip-edge vertex nearest the midline, near the given stomion.
        st = vertices[landmarks["stomion"]]
        pick = [arc[np.argmin(np.abs(vertices[arc, 0] - st[0]) + 0.1 * np.linalg.norm(vertices[arc] - st, axis=1))]
                for arc in (mouth.upper, mouth.lower)]
        landmarks["stomion"] = landmarks["stomion_upper"] = int(pick[0])
        landmarks["stomion_lower"] = int(pick[1])
    else:
        landmarks["stomion"] = landmarks["stomion_upper"] = upper_given
        landmarks["stomion_lower"] = lower_given
    above, below = above_below(vertices, faces, mouth)
    for side, mask in (("upper_lip", above), ("lower_lip", below)):
        for lr in ("left", "right"):
            key = f"{side}_{lr}"
            if key in landmarks and not mask[landmarks[key]]:
                raise InputError(f"landmark {key} is on the wrong side of the mouth; check the lip landmarks")
    boundary = np.zeros(len(vertices), dtype=bool)
    for loop in boundary_loops(len(vertices), faces):
        boundary[loop] = True
    boundary[mouth.upper] = boundary[mouth.lower] = False
    boundary[mouth.corners] = False
    regions, tie = face_regions(vertices, landmarks, mouth, above, below, boundary)
    return Face(vertices=vertices, faces=faces, landmarks=landmarks, regions=regions, anchoring=tie, name=name), text


def check_muscles(face: Face, anatomy: Anatomy) -> tuple[list[str], dict[str, str]]:
    """Try to place each muscle on ``face``: (placed ids, id -> why not)."""
    placed, missing = [], {}
    for spec in anatomy.muscles:
        try:
            for m in place_muscles(face, Anatomy((spec,), anatomy.reference_ipd_mm)):
                placed.append(m.id)
        except FacesimError as exc:
            for side in ("left", "right"):
                missing[f"{spec.name}_{side}"] = str(exc).split(";")[0]
    return placed, missing


# --- writing and reading an imported face -------------------------------------------


def load_imported_face(mesh_path: Path | str) -> Face:
    """Read a face file (face_io format); rebuild regions and anchoring from the landmarks when the
    file has none (the face must then be in mm and facesim's axes, as face files are)."""
    from facesim.face.files import load_face

    face = load_face(mesh_path)
    if face.regions and face.anchoring is not None:
        return face
    prepared, _ = prepare_face(face.vertices, face.faces, face.landmarks, face.name)
    return prepared
