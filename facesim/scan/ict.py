"""The ICT-FaceKit face (USC ICT, MIT): import its skin and compare with its FACS shapes.

The kit's folder holds ``generic_neutral_mesh.obj`` (cm, quads, 26,719 vertices,
of which 0-11247 are the skin of the face, head and neck), expression shapes
with the same vertex order, and ``vertex_indices.json`` with the 68 iBUG
landmarks. Nothing of the kit is copied into facesim; point at its folder.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from facesim.errors import InputError
from facesim.scan.importer import ImportResult, import_face
from facesim.scan.mesh_files import read_obj
from facesim.tissue.model import FaceModel

NEUTRAL = "generic_neutral_mesh.obj"
INDICES = "vertex_indices.json"
SKIN_VERTICES = (0, 11248)  # face + head and neck; the mouth socket, eyes and teeth follow
#: Expression shape -> the muscle whose field should resemble it, and the landmark whose motion is compared.
CALIBRATION_PAIRS = (
    ("mouthSmile_L", "zygomaticus_major_left", "cheilion_left"),
    ("mouthSmile_R", "zygomaticus_major_right", "cheilion_right"),
    ("mouthFrown_L", "dao_left", "cheilion_left"),
    ("mouthFrown_R", "dao_right", "cheilion_right"),
    ("mouthLowerDown_L", "dli_left", "lower_lip_left"),
    ("mouthLowerDown_R", "dli_right", "lower_lip_right"),
)
FIELD_REGIONS = ("perioral", "cheek", "chin")  # where the fields are compared


def _files(directory: Path) -> tuple[Path, Path]:
    directory = Path(directory)
    mesh, indices = directory / NEUTRAL, directory / INDICES
    for p in (mesh, indices):
        if not p.is_file():
            raise InputError(f"{directory}: {p.name} not found; give the ICT-FaceKit folder")
    return mesh, indices


def import_ict(directory: Path | str, decimate_to: int | None = None) -> ImportResult:
    """Import the ICT neutral face's skin with its 68 landmarks (see mesh_import.import_face)."""
    mesh, indices = _files(Path(directory))
    return import_face(mesh, indices, units="auto", keep_vertices=SKIN_VERTICES, decimate_to=decimate_to,
                       name="ict-facekit")


def expression_field(directory: Path | str, shape: str, result: ImportResult) -> np.ndarray:
    """Displacement (n, 3) in mm, facesim's frame, of ICT shape ``shape`` on the imported skin.

    Valid only for an import without decimation (vertex ids unchanged).
    """
    mesh, _ = _files(Path(directory))
    path = Path(directory) / f"{shape}.obj"
    if not path.is_file():
        raise InputError(f"{path}: expression shape not found")
    neutral, _ = read_obj(mesh)
    moved, _ = read_obj(path)
    a, b = SKIN_VERTICES
    n = result.face.n_vertices
    if b - a != n or len(moved) != len(neutral):
        raise InputError("the expression fields need the ICT face imported whole (no decimation)")
    return result.pose.apply_vectors((moved - neutral)[a:b])


@dataclass(frozen=True)
class FieldComparison:
    """A model muscle field against an ICT expression shape.

    Attributes
    ----------
    shape, muscle, landmark : str
    shape_motion, model_motion : (3,) float arrays, mm (the model's per newton, scaled to the shape's length)
    angle_frontal_deg : float, signed angle between the two motions in the frontal (x, y) plane
    angle_3d_deg : float
    field_cosine : float, cosine similarity of the two fields over FIELD_REGIONS (1 = same pattern)
    """

    shape: str
    muscle: str
    landmark: str
    shape_motion: np.ndarray
    model_motion: np.ndarray
    angle_frontal_deg: float
    angle_3d_deg: float
    field_cosine: float


def field_mask(face) -> np.ndarray:
    """Vertices (n,) bool where fields are compared (FIELD_REGIONS)."""
    mask = np.zeros(face.n_vertices, dtype=bool)
    for r in FIELD_REGIONS:
        mask |= face.region(r)
    return mask


def field_agreement(field: np.ndarray, target: np.ndarray, vertex: int, mask: np.ndarray) -> tuple[float, float, float]:
    """How a model field (n, 3) points like a target field (n, 3): the signed frontal-plane angle and the
    3D angle (degrees) between their motions at ``vertex``, and their cosine similarity over ``mask``."""
    a, m = target[vertex], field[vertex]
    frontal = np.degrees(np.arctan2(m[1], m[0]) - np.arctan2(a[1], a[0]))
    frontal = (frontal + 180.0) % 360.0 - 180.0
    cos3 = a @ m / max(np.linalg.norm(a) * np.linalg.norm(m), 1e-300)
    d, b = target[mask], field[mask]
    cosine = np.sum(d * b) / max(np.linalg.norm(d) * np.linalg.norm(b), 1e-300)
    return float(frontal), float(np.degrees(np.arccos(np.clip(cos3, -1.0, 1.0)))), float(cosine)


def compare_field(model: FaceModel, shape_field: np.ndarray, shape: str, muscle: str, landmark: str,
                  mask: np.ndarray | None = None) -> FieldComparison:
    """One muscle's unit field against one ICT shape's field (n, 3) mm, at ``landmark`` and over ``mask``."""
    face = model.face
    mask = field_mask(face) if mask is None else mask
    b = model.basis[model.index(muscle)]
    i = face.landmark_index(landmark)
    a, m = shape_field[i], b[i]
    m_scaled = m * np.linalg.norm(a) / max(np.linalg.norm(m), 1e-300)
    return FieldComparison(shape, muscle, landmark, a, m_scaled, *field_agreement(b, shape_field, i, mask))


def compare_fields(model: FaceModel, result: ImportResult, directory: Path | str,
                   pairs=CALIBRATION_PAIRS) -> list[FieldComparison]:
    """Compare each muscle's unit field with its ICT expression (see CALIBRATION_PAIRS)."""
    mask = field_mask(model.face)
    return [compare_field(model, expression_field(directory, shape, result), shape, muscle, landmark, mask)
            for shape, muscle, landmark in pairs]
