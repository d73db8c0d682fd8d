import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from facesim.metrics import corner_metrics, dominant_side, verdict


def landmarks(corner_left=(27.0, -64.0), corner_right=(-27.0, -64.0), lower_left=(13.0, -70.0),
              lower_right=(-13.0, -70.0)):
    """(6, 3) points in METRIC_LANDMARKS order, pupils at (+-31, 0)."""
    pts = [(31.0, 0.0), (-31.0, 0.0), corner_left, corner_right, lower_left, lower_right]
    return np.array([(x, y, 0.0) for x, y in pts])


def test_exact_small_case():
    rest = landmarks()
    smile = landmarks(corner_left=(27.0 + 6.0, -64.0 + 6.0), corner_right=(-27.0 - 3.0, -64.0 + 4.0))
    m = corner_metrics(rest, smile)
    assert m.rest_height_deviation == 0.0
    assert m.height_deviation == pytest.approx(2.0)
    assert m.excursion_left == pytest.approx(np.hypot(6, 6))
    assert m.excursion_right == pytest.approx(5.0)
    assert m.angle_left == pytest.approx(45.0)
    assert m.angle_right == pytest.approx(np.degrees(np.arctan2(4, 3)))
    assert m.reach_left == pytest.approx(33.0) and m.reach_right == pytest.approx(30.0)
    assert m.excursion_difference == pytest.approx(np.hypot(6, 6) - 5.0)


@settings(max_examples=50, deadline=None)
@given(st.floats(-30, 30), st.floats(-50, 50), st.floats(-50, 50), st.floats(0.5, 2.0))
def test_invariant_to_head_roll_shift_and_photo_scale_direction(angle_deg, dx, dy, scale):
    rest = landmarks(corner_right=(-27.0, -66.0))
    smile = landmarks(corner_left=(33.0, -57.0), corner_right=(-31.0, -61.0))
    a = np.radians(angle_deg)
    rot = np.array([[np.cos(a), -np.sin(a), 0], [np.sin(a), np.cos(a), 0], [0, 0, 1]])
    move = lambda p: p @ rot.T + np.array([dx, dy, 0.0])  # noqa: E731
    m0, m1 = corner_metrics(rest, smile), corner_metrics(move(rest), move(smile))
    for name, v in m0.as_dict().items():
        assert getattr(m1, name) == pytest.approx(v, abs=1e-9), name


def test_batch_shape():
    rest = np.broadcast_to(landmarks(), (4, 7, 6, 3))
    m = corner_metrics(rest, rest)
    assert m.height_deviation.shape == (4, 7) and np.all(m.balance_score == 100.0)


def test_balance_score_and_verdicts():
    rest = landmarks(corner_right=(-27.0, -67.0))  # right corner 3 mm lower
    m = corner_metrics(rest, rest)
    assert m.rest_height_deviation == pytest.approx(3.0)
    assert float(m.balance_score) == pytest.approx(50.0)
    assert verdict(1.0) == "not noticeable" and verdict(7.0) == "clearly noticeable"
    assert dominant_side(3.0) == "left" and dominant_side(-0.01) == "even" and dominant_side(-1) == "right"


def test_a_corner_that_did_not_move_has_no_travel_direction():
    from types import SimpleNamespace

    from facesim_cli.demo import metrics_table
    from facesim.metrics import EXPORT_NAMES

    rest = np.array([[31.0, 0, 0], [-31.0, 0, 0], [25.0, -60, 0], [-25.0, -60, 0], [12.0, -66, 0], [-12.0, -66, 0]])
    smile = rest.copy()
    smile[2] += [3.0, 3.0, 0.0]  # the left corner travels 4.24 mm at 45 degrees; the right stays (arctan2 would say 180)
    smile[3] += [-0.1, 0.0, 0.0]  # 0.1 mm: under the 0.5 mm minimum
    m = corner_metrics(rest, smile)
    assert float(m.angle_left) == pytest.approx(45.0) and np.isnan(m.angle_right)
    assert set(m.export_dict()) >= set(EXPORT_NAMES.values())
    from rich.console import Console

    console = Console(record=True, width=200)
    console.print(metrics_table([SimpleNamespace(patient=SimpleNamespace(name="p"), metrics=m)]))
    assert "45.0 / —" in console.export_text()
