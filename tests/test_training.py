"""Training mode (issue 7): cases, answers, scoring and feedback, the session log."""

import json
import re

import pytest

from facesim.errors import InputError
from facesim.planning.planner import PlannerSettings
from facesim.training.session import CaseView, add_attempt, attempt_record, case_view, load_log, summarise
from facesim.training.answer import load_answer, parse_answer, parse_site_text
from facesim.training.cases import (
    KINDS,
    bundled_names,
    find_case,
    generated_case,
    random_case,
    reveal_words,
)
from facesim.training.treatments import path_treatment
from facesim.training.score import CaseEvaluator
from facesim.assessment.triage import REFERRAL

SETTINGS = PlannerSettings.default(samples=40)


def answer(cause="muscular", plan=None, **shot):
    data = {"cause": cause}
    if plan:
        data["plan"] = plan
    if shot:
        data["injection"] = [shot]
    return parse_answer(data, "test answer")


@pytest.fixture(scope="module")
def dao(coarse_model):
    """Over-toned right DAO (bundled case j): the reference is a small right DAO dose."""
    return CaseEvaluator(coarse_model, find_case("j"), SETTINGS)


@pytest.fixture(scope="module")
def smile(coarse_model):
    """Left zygomaticus major and risorius over-pull (case a): toxin can flip the balance here."""
    return CaseEvaluator(coarse_model, find_case("a"), SETTINGS)


def test_reference_plan_scores_at_least_90(dao, smile):
    for ev in (dao, smile):
        assert ev.reference.plan == "inject" and ev.reference.shots
        result = ev.score(ev.reference)
        assert result.score >= 90, result.feedback
        assert result.skills["safety"] == 100
        assert not any(line.startswith(("Over-correction", "Complication")) for line in result.feedback)


def test_no_injection_on_a_balanced_case_scores_well(coarse_model):
    ev = CaseEvaluator(coarse_model, generated_case("balanced", 1), SETTINGS)
    assert ev.reference.plan == "no injection"
    good = ev.score(answer("none", "no injection"))
    assert good.score >= 90
    needless = ev.score(answer("muscular", site="dao_right", units=3.0))
    assert needless.score < good.score
    assert any("where the reference gives no toxin" in line for line in needless.feedback)


def test_injecting_a_neurogenic_case_scores_zero_with_the_referral(coarse_model):
    ev = CaseEvaluator(coarse_model, find_case("e"), SETTINGS)
    bad = ev.score(answer("muscular", site="zygomaticus_major_left", units=1.0))
    assert bad.score == 0 and bad.skills["safety"] == 0
    assert bad.safety_failures and any(REFERRAL in line for line in bad.feedback)
    good = ev.score(answer("neurogenic", "refer"))
    assert good.score == 100 and any(REFERRAL in line for line in good.feedback)
    missed = ev.score(answer("muscular", "no injection"))
    assert 0 < missed.score < 50 and any("Missed referral" in line for line in missed.feedback)


def test_dao_shot_10mm_medial_spreads_into_the_dli(dao):
    units = dao.reference.shots[0].units
    medial = dao.score(answer(site="dao_right", units=units, shift_mm=[-10.0, 0.0, 0.0]))
    assert any(line.startswith("Complication") and "DLI" in line for line in medial.feedback), medial.feedback
    assert medial.outcome.side_effects["dli_right"] > 0.5
    assert medial.score < dao.score(dao.reference).score - 30
    # the same point given as landmark + offset (the DAO site is cheilion + [4.3, -25, 0])
    landmark = dao.score(answer(landmark="cheilion_right", offset_mm=[4.3 - 10.0, -25.0, 0.0], units=units,
                                target="dao_right"))
    assert landmark.outcome.side_effects["dli_right"] == pytest.approx(medial.outcome.side_effects["dli_right"],
                                                                        abs=0.1)


def test_double_the_reference_dose_over_corrects(smile):
    ref = smile.reference.shots[0]
    assert smile.score(smile.reference).outcome.p_over <= 0.1  # the reference does not over-correct ...
    double = smile.score(answer(site=ref.site.name, units=2 * ref.units))
    assert double.outcome.p_over > 0.3  # ... twice the dose does, in this case (measured: ~50 %)
    assert any(line.startswith("Over-correction") for line in double.feedback)
    assert double.parts["units"] == 0 and double.score < 75


