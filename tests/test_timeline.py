"""Science of the scenario timeline on the face model: BoNT-A course, spread, products, static fields."""

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from facesim.treatment.filler import displaced_volume_mm3, retention, FillerClass
from facesim.face.stencil import landmark_stencils
from facesim.metrics import METRIC_LANDMARKS
from facesim.treatment.bont import bont_params
from facesim.treatment.time_course import duration_days
from facesim.scenario.case import parse_scenario
from facesim.treatment.sites import muscle_territories, site_target
from facesim.treatment.corrections import jaw_weight
from facesim.simulation.timeline import ScenarioSimulation, lift_unit_field

DAYS = np.arange(0.0, 300.0, 1.0)
DAO_PATIENT = {"tone": {"dao_right": 10.0}}


def sim(model, injections=(), patient=DAO_PATIENT, **extra):
    data = {"patient": patient, "injection": list(injections), **extra}
    return ScenarioSimulation(model, parse_scenario(data, "test.toml", allow_high_dose=True))


def dao(units=3.0, **kw):
    return {"site": "dao_right", "units": units, **kw}


def corner_effect(model, injections, days=DAYS, expression="rest"):
    """Rise (mm) of the treated right corner at rest, against the untreated patient, per day."""
    base = sim(model).timeline(days).metrics[expression].rest_height_deviation
    treated = sim(model, injections).timeline(days).metrics[expression].rest_height_deviation
    return base - treated  # right corner rises -> left-minus-right falls


# --- time course -----------------------------------------------------------------

def test_dao_three_units_time_course_on_the_face(coarse_model):
    effect = corner_effect(coarse_model, [dao(3.0)])
    peak = effect.max()
    assert peak > 1.0                                   # a visible lift of the dropped corner (mm)
    assert effect[0] == 0.0
    assert effect[5] > 0.3 * peak and effect[7] > 0.6 * peak   # visible by day 3-7
    assert 7 <= DAYS[np.argmax(effect >= 0.95 * peak)] <= 21   # at its best in 1-3 weeks ...
    assert effect[DAYS == 90][0] > 0.5 * peak            # ... still over half of it at month 3
    assert effect[180] < 0.1 * peak                     # worn off by 6 months


def test_doubling_the_dose_lengthens_the_effect_10_to_35_percent(coarse_model):
    d3 = duration_days(DAYS, corner_effect(coarse_model, [dao(3.0)]))
    d6 = duration_days(DAYS, corner_effect(coarse_model, [dao(4.5), dao(1.5)]))  # 6 U at one site, two shots
    assert 1.10 <= d6 / d3 <= 1.35, (d3, d6)


def test_zero_units_gives_exactly_the_untreated_result(coarse_model):
    s = sim(coarse_model, [dao(3.0)])
    shot = s.scenario.injections[0]
    zero = ScenarioSimulation(coarse_model, replace(s.scenario, injections=(replace(shot, units=0.0),)))
    untreated = sim(coarse_model)
    for e in ("rest", "smile"):
        np.testing.assert_array_equal(zero.timeline(DAYS).landmarks[e], untreated.timeline(DAYS).landmarks[e])


def test_treated_corner_change_is_monotone_in_dose(coarse_model):
    day = np.array([14.0])
    changes = [corner_effect(coarse_model, [dao(u)], day)[0] for u in (0.5, 1.0, 2.0, 3.0, 4.0, 5.0)]
    assert np.all(np.diff(changes) > 0), changes


@settings(max_examples=10, deadline=None)
@given(st.floats(0.2, 4.8), st.floats(0.05, 0.2))
def test_more_units_never_lift_less(coarse_model, units, extra):
    day = np.array([14.0])
    a = corner_effect(coarse_model, [dao(units)], day)[0]
    b = corner_effect(coarse_model, [dao(units + extra)], day)[0]
    assert b >= a


def test_repeat_and_touch_up_do_not_exceed_full_paralysis(coarse_model):
    s = sim(coarse_model, [dao(5.0), dao(5.0, day=14), dao(5.0, day=15)])
    g = s.force_factor(DAYS)
    assert g.min() >= 1.0 - bont_params().emax - 1e-12
    one = sim(coarse_model, [dao(5.0)]).force_factor(DAYS)
    assert np.all(g <= one + 1e-12)                  # a touch-up only adds


