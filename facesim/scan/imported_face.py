"""An imported face made ready for facesim (mouth opening, regions, bone tie), its muscles checked,
and a saved one read back."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from facesim.anatomy.muscles import Anatomy, place_muscles
from facesim.errors import FacesimError, InputError
from facesim.face.mesh import Face
from facesim.face.mouth_slit import above_below, cut_opening, find_opening, lip_path
from facesim.face.regions import face_regions
from facesim.geometry.repair import boundary_loops
from facesim.geometry.visibility import depth_behind_front


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
    depth = depth_behind_front(vertices, faces, vertices)
    regions, tie = face_regions(vertices, landmarks, mouth, above, below, boundary, depth)
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


def load_imported_face(mesh_path: Path | str) -> Face:
    """Read a face file (face_io format); rebuild regions and anchoring from the landmarks when the
    file has none (the face must then be in mm and facesim's axes, as face files are)."""
    from facesim.face.files import load_face

    face = load_face(mesh_path)
    if face.regions and face.anchoring is not None:
        return face
    prepared, _ = prepare_face(face.vertices, face.faces, face.landmarks, face.name)
    return prepared