def test_a_dose_above_the_per_site_maximum_scores_zero(dao):
    result = dao.score(answer(site="dao_right", units=12.0))
    assert result.score == 0 and result.skills["safety"] == 0
    assert any("per-site maximum" in line for line in result.feedback)


def test_skeletal_case_wants_orthodontics_not_toxin(coarse_model):
    ev = CaseEvaluator(coarse_model, find_case("d"), SETTINGS)
    assert ev.reference.plan == "orthodontic"
    ortho = ev.score(answer("skeletal", "orthodontic"))
    assert ortho.score == 100 and any("'orthodontic' is not simulated here" in line for line in ortho.feedback)
    toxin = ev.score(answer("skeletal", site="dao_right", units=3.0))
    assert toxin.score < 50 and any("not the first step" in line for line in toxin.feedback)


def test_same_seed_same_case_and_score(coarse_model):
    a, b = random_case(5), random_case(5)
    assert a.scenario == b.scenario and a.truth == b.truth
    assert generated_case("muscular", 3).scenario != generated_case("muscular", 4).scenario
    case = generated_case("muscular", 3)
    reply = answer("muscular", site="dao_left", units=2.0)
    s1 = CaseEvaluator(coarse_model, case, SETTINGS).score(reply)
    s2 = CaseEvaluator(coarse_model, generated_case("muscular", 3), SETTINGS).score(reply)
    assert s1.score == s2.score and s1.feedback == s2.feedback


@pytest.mark.parametrize("kind, cause", [("muscular", "muscular"), ("skeletal", "skeletal_dental"),
                                         ("habit", "habit"), ("neurogenic", "neurogenic"), ("balanced", "none")])
def test_generated_cases_have_their_cause(kind, cause):
    for seed in range(4):
        case = generated_case(kind, seed)
        assert case.truth.cause == cause and case.name == f"{kind}-{seed}"
        assert not case.scenario.planned_injections
    assert set(KINDS) >= {random_case(s).kind for s in range(10)}


def test_bundled_cases_are_untreated_with_a_truth():
    causes = {name: find_case(name).truth.cause for name in bundled_names()}
    assert causes["e_neurogenic_flagged"] == "neurogenic"
    assert causes["d_skeletal_jaw_shift"] == "skeletal_dental"
    assert causes["c2_habit_chewing_masseter_toxin"] == "habit"
    assert causes["f1_previous_injection_wait"] == "iatrogenic"
    assert causes["h_corner_lift"] == "tissue"
    assert find_case("b").truth.over_pulling == ("dao_right",)
    assert not find_case("c2").scenario.planned_injections and not find_case("c2").scenario.habit_corrections
    with pytest.raises(InputError, match="did you mean"):
        find_case("b_overtoned")


def test_case_view_shows_measurements_not_the_cause(coarse_model):
    view = case_view(coarse_model, find_case("d"))
    assert abs(view.metrics["chin_deviation_mm"]) > 1.0 and abs(view.metrics["jaw_cant_deg"]) > 2.0
    text = " ".join(view.lines() + list(view.history)).lower()
    assert "skeletal" not in text and "orthodontic treatment" in text
    assert view.name == "case-5"  # the neutral label, not d_skeletal_jaw_shift


def test_case_view_words_fit_level_and_uneven_corners():
    m = dict(rest_height_deviation_mm=0.0, rest_lower_lip_deviation_mm=0.0, smile_height_deviation_mm=-3.4,
             excursion_left_mm=9.0, excursion_right_mm=5.2, chin_deviation_mm=0.0, jaw_cant_deg=0.0)
    rest, smile, jaw = CaseView("case-7", "female", (), m).lines()
    assert rest == "At rest: the corners are level; lower lip level."
    assert smile.startswith("In a smile: the right corner sits 3.4 mm higher") and "even" not in smile
    assert jaw == "Chin (menton) on the facial midline; jaw line level."


def test_neutral_labels_name_the_case_back_and_tell_nothing():
    words = ("muscular", "skeletal", "habit", "neurogenic", "balanced", "dao", "lift", "filler", "wait", "injection")
    for name in bundled_names():
        case = find_case(name)
        assert re.fullmatch(r"case-\d+", case.label) and find_case(case.label).name == name
        assert case.label in reveal_words(case) and name in reveal_words(case)
    for kind in KINDS:
        case = generated_case(kind, 3)
        assert case.label.startswith("practice-") and not any(w in case.label for w in words)
        assert find_case(case.label).scenario == case.scenario and f"{kind}-3" in reveal_words(case)
    assert random_case(4).label == "random-4"
    with pytest.raises(InputError, match="case-1 to case-"):
        find_case("case-99")


