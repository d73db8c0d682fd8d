"""Re-education, habit correction, corner lift and skeletal offset timelines."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from facesim.treatment.corrections import CornerLift, HabitCorrection, ReEducation, SkeletalAsymmetry
from facesim.errors import InputError
from facesim.face.builtin import build_face


def test_re_education_gain_at_four_weeks():
    ex = ReEducation(("zyg_major_left",), start_day=10.0)
    gain = ex.gain(np.array([0.0, 10.0, 10.0 + 28.0, 10.0 + 365.0]))
    assert gain[0] == 0.0 and gain[1] == 0.0
    assert gain[2] == pytest.approx(0.30, abs=0.05)  # measured +33 %
    assert gain[3] == pytest.approx(ex.max_gain, rel=1e-6)
    assert ex.course(np.array([38.0]))[0] == pytest.approx(1.0 + gain[2])


def test_re_education_zero_adherence_gives_nothing():
    ex = ReEducation("dao_right", adherence=0.0)
    np.testing.assert_array_equal(ex.course(np.linspace(-10, 400, 50)), 1.0)


def test_re_education_fades_after_stopping():
    ex = ReEducation(("zyg_major_left",), start_day=0.0, stop_day=56.0)
    days = np.linspace(0.0, 400.0, 2001)
    gain = ex.gain(days)
    at_stop = gain[np.searchsorted(days, 56.0)]
    assert gain.max() == pytest.approx(at_stop)
    after = gain[days >= 56.0]
    assert np.all(np.diff(after) <= 0) and after[-1] < 0.01 * at_stop
    assert ex.gain(np.array([56.0 + ex.detraining_tau_days]))[0] == pytest.approx(at_stop / np.e)


@given(adherence=st.floats(0.0, 1.0), t=st.floats(0.0, 500.0))
@settings(max_examples=50, deadline=None)
def test_re_education_scales_with_adherence(adherence, t):
    full = ReEducation(("m_left",)).gain(np.array([t]))[0]
    part = ReEducation(("m_left",), adherence=adherence).gain(np.array([t]))[0]
    assert part == pytest.approx(adherence * full, abs=1e-12)


@given(initial=st.floats(0.0, 3.0), start=st.floats(-50.0, 100.0))
@settings(max_examples=50, deadline=None)
def test_habit_tone_relaxes_monotonically_to_one(initial, start):
    habit = HabitCorrection(("masseter_right",), initial_tone=initial, start_day=start)
    days = np.linspace(-100.0, 1000.0, 1101)
    tone = habit.course(days)
    assert np.all(tone[days <= start] == pytest.approx(initial))
    dist = np.abs(tone - 1.0)
    assert np.all(np.diff(dist) <= 1e-15)
    assert np.all((tone - 1.0) * (initial - 1.0) >= 0)  # never overshoots
    assert dist[-1] <= 1e-6 * max(abs(initial - 1.0), 1e-300) + 1e-12


def test_habit_half_relaxed_at_tau_ln2():
    habit = HabitCorrection(("masseter_right",), initial_tone=1.4)
    assert habit.course(np.array([habit.tau_days * np.log(2)]))[0] == pytest.approx(1.2)


def test_corner_lift_course():
    lift = CornerLift("left", 2.0, day=14.0)
    days = np.array([13.9, 14.0, 14.0 + 28.0, 14.0 + 90.0, 14.0 + 400.0])
    total = lift.course(days)
    structural, swelling = lift.components(days)
    assert total[0] == 0.0
    assert total[1] > 2.0  # early tightness + oedema
    assert swelling[2] < 0.01 * 2.0  # swelling gone by 4 weeks
    assert structural[3] == pytest.approx(2.0) and total[3] == pytest.approx(2.0, abs=1e-6)
    assert total[4] == pytest.approx(2.0)
    assert lift.landmark == "cheilion_left"


def test_skeletal_offset_is_constant_and_local():
    face = build_face(3000)
    shift = SkeletalAsymmetry((2.0, 0.0, 0.0))
    np.testing.assert_array_equal(shift.course(np.linspace(0, 365, 10)), np.tile([2.0, 0.0, 0.0], (10, 1)))
    field = shift.field(face)
    assert field[face.landmark_index("pogonion"), 0] == pytest.approx(2.0)
    assert np.all(field[face.region("forehead")] == 0.0)
    corner = field[face.landmark_index("cheilion_left"), 0]
    assert 0.5 * 2.0 < corner < 2.0  # the corners, between the jaws, follow most of the shift


def test_jaw_cant_drops_the_corner_on_its_side():
    face = build_face(3000)
    field = SkeletalAsymmetry((0.0, 0.0, 0.0), cant_deg=3.0).field(face)
    left, right = (field[face.landmark_index(f"cheilion_{s}"), 1] for s in ("left", "right"))
    assert left < -0.5 and right > 0.5  # positive cant: the patient's left drops
    assert abs(field[face.landmark_index("menton")]).max() < 1e-9  # the pivot stays


def test_bad_inputs_raise_input_error():
    with pytest.raises(InputError, match="adherence"):
        ReEducation(("dao_left",), adherence=1.5)
    with pytest.raises(InputError, match="stop_day"):
        ReEducation(("dao_left",), start_day=10.0, stop_day=5.0)
    with pytest.raises(InputError, match="muscle_ids"):
        ReEducation(())
    with pytest.raises(InputError, match="initial_tone"):
        HabitCorrection(("masseter_left",), initial_tone=-0.5)
    with pytest.raises(InputError, match="did you mean 'left'"):
        CornerLift("lefft", 2.0)
    with pytest.raises(InputError, match="lift_mm"):
        CornerLift("right", float("nan"))
    with pytest.raises(InputError, match="offset_mm"):
        SkeletalAsymmetry((1.0, 2.0))
    with pytest.raises(InputError, match="cant_deg"):
        SkeletalAsymmetry((1.0, 0.0, 0.0), cant_deg=float("inf"))
