"""Triage: red flags refer and refuse planning; a jaw shift is not muscular; sides and wear-off."""

import numpy as np

from facesim.treatment.shot import Shot
import pytest

from facesim.assessment.measures import measure
from facesim.scenario.history import RED_FLAG_KEYS, History
from facesim.anatomy.patient import Patient
from facesim.assessment.triage import REFERRAL, PlanningRefused, triage

from landmark_cases import jaw_cant, landmark_set, photo_pixels

DAO_RIGHT = Patient(tone={"dao_right": 10.0})


def measured(model, patient, transform=None, mirrored=False):
    rest = landmark_set(photo_pixels(model, patient, "rest", transform=transform), mirrored)
    smile = landmark_set(photo_pixels(model, patient, "smile", transform=transform), mirrored)
    return measure(rest, smile)


@pytest.mark.parametrize("flag", RED_FLAG_KEYS)
def test_each_red_flag_alone_refers_and_refuses_planning(coarse_model, flag):
    t = triage(measured(coarse_model, DAO_RIGHT), History(**{flag: True}))
    assert not t.allows_planning
    assert t.referral.startswith(REFERRAL) and t.urgency is not None
    assert t.advice[0] == t.referral and not any("BoNT-A" in line for line in t.advice)  # no treatment story
    assert t.primary == "neurogenic"
    with pytest.raises(PlanningRefused):
        t.require_planning_allowed()


def test_no_red_flag_allows_planning(coarse_model):
    t = triage(measured(coarse_model, DAO_RIGHT), History(chewing_side="left", dental_history=True))
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


@pytest.mark.parametrize("flags, tier", [
    ({"sudden_onset": True, "other_weakness_or_numbness": True}, "emergency"),  # possible stroke
    ({"other_stroke_signs": True}, "emergency"),
    ({"sudden_onset": True}, "within_days"),  # a new palsy: its treatment works best early
    ({"eye_closure_difficulty": True}, "within_days"),
    ({"pain": True}, "medical_review"),
    ({"previous_treatment_worse": True}, "medical_review"),
    ({"worsening": True, "pain": True}, "medical_review"),
    ({"other_weakness_or_numbness": True}, "medical_review"),
])
def test_red_flags_get_their_urgency(coarse_model, flags, tier):
    t = triage(measured(coarse_model, DAO_RIGHT), History(**flags))
    assert t.urgency.tier == tier and t.referral.startswith(REFERRAL)
    assert all(word in t.referral for word in t.urgency.flags)


def test_pain_with_a_weak_side_is_a_medical_review_not_toxin(coarse_model):
    weak = Patient(strength={"zygomaticus_major_right": 0.53})
    t = triage(measured(coarse_model, weak), History(pain=True))
    assert t.urgency.tier == "medical_review" and not t.allows_planning
    assert not any("BoNT-A" in line for line in t.advice)


def test_previous_treatment_made_it_worse_is_named(coarse_model):
    t = triage(measured(coarse_model, DAO_RIGHT), History(previous_treatment_worse=True))
    assert "previous treatments did not help or made it worse" in " ".join(t.causes[0].reasons)


def test_a_corner_low_at_rest_alone_names_both_tone_and_tissue_droop(coarse_model):
    """A pure 4 mm tissue droop, as landmarks: the photos cannot tell it from DAO tone (both paths kept)."""
    from landmark_cases import droop_pixels

    rest = landmark_set(droop_pixels(coarse_model, "rest", "right", 4.0))
    smile = landmark_set(droop_pixels(coarse_model, "smile", "right", 4.0))
    t = triage(measure(rest, smile))
    assert t.droop_unexamined and {"muscular", "static_droop"} <= set(t.labels)
    text = " ".join(t.advice)
    assert "cannot separate an over-toned DAO from tissue droop" in text and "lift the low corner" in text
    assert "If the examination finds DAO tone" in text  # toxin only on that path


def test_dental_history_alone_gives_no_contradictory_advice(coarse_model):
    t = triage(measured(coarse_model, DAO_RIGHT), History(dental_history=True))
    text = " ".join(t.advice)
    assert "orthodontic / orthognathic evaluation first" not in text  # no jaw signs measured
    assert "jaw landmarks" in text


def test_change_of_form_and_no_aftercare_are_answered(coarse_model):
    t = triage(measured(coarse_model, DAO_RIGHT), History(goal="change_of_form", aftercare=False))
    text = " ".join(t.advice)
    assert "wrong tool" in text and "drifts back" in text
