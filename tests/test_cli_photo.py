"""`facesim landmarks PHOTO` and `facesim assess` from two photos, end to end on the astronaut."""

from __future__ import annotations

import csv
import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from facesim.assessment.photo_input import photo_set
from facesim.photo.landmarks import photo_landmarks
from facesim_cli.main import app
from photo_images import astronaut, lifted, save

pytest.importorskip("mediapipe")
runner = CliRunner()
LIFT_MM = 3.0


@pytest.fixture(scope="module")
def photos(tmp_path_factory):
    """rest.png (the astronaut) and smile.png (the patient's LEFT corner, iBUG 54, lifted 3 mm)."""
    folder = tmp_path_factory.mktemp("photos")
    rgb = astronaut()
    found = photo_landmarks(rgb)
    lift_px = LIFT_MM / photo_set(found).mm_per_unit
    smile = lifted(rgb, found.ibug[54], lift_px, radius_px=0.4 * found.ipd_px)
    return save(rgb, folder / "rest.png"), save(smile, folder / "smile.png")


def _commissure_heights(path) -> dict[str, tuple[float, float]]:
    """photo -> (Right, Left) commissure height above the iris line, mm, from a measures CSV."""
    rows = list(csv.reader(path.read_text().splitlines()))
    start = next(k for k, r in enumerate(rows) if r[:2] == ["photo", "measure"])
    table = [dict(zip(rows[start], r)) for r in rows[start + 1:] if len(r) == len(rows[start])]
    return {r["photo"]: (float(r["Right"]), float(r["Left"])) for r in table
            if r["measure"].startswith("Commissure height deviation")}


def test_assess_from_two_photos_finds_the_left_corner_lifted_3_mm(tmp_path, photos):
    rest, smile = photos
    out = tmp_path / "m.csv"
    r = runner.invoke(app, ["assess", "--vertices", "3000", "--rest", str(rest), "--smile", str(smile),
                            "--measures-out", str(out)])
    assert r.exit_code == 0, r.output
    h = _commissure_heights(out)
    left_up = h["smile"][1] - h["rest"][1]
    right_up = h["smile"][0] - h["rest"][0]
    assert left_up == pytest.approx(LIFT_MM, abs=0.5)
    assert abs(right_up) < 0.5  # the other corner stays
    change = (h["smile"][1] - h["smile"][0]) - (h["rest"][1] - h["rest"][0])
    assert change == pytest.approx(LIFT_MM, abs=0.5)  # the left corner higher by 3 mm
    assert "left pulls more" in r.output


def test_assess_refuses_a_blank_photo_with_one_line(tmp_path, photos):
    import numpy as np

    blank = save(np.full((200, 200, 3), 230, np.uint8), tmp_path / "blank.jpg")
    r = runner.invoke(app, ["assess", "--vertices", "3000", "--rest", str(photos[0]), "--smile", str(blank)])
    assert r.exit_code == 2
    assert "no face found" in r.output and len(r.output.strip().splitlines()) == 1


def test_landmarks_writes_json_the_reader_takes_and_an_overlay(tmp_path, photos):
    from facesim.assessment.landmark_input import read_landmarks

    out, overlay = tmp_path / "rest.json", tmp_path / "rest.png"
    r = runner.invoke(app, ["landmarks", str(photos[0]), "--out", str(out), "--overlay", str(overlay)])
    assert r.exit_code == 0, r.output
    assert "inter-pupillary distance" in r.output and "mirror averaging on" in r.output
    assert 55.0 <= read_landmarks(out).ipd_mm <= 72.0
    assert overlay.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert json.loads(out.read_text())["mirror_averaged"] is True
    again = runner.invoke(app, ["landmarks", str(photos[0]), "--out", str(out)])
    assert again.exit_code == 2 and "--force" in again.output
    raw = runner.invoke(app, ["landmarks", str(photos[0]), "--no-mirror", "--out", str(out), "--force"])
    assert raw.exit_code == 0 and json.loads(out.read_text())["mirror_averaged"] is False
    bad = runner.invoke(app, ["landmarks", str(photos[0]), "--out", str(tmp_path / "x.txt")])
    assert bad.exit_code == 2


def test_the_cli_does_not_import_mediapipe_or_opencv_until_a_photo_is_read():
    code = ("import sys, facesim_cli.main, facesim.assessment.assess; "
            "bad = [m for m in ('mediapipe', 'cv2') if m in sys.modules]; sys.exit(bool(bad))")
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


def test_the_api_assesses_two_photos_like_the_cli(photos, coarse_model):
    import facesim as fs

    a = fs.assess(coarse_model, rest=photos[0], smile=photos[1])
    corner = a.measures.corner
    change = float(corner.height_deviation - corner.rest_height_deviation)
    assert change == pytest.approx(LIFT_MM, abs=0.5)
    assert a.measures.meei_rest is not None  # the 68 points came with the photos
