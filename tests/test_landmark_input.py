"""Reading landmark files: formats, the image-to-facesim frame, scales, and bad input."""

import json
from pathlib import Path

import numpy as np
import pytest

from facesim.errors import InputError
from facesim.assessment.landmark_formats import raw_from_ibug
from facesim.assessment.landmark_input import Scale, read_landmarks, to_landmark_set
from facesim.assessment.landmark_writing import facesim_to_image, ibug_from_named, ibug_text, mirror_ibug
from facesim.face.ibug68 import IBUG_MIRROR
from facesim.metrics import METRIC_LANDMARKS

DATA = Path(__file__).parent / "data"
MM_PER_PX = 0.25


def test_text_formats_agree_and_match_the_fixture_json():
    plain = read_landmarks(DATA / "rest_ibug.txt", Scale(mm_per_px=MM_PER_PX))
    comma = read_landmarks(DATA / "rest_ibug_comma.txt", Scale(mm_per_px=MM_PER_PX))
    emotrics = read_landmarks(DATA / "rest_emotrics.txt", Scale(mm_per_px=MM_PER_PX))
    named = read_landmarks(DATA / "rest_named_mm.json")
    np.testing.assert_allclose(plain.metric_points(), comma.metric_points(), atol=1e-3)
    np.testing.assert_allclose(plain.metric_points(), emotrics.metric_points(), atol=0.25)  # integer pixels
    np.testing.assert_allclose(plain.metric_points(), named.metric_points(), atol=0.01)


def test_emotrics_iris_gives_the_scale():
    by_iris = read_landmarks(DATA / "rest_emotrics.txt")  # 11.77 mm iris, radius 24 px in the file
    assert by_iris.mm_per_unit == pytest.approx(11.77 / 48)
    assert read_landmarks(DATA / "rest_emotrics.txt", Scale(iris_mm=12.0)).mm_per_unit == pytest.approx(12.0 / 48)


def test_ipd_scale_sets_the_pupil_distance():
    ls = read_landmarks(DATA / "rest_ibug.txt", Scale(ipd_mm=64.0))
    assert ls.ipd_mm == pytest.approx(64.0)


def test_image_axes_become_patient_axes(tmp_path):
    """Image x to the viewer's right = the patient's left; image y down = facesim down."""
    pts = np.zeros((68, 2))
    pts[:, 0], pts[:, 1] = 500.0, 500.0
    pts[36:42] = (400.0, 300.0)  # right eye on the viewer's left
    pts[42:48] = (600.0, 300.0)
    pts[48:68] = (500.0, 600.0)  # the lips, in the mouth
    pts[48] = (450.0, 600.0)  # right corner
    pts[54] = (550.0, 580.0)  # left corner, 20 px higher in the photo
    pts[56], pts[58] = (530.0, 620.0), (470.0, 620.0)
    f = tmp_path / "a.txt"
    f.write_text(ibug_text(pts))
    ls = read_landmarks(f, Scale(mm_per_px=0.3))
    assert ls["cheilion_left"][0] > 0 > ls["cheilion_right"][0]
    assert ls["pupil_left"][0] == pytest.approx(30.0)
    assert ls["cheilion_left"][1] - ls["cheilion_right"][1] == pytest.approx(6.0)  # left is higher
    assert ls["cheilion_left"][1] < 0  # the mouth is below the eyes


def test_three_d_text_is_read(tmp_path):
    pts = np.zeros((68, 3))
    pts[36:42], pts[42:48], pts[48:68] = (-30, 0, 5), (30, 0, 5), (0, -62, 9)
    pts[48], pts[54], pts[56], pts[58] = (-25, -60, 9), (25, -62, 9), (10, -68, 9), (-10, -68, 9)
    f = tmp_path / "a.txt"
    f.write_text(ibug_text(pts, header="# units: mm\n# frame: facesim"))
    ls = read_landmarks(f)
    assert ls.dims == 3 and ls.mm_per_unit == 1.0
    assert ls["cheilion_left"] == pytest.approx([25, -62, 9])


def test_mirror_map_is_an_involution_and_swaps_corners():
    assert np.array_equal(IBUG_MIRROR[IBUG_MIRROR], np.arange(68))
    assert IBUG_MIRROR[48] == 54 and IBUG_MIRROR[36] == 45 and IBUG_MIRROR[8] == 8 and IBUG_MIRROR[56] == 58


