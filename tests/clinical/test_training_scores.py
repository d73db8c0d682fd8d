"""Training scores, case by case (issue 13, part 6): the seed material's central errors score low, the
careful answers high, and each row's feedback names what fits that case.

| case | answer | score |
|---|---|---|
| over-toned right DAO (bundled j) | right DAO, practical dose | >= 80 |
| the same | left DAO (the healthy side) | <= 30 |
| the same | right DAO 10 mm medial (reaches the DLI in most samples) | <= 40 |
| the same | right DAO plus a left zygomaticus major (an elevator where a depressor plan works) | <= 60 |
| the same | no injection / a lift | <= 60 |
| habit, right-side chewing (c1) | both zygomaticus major | <= 40 |
| the same | habit correction (simulated) | >= 90 |
| previous injection wearing off (f1) | wait / no injection, no "stays" sentence | >= 90 |
| neurogenic red flags (e) | toxin | <= 40 |
| the same | refer, calling it muscular | not excellent (<= 70) |
| static droop (h) | toxin | <= 40 |
| the same | lift / filler (simulated) | >= 80 |
| the same | a lift of the higher corner | <= 30 |
| generated over-toned left DAO (practice-5) | right DAO (the healthy side) | <= 30 |
| the same | the reference | >= 90 |
| left smile over-pull (a): the elevator is the reference | the reference | >= 90, no elevator cap |
| skeletal (d) | toxin | <= 40 |
"""

import pytest

from facesim.datafiles import bundled
from facesim.face.names import base_name
from facesim.planning.planner import PlannerSettings
from facesim.training.answer import parse_answer
from facesim.training.cases import find_case
from facesim.training.score import CaseEvaluator

#: The lower-face depressors and the smile's elevators: every reference below is among them, and the search
#: is three times faster than over all 18 named sites (the scoring rules do not depend on the site list).
SITES = tuple(f"{m}_{side}" for m in ("dao", "dli", "mentalis", "risorius", "zygomaticus_major")
              for side in ("left", "right"))
SETTINGS = PlannerSettings.default(samples=40, sites=SITES)
REFERENCE = "reference"


def toxin(*shots, cause="muscular"):
    """An answer of shots given as (site, units) or (site, units, shift_mm)."""
    entries = [{"site": s[0], "units": s[1], **({"shift_mm": s[2]} if len(s) > 2 else {})} for s in shots]
    return {"cause": cause, "injection": entries}


def path(cause, plan, **extra):
    return {"cause": cause, "plan": plan, **extra}


MEDIAL = [-10.0, 0.0, 0.0]
#: (case, answer, lowest score, highest score, words the feedback must say, words it must not say)
ROWS = [
    ("j", toxin(("dao_right", 3.0)), 80, 100,
     ["Diagnosis: right, muscular (over-pulling: dao_right)", "Units: 3 U against the reference",
      "This was case-12: the bundled scenario j_plan_overtoned_right_dao"], ["At most", "Complication"]),
    ("j", toxin(("dao_left", 3.0)), 0, 30,
     ["3 of your 3 U went to the healthy left side, while the right side over-pulls (dao_right)",
      "worse than untreated"], []),
    ("j", toxin(("dao_right", 3.0, MEDIAL)), 0, 40,
     ["Complication (right side", "depressor labii inferioris", "a weaker dli_right in",
      "the right DLI gets"], []),
    ("j", toxin(("dao_right", 3.0), ("zygomaticus_major_left", 0.5)), 0, 60,
     ["a smile elevator (zygomaticus_major_left) where a depressor plan works"], ["healthy left side"]),
    ("j", path("muscular", "no injection"), 0, 60,
     ["Without treatment the asymmetry stays: still noticeable on day 84", "the reference gives",
      "'no injection' is not a path for this case (the paths: inject)"], []),
    ("j", path("muscular", "lift"), 0, 60, ["Simulated: a ", "lift of the right corner", "'lift' is not a path"], []),
    ("j", path("muscular", "re-education"), 0, 60, ["none is weak here, so nothing changes"], []),
    ("c1", toxin(("zygomaticus_major_right", 2.0), ("zygomaticus_major_left", 2.0), cause="habit"), 0, 40,
     ["toxin for a habit buys time but does not change the habit", "Units: 4 U where the reference gives no toxin",
      "zygomaticus_major_left loses up to"], []),
    ("c1", path("habit", "habit correction"), 90, 100,
     ["Simulated: the habit stops on day 0", "zygomaticus_major_right relaxes over weeks"], ["At most"]),
    ("f1", path("iatrogenic", "wait"), 90, 100,
     ["fades as the previous injection wears off", "the planner says", "resolves by itself"], ["stays"]),
    ("f1", path("iatrogenic", "no injection"), 90, 100, ["fades as the previous injection wears off"], ["stays"]),
    ("e", toxin(("zygomaticus_major_left", 1.0)), 0, 40,
     ["you injected a patient with red flags", "See a doctor within days", "trouble closing an eye"], []),
    ("e", path("muscular", "refer"), 0, 70,
     ["Right call", "the cause is neurogenic, not muscular"], []),
    ("e", path("neurogenic", "refer"), 90, 100,
     ["Right call", "Refer before any cosmetic treatment: See a doctor within days (the asymmetry came on suddenly"],
     ["At most"]),
    ("e", path("muscular", "no injection"), 0, 40, ["Missed referral", "'no injection' delays the diagnosis"], []),
    ("h", toxin(("dao_right", 3.0), cause="tissue"), 0, 40,
     ["a corner that droops at rest is tissue, not muscle: toxin does not lift it"], []),
    ("h", path("tissue", "lift"), 90, 100, ["Simulated: a 3 mm lift of the right corner"], ["At most"]),
    ("h", path("tissue", "filler"), 80, 100,
     ["Simulated: 0.8 mL of mid-density HA filler 5 mm below the right corner"], ["At most"]),
    ("h", path("tissue", "lift", corner_lift=[{"side": "left", "lift_mm": 3.0}]), 0, 30,
     ["a 3 mm lift of the left corner on day 0 (your lift)", "worse than untreated"], []),
    ("h", path("tissue", "lift", corner_lift=[{"side": "right", "lift_mm": 7.0}]), 0, 40,
     ["Over-correction", "The lift is larger than the droop"], []),
    ("h", path("tissue", "no injection"), 80, 100,
     ["Untreated, the asymmetry is below the noticeable threshold"], ["stays"]),
    ("practice-5", toxin(("dao_right", 3.0)), 0, 30,
     ["went to the healthy right side, while the left side over-pulls (dao_left)",
      "This was practice-5: a generated muscular case (muscular-1)"], []),
    ("practice-5", REFERENCE, 90, 100, ["Diagnosis: right, muscular (over-pulling: dao_left)"], ["At most"]),
    ("a", REFERENCE, 90, 100, ["Reference: inject zygomaticus_major_left"], ["smile elevator ("]),
    ("d", toxin(("dao_right", 3.0), cause="skeletal"), 0, 40, ["injections are not the first step"], []),
    ("d", path("skeletal", "orthodontic"), 90, 100, ["'orthodontic' is not simulated here"], []),
]


