"""Triage: red flags refer and refuse planning; a jaw shift is not muscular; sides and wear-off."""

import numpy as np

from facesim.treatment.shot import Shot
import pytest

from facesim.assessment.measures import measure
from facesim.scenario.history import RED_FLAGS, History
from facesim.anatomy.patient import Patient
from facesim.assessment.triage import PlanningRefused, triage

from landmark_cases import jaw_cant, landmark_set, photo_pixels

DAO_RIGHT = Patient(tone={"dao_right": 10.0})


def measured(model, patient, transform=None, mirrored=False):
    rest = landmark_set(photo_pixels(model, patient, "rest", transform=transform), mirrored)
    smile = landmark_set(photo_pixels(model, patient, "smile", transform=transform), mirrored)
    return measure(rest, smile)


@pytest.mark.parametrize("flag", list(RED_FLAGS))
def test_each_red_flag_alone_refers_and_refuses_planning(coarse_model, flag):
    t = triage(measured(coarse_model, DAO_RIGHT), History(**{flag: True}))
    assert not t.allows_planning
    assert t.referral.startswith("See a neurologist before any cosmetic treatment")
    assert t.primary == "neurogenic"
    with pytest.raises(PlanningRefused):
        t.require_planning_allowed()


def test_no_red_flag_allows_planning(coarse_model):
    t = triage(measured(coarse_model, DAO_RIGHT), History(pain=True, chewing_side="left"))
    assert t.allows_planning and t.referral is None
    t.require_planning_allowed()


def test_a_side_that_barely_moves_is_referred(coarse_model):
    palsy = Patient(strength={f"{m}_left": 0.1 for m in ("zygomaticus_major", "zygomaticus_minor",
                                                         "levator_anguli_oris", "risorius", "buccinator")})
    t = triage(measured(coarse_model, palsy))
    assert not t.allows_planning and "barely moves" in t.referral


def test_over_toned_dao_is_muscular(coarse_model):
    m = measured(coarse_model, DAO_RIGHT)
    t = triage(m)
    assert m.corner.rest_height_deviation > 1.5
    assert t.primary == "muscular" and t.allows_planning
    assert "DAO) on the right" in " ".join(t.causes[0].reasons)


def test_jaw_shift_is_skeletal_not_muscular(coarse_model):
    m = measured(coarse_model, Patient(), transform=jaw_cant(-4.0))
    assert m.corner.rest_height_deviation < -1.5  # the left corner sits lower at rest
    assert m.chin_deviation_mm < -2.0
    t = triage(m)
    assert t.primary == "skeletal_dental"
    assert "muscular" not in t.labels
    assert any("orthodontic" in a and "not the first step" in a for a in t.advice)


def test_mirrored_landmarks_name_the_other_side(coarse_model):
    a = triage(measured(coarse_model, DAO_RIGHT))
    b_m = measured(coarse_model, DAO_RIGHT, mirrored=True)
    b = triage(b_m)
    assert b_m.corner.rest_height_deviation == pytest.approx(-measured(coarse_model, DAO_RIGHT)
                                                            .corner.rest_height_deviation, abs=1e-9)
    assert "on the right side" in a.causes[0].reasons[0] and "on the left side" in b.causes[0].reasons[0]


def test_recent_injection_is_considered_with_its_wear_off(coarse_model):
    recent = History(previous_injections=(Shot.at("dao_left", 4.0, day=-30, previous=True),))
    t = triage(measured(coarse_model, DAO_RIGHT), recent)
    assert "iatrogenic" in t.labels or t.weight("iatrogenic") > 0
    (w,) = t.wear_off
    assert 0 < w.force_lost_now < 0.9
    assert 30 < w.wears_off_day < 200
    assert f"day +{w.wears_off_day:.0f}" in " ".join(c for cause in t.causes for c in cause.reasons)


def test_old_injection_is_not_iatrogenic(coarse_model):
    old = History(previous_injections=(Shot.at("dao_left", 4.0, day=-200, previous=True),))
    t = triage(measured(coarse_model, DAO_RIGHT), old)
    assert t.weight("iatrogenic") == 0 and not t.wear_off


def test_habit_history(coarse_model):
    t = triage(measured(coarse_model, DAO_RIGHT), History(jaw_propping="right"))
    assert "habit" in t.labels
    assert any("Correct the habit first" in a for a in t.advice)


def test_symmetric_face_has_no_cause(coarse_model):
    t = triage(measured(coarse_model, Patient()))
    assert t.causes == () and t.allows_planning
    assert np.isclose(t.weight("muscular"), 0.0)