def test_mirrored_file_gives_mirrored_points():
    raw = np.loadtxt(DATA / "rest_ibug.txt")
    a = to_landmark_set(raw_from_ibug(raw), Scale(mm_per_px=MM_PER_PX))
    b = to_landmark_set(raw_from_ibug(mirror_ibug(raw, 500.0)), Scale(mm_per_px=MM_PER_PX))
    for left, right in (("cheilion_left", "cheilion_right"), ("lower_lip_left", "lower_lip_right")):
        np.testing.assert_allclose(b[left], a[right] * [-1, 1, 1], atol=1e-9)


def _write(tmp_path, text, name="bad.txt"):
    f = tmp_path / name
    f.write_text(text)
    return f


@pytest.mark.parametrize(
    "text, words",
    [
        ("1 2\n" * 67, "found 67 points"),
        ("1 2\n" * 67 + "nan 3\n", "not a finite number"),
        ("1 2\n" * 67 + "1 abc\n", "not a number"),
        ("1 2 3 4\n" * 68, "has 4 values"),
    ],
)
def test_bad_text_files(tmp_path, text, words):
    with pytest.raises(InputError, match=words):
        read_landmarks(_write(tmp_path, text), Scale(mm_per_px=0.1))


def test_pixels_without_a_scale_are_refused():
    with pytest.raises(InputError, match="no scale was given"):
        read_landmarks(DATA / "rest_ibug.txt")
    with pytest.raises(InputError, match="needs iris circles"):
        read_landmarks(DATA / "rest_ibug.txt", Scale(iris_mm=11.77))
    with pytest.raises(InputError, match="give one scale"):
        Scale(mm_per_px=0.1, ipd_mm=60)


def test_bad_json(tmp_path):
    good = json.loads((DATA / "rest_named_mm.json").read_text())
    bad = dict(good, points={**good["points"], "chelion_left": [1, 2]})
    with pytest.raises(InputError, match="did you mean 'cheilion_left'"):
        read_landmarks(_write(tmp_path, json.dumps(bad), "a.json"))
    missing = dict(good, points={k: v for k, v in good["points"].items() if k != "cheilion_right"})
    with pytest.raises(InputError, match="missing cheilion_right"):
        read_landmarks(_write(tmp_path, json.dumps(missing), "b.json"))
    with pytest.raises(InputError, match="not a number"):
        read_landmarks(_write(tmp_path, json.dumps(dict(good, points={**good["points"], "menton": [1, "x"]})),
                              "c.json"))
    with pytest.raises(InputError, match="not valid JSON"):
        read_landmarks(_write(tmp_path, "{oops", "d.json"))


def test_swapped_labels_are_caught(tmp_path):
    good = json.loads((DATA / "rest_named_mm.json").read_text())
    p = good["points"]
    p["pupil_left"], p["pupil_right"] = p["pupil_right"], p["pupil_left"]
    with pytest.raises(InputError, match="left pupil"):
        read_landmarks(_write(tmp_path, json.dumps(good), "a.json"))


def test_round_trip_through_pixels(coarse_model):
    from facesim.assessment.patient_fit import simulated_landmarks
    from facesim.anatomy.patient import Patient

    named = simulated_landmarks(coarse_model, Patient(), "rest")
    ibug = ibug_from_named(named)
    ls = to_landmark_set(raw_from_ibug(facesim_to_image(ibug, 0.2)), Scale(mm_per_px=0.2))
    centre = 0.5 * (named["pupil_left"] + named["pupil_right"])
    for n in METRIC_LANDMARKS:
        np.testing.assert_allclose(ls[n][:2], (named[n] - centre)[:2], atol=1e-9)


def test_ibug_pts_files_are_read_like_plain_68_point_text(tmp_path):
    """The iBUG dataset's own .pts format (version, n_points, braces) reads as the plain 68-point text."""
    from pathlib import Path

    plain = Path(__file__).parent / "data" / "rest_ibug.txt"
    rows = [r for r in plain.read_text().splitlines() if r.strip() and not r.startswith("#")]
    pts = tmp_path / "rest.pts"
    pts.write_text("version: 1\nn_points:  68\n{\n" + "\n".join(rows) + "\n}\n")
    a, b = read_landmarks(pts, Scale(ipd_mm=62.0)), read_landmarks(plain, Scale(ipd_mm=62.0))
    assert set(a.points) == set(b.points)
    for name in a.points:
        np.testing.assert_allclose(a[name], b[name])
