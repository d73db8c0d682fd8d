"""The decision gates in every output (issue 13): each row an input and the answer the clinic material asks for.

| input | answer |
|---|---|
| `report` on the bundled neurogenic case | the patient page has the referral, its urgency, and no dose, no "plan", no "when it is best" |
| history: sudden onset + other weakness or numbness | emergency tier, first line of `assess`; `plan` exits 3 (tests/test_cli_assess.py) |
| `--pain` with a weak side | medical-review tier; no toxin plan (`plan` exits 3) |
| previous treatment made it worse | named in the triage reasons (tests/test_triage.py) and the patient page |
| pure 4 mm tissue droop entered as landmarks | both causes and the examination (tests/test_triage.py); the planner: examine_first, toxin and filler paths |
| habit history (chewing + jaw propping right) | correct_habit_first; toxin only as an adjunct with the drift-back warning |
| 53 % weak right smile, no flags | re_education_first with the nerve work-up line |
| `--dental-history` alone, symmetric jaw | no contradictory advice (tests/test_triage.py) |
| simulate / render of a referred scenario | refused (exit 3) unless --clinician-override, which labels every output |
"""

import json

from typer.testing import CliRunner

from facesim.planning.planner import PlannerSettings
from facesim.planning.recommend import make_plan
from facesim.scenario.case import load_scenario, parse_scenario
from facesim.training.cases import SCENARIOS_DIR
from facesim_cli.main import app

runner = CliRunner()
NEURO = SCENARIOS_DIR / "e_neurogenic_flagged.toml"
CASE = '[patient]\nmesh = "builtin"\nvertices = 3000\n[patient.strength]\nzygomaticus_major_right = 0.53\n'


def plan(model, data, **settings):
    return make_plan(model, parse_scenario(data, "gate case"), PlannerSettings.default(samples=30, **settings))


def test_report_on_the_neurogenic_case_is_a_referral_without_a_treatment_story(tmp_path):
    out = tmp_path / "r.html"
    r = runner.invoke(app, ["report", str(NEURO), "--out", str(out)])
    assert r.exit_code == 0, r.output
    page = out.read_text()
    assert "See a doctor within days" in page and "trouble closing an eye" in page and "What to bring" in page
    for story in ("units of botulinum", "The plan", "When it is at its best", "pulls too strongly", " U "):
        assert story not in page
    assert "zygomaticus" not in r.output  # no treatment warnings either


def test_previous_treatment_worse_is_on_the_patient_page(tmp_path):
    case = tmp_path / "c.toml"
    case.write_text(CASE + "[history]\nprevious_treatment_worse = true\n")
    out = tmp_path / "r.html"
    assert runner.invoke(app, ["report", str(case), "--out", str(out)]).exit_code == 0
    page = out.read_text()
    assert "previous treatments did not help or made it worse" in page and "medical review" in page.lower()


def test_pain_with_a_weak_side_gets_no_plan(tmp_path):
    case = tmp_path / "c.toml"
    case.write_text(CASE + "[history]\npain = true\n")
    r = runner.invoke(app, ["plan", str(case), "--samples", "5"])
    assert r.exit_code == 3 and "medical review" in r.output.lower()


def test_simulate_and_render_of_a_referred_case_need_the_override_and_label_it(tmp_path):
    out = tmp_path / "sim"
    refused = runner.invoke(app, ["simulate", str(NEURO), "--vertices", "3000", "--out", str(out)])
    assert refused.exit_code == 3 and "--clinician-override" in refused.output and not out.exists()
    r = runner.invoke(app, ["simulate", str(NEURO), "--vertices", "3000", "--out", str(out), "--clinician-override"])
    assert r.exit_code == 0 and "CLINICIAN OVERRIDE" in r.output
    assert json.loads((out / "timeline.json").read_text())["clinician_override"].startswith("CLINICIAN OVERRIDE")
    pictures = runner.invoke(app, ["render", str(NEURO), "--vertices", "3000", "--out", str(tmp_path / "p")])
    assert pictures.exit_code == 3 and not (tmp_path / "p").exists()


def test_a_habit_patient_corrects_the_habit_first(coarse_model):
    r = make_plan(coarse_model, load_scenario(SCENARIOS_DIR / "c1_habit_chewing.toml"),
                  PlannerSettings.default(samples=30))
    assert r.recommendation == "correct_habit_first" and r.chosen is None
    assert "drift back" in r.reason and any("drifts back if the habit stays" in w for w in r.warnings)


def test_a_weak_side_gets_re_education_with_the_nerve_work_up(coarse_model):
    r = plan(coarse_model, {"patient": {"strength": {"zygomaticus_major_right": 0.53}}})
    assert r.recommendation == "re_education_first" and "rule out a nerve cause" in r.reason


def test_an_unexamined_rest_droop_keeps_both_paths(coarse_model):
    """assess marks a corner low at rest alone (DAO tone or tissue droop?); the planner answers both ways."""
    r = plan(coarse_model, {"patient": {"tone": {"dao_right": 16.0}}, "history": {"rest_droop_unexamined": True}})
    assert r.recommendation == "examine_first" and r.chosen is None
    assert "If the examination finds DAO tone: toxin" in r.reason and "if tissue droop: not toxin but filler" in r.reason
    kinds = [set(p.unit_names) for p in r.ranked[:2]]
    assert kinds == [{"U"}, {"mL"}]  # the toxin path and the filler path lead the ranking


def test_assess_marks_a_pure_droop_for_the_planner(coarse_model):
    from facesim.assessment.assess import assess
    from landmark_cases import droop_pixels, landmark_set

    a = assess(coarse_model, landmark_set(droop_pixels(coarse_model, "rest", "right", 4.0)),
               landmark_set(droop_pixels(coarse_model, "smile", "right", 4.0)))
    assert a.triage.droop_unexamined and a.history.rest_droop_unexamined
