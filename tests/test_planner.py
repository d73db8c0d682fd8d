"""Conservative planning under uncertainty (issue 5 acceptance)."""

import numpy as np
import pytest

from facesim.errors import InputError
from hypothesis import given, settings
from hypothesis import strategies as st

from facesim.planning.recommend import make_plan
from facesim.planning.planner import PlannerSettings, PlanningProblem, PlanSet, rank
from facesim.treatment.bont import site_dose
from facesim.scenario.case import parse_scenario
from facesim.assessment.triage import PlanningRefused


def patient(tone=None, strength=None, history=None, static=None):
    data = {"patient": {"vertices": 3000, "tone": tone or {}, "strength": strength or {}}}
    if static:
        data["patient"]["static"] = static
    if history:
        data["history"] = history
    return parse_scenario(data, "test")


@pytest.fixture(scope="module")
def dao_case(coarse_model):
    return make_plan(coarse_model, patient(tone={"dao_right": 16.0}))


def test_over_toned_right_dao_gets_a_typical_dose_at_the_right_dao_only(dao_case):
    report = dao_case
    assert report.recommendation == "plan"
    chosen = report.chosen
    assert chosen.sites == ["dao_right"]
    lo, hi = site_dose("dao_right")[0]
    assert lo <= chosen.total_u <= hi  # typical DAO range 2-4 U
    assert chosen.p_target >= 0.8  # below the threshold at week 2 in >= 80 % of samples
    week2 = chosen.course["14"]["asym"]
    assert week2.median < 3.0 < report.untreated.median


def test_staged_plan_starts_lower_and_touches_up_to_the_full_dose(dao_case):
    report = dao_case
    st_ = report.staged
    assert sum(st_.start_units) < report.chosen.total_u
    assert sum(st_.start_units) + sum(st_.touch_up_units) == pytest.approx(report.chosen.total_u)
    assert st_.review_day == 14 and 0.0 <= st_.p_touch_up_needed <= 1.0


def test_effect_wears_off_and_retreatment_day_is_after_the_peak(dao_case):
    c = dao_case.chosen
    assert c.course["120"]["asym"].median > c.course["14"]["asym"].median
    assert c.retreatment_day is not None and c.retreatment_day > 14


def test_mirrored_patient_gets_the_mirrored_plan(coarse_model, dao_case):
    mirrored = make_plan(coarse_model, patient(tone={"dao_left": 16.0}))
    assert mirrored.chosen.sites == ["dao_left"]
    assert mirrored.chosen.units == dao_case.chosen.units
    assert mirrored.chosen.p_target == pytest.approx(dao_case.chosen.p_target, abs=0.02)


def test_balanced_patient_gets_no_injection(coarse_model):
    report = make_plan(coarse_model, patient(), PlannerSettings.default(samples=50))
    assert report.recommendation == "no_injection" and report.chosen is None


def test_neurogenic_history_is_refused(coarse_model):
    with pytest.raises(PlanningRefused, match="See a doctor within days"):
        PlanningProblem(coarse_model, patient(tone={"dao_right": 16.0}, history={"sudden_onset": True}))


def test_same_seed_same_result_and_another_seed_differs(coarse_model):
    s = PlannerSettings.default(samples=40, sites=("dao_right", "dli_right"))
    a = make_plan(coarse_model, patient(tone={"dao_right": 16.0}), s).plans
    b = make_plan(coarse_model, patient(tone={"dao_right": 16.0}), s).plans
    c = make_plan(coarse_model, patient(tone={"dao_right": 16.0}), PlannerSettings.default(
        samples=40, sites=("dao_right", "dli_right"), seed=1)).plans
    assert np.array_equal(a.median, b.median) and np.array_equal(a.p_target, b.p_target)
    assert not np.array_equal(a.median, c.median)


def test_with_equal_residual_fewer_units_win():
    plans = PlanSet(sites=np.array([[0, -1], [1, -1]]), units=np.array([[3.0, 0], [2.0, 0]]),
                    total_u=np.array([3.0, 2.0]), p_target=np.array([0.9, 0.9]), p_over=np.zeros(2),
                    median=np.array([1.0, 1.0]), q10=np.zeros(2), q90=np.ones(2), p_side=np.zeros(2),
                    side_muscle=np.full(2, -1), p_window=np.array([0.9, 0.9]))
    feasible, order = rank(plans, PlannerSettings.default(), np.zeros(2, bool))
    assert feasible.all() and list(order) == [1, 0]
    # a plan on a smile elevator comes after a depressor plan, even with fewer units
    feasible, order = rank(plans, PlannerSettings.default(), np.zeros(2, bool), elevator_sites=np.array([0, 1]))
    assert list(order) == [0, 1]


