"""`facesim mesh check` and `facesim mesh import`: reports, files and one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import trimesh
from typer.testing import CliRunner

from facesim.scan.imported_face import load_imported_face
from facesim.face.builtin import build_face
from facesim_cli.main import app

runner = CliRunner()
ICT = Path(__file__).resolve().parents[1].parent / "shared" / "ict-facekit"  # skipped when absent


@pytest.fixture(scope="module")
def scan(tmp_path_factory):
    """The built-in face in centimetres, as a scanner might deliver it."""
    face = build_face(1500)
    d = tmp_path_factory.mktemp("scan")
    trimesh.Trimesh(face.vertices / 10.0, face.faces, process=False).export(d / "scan.ply")
    (d / "scan.json").write_text(json.dumps({"landmarks": {k: int(v) for k, v in face.landmarks.items()}}))
    return d, face


def one_line_error(result) -> str:
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("facesim: error:"), result.output
    assert "Traceback" not in result.output
    return lines[0]


def test_check_reports_units_mouth_and_muscles(scan):
    d, _ = scan
    result = runner.invoke(app, ["mesh", "check", str(d / "scan.ply"), "--landmarks", str(d / "scan.json")])
    assert result.exit_code == 0, result.output
    assert "units: cm" in result.output
    assert "mouth: lips open" in result.output
    assert "muscles placed: 22" in result.output


def test_import_writes_a_face_file_that_loads_back(scan, tmp_path):
    d, face = scan
    out = tmp_path / "meshes" / "patient.ply"
    args = ["mesh", "import", str(d / "scan.ply"), "--landmarks", str(d / "scan.json"), "--out", str(out)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert out.is_file() and (tmp_path / "meshes" / "patient.landmarks.json").is_file()
    back = load_imported_face(out)
    # mm again, in the built-in pose (within the ~1 mm the coarse face's landmark vertices allow)
    assert np.abs(back.vertices - face.vertices).max() < 1.5
    assert back.regions["above_mouth"].any() and back.anchoring.max() == pytest.approx(1.0)
    again = runner.invoke(app, args)
    assert "--force" in one_line_error(again)
    assert runner.invoke(app, args + ["--force"]).exit_code == 0


def test_unusable_meshes_exit_2_with_one_line(scan, tmp_path):
    d, face = scan
    lm = str(d / "scan.json")
    empty = tmp_path / "empty.obj"
    empty.write_text("# nothing here\n")
    assert "no vertices" in one_line_error(runner.invoke(app, ["mesh", "check", str(empty), "--landmarks", lm]))
    cloud = tmp_path / "cloud.ply"
    trimesh.PointCloud(face.vertices).export(cloud)
    assert "no faces" in one_line_error(runner.invoke(app, ["mesh", "check", str(cloud), "--landmarks", lm]))
    nan = tmp_path / "nan.obj"
    v = face.vertices.copy()
    v[3, 1] = np.nan
    nan.write_text("".join(f"v {a} {b} {c}\n" for a, b, c in v) + "".join(f"f {a+1} {b+1} {c+1}\n" for a, b, c in face.faces))
    assert "NaN" in one_line_error(runner.invoke(app, ["mesh", "check", str(nan), "--landmarks", lm]))
    off = tmp_path / "off.json"
    points = {k: (face.vertices[i] / 10.0).tolist() for k, i in face.landmarks.items()}
    points["cheilion_left"] = [2.7, -2.0, 3.0]  # 3 cm in front of the lips
    off.write_text(json.dumps({"landmarks": points}))
    msg = one_line_error(runner.invoke(app, ["mesh", "check", str(d / "scan.ply"), "--landmarks", str(off)]))
    assert "cheilion_left" in msg and "surface" in msg
    beyond = tmp_path / "beyond.json"
    beyond.write_text(json.dumps({"landmarks": {"pupil_left": 10**6}}))
    msg = one_line_error(runner.invoke(app, ["mesh", "check", str(d / "scan.ply"), "--landmarks", str(beyond)]))
    assert "pupil_left" in msg


def test_wrong_units_and_keep_range_are_explained(scan):
    d, _ = scan
    base = ["mesh", "check", str(d / "scan.ply"), "--landmarks", str(d / "scan.json")]
    assert "keeps no face" in one_line_error(runner.invoke(app, base + ["--keep-vertices", "5000000:5000001"]))
    assert "START:STOP" in one_line_error(runner.invoke(app, base + ["--keep-vertices", "abc"]))
    wrong = runner.invoke(app, base + ["--units", "m"])  # a face in mm read as metres: pupils 60 m apart
    assert wrong.exit_code == 2 and "--units m" in one_line_error(wrong) and "45-80 mm" in wrong.output


@pytest.mark.skipif(not (ICT / "generic_neutral_mesh.obj").is_file(), reason="no ../shared/ict-facekit")
def test_import_ict_folder(tmp_path):
    out = tmp_path / "ict.ply"
    result = runner.invoke(app, ["mesh", "import-ict", str(ICT), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "units: cm" in result.output and "muscles placed: 22" in result.output
    assert load_imported_face(out).n_vertices == 11248
