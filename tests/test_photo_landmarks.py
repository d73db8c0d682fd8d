"""Landmarks found on a real photo (skimage.data.astronaut()): the 68 points and irises on the anatomy,
the iris scale, mirror symmetry, the editable JSON and the overlay."""

from __future__ import annotations

import json

import numpy as np
import pytest

from facesim.assessment.landmark_input import read_landmarks
from facesim.assessment.measures import measure
from facesim.assessment.photo_input import photo_json, photo_set
from facesim.face.ibug68 import IBUG_MIRROR
from facesim.photo import mesh68
from facesim.photo.landmarks import photo_landmarks

pytest.importorskip("mediapipe")


@pytest.fixture(scope="module")
def found_mirror(photo_rgb):
    return photo_landmarks(np.ascontiguousarray(photo_rgb[:, ::-1]))


def test_the_mesh_mirror_maps_a_mirrored_photo_back_onto_the_photo(photo_rgb, photo_found):
    from facesim.photo.detect import face_mesh_points

    raw = face_mesh_points(photo_rgb)[0]
    flipped = face_mesh_points(np.ascontiguousarray(photo_rgb[:, ::-1]))[0][mesh68.MESH_MIRROR]
    flipped[:, 0] = photo_rgb.shape[1] - flipped[:, 0]
    gap = np.linalg.norm(raw[:, :2] - flipped[:, :2], axis=1)
    assert np.median(gap) < 1.0 and gap.max() < 4.0  # px: a wrong pair would be 10-40 px off
    assert (mesh68.MESH_MIRROR[mesh68.MESH_TO_IBUG] == mesh68.MESH_TO_IBUG[IBUG_MIRROR]).all()


def test_points_sit_on_the_anatomy(photo_rgb, photo_found):
    p = photo_found.ibug
    right, left = p[48], p[54]
    assert right[0] < left[0]  # the patient's right corner is on the viewer's left
    assert p[33, 1] < right[1] < p[8, 1] and p[33, 1] < left[1] < p[8, 1]  # below the nose, above the chin
    assert p[4, 0] < right[0] and left[0] < p[12, 0]  # inside the jaw
    for side, (outer, inner) in {"right": (36, 39), "left": (45, 42)}.items():
        c = photo_found.iris_centre[side]
        xs = sorted((p[outer, 0], p[inner, 0]))
        assert xs[0] < c[0] < xs[1], side  # between the canthi
        skin = photo_rgb[int(p[30, 1]), int(p[30, 0])].mean()  # the nose tip
        assert photo_rgb[int(round(c[1])), int(round(c[0]))].mean() < 0.6 * skin, side  # the iris is dark
    assert 2.0 < photo_found.iris_radius["left"] < 6.0 and abs(photo_found.iris_radius["left"] - photo_found.iris_radius["right"]) < 0.5


def test_the_iris_scale_gives_an_adult_ipd(photo_found):
    measured = photo_set(photo_found)
    assert measured.pupil_source == "iris"
    assert 55.0 <= measured.ipd_mm <= 72.0


def test_the_mirrored_photo_gives_mirrored_measures(photo_found, found_mirror):
    a = measure(photo_set(photo_found), photo_set(photo_found), {}).corner
    b = measure(photo_set(found_mirror), photo_set(found_mirror), {}).corner
    dev_a, dev_b = float(a.rest_height_deviation), float(b.rest_height_deviation)
    assert abs(dev_a) > 0.3  # the astronaut's corners are not level, so a sign can flip
    assert np.sign(dev_a) == -np.sign(dev_b)
    assert abs(abs(dev_a) - abs(dev_b)) < 0.2
    lip_a, lip_b = float(a.rest_lower_lip_deviation), float(b.rest_lower_lip_deviation)
    assert abs(lip_a + lip_b) < 0.2


def test_the_json_reads_back_and_a_hand_edit_moves_the_point(tmp_path, photo_found):
    path = tmp_path / "a.json"
    path.write_text(photo_json(photo_found))
    direct, back = photo_set(photo_found), read_landmarks(path)
    for name in ("cheilion_left", "cheilion_right", "pupil_left", "lower_lip_right"):
        np.testing.assert_allclose(back[name], direct[name], atol=0.02)  # mm, 3 decimals of a pixel
    assert back.ibug is not None  # the 68 points travel, so the MEEI measures can be taken
    data = json.loads(path.read_text())
    data["points"]["cheilion_left"][1] += 5.0  # the clinician moves the left corner 5 px down
    path.write_text(json.dumps(data))
    edited = read_landmarks(path)
    drop = back["cheilion_left"][1] - edited["cheilion_left"][1]
    assert drop == pytest.approx(5.0 * back.mm_per_unit, abs=0.01)
    assert edited.ibug[54][1] == pytest.approx(edited["cheilion_left"][1])  # iBUG 54 moved with it
    np.testing.assert_allclose(edited["cheilion_right"], back["cheilion_right"])


def test_the_overlay_marks_the_corners_and_labels_the_sides(photo_rgb, photo_found):
    from facesim.photo.overlay import CORNER_BGR, overlay_image

    img = overlay_image(photo_rgb, photo_found)
    assert img.shape == photo_rgb.shape and not np.array_equal(img, photo_rgb)
    red = (img[..., 0] > 200) & (img[..., 1] < 60) & (img[..., 2] < 60)
    assert CORNER_BGR == (0, 0, 255)
    for k in (48, 54):
        x, y = np.round(photo_found.ibug[k]).astype(int)
        assert red[y - 4:y + 5, x - 4:x + 5].any()
    changed = np.abs(img.astype(int) - photo_rgb.astype(int)).max(axis=2) > 60
    ys, xs = np.nonzero(changed)
    left_of, right_of = xs < photo_found.ibug[:, 0].min() - 2, xs > photo_found.ibug[:, 0].max() + 2
    assert left_of.sum() > 20 and right_of.sum() > 20  # "R" on the viewer's left, "L" on the right
    row = photo_found.ibug[:, 1].mean()
    assert np.abs(ys[left_of] - row).max() < 30 and np.abs(ys[right_of] - row).max() < 30