# --- spread ------------------------------------------------------------------------

def test_a_shot_15_mm_away_affects_the_muscle_less(coarse_model):
    i = coarse_model.index("dao_right")
    xy, _, _ = site_target(coarse_model, "dao_right")
    on = sim(coarse_model, [dao(3.0)]).force_factor(DAYS)[:, i]
    off = sim(coarse_model, [{"point_mm": [xy[0] - 15.0, xy[1], 0.0], "units": 3.0}]).force_factor(DAYS)[:, i]
    assert (1 - off).max() < 0.5 * (1 - on).max()


def test_a_dao_shot_10_mm_medial_reaches_the_dli_more(coarse_model):
    j = coarse_model.index("dli_right")
    good = sim(coarse_model, [{"landmark": "cheilion_right", "offset_mm": [4.3, -25.0, 0.0], "units": 3.0}])
    medial = sim(coarse_model, [{"landmark": "cheilion_right", "offset_mm": [-5.7, -25.0, 0.0], "units": 3.0}])
    loss_good, loss_medial = 1 - good.force_factor(DAYS)[:, j], 1 - medial.force_factor(DAYS)[:, j]
    assert loss_medial.max() > 2 * loss_good.max()
    assert any("DLI" in w for w in medial.warnings)
    assert not any("DLI" in w for w in good.warnings)


def test_territories_follow_the_anatomy(coarse_model):
    t = {tr.muscle_id: tr for tr in muscle_territories(coarse_model)}
    assert t["dli_right"].depth == "deep" and t["dao_right"].depth == "superficial"
    assert t["dli_right"].centre[0] > t["dao_right"].centre[0]   # DLI medial to the DAO on the right
    assert t["dao_left"].centre[0] == pytest.approx(-t["dao_right"].centre[0], abs=1e-9)


def test_named_dao_site_follows_the_clinical_rule(coarse_model):
    xy, depth, muscle = site_target(coarse_model, "dao_right")
    corner = coarse_model.face.landmark_position("cheilion_right")[:2]
    assert muscle == "dao_right" and depth == "superficial"
    assert np.linalg.norm(xy - corner) >= 15.0                    # Hexsel keep-out
    assert abs(xy[0] + 31.3) < 1.0 and abs(xy[1] + 45.0) < 1.5    # mid-pupillary, ~13 mm above the jaw border


# --- products -------------------------------------------------------------------------

def test_interchangeable_products_at_the_same_dose_agree(coarse_model):
    ona = sim(coarse_model, [dao(3.0, product="ona")]).timeline(DAYS)
    prabo = sim(coarse_model, [dao(3.0, product="prabo")]).timeline(DAYS)
    np.testing.assert_allclose(ona.landmarks["smile"], prabo.landmarks["smile"], atol=1e-12)


def test_abo_converts_by_its_factor(coarse_model):
    ona = sim(coarse_model, [dao(3.0, volume_ml=0.1)]).timeline(DAYS)
    abo = sim(coarse_model, [dao(7.5, product="dysport", volume_ml=0.1)]).timeline(DAYS)
    np.testing.assert_allclose(ona.landmarks["rest"], abo.landmarks["rest"], atol=1e-12)
    abo_same_units = sim(coarse_model, [dao(3.0, product="abo", volume_ml=0.1)]).timeline(DAYS)
    assert np.abs(abo_same_units.landmarks["rest"] - ona.landmarks["rest"]).max() > 0.1


def test_men_need_more(coarse_model):
    women = corner_effect(coarse_model, [dao(3.0)], np.array([14.0]))[0]
    men = sim(coarse_model, [dao(3.0)], patient={**DAO_PATIENT, "sex": "male"}).timeline([14.0])
    base = sim(coarse_model, patient={**DAO_PATIENT, "sex": "male"}).timeline([14.0])
    men_effect = (base.metrics["rest"].rest_height_deviation - men.metrics["rest"].rest_height_deviation)[0]
    assert men_effect < women


# --- corrections and static fields -------------------------------------------------------