def test_non_toxin_paths_become_treatments_that_fit_the_case():
    weak = find_case("i")  # right smile muscles at 70 %
    ex = path_treatment(weak, answer("muscular", "re-education"), 0.0)
    assert ex.exercises and set(ex.exercises[0].muscle_ids) == set(weak.truth.under_pulling)
    assert "zygomaticus_major_right" in ex.words and "90" in ex.words
    habit = path_treatment(find_case("c1"), answer("habit", "habit correction"), 0.0)
    assert {h.muscle_ids[0] for h in habit.habit_corrections} == set(find_case("c1").truth.over_pulling)
    dao = find_case("j")
    assert path_treatment(dao, answer("habit", "habit correction"), 5.0).empty
    assert "no habit in the history" in path_treatment(dao, answer("habit", "habit correction"), 5.0).words
    lift = path_treatment(dao, answer("tissue", "lift"), 5.6)  # the left corner 5.6 mm higher: lift the right
    assert lift.corner_lifts[0].side == "right" and lift.corner_lifts[0].lift_mm == 5.5
    filler = path_treatment(dao, answer("tissue", "filler"), -2.0)  # the right corner higher: fill the left
    assert filler.fillers[0].site == "cheilion_left" and "below the left corner" in filler.words
    assert path_treatment(dao, answer("tissue", "lift"), 0.1).empty  # nothing lower: nothing to lift


def test_answer_files_toml_and_json(tmp_path):
    toml = tmp_path / "a.toml"
    toml.write_text('cause = "skeletal"\nplan = "orthodontics"\n')
    assert load_answer(toml).plan == "orthodontic" and load_answer(toml).cause == "skeletal_dental"
    js = tmp_path / "a.json"
    js.write_text(json.dumps({"cause": "muscular", "injection": [{"site": "dao_right", "units": 2.5}]}))
    a = load_answer(js)
    assert a.plan == "inject" and a.shots[0].units == 2.5


@pytest.mark.parametrize("data, match", [
    ({"cause": "muscular", "injection": [{"site": "dao_rihgt", "units": 2}]}, "did you mean 'dao_right'"),
    ({"cause": "muscular", "injection": [{"site": "dao_right", "units": -2}]}, r"units: expected a number > 0"),
    ({"cause": "muscular", "plan": "inject"}, "at least one"),
    ({"cause": "muscular", "plan": "refer", "injection": [{"site": "dao_right", "units": 2}]}, "takes no"),
    ({"cause": "muscle"}, "cause"),
    ({"cause": "muscular", "injection": [{"point_mm": [0, 0, 0], "units": 1, "shift_mm": [1, 0, 0]}]}, "shift"),
])
def test_bad_answers_name_the_fix(data, match):
    with pytest.raises(InputError, match=match):
        parse_answer(data, "answer.toml")


def test_site_text_at_the_prompt():
    assert parse_site_text("dao_right") == {"site": "dao_right"}
    assert parse_site_text("dao_right shift -10,0,0") == {"site": "dao_right", "shift_mm": [-10.0, 0.0, 0.0]}
    assert parse_site_text("cheilion_right 4.3, -25, 0") == {"landmark": "cheilion_right",
                                                              "offset_mm": [4.3, -25.0, 0.0]}
    assert parse_site_text("point -31.3,-45,0") == {"point_mm": [-31.3, -45.0, 0.0]}
    with pytest.raises(InputError):
        parse_site_text("cheilion_right 4.3")


def test_session_log_summarises_skills(dao, tmp_path):
    log = load_log(tmp_path / "none.json")
    assert log["attempts"] == [] and log["summary"]["attempts"] == 0
    for reply in (dao.reference, answer("skeletal", site="dao_right", units=12.0)):
        log = add_attempt(log, attempt_record(dao.score(reply), seed=None))
    s = log["summary"]
    assert s["attempts"] == 2 and s["skills"]["safety"]["mean"] == 50.0
    assert s["skills"]["diagnosis"]["mean"] == 50.0 and s["weakest_skill"] in ("diagnosis", "safety")
    assert summarise(log["attempts"]) == s
    json.dumps(log)  # plain JSON
