"""Landmark CSV files (with or without a header, long or wide), iBUG .pts, and iris centres as the pupils."""

import json
from pathlib import Path

import numpy as np
import pytest

from facesim.assessment.landmark_formats import read_landmarks_raw
from facesim.assessment.landmark_input import PUPIL_SOURCES, Scale, read_landmarks
from facesim.errors import InputError

DATA = Path(__file__).parent / "data"
SCALE = Scale(mm_per_px=0.25)


@pytest.fixture
def pixels():
    return read_landmarks_raw(DATA / "rest_ibug.txt").ibug[:, :2]


def rows(px):
    return [f"{x:.4f},{y:.4f}" for x, y in px]


def reference():
    return read_landmarks(DATA / "rest_ibug.txt", SCALE)


@pytest.mark.parametrize("layout", ["bare", "xy", "index", "index_shuffled", "wide", "comments"])
def test_csv_layouts_read_the_same_points(tmp_path, pixels, layout):
    if layout == "bare":
        text = "\n".join(rows(pixels))
    elif layout == "xy":
        text = "x,y\n" + "\n".join(rows(pixels))
    elif layout in ("index", "index_shuffled"):
        order = np.random.default_rng(0).permutation(68) if layout == "index_shuffled" else range(68)
        text = "Index,X,Y\n" + "\n".join(f"{i},{pixels[i, 0]},{pixels[i, 1]}" for i in order)
    elif layout == "wide":
        head = ["frame", "confidence", *(f"x_{i}" for i in range(68)), *(f"y_{i}" for i in range(68))]
        text = ",".join(head) + "\n" + ",".join(["1", "0.98", *map(str, pixels[:, 0]), *map(str, pixels[:, 1])])
    else:
        text = "# units: px\n# exported by a tool\nx,y\n" + "\n".join(rows(pixels))
    (tmp_path / "p.csv").write_text(text + "\n")
    got = read_landmarks(tmp_path / "p.csv", SCALE)
    np.testing.assert_allclose(got.metric_points(), reference().metric_points(), atol=1e-3)
    assert got.ibug is not None and got.pupil_source == "eyelids"


def test_csv_with_named_rows_and_units(tmp_path):
    named = json.loads((DATA / "rest_named_mm.json").read_text())["points"]
    text = "# units: mm\n# frame: facesim\nname,x,y\n" + "\n".join(f"{n},{x},{y}" for n, (x, y) in named.items())
    (tmp_path / "n.csv").write_text(text)
    got = read_landmarks(tmp_path / "n.csv")
    want = read_landmarks(DATA / "rest_named_mm.json")
    np.testing.assert_allclose(got.metric_points(), want.metric_points(), atol=1e-9)
    assert got.ibug is None and got.pupil_source == "named"


@pytest.mark.parametrize("text, words", [
    ("1,2,3,4\n" * 68, "4 values; a landmark row is x,y or x,y,z"),
    ("1,2\n" * 67, "found 67 points"),
    ("x,y,colour\n" + "1,2,red\n" * 68, "unknown column 'colour'"),
    ("x,y\n" + "1,2,3\n" * 68, "3 values for 2 columns"),
    ("x\n" + "1\n" * 68, "needs x and y columns"),
    ("x,x,y\n" + "1,1,2\n" * 68, "appears twice in the header"),
    ("name,x,y\ncheilion_lefft,1,2\n", "unknown landmark 'cheilion_lefft'; did you mean 'cheilion_left'"),
    ("name,x,y\ncheilion_left,1,2\ncheilion_left,1,2\n", "appears twice; give each point once"),
    ("index,x,y\n" + "".join(f"{i},1,2\n" for i in range(67)) + "66,1,2\n", "0-67 once each"),
    ("index,x,y\n" + "".join(f"{i},1,2\n" for i in range(67)) + "68,1,2\n", "index '68'"),
    ("x,y\n", "a header and no landmark rows"),
    ("x,y\n" + "1,two\n" * 68, "'two' is not a number"),
    ("x_0,y_0\n1,2\n", "x_1 is missing"),
    ("# units: inches\n" + "1,2\n" * 68, "units 'inches'"),
    ("\n\n", "no landmark rows"),
])
def test_bad_csv_is_refused_with_the_field_and_the_fix(tmp_path, text, words):
    (tmp_path / "bad.csv").write_text(text)
    with pytest.raises(InputError, match=words):
        read_landmarks_raw(tmp_path / "bad.csv")


def test_wide_csv_with_many_rows_is_refused(tmp_path, pixels):
    head = [*(f"x_{i}" for i in range(68)), *(f"y_{i}" for i in range(68))]
    row = ",".join([*map(str, pixels[:, 0]), *map(str, pixels[:, 1])])
    (tmp_path / "v.csv").write_text(",".join(head) + "\n" + row + "\n" + row + "\n")
    with pytest.raises(InputError, match="2 data rows; a wide landmark file holds one photo"):
        read_landmarks_raw(tmp_path / "v.csv")


def test_pts_files_are_read_and_bad_ones_refused(tmp_path, pixels):
    (tmp_path / "a.pts").write_text("version: 1\nn_points: 68\n{\n" + "\n".join(f"{x} {y}" for x, y in pixels) + "\n}\n")
    got = read_landmarks(tmp_path / "a.pts", SCALE)
    np.testing.assert_allclose(got.metric_points(), reference().metric_points(), atol=1e-3)
    (tmp_path / "b.pts").write_text("version: 1\nn_points: 68\n{\n" + "1 2\n" * 60 + "}\n")
    with pytest.raises(InputError, match="found 60 points"):
        read_landmarks_raw(tmp_path / "b.pts")


def test_iris_centres_are_the_pupils_when_the_file_has_them(tmp_path):
    text = (DATA / "rest_emotrics.txt").read_text()
    base = read_landmarks(DATA / "rest_emotrics.txt")
    assert base.pupil_source == "iris" and "iris centres" in PUPIL_SOURCES[base.pupil_source]
    # the left iris 4 px (about 1 mm) above its eyelid ring: the pupil follows the iris, not the eyelids
    moved = text.replace("# Left iris [x,y,r] { \n620\n226", "# Left iris [x,y,r] { \n620\n222")
    assert moved != text
    (tmp_path / "m.txt").write_text(moved)
    shifted = read_landmarks(tmp_path / "m.txt")
    mm = 11.77 / 48
    assert shifted["pupil_left"][1] - base["pupil_left"][1] == pytest.approx(4 * mm / 2, abs=1e-6)  # re-centred
    no_iris = text.replace("# Left iris [x,y,r] { \n620\n226\n24", "# Left iris [x,y,r] { \n-1\n-1\n-1")
    (tmp_path / "n.txt").write_text(no_iris)
    half = read_landmarks(tmp_path / "n.txt")  # one iris: the scale from it, the pupils from the eyelids
    assert half.pupil_source == "eyelids"
    assert "iris diameter 11.77 mm" in half.scale_source


def test_json_iris_circles_give_the_pupils(tmp_path):
    data = json.loads((DATA / "rest_named_mm.json").read_text())
    data["iris"] = {"left": [31.5, 1.0, 5.9], "right": [-31.5, -1.0, 5.9]}
    (tmp_path / "i.json").write_text(json.dumps(data))
    got = read_landmarks(tmp_path / "i.json")
    assert got.pupil_source == "iris"
    assert got["pupil_left"][:2] == pytest.approx([31.5, 1.0])