def test_filler_displaced_volume_matches_volume_times_retention(coarse_model):
    s = sim(coarse_model, patient={}, filler=[{"site": "cheilion_right", "offset_mm": [0.0, -5.0, 0.0],
                                               "volume_ml": 0.8, "product_class": "mid"}])
    cls = FillerClass.get("mid")
    for day in (30.0, 90.0, 180.0):
        moved = displaced_volume_mm3(coarse_model, s.static_field(day))
        expected = 1000.0 * 0.8 * retention(day, cls.half_life_days, cls.floor)
        assert moved == pytest.approx(expected, rel=0.10)


def test_filler_pushes_the_corner_out(coarse_model):
    s = sim(coarse_model, patient={}, filler=[{"site": "cheilion_right", "offset_mm": [0.0, -5.0, 0.0],
                                               "volume_ml": 0.8}])
    z = s.timeline([-1.0, 1.0, 14.0, 180.0]).landmarks["rest"][:, METRIC_LANDMARKS.index("cheilion_right"), 2]
    assert z[1] > z[2] > z[3] > z[0] + 0.3       # swelling, then degradation, still there at 6 months


def test_lift_unit_field_lifts_the_corner_1_mm(coarse_model):
    field = lift_unit_field(coarse_model, "right")
    stencil = landmark_stencils(coarse_model.face, ("cheilion_right", "cheilion_left"), coarse_model.tissue.areas)
    at = stencil @ field
    assert at[0, 1] == pytest.approx(1.0)
    assert abs(at[1, 1]) < 0.05


def test_corner_lift_course_on_the_face(coarse_model):
    s = sim(coarse_model, patient={}, corner_lift=[{"side": "right", "lift_mm": 2.0}])
    dev = s.timeline([-1.0, 0.0, 7.0, 90.0, 180.0]).metrics["rest"].rest_height_deviation
    assert dev[0] == pytest.approx(0.0, abs=1e-9)
    assert dev[1] < dev[2] < dev[3]              # swollen and tight early, settling
    assert dev[3] == pytest.approx(-2.0, abs=0.05) and dev[4] == pytest.approx(-2.0, abs=0.05)


def test_skeletal_offset_is_static_and_in_every_expression(coarse_model):
    s = sim(coarse_model, patient={"static": {"jaw_shift_mm": [2.0, 0.0, 0.0], "jaw_cant_deg": -5.0}})
    tl = s.timeline([0.0, 30.0, 180.0])
    assert np.ptp(tl.metrics["rest"].rest_height_deviation) < 1e-12
    assert tl.metrics["rest"].rest_height_deviation[0] > 3.0               # right side drops
    assert np.allclose(tl.metrics["smile"].excursion_difference, 0.0, atol=1e-9)   # moves rest and smile alike
    w = jaw_weight(coarse_model.face)
    for name, expected in (("pupil_left", 0.0), ("pogonion", 1.0)):
        assert w[coarse_model.face.landmark_index(name)] == pytest.approx(expected)


def test_re_education_and_habit_change_multipliers(coarse_model):
    s = sim(coarse_model, patient={"strength": {"zygomaticus_major_right": 0.7}, "tone": {"masseter_right": 2.0}},
            exercise=[{"muscles": ["zygomaticus_major_right"], "stop_day": 90}],
            habit_correction=[{"muscles": ["masseter_right"]}])
    strength, tone = s.multipliers(np.array([0.0, 28.0, 90.0, 300.0]))
    z, m = coarse_model.index("zygomaticus_major_right"), coarse_model.index("masseter_right")
    assert strength[0, z] == pytest.approx(0.7) and strength[1, z] > 0.85 and strength[3, z] < strength[2, z]
    assert tone[0, m] == pytest.approx(2.0) and tone[3, m] < 1.01


def test_day_axis_matches_full_shapes(coarse_model):
    """The vectorized landmark path equals stencils of the full vertex shapes."""
    s = sim(coarse_model, [dao(3.0)], filler=[{"site": "cheilion_left", "volume_ml": 0.5}],
            corner_lift=[{"side": "right", "lift_mm": 1.0}])
    days = [0.0, 14.0, 100.0]
    tl = s.timeline(days)
    stencil = landmark_stencils(coarse_model.face, METRIC_LANDMARKS, coarse_model.tissue.areas)
    for k, day in enumerate(days):
        np.testing.assert_allclose(stencil @ s.shape(day, "smile"), tl.landmarks["smile"][k], atol=1e-9)
