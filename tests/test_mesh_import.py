"""Importing a scanned face: the built-in face exported, transformed and re-imported."""

from __future__ import annotations

import json

import numpy as np
import pytest
import trimesh

from facesim.errors import InputError
from facesim.face.files import save_face
from facesim.scan.imported_face import load_imported_face
from facesim.scan.importer import import_face
from facesim.scan.mesh_files import read_mesh
from facesim.geometry.repair import check_mesh, merge_coincident_vertices, orient_consistently
from facesim.tissue.model import FaceModel
from facesim.anatomy.patient import Patient
from facesim.face.builtin import build_face
from facesim.tissue.patient_metrics import patient_metrics

PATIENT = Patient(tone={"dao_right": 4.0})
METRICS = ("excursion_left", "excursion_right", "angle_left", "angle_right", "rest_height_deviation",
           "height_deviation")
N = 3000


def metrics(face) -> np.ndarray:
    m = patient_metrics(FaceModel(face), PATIENT)
    return np.array([float(getattr(m, k)) for k in METRICS])


@pytest.fixture(scope="module")
def builtin():
    face = build_face(N)
    return face, metrics(face)


def write(tmp_path, name, vertices, faces, landmarks) -> tuple:
    path = tmp_path / name
    trimesh.Trimesh(vertices, faces, process=False).export(path)
    lm = tmp_path / f"{name}.json"
    lm.write_text(json.dumps({"landmarks": {k: int(v) for k, v in landmarks.items()}}))
    return path, lm


def rotation() -> np.ndarray:
    return trimesh.transformations.rotation_matrix(2.2, [0.3, 1.0, -0.4])[:3, :3]


@pytest.mark.parametrize(
    "name, transform, unit",
    [
        ("metres.ply", lambda v: v / 1000.0, "m"),
        ("centimetres_rotated.ply", lambda v: (v / 10.0) @ rotation().T + [4.0, -2.0, 7.0], "cm"),
        ("rotated.obj", lambda v: v @ rotation().T, "mm"),
    ],
)
def test_scaled_and_rotated_face_gives_the_same_metrics(tmp_path, builtin, name, transform, unit):
    face, expected = builtin
    mesh, lm = write(tmp_path, name, transform(face.vertices), face.faces, face.landmarks)
    result = import_face(mesh, lm)
    assert result.report.units == unit
    assert result.face.n_vertices == face.n_vertices
    np.testing.assert_allclose(result.face.vertices, face.vertices, atol=0.05)  # same pose, same place
    np.testing.assert_allclose(metrics(result.face), expected, rtol=0.05, atol=0.02)


def test_closed_lips_are_cut_and_give_the_same_metrics(tmp_path, builtin):
    face, expected = builtin
    vertices, faces, old_to_new = merge_coincident_vertices(face.vertices, face.faces)  # close the slit
    assert len(vertices) < face.n_vertices
    landmarks = {k: old_to_new[v] for k, v in face.landmarks.items() if k not in ("stomion_upper", "stomion_lower")}
    mesh, lm = write(tmp_path, "closed.ply", vertices, faces, landmarks)
    result = import_face(mesh, lm)
    assert "closed" in result.report.mouth
    f = result.face
    assert f.landmarks["stomion_upper"] != f.landmarks["stomion_lower"]
    np.testing.assert_allclose(f.landmark_position("stomion_upper"), f.landmark_position("stomion_lower"))
    assert f.regions["above_mouth"][f.landmarks["labiale_superius"]]
    assert f.regions["below_mouth"][f.landmarks["labiale_inferius"]]
    np.testing.assert_allclose(metrics(f), expected, rtol=0.05, atol=0.02)


def test_regions_and_tie_follow_the_builtin_rules(tmp_path, builtin):
    face, _ = builtin
    mesh, lm = write(tmp_path, "face.ply", face.vertices, face.faces, face.landmarks)
    f = import_face(mesh, lm).face
    # The design map reads landmark vertices, which sit up to ~1 mm off the design points
    # on a coarse face; the tie follows within that.
    assert np.mean(np.abs(f.anchoring - face.anchoring)) < 0.01
    assert np.max(np.abs(f.anchoring - face.anchoring)) < 0.25
    for name in ("above_mouth", "below_mouth", "mouth_slit", "boundary", "nose", "chin", "cheek"):
        agree = np.mean(f.regions[name] == face.regions[name])
        assert agree > 0.97, name


def test_decimated_face_gives_metrics_within_5_percent(tmp_path):
    pytest.importorskip("fast_simplification")
    fine = build_face(6000)
    expected = metrics(fine)
    mesh, lm = write(tmp_path, "fine.ply", fine.vertices, fine.faces, fine.landmarks)
    result = import_face(mesh, lm, decimate_to=4000)
    assert 3500 < result.face.n_vertices < 4500
    np.testing.assert_allclose(metrics(result.face), expected, rtol=0.05, atol=0.05)