def test_search_matches_the_exact_simulation(coarse_model):
    problem = PlanningProblem(coarse_model, patient(tone={"dao_right": 12.0}), PlannerSettings.default(samples=30))
    plans = problem.search()
    rng = np.random.default_rng(3)
    for i in rng.choice(len(plans), 25, replace=False):
        shots = [(int(s), float(u), 0.0) for s, u in zip(plans.sites[i], plans.units[i]) if s >= 0]
        exact = problem.simulate(shots, [problem.settings.peak_day])
        assert np.median(exact["asym"][:, 0]) == pytest.approx(plans.median[i], abs=0.05)
        assert np.mean(exact["asym"][:, 0] < 3.0) == pytest.approx(plans.p_target[i], abs=0.05)


def test_window_share_matches_the_exact_simulation_on_every_window_day(coarse_model):
    """p_window (the window days folded into one kernel pass, screened on the linear deviations) is the
    share of (sample, window day) pairs the exact simulation finds below the threshold."""
    case = patient(tone={"dao_right": 12.0}, history={"previous_injection": [{"day": -30, "site": "dao_left",
                                                                             "units": 2.0}]})
    problem = PlanningProblem(coarse_model, case, PlannerSettings.default(samples=20))
    plans = problem.search()
    days = [float(d) for d in problem.settings.window_days]
    rng = np.random.default_rng(5)
    for i in rng.choice(len(plans), 25, replace=False):
        shots = [(int(s), float(u), 0.0) for s, u in zip(plans.sites[i], plans.units[i]) if s >= 0]
        exact = problem.simulate(shots, days)
        assert np.mean(~exact["noticeable"]) == pytest.approx(plans.p_window[i], abs=0.02)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_the_linear_deviation_map_is_the_metrics_definition(seed):
    from facesim.metrics import PLAN_COORDS, PLAN_EXPRESSIONS, expression_deviations, rest_deviations
    from facesim.planning.kernel import linear_deviation_map

    c = np.random.default_rng(seed).normal(0.0, 20.0, (5, PLAN_COORDS))
    want = list(rest_deviations(c))
    for e in range(1, len(PLAN_EXPRESSIONS)):
        dev, _, ll = expression_deviations(c, e)
        want += [dev, ll]
    assert np.allclose(c @ linear_deviation_map(), np.stack(want, axis=1), atol=1e-9)


@settings(max_examples=8, deadline=None)
@given(tone=st.floats(1.0, 20.0), strength=st.floats(0.5, 2.0), side=st.sampled_from(["left", "right"]),
       max_total=st.sampled_from([2.0, 5.0, 8.0]), max_site=st.sampled_from([None, 1.5, 3.0]))
def test_never_exceeds_a_per_site_or_total_maximum(coarse_model, tone, strength, side, max_total, max_site):
    case = patient(tone={f"dao_{side}": tone}, strength={f"zygomaticus_major_{side}": strength})
    s = PlannerSettings.default(samples=10, max_total_u=max_total, max_site_u=max_site)
    problem = PlanningProblem(coarse_model, case, s)
    plans = problem.search()
    assert plans.total_u.max() <= max_total + 1e-9
    for row_sites, row_units in zip(plans.sites, plans.units):
        for site, units in zip(row_sites, row_units):
            if site >= 0:
                cap = min(site_dose(problem.sites[site].muscle_id)[1], max_site or np.inf)
                assert units <= cap + 1e-9


def test_skeletal_case_warns_that_toxin_leaves_the_rest_asymmetry(coarse_model):
    report = make_plan(coarse_model, patient(static={"jaw_cant_deg": 6.0}), PlannerSettings.default(samples=30))
    assert any("skeletal" in w for w in report.warnings)
    assert report.recommendation == "not_toxin"
    assert "static" in report.reason and ("lift" in report.reason or "orthodontic" in report.reason)


