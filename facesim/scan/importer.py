"""Import a patient's own face scan: read, check, repair, orient, landmark, prepare.

``import_face(mesh, landmarks)`` returns a Face ready for FaceModel (mm,
facesim's axes, a mouth opening, regions and a bone-tie map) and an
ImportReport of what was found, repaired and assumed. Nothing here prints.

The steps live beside this module: ``mesh_files`` and ``landmark_files`` (reading, with the
landmark formats), ``cleanup`` (repairs the landmark ids follow, winding, decimation),
``landmark_naming`` (landmarks as vertices), ``imported_face`` (mouth, regions, muscles) and
``import_report``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from facesim.anatomy.muscles import Anatomy
from facesim.errors import InputError
from facesim.face.frame import IPD_RANGE_MM, UNITS_MM, Pose, detect_units, fit_pose
from facesim.face.mesh import Face
from facesim.geometry.repair import check_mesh
from facesim.scan.cleanup import Marks, clean_scan, decimate_scan, drop_mouth_cavity, outward_winding
from facesim.scan.import_report import LARGE_MESH, ImportReport, model_cost
from facesim.scan.imported_face import check_muscles, prepare_face
from facesim.scan.landmark_files import read_landmark_file
from facesim.scan.landmark_naming import check_indices, derive_in_frame, name_landmarks
from facesim.scan.mesh_files import read_mesh


@dataclass(frozen=True)
class ImportResult:
    face: Face
    report: ImportReport
    pose: Pose


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


def _into_frame(vertices: np.ndarray, landmarks: dict[str, int], units: str, report: ImportReport):
    """Scale to mm and turn onto facesim's axes by the landmarks; fills the report's units, scale,
    inter-pupillary distance and pose fit. Returns (vertices in mm, the Pose)."""
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
    lo, hi = IPD_RANGE_MM
    if not lo <= report.ipd_mm <= hi:
        raise InputError(f"--units {report.units}: the pupils are then {report.ipd_mm:.3g} mm apart (an adult's are "
                         f"{lo:g}-{hi:g} mm); give the mesh's real units (--units auto detects them)")
    pose = fit_pose(points, scale)
    report.pose_rms_mm = pose.rms_mm
    report.rotation_deg = float(np.degrees(np.arccos(np.clip((np.trace(pose.rotation) - 1) / 2, -1, 1))))
    return pose.apply(vertices), pose


def required_landmarks(anatomy: Anatomy) -> set[str]:
    """Every landmark the metrics and the anatomy's muscles (both sides) are placed on."""
    import dataclasses

    from facesim.anatomy.muscles import PointSpec
    from facesim.metrics import METRIC_LANDMARKS

    names: set[str] = set(METRIC_LANDMARKS)

    def walk(obj) -> None:
        if isinstance(obj, PointSpec):
            names.update(obj.landmark.format(side=side) for side in ("left", "right"))
        elif dataclasses.is_dataclass(obj):
            for f in dataclasses.fields(obj):
                walk(getattr(obj, f.name))
        elif isinstance(obj, (tuple, list)):
            for item in obj:
                walk(item)

    walk(anatomy.muscles)
    return names


def _require_landmarks(landmarks: dict[str, int], anatomy: Anatomy, source: str) -> None:
    """Refuse at import a face that later commands could not place muscles or metrics on."""
    missing = sorted(required_landmarks(anatomy) - set(landmarks))
    if missing:
        raise InputError(f"{source}: missing landmark{'s' if len(missing) > 1 else ''} {', '.join(missing)}; add "
                         "each as a vertex index or a point in the landmarks file, or give the 68 iBUG points "
                         "(facesim mesh import --help)")


def _describe(report: ImportReport, face: Face, anatomy: Anatomy) -> None:
    """Fill the report's account of the prepared face: landmarks, size and cost, muscles, warnings."""
    report.landmarks = sorted(face.landmarks)
    report.n_vertices, report.n_faces = face.n_vertices, len(face.faces)
    report.estimate_mb, report.estimate_s = model_cost(face.n_vertices)
    if face.n_vertices > LARGE_MESH:
        report.warnings.append(f"{face.n_vertices} vertices is a large model; consider --decimate 20000")
    report.muscles_placed, report.muscles_missing = check_muscles(face, anatomy)
    final = check_mesh(face.vertices, face.faces)
    if final.non_manifold_edges:
        report.warnings.append(f"{final.non_manifold_edges} non-manifold edges remain (left as they are)")


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
    mesh_path, landmarks_path : paths (see facesim.scan.landmark_files for the landmark formats)
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
    check_indices(lm, len(vertices))
    marks = Marks(dict(lm.indices), None if lm.ibug is None else lm.ibug.copy())
    vertices, faces, marks, check, repairs = clean_scan(vertices, faces, marks, keep_vertices, mesh_path)
    report = ImportReport(source=mesh_path.name, check=check, repairs=repairs)
    landmarks, report.derived = name_landmarks(vertices, marks.indices, marks.ibug, lm.points, lm.source)
    vertices, pose = _into_frame(vertices, landmarks, units, report)
    derive_in_frame(landmarks, vertices, report.derived)
    _require_landmarks(landmarks, anatomy or Anatomy.default(), lm.source)
    vertices, faces, landmarks, notes = drop_mouth_cavity(vertices, faces, landmarks)
    report.repairs += notes
    faces, notes = outward_winding(vertices, faces, landmarks)
    report.repairs += notes
    if decimate_to is not None and decimate_to < len(vertices):
        vertices, faces, landmarks, note = decimate_scan(vertices, faces, landmarks, decimate_to)
        report.repairs.append(note)
    face, report.mouth = prepare_face(vertices, faces, landmarks, name or mesh_path.stem)
    _describe(report, face, anatomy or Anatomy.default())
    return ImportResult(face=face, report=report, pose=pose)