def test_saved_face_loads_back_with_regions_and_anchoring(tmp_path, builtin):
    face, _ = builtin
    mesh, lm = write(tmp_path, "face.ply", face.vertices, face.faces, face.landmarks)
    imported = import_face(mesh, lm).face
    save_face(imported, tmp_path / "out" / "patient.ply")
    back = load_imported_face(tmp_path / "out" / "patient.ply")
    assert back.landmarks == imported.landmarks
    np.testing.assert_allclose(back.anchoring, imported.anchoring, atol=1e-4)
    assert all(np.array_equal(back.regions[k], imported.regions[k]) for k in imported.regions)


def test_ibug_landmarks_name_the_facesim_points(tmp_path, builtin):
    face, _ = builtin
    ids = np.zeros(68, dtype=int)
    pairs = {48: "cheilion_right", 54: "cheilion_left", 36: "exocanthion_right", 39: "endocanthion_right",
             42: "endocanthion_left", 45: "exocanthion_left", 30: "pronasale", 33: "subnasale", 8: "menton",
             31: "alare_right", 35: "alare_left", 51: "labiale_superius", 57: "labiale_inferius",
             62: "stomion_upper", 66: "stomion_lower", 50: "upper_lip_right", 52: "upper_lip_left",
             56: "lower_lip_left", 58: "lower_lip_right", 0: "tragus_right", 16: "tragus_left",
             27: "nasion", 21: "glabella", 22: "glabella"}
    for k, name in pairs.items():
        ids[k] = face.landmarks[name]
    for k in range(36, 48):  # eye contours around each pupil
        ids[k] = face.landmarks["pupil_right" if k < 42 else "pupil_left"] if k not in pairs else ids[k]
    ids[[1, 15, 4, 12]] = [face.landmarks["gonion_right"], face.landmarks["gonion_left"]] * 2
    mesh = tmp_path / "face.ply"
    trimesh.Trimesh(face.vertices, face.faces, process=False).export(mesh)
    lm = tmp_path / "ibug.json"
    lm.write_text(json.dumps({"ibug68": ids.tolist()}))
    f = import_face(mesh, lm).face
    assert f.landmarks["cheilion_left"] == face.landmarks["cheilion_left"]
    assert f.vertices[f.landmarks["cheilion_left"], 0] > 0  # patient's left is +x
    assert not import_face(mesh, lm).report.muscles_missing


def test_unusable_inputs_raise_input_errors(tmp_path, builtin):
    face, _ = builtin
    mesh, lm = write(tmp_path, "face.ply", face.vertices, face.faces, face.landmarks)
    cloud = tmp_path / "cloud.ply"
    trimesh.PointCloud(face.vertices).export(cloud)
    with pytest.raises(InputError, match="no faces"):
        read_mesh(cloud)
    nan = face.vertices.copy()
    nan[5] = np.nan
    bad, _ = write(tmp_path, "nan.obj", nan, face.faces, face.landmarks)
    with pytest.raises(InputError, match="NaN"):
        read_mesh(bad)
    off = tmp_path / "off.json"
    off.write_text(json.dumps({"landmarks": {**{k: int(v) for k, v in face.landmarks.items()},
                                             "pronasale": [0.0, 10.0, 80.0]}}))
    with pytest.raises(InputError, match="not on the surface"):
        import_face(mesh, off)
    swapped = {k.replace("left", "tmp").replace("right", "left").replace("tmp", "right"): v
               for k, v in face.landmarks.items()}
    sw = tmp_path / "swapped.json"
    sw.write_text(json.dumps({"landmarks": {k: int(v) for k, v in swapped.items()}}))
    with pytest.raises(InputError, match="left and right"):
        import_face(mesh, sw)
    few = tmp_path / "few.json"
    few.write_text(json.dumps({"landmarks": {"pupil_left": 1}}))
    with pytest.raises(InputError, match="missing landmark"):
        import_face(mesh, few)


def test_too_few_landmarks_are_refused_at_import_with_the_list(tmp_path, builtin):
    """A face later commands could not place muscles on is refused at import, naming each missing landmark
    (both sides), not written and rejected later."""
    from facesim.errors import InputError

    face, _ = builtin
    landmarks = {k: v for k, v in face.landmarks.items() if not k.startswith(("zygion", "exocanthion", "upper_lip"))}
    mesh, lm = write(tmp_path, "face.ply", face.vertices, face.faces, landmarks)
    with pytest.raises(InputError, match="missing landmarks upper_lip_left, upper_lip_right") as err:
        import_face(mesh, lm)
    assert "\n" not in str(err.value)


def test_repairs_soup_duplicates_winding_and_loose_parts(tmp_path, builtin):
    face, expected = builtin
    v, f = face.vertices, face.faces.copy()
    f[::7] = f[::7, [0, 2, 1]]  # inconsistent winding
    f = np.vstack([f, f[:10]])  # duplicate faces
    junk = np.array([[200.0, 0, 0], [201, 0, 0], [200, 1, 0]])
    v = np.vstack([v, junk])
    f = np.vstack([f, [[len(v) - 3, len(v) - 2, len(v) - 1]]])  # a loose part
    check = check_mesh(v, f)
    assert check.duplicate_faces == 10 and check.components == 2 and check.inconsistent_edges > 0
    mesh, lm = write(tmp_path, "messy.ply", v, f, face.landmarks)
    result = import_face(mesh, lm)
    assert any("duplicate" in r for r in result.report.repairs)
    assert any("part" in r for r in result.report.repairs)
    assert check_mesh(result.face.vertices, result.face.faces).inconsistent_edges == 0
    np.testing.assert_allclose(metrics(result.face), expected, rtol=0.05, atol=0.02)


