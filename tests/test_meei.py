"""The MEEI (Emotrics) measures: exact hand-built cases, tilt and mirror invariance, the Emotrics fixtures."""

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.interpolate import UnivariateSpline

from facesim.assessment.landmark_formats import read_landmarks_raw
from facesim.assessment.landmark_writing import mirror_ibug
from facesim.assessment.meei import meei_frontal, meei_measures
from facesim.errors import InputError

DATA = Path(__file__).parent / "data"
IRIS_L, IRIS_R = np.array([31.0, 0.0]), np.array([-31.0, 0.0])

# The hand-built mouth (iris frame, mm): corners R (-25, -60), L (25, -58); the outer lower lip the
# parabola y = -66 + 0.04 x + 0.0112 x^2 (through both corners, -66 on the midline); the outer upper lip
# the straight line through the corners y = -59 + 0.04 x; the inner upper lip the line y = -59.2 + 0.04 x
# between the inner corners x = -23 and 23, the inner lower lip that line minus G (1 - (x / 23)^2).
G = 1.5


def lower(x):
    return -66.0 + 0.04 * x + 0.0112 * x ** 2


def inner_upper(x):
    return -59.2 + 0.04 * x


def hand_mouth() -> np.ndarray:
    p = np.zeros((68, 2))
    p[:48] = np.column_stack([np.linspace(-60, 60, 48), np.linspace(40, -100, 48)])  # unused by the measures
    xs = np.array([-20.0, -10.0, 0.0, 10.0, 20.0])
    p[48], p[54] = (-25.0, -60.0), (25.0, -58.0)
    p[[49, 50, 51, 52, 53]] = np.column_stack([xs, -59.0 + 0.04 * xs])
    p[[59, 58, 57, 56, 55]] = np.column_stack([xs, lower(xs)])
    xi = np.array([-23.0, -12.0, 0.0, 12.0, 23.0])
    p[[60, 61, 62, 63, 64]] = np.column_stack([xi, inner_upper(xi)])
    p[[67, 66, 65]] = np.column_stack([xi[1:4], inner_upper(xi[1:4]) - G * (1 - (xi[1:4] / 23) ** 2)])
    return p


def expected_side(corner):
    """By hand: CE and SA from the midline point (0, -66); the lip point 12.5 mm along the upper line."""
    cx, cy = corner
    mid = np.array([0.0, -66.0])
    ce = np.hypot(cx - mid[0], cy - mid[1])
    sa = 90.0 + np.degrees(np.arcsin((cy - mid[1]) / ce))
    step = 0.5 * abs(cx) * np.array([1.0, 0.04]) / np.hypot(1.0, 0.04)
    up = np.array(corner) - np.sign(cx) * step
    return ce, sa, up, lower(up[0]), G * (1 - (up[0] / 23) ** 2)


def test_hand_built_mouth_gives_the_definitions_answers():
    m = meei_frontal(hand_mouth(), smoothing_mm2=0.01)
    assert m.lower_lip_midpoint == pytest.approx([0.0, -66.0], abs=1e-9)
    for side, corner in (("left", (25.0, -58.0)), ("right", (-25.0, -60.0))):
        ce, sa, up, low_y, show = expected_side(corner)
        s = m.side(side)
        assert s.commissure_excursion_mm == pytest.approx(ce, abs=1e-9)
        assert s.smile_angle_deg == pytest.approx(sa, abs=1e-9)
        assert s.upper_lip_point == pytest.approx(up, abs=1e-9)
        assert s.lower_lip_height_mm == pytest.approx(low_y, abs=1e-9)
        assert s.dental_show_mm == pytest.approx(show, abs=1e-9)
    assert m.commissure_height_deviation_mm == pytest.approx(2.0, abs=1e-12)
    up_l, up_r = expected_side((25.0, -58.0))[2], expected_side((-25.0, -60.0))[2]
    assert m.upper_lip_height_deviation_mm == pytest.approx(up_l[1] - up_r[1], abs=1e-9)
    assert m.lower_lip_height_deviation_mm == pytest.approx(lower(up_l[0]) - lower(up_r[0]), abs=1e-9)
    assert m.pulled_toward == "left"  # 57 sits on the midline: Emotrics' >= favours the left


def test_a_level_corner_reads_90_and_a_closed_mouth_no_dental_show():
    p = hand_mouth()
    p[[48, 59, 58, 57, 56, 55, 54], 1] = -66.0  # a straight lower lip, level with both corners
    p[[67, 66, 65]] = p[[61, 62, 63]]  # the inner lips touch
    m = meei_frontal(p, 0.01)
    assert (m.left.smile_angle_deg, m.right.smile_angle_deg) == pytest.approx((90.0, 90.0), abs=1e-9)
    assert (m.left.commissure_excursion_mm, m.right.commissure_excursion_mm) == pytest.approx((25.0, 25.0))
    assert m.left.dental_show_mm == 0.0 and m.right.dental_show_mm == 0.0