@pytest.fixture(scope="module")
def evaluators(coarse_model):
    cache = {}

    def get(name):
        if name not in cache:
            cache[name] = CaseEvaluator(coarse_model, find_case(name), SETTINGS)
        return cache[name]
    return get


def score(ev, reply):
    return ev.score(ev.reference if reply == REFERENCE else parse_answer(reply, "table answer"))


@pytest.mark.parametrize("case, reply, low, high, say, never", ROWS,
                         ids=[f"{r[0]}-{k}" for k, r in enumerate(ROWS)])
def test_score_bounds_and_words(evaluators, case, reply, low, high, say, never):
    result = score(evaluators(case), reply)
    text = " ".join(result.feedback)
    assert low <= result.score <= high, (result.score, result.feedback)
    for words in say:
        assert words in text, (words, result.feedback)
    for words in never:
        assert words not in text, (words, result.feedback)


def test_the_wrong_side_scores_below_doing_nothing_and_an_elevator_below_the_depressor(evaluators):
    ev = evaluators("j")
    right = score(ev, toxin(("dao_right", 3.0))).score
    nothing = score(ev, path("muscular", "no injection")).score
    assert score(ev, toxin(("dao_left", 3.0))).score < nothing < right
    assert score(ev, toxin(("dao_right", 3.0), ("zygomaticus_major_left", 0.5))).score <= right - 30


def test_references_use_practical_doses(evaluators):
    low = bundled.safety().dose.min_site_u
    for name in ("j", "practice-5", "a"):
        ev = evaluators(name)
        assert ev.reference.plan == "inject" and ev.reference.shots
        for shot in ev.reference.shots:
            muscle = ev.resolve(shot)[1]
            assert shot.units_ona >= low[base_name(muscle)] - 1e-9, (name, shot)
    assert evaluators("j").reference.shots[0].units_ona >= 2.0  # DAO: 2-4 U per side


def test_filler_and_lift_are_simulated_not_credited(evaluators):
    ev = evaluators("h")
    lower = score(ev, path("tissue", "filler"))
    higher = score(ev, path("tissue", "filler", filler=[{"site": "cheilion_left", "offset_mm": [0.0, -5.0, 0.0],
                                                         "volume_ml": 0.8}]))
    assert lower.outcome is not None and ev.reference_outcome is not None
    assert ev.reference.plan == "lift" and ev.reference_outcome.asym[0] < ev.untreated_median() - 1.0
    assert lower.outcome.asym[0] < ev.untreated_median() < higher.outcome.asym[0]  # the filler moved the corner
    assert higher.score < lower.score - 20


def test_the_numbers_in_the_sentences_are_the_outcome(evaluators):
    ev = evaluators("j")
    result = score(ev, toxin(("dao_left", 3.0)))
    out, text = result.outcome, " ".join(result.feedback)
    assert f"Balance at week 2: {out.asym[0]:.1f} mm" in text and f"untreated {ev.untreated_median():.1f} mm" in text
    assert f"at week 2 the asymmetry is {out.asym[0]:.1f} mm, worse than untreated ({ev.untreated_median():.1f} mm)" \
        in text
    assert f"below the threshold {out.follow:.0%} of the time" in text