def test_orient_consistently_fixes_flipped_faces():
    face = build_face(400)
    f = face.faces.copy()
    f[1::3] = f[1::3, [0, 2, 1]]
    fixed, flipped = orient_consistently(f)
    assert check_mesh(face.vertices, fixed).inconsistent_edges == 0
    assert flipped > 0


def test_stl_triangle_soup_is_welded(tmp_path, builtin):
    face, _ = builtin
    stl = tmp_path / "face.stl"
    trimesh.Trimesh(face.vertices, face.faces, process=False).export(stl)
    v, f = read_mesh(stl)
    assert len(v) == 3 * len(f)  # a soup, as STL stores it
    lm = tmp_path / "points.json"  # named points (positions) are needed: STL has no vertex ids
    lm.write_text(json.dumps({"landmarks": {k: face.vertices[i].tolist() for k, i in face.landmarks.items()}}))
    result = import_face(stl, lm)
    assert any("welded" in r for r in result.report.repairs)
    assert result.face.n_vertices < 1.1 * face.n_vertices



def test_a_derived_zygion_moves_with_the_face_not_by_jumps():
    """Issue 14: the zygion placed from the other landmarks follows a small change of the face's shape (<= 1.2
    mm) by about the change, instead of jumping across its search disc (was 1.6 mm here, 4.5 on ICT)."""
    from facesim.scan.landmark_naming import derive_in_frame

    face = build_face(8000)
    base = {k: v for k, v in face.landmarks.items() if not k.startswith("zygion")}
    rng = np.random.default_rng(0)
    worst = 0.0
    for _ in range(30):
        a = rng.normal(0.0, 1.0, 2)
        bump = np.sin(face.vertices[:, 0] / 40 + a[0]) * np.cos(face.vertices[:, 1] / 40 + a[1])
        changed = face.vertices + np.outer(bump, [0.4, 0.4, 1.0])
        before, after = dict(base), dict(base)
        derive_in_frame(before, face.vertices, [])
        derive_in_frame(after, changed, [])
        worst = max(worst, float(np.linalg.norm(face.vertices[before["zygion_left"]] - changed[after["zygion_left"]])))
    assert worst <= 1.3


def test_depth_behind_front_sees_the_front_sheet_and_measures_the_one_behind():
    from facesim.geometry.visibility import depth_behind_front

    square = np.array([[0, 0], [10, 0], [10, 10], [0, 10]], float)
    front = np.column_stack([square, np.full(4, 5.0)])
    back = np.column_stack([square, np.full(4, -3.0)])
    vertices = np.vstack([front, back])
    faces = np.array([[0, 1, 2], [0, 2, 3], [4, 5, 6], [4, 6, 7]])
    points = np.array([[5.0, 5.0, 5.0], [5.0, 5.0, -3.0], [2.0, 7.0, 1.0], [40.0, 40.0, 0.0]])
    np.testing.assert_allclose(depth_behind_front(vertices, faces, points), [0.0, 8.0, 4.0, 0.0], atol=1e-9)


def test_repairs_that_make_a_symmetric_face_asymmetric_are_warned(tmp_path, builtin):
    """Issue 14: dropping degenerate triangles on one side of the mouth leaves holes there, and a symmetric
    patient then smiles unevenly; the import says so (the number) instead of passing it on silently."""
    from facesim.scan.acceptance import check_own_asymmetry

    face, _ = builtin
    v, f = face.vertices, face.faces.copy()
    centre = v[f].mean(axis=1)
    corner = v[face.landmarks["cheilion_left"]]
    marked = np.isin(f, list(face.landmarks.values())).any(axis=1)
    order = np.argsort(np.linalg.norm(centre - corner - [8.0, 3.0, 0.0], axis=1))
    near = order[~marked[order]][:50]
    f[near, 2] = f[near, 1]  # 50 triangles collapsed to a line on the left of the mouth
    mesh, lm = write(tmp_path, "holes.ply", v, f, face.landmarks)
    result = import_face(mesh, lm)
    check_own_asymmetry(result.face, result.report)
    assert any(r.startswith("removed 50 degenerate") for r in result.report.repairs)
    warning = [w for w in result.report.warnings if "symmetric patient shows" in w]
    assert len(warning) == 1 and "mesh work" in warning[0]
    assert "own asymmetry: a symmetric patient on this face shows" in "\n".join(result.report.lines())

    clean_mesh, clean_lm = write(tmp_path, "clean.ply", v, face.faces, face.landmarks)
    clean = import_face(clean_mesh, clean_lm)
    check_own_asymmetry(clean.face, clean.report)
    assert not [w for w in clean.report.warnings if "symmetric patient shows" in w]
