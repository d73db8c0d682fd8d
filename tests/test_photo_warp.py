"""The simulated change on the patient's own photo (facesim.photo.warp, facesim render --photo), on
skimage.data.astronaut(): what moves, on which side, mirrored, by how many pixels, and the CLI picture."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from facesim.photo.warp import PhotoWarp
from facesim.scenario.case import load_scenario
from facesim.simulation.run import scenario_simulation

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"
RIGHT_DAO = SCENARIOS / "b_overtoned_dao_rest.toml"
VERTICES = 3000
CHANGED = 8  # a pixel "changed" when a channel differs by more than this (of 255)
DAY = 14.0


def _sim(path: Path):
    return scenario_simulation(load_scenario(path).treatment_story(False, "render"), VERTICES)


@pytest.fixture(scope="module")
def right_sim():
    return _sim(RIGHT_DAO)


@pytest.fixture(scope="module")
def left_sim(tmp_path_factory):
    """The same scenario with every 'right' and 'left' swapped: the patient's LEFT DAO over-toned and treated."""
    text = RIGHT_DAO.read_text().replace("right", "@").replace("left", "right").replace("@", "left")
    path = tmp_path_factory.mktemp("mirror") / "left_dao.toml"
    path.write_text(text)
    return _sim(path)


def _move(sim, day=DAY):
    return sim.shape(day, "rest") - sim.shape(0.0, "rest")


@pytest.fixture(scope="module")
def right_warp(photo_rgb, photo_found, right_sim):
    return PhotoWarp(photo_rgb, photo_found, right_sim.model.face)


@pytest.fixture(scope="module")
def right_frame(right_warp, right_sim):
    return right_warp.frame(_move(right_sim))


def _changed(a, b) -> np.ndarray:
    return np.abs(a.astype(int) - b.astype(int)).max(axis=2) > CHANGED


def test_fit_puts_the_model_landmarks_on_the_photo(right_warp, right_sim, photo_found):
    face = right_sim.model.face
    for name, ibug in (("cheilion_right", 48), ("cheilion_left", 54), ("pronasale", 30)):
        px = right_warp.fit(face.landmark_position(name)[None, :2])[0]
        assert np.linalg.norm(px - photo_found.ibug[ibug]) < 1.5, name
    # the patient's left (facesim +x) is the viewer's right (image +x); facesim up is image up (-y)
    n = face.n_vertices
    right_move = right_warp.vertex_moves_px(np.tile([1.0, 0.0, 0.0], (n, 1)))
    up_move = right_warp.vertex_moves_px(np.tile([0.0, 1.0, 0.0], (n, 1)))
    assert np.median(right_move[:, 0]) > 0.5 * right_warp.fit.scale
    assert np.median(up_move[:, 1]) < -0.5 * right_warp.fit.scale


def test_only_the_lower_face_changes_and_the_treated_side_more(right_frame, photo_rgb, photo_found):
    changed = _changed(right_frame, photo_rgb)
    ys, xs = np.nonzero(changed)
    assert len(ys) > 50  # something moved
    eyes_y = max(c[1] for c in photo_found.iris_centre.values())
    assert ys.min() > eyes_y  # nothing at or above the eyes
    assert ys.max() < photo_found.ibug[:17, 1].max() + 20  # nor below the chin
    mouth_x = 0.5 * (photo_found.ibug[48, 0] + photo_found.ibug[54, 0])
    treated, other = (xs < mouth_x).sum(), (xs >= mouth_x).sum()  # patient's right = image left
    assert treated > 3 * other


def test_the_mirrored_scenario_on_the_mirrored_photo_gives_the_mirrored_result(
        right_frame, photo_rgb, left_sim):
    from facesim.photo.landmarks import photo_landmarks

    mirrored = np.ascontiguousarray(photo_rgb[:, ::-1])
    left_frame = PhotoWarp(mirrored, photo_landmarks(mirrored), left_sim.model.face).frame(_move(left_sim))
    a = _changed(right_frame, photo_rgb)
    b = _changed(left_frame, mirrored)[:, ::-1]
    assert abs(int(a.sum()) - int(b.sum())) < 0.2 * a.sum()
    assert (a & b).sum() > 0.6 * (a | b).sum()