def rotate(points, degrees, about=(7.0, -3.0), shift=(11.0, 5.0)):
    a = np.radians(degrees)
    rot = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
    c = np.asarray(about)
    return (np.asarray(points) - c) @ rot.T + c + np.asarray(shift)


def flat(m):
    out = [*m.lower_lip_midpoint, m.commissure_height_deviation_mm, m.upper_lip_height_deviation_mm,
           m.lower_lip_height_deviation_mm]
    for s in (m.left, m.right):
        out += [s.commissure_excursion_mm, s.smile_angle_deg, s.dental_show_mm, s.commissure_height_mm,
                s.upper_lip_height_mm, s.lower_lip_height_mm]
    return np.array(out)


def fixture_mm(name):
    """A fixture's 68 points and iris centres in mm, +y up (as facesim reads it)."""
    raw = read_landmarks_raw(DATA / name)
    k = 11.77 / (2 * np.mean(list(raw.iris_radius.values())))
    flip = np.array([1.0, -1.0]) * k
    return raw.ibug[:, :2] * flip, raw.iris_centre["left"] * flip, raw.iris_centre["right"] * flip, k * k


@pytest.mark.parametrize("degrees", [10.0, 30.0, -10.0])
@pytest.mark.parametrize("case", ["hand", "rest_emotrics.txt", "smile_emotrics.txt"])
def test_a_head_tilt_changes_nothing(case, degrees):
    if case == "hand":
        pts, il, ir, s = hand_mouth(), IRIS_L, IRIS_R, 0.01
    else:
        pts, il, ir, s = fixture_mm(case)
    before = meei_measures(pts, il, ir, s)
    after = meei_measures(rotate(pts, degrees), rotate(il, degrees), rotate(ir, degrees), s)
    assert flat(after) == pytest.approx(flat(before), abs=1e-7)
    assert after.pulled_toward == before.pulled_toward


@pytest.mark.parametrize("case", ["hand", "smile_emotrics.txt"])
def test_a_mirrored_face_swaps_the_sides_and_negates_the_deviations(case):
    if case == "hand":
        pts, il, ir, s, tol = hand_mouth(), IRIS_L, IRIS_R, 0.01, 1e-9
    else:
        (pts, il, ir, s), tol = fixture_mm(case), 0.05
    m = meei_measures(pts, il, ir, s)
    mirrored = mirror_ibug(pts)  # x -> -x, left/right indices swapped
    w = meei_measures(mirrored, ir * [-1, 1], il * [-1, 1], s)
    for key in ("commissure_excursion_mm", "smile_angle_deg", "dental_show_mm", "upper_lip_height_mm",
                "lower_lip_height_mm"):
        # exact on the hand-built mouth; on a real contour Emotrics' smoothing spline is not mirror-exact
        # (FITPACK adds its knots from one end): up to 0.05 mm on the fixtures' upper-lip points
        assert getattr(w.left, key) == pytest.approx(getattr(m.right, key), abs=tol)
        assert getattr(w.right, key) == pytest.approx(getattr(m.left, key), abs=tol)
    for key in ("commissure_height_deviation_mm", "upper_lip_height_deviation_mm", "lower_lip_height_deviation_mm"):
        assert getattr(w, key) == pytest.approx(-getattr(m, key), abs=tol)
    assert (w.left.commissure_excursion_mm, w.left.smile_angle_deg) == pytest.approx(
        (m.right.commissure_excursion_mm, m.right.smile_angle_deg), abs=1e-5)


@settings(max_examples=25, deadline=None)
@given(st.floats(-45, 45), st.floats(0.5, 3.0), st.floats(-50, 50), st.floats(-50, 50))
def test_similarity_transforms_scale_lengths_and_keep_angles(degrees, scale, dx, dy):
    pts, il, ir, s = fixture_mm("rest_emotrics.txt")
    m = meei_measures(pts, il, ir, s)
    t = lambda p: rotate(p, degrees, shift=(dx, dy)) * scale  # noqa: E731
    w = meei_measures(t(pts), t(il), t(ir), s * scale ** 2)
    for a, b in ((w.left, m.left), (w.right, m.right)):
        assert a.commissure_excursion_mm == pytest.approx(scale * b.commissure_excursion_mm, rel=1e-6)
        assert a.smile_angle_deg == pytest.approx(b.smile_angle_deg, abs=1e-6)
        assert a.dental_show_mm == pytest.approx(scale * b.dental_show_mm, abs=1e-5)
    assert w.lower_lip_height_deviation_mm == pytest.approx(scale * m.lower_lip_height_deviation_mm, abs=1e-5)