def test_filler_candidates_count_as_millilitres_and_match_the_scenario_simulation(coarse_model):
    """--filler: commissure filler enters the search in mL, not toxin units, and its effect is the
    same as simulating a scenario with that filler."""
    from facesim.simulation.timeline import simulate

    case = patient(static={"corner_droop_mm": {"right": 1.5}})
    s = PlannerSettings.default(samples=10, sites=("dao_right",), filler=True)
    problem = PlanningProblem(coarse_model, case, s)
    fillers = [i for i, site in enumerate(problem.sites) if site.filler is not None]
    assert [problem.sites[i].name for i in fillers] == ["commissure_filler_left", "commissure_filler_right"]
    plans = problem.search()
    filler_only = np.isin(plans.sites[:, 0], fillers) & (plans.sites[:, 1] < 0)
    assert filler_only.any() and np.all(plans.total_u[filler_only] == 0.0)
    assert plans.units[filler_only, 0].max() <= 2.0 + 1e-9  # mid filler, 2 mL per side
    right = problem.sites.index(next(x for x in problem.sites if x.name == "commissure_filler_right"))
    out = problem.simulate([(right, 0.8, 0.0)], [0.0, 14.0, 90.0])
    scenario = parse_scenario({"patient": {"vertices": 3000, "static": {"corner_droop_mm": {"right": 1.5}}},
                               "filler": [{"site": "cheilion_right", "offset_mm": [0.0, -5.0, 0.0], "volume_ml": 0.8,
                                           "product_class": "mid"}]}, "test")
    tl = simulate(coarse_model, scenario, days=[0.0, 14.0, 90.0])
    # 1e-3 mm: the planner keeps the rest pupil frame (pupils sit on bone-tied skin and move ~1e-5 mm)
    np.testing.assert_allclose(out["rest_dev"][0], tl.metrics["smile"].rest_height_deviation, atol=1e-3)
    np.testing.assert_allclose(out["smile_dev"][0], tl.metrics["smile"].height_deviation, atol=1e-3)


def test_limits_below_every_practical_dose_are_one_line_refusal(coarse_model):
    with pytest.raises(InputError, match="no candidate site has a practical dose"):
        PlanningProblem(coarse_model, patient(tone={"dao_right": 8.0}),
                        PlannerSettings.default(samples=5, sites=("dao_right",), max_site_u=1.0))


def test_a_face_whose_own_shape_is_asymmetric_is_told_static():
    """An imported scan's own rest asymmetry is geometry, not muscle: the planner says so (issue 14)."""
    import dataclasses

    from facesim.face.builtin import build_face
    from facesim.planning.recommend import make_plan
    from facesim.scenario.case import parse_scenario
    from facesim.tissue.model import FaceModel

    face = build_face(2000)
    v = face.vertices.copy()
    mouth = (v[:, 0] < -5.0) & (np.abs(v[:, 1] - face.landmark_position("cheilion_right")[1]) < 15.0)
    v[mouth, 1] -= 2.0  # the right side of the mouth sits 2 mm lower in the scan itself
    model = FaceModel(dataclasses.replace(face, vertices=v))
    r = make_plan(model, parse_scenario({"patient": {}}, "scan"), PlannerSettings.default(samples=10))
    assert any("this face's own shape sets the corners" in w and "static" in w for w in r.warnings)


def test_threads_give_the_same_search_and_a_stop_ends_only_earlier_problems(coarse_model, monkeypatch):
    from facesim.planning.search import SearchStopped, stop_searches

    case = patient(tone={"dao_right": 1.6})
    settings = PlannerSettings.default(samples=20, seed=1)
    monkeypatch.setenv("FACESIM_PLANNER_THREADS", "1")
    one = PlanningProblem(coarse_model, case, settings).search()
    monkeypatch.setenv("FACESIM_PLANNER_THREADS", "3")
    started = PlanningProblem(coarse_model, case, settings)
    three = started.search()
    for name in ("sites", "units", "p_target", "p_window", "median", "p_over", "p_side"):
        assert np.array_equal(getattr(one, name), getattr(three, name)), name
    stop_searches()
    with pytest.raises(SearchStopped):
        started.search()
    later = PlanningProblem(coarse_model, case, settings).search()
    assert np.array_equal(later.p_window, one.p_window)


def test_the_warm_up_compiles_the_one_specialization_the_search_uses(coarse_model):
    """facesim demo / plan warm the kernel up ahead of the search: it must be the search's own signature."""
    from facesim.planning.kernel import _evaluate_pairs, warm_up

    warm_up()
    PlanningProblem(coarse_model, patient(tone={"dao_right": 12.0}), PlannerSettings.default(samples=5)).search()
    assert len(_evaluate_pairs.signatures) == 1