def test_the_mouth_fill_stays_within_the_lips_moves(right_warp, right_sim):
    field = right_warp.field_px(_move(right_sim)).reshape(-1, 2)
    fill = right_warp.mouth
    assert fill.inside.size > 5  # the astronaut smiles with the lips apart
    rim = np.asarray(fill.rim.sum(axis=0)).ravel() > 0
    for c in range(2):  # harmonic: no value beyond its rim's (maximum principle), so nothing tears
        assert field[fill.inside, c].max() <= field[rim, c].max() + 1e-6
        assert field[fill.inside, c].min() >= field[rim, c].min() - 1e-6


def test_a_known_lift_moves_the_redetected_corner_by_the_expected_pixels(photo_rgb, right_sim):
    import cv2

    from facesim.photo.landmarks import photo_landmarks
    from facesim.simulation.timeline import lift_unit_field

    big = cv2.resize(photo_rgb, (1024, 1024), interpolation=cv2.INTER_CUBIC)  # the corner moves more pixels
    before = photo_landmarks(big)
    model = right_sim.model
    warp = PhotoWarp(big, before, model.face)
    lift = 3.0 * lift_unit_field(model, "left")  # the patient's left corner up 3 mm
    corner = model.face.landmark_index("cheilion_left")
    expected = warp.vertex_moves_px(lift)[corner]
    after = photo_landmarks(warp.frame(lift))
    moved = after.ibug[54] - before.ibug[54]
    assert expected[1] < -4.0  # up the image, several pixels (about 5.6 px on the 1024 px photo)
    assert abs(moved[1] - expected[1]) < max(0.8, 0.15 * abs(expected[1]))
    assert abs(moved[0] - expected[0]) < 0.8
    assert abs(after.ibug[48, 1] - before.ibug[48, 1]) < 1.0  # the other corner stays


def test_render_photo_writes_the_strip(tmp_path, photo_rgb):
    from photo_images import save

    from facesim_cli.main import app

    rest = save(photo_rgb, tmp_path / "rest.jpg")
    out = tmp_path / "out"
    args = ["render", str(RIGHT_DAO), "--vertices", "2000", "--days", "0,14", "--views", "front",
            "--overlay", "none", "--out", str(out), "--photo", str(rest)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["before_after_front.png", "before_after_photo.png",
                                                    "timeline.png"]
    from PIL import Image

    with Image.open(out / "before_after_photo.png") as strip:
        assert strip.width == 2 * strip.height * 480 // (480 + 480 // 14)  # two panels side by side
    bad = CliRunner().invoke(app, [*args[:-1], str(tmp_path / "none.jpg"), "--force"])
    assert bad.exit_code == 2 and "--photo" in bad.output


def test_picture_files_add_the_photo_pictures_last():
    from facesim.render.scenario_pictures import picture_files

    assert picture_files(("front",), False, "months", False, photo=True)[-1] == "before_after_photo.png"
    assert picture_files(("front",), True, "months", False, photo=True)[-2:] == ["before_after_photo.png",
                                                                                "photo_months.gif"]
    assert not [n for n in picture_files(("front",), True, "months", True) if "photo" in n]


def test_report_photo_adds_its_own_section(tmp_path, photo_rgb):
    from photo_images import save

    from facesim_cli.main import app

    rest = save(photo_rgb, tmp_path / "rest.png")
    out = tmp_path / "report.html"
    result = CliRunner().invoke(app, ["report", str(RIGHT_DAO), "--vertices", "2000", "--out", str(out),
                                      "--photo", str(rest)])
    assert result.exit_code == 0, result.output
    html = out.read_text()
    assert html.count('id="own-photo"') == 1 and "On your own photo" in html
    blank = save(np.full((200, 200, 3), 128, np.uint8), tmp_path / "blank.png")
    bad = CliRunner().invoke(app, ["report", str(RIGHT_DAO), "--out", str(tmp_path / "b.html"),
                                   "--photo", str(blank)])
    assert bad.exit_code == 2 and "no face" in bad.output and not (tmp_path / "b.html").exists()