def by_hand(name):
    """The definitions applied step by step on a fixture, independently of facesim.assessment.meei: rotate
    by the iris line's angle, spline each contour, walk the upper lip on a 0.0005 mm grid."""
    pts, il, ir, s = fixture_mm(name)
    a = np.arctan2(il[1] - ir[1], il[0] - ir[0])
    rot = np.array([[np.cos(a), np.sin(a)], [-np.sin(a), np.cos(a)]])
    q = (pts - 0.5 * (il + ir)) @ rot.T
    spl = {key: UnivariateSpline(q[list(idx), 0], q[list(idx), 1], s=s) for key, idx in (
        ("lo", (48, 59, 58, 57, 56, 55, 54)), ("up", (48, 49, 50, 51, 52, 53, 54)),
        ("iu", (60, 61, 62, 63, 64)), ("il", (60, 67, 66, 65, 64)))}
    mid = np.array([0.0, float(spl["lo"](0.0))])
    out = {}
    for side, c in (("left", q[54]), ("right", q[48])):
        d = c - mid
        grid = np.arange(min(c[0], 0), max(c[0], 0), 0.0005)
        dist = np.hypot(grid - c[0], spl["up"](grid) - c[1])
        x = grid[np.argmin(np.abs(dist - abs(c[0]) / 2))]
        out[side] = dict(ce=np.hypot(*d), sa=90 + np.degrees(np.arcsin(d[1] / np.hypot(*d))), h=c[1],
                         up=float(spl["up"](x)), lo=float(spl["lo"](x)),
                         show=max(float(spl["iu"](x) - spl["il"](x)), 0.0))
    return out


# Emotrics' own measurements.py, run unchanged on the two fixtures (iris scale 11.77 mm): CE left, right;
# SA left, right; |commissure height deviation| (its lip points sit on a 1-pixel grid, so within 0.06 mm).
EMOTRICS = {"rest_emotrics.txt": (28.055, 28.204, 105.967, 100.760, 2.452, 1.212, 0.792),
            "smile_emotrics.txt": (38.261, 35.669, 116.201, 109.641, 4.904, 1.518, 1.792)}


@pytest.mark.parametrize("name", sorted(EMOTRICS))
def test_the_emotrics_fixtures_agree_with_the_definitions_by_hand_and_with_emotrics(name):
    pts, il, ir, s = fixture_mm(name)
    m = meei_measures(pts, il, ir, s)
    hand = by_hand(name)
    for side in ("left", "right"):
        got, want = m.side(side), hand[side]
        assert got.commissure_excursion_mm == pytest.approx(want["ce"], abs=1e-6)
        assert got.smile_angle_deg == pytest.approx(want["sa"], abs=1e-6)
        assert got.commissure_height_mm == pytest.approx(want["h"], abs=1e-6)
        assert got.upper_lip_height_mm == pytest.approx(want["up"], abs=2e-3)
        assert got.lower_lip_height_mm == pytest.approx(want["lo"], abs=2e-3)
        assert got.dental_show_mm == pytest.approx(want["show"], abs=2e-3)
    ce_l, ce_r, sa_l, sa_r, chd, uld, lld = EMOTRICS[name]
    assert (m.left.commissure_excursion_mm, m.right.commissure_excursion_mm) == pytest.approx((ce_l, ce_r), abs=1e-3)
    assert (m.left.smile_angle_deg, m.right.smile_angle_deg) == pytest.approx((sa_l, sa_r), abs=1e-3)
    assert abs(m.commissure_height_deviation_mm) == pytest.approx(chd, abs=1e-3)
    assert abs(m.upper_lip_height_deviation_mm) == pytest.approx(uld, abs=0.06)
    assert abs(m.lower_lip_height_deviation_mm) == pytest.approx(lld, abs=0.06)


def test_points_out_of_order_or_corners_on_one_side_are_refused():
    p = hand_mouth()
    p[[57, 56]] = p[[56, 57]]
    with pytest.raises(InputError, match="outer lower-lip points .* do not run"):
        meei_frontal(p, 0.01)
    p = hand_mouth()
    p[48] = (3.0, -60.0)
    with pytest.raises(InputError, match="either side of the facial midline"):
        meei_frontal(p, 0.01)
    with pytest.raises(InputError, match="68 finite"):
        meei_frontal(np.zeros((60, 2)), 0.01)
