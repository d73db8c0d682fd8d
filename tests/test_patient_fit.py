"""PatientFit: model landmarks with known multipliers come back (round trip), mirrored, and as TOML."""

import tomllib

import numpy as np

from facesim.treatment.shot import Shot
import pytest

from facesim.assessment.patient_fit import FITTED_METRICS, fit_patient, patient_toml
from facesim.scenario.history import History, parse_history
from facesim.anatomy.patient import Patient
from facesim.tissue.patient_metrics import patient_metrics

from landmark_cases import jaw_cant, landmark_set, photo_pixels

CORNER_METRICS = ("rest_height_deviation", "height_deviation", "excursion_left", "excursion_right",
                  "excursion_difference")
#: The over-pulling muscle of each random case, its kind and its range (set so the asymmetry it causes,
#: about 1.5-5 mm, stands above the 0.3 mm landmark noise).
OVER_PULLERS = (("zygomaticus_major", "strength", (1.3, 1.8)), ("risorius", "strength", (3.0, 4.0)),
                ("levator_anguli_oris", "strength", (2.5, 3.5)), ("dao", "tone", (7.0, 14.0)))


def fit(model, patient, rng=None, noise_mm=0.0, mirrored=False, **kw):
    rest = landmark_set(photo_pixels(model, patient, "rest", rng, noise_mm), mirrored)
    smile = landmark_set(photo_pixels(model, patient, "smile", rng, noise_mm), mirrored)
    return fit_patient(model, rest, {"smile": smile}, **kw)


def test_noiseless_round_trip_reproduces_every_metric(coarse_model):
    p = Patient(tone={"dao_right": 8.0}, strength={"zygomaticus_major_left": 1.4})
    c = fit(coarse_model, p)
    truth = patient_metrics(coarse_model, p)
    for name in FITTED_METRICS:
        assert getattr(c.predicted, name) == pytest.approx(getattr(truth, name), abs=0.1), name  # ridge shrink
    assert c.residual_rms_mm < 0.1
    assert c.over_pulling.side == "left" and c.over_pulling.muscle == "zygomaticus_major"


def test_round_trip_200_random_cases(coarse_model):
    """0.3 mm landmark noise: corner metrics within 0.5 mm and the over-pulling side named in >= 95 %."""
    rng = np.random.default_rng(20261121)
    ids = coarse_model.muscle_ids
    good, worst = 0, 0.0
    for _ in range(200):
        strength = {i: rng.uniform(0.95, 1.05) for i in ids}
        tone = {i: rng.uniform(0.95, 1.05) for i in ids}
        muscle, kind, (lo, hi) = OVER_PULLERS[rng.integers(len(OVER_PULLERS))]
        side = str(rng.choice(["left", "right"]))
        (strength if kind == "strength" else tone)[f"{muscle}_{side}"] = rng.uniform(lo, hi)
        c = fit(coarse_model, Patient(strength=strength, tone=tone), rng, 0.3)
        error = max(c.metric_errors_mm[m] for m in CORNER_METRICS)
        worst = max(worst, error)
        good += error <= 0.5 and c.over_pulling.side == side
    assert good >= 190, good
    assert worst < 0.6


def test_mirrored_landmarks_give_the_other_side(coarse_model):
    p = Patient(tone={"dao_right": 10.0})
    a, b = fit(coarse_model, p), fit(coarse_model, p, mirrored=True)
    assert a.over_pulling.side == "right" and b.over_pulling.side == "left"
    assert a.over_pulling.muscle == b.over_pulling.muscle == "dao"
    assert b.measured.rest_height_deviation == pytest.approx(-a.measured.rest_height_deviation, abs=1e-9)
    assert b.patient.tone["dao_left"] == pytest.approx(a.patient.tone["dao_right"], abs=1e-6)


def test_jaw_shift_is_fitted_as_a_static_offset(coarse_model):
    rest = landmark_set(photo_pixels(coarse_model, Patient(), "rest", transform=jaw_cant(-4.0)))
    smile = landmark_set(photo_pixels(coarse_model, Patient(), "smile", transform=jaw_cant(-4.0)))
    c = fit_patient(coarse_model, rest, {"smile": smile}, static=True, rest_by_tone=False)
    assert c.jaw_shift_mm[0] < -2.0  # the chin went to the patient's right
    assert all(v == pytest.approx(1.0) for v in c.patient.tone.values())  # tones kept symmetric
    assert any("skeletal" in note for note in c.unidentifiable)


def test_unidentifiable_parameters_are_reported(coarse_model):
    c = fit(coarse_model, Patient())
    words = " ".join(c.unidentifiable)
    assert "strength of masseter, mentalis" in words  # not active in rest or smile
    # the smile's DAO co-activation moves the landmarks opposite to the levator anguli oris
    assert "dao_left strength: they move the landmarks alike" in words
    assert "left-right difference" in words
    assert c.rank < c.n_parameters
    assert c.patient.strength["dao_left"] == pytest.approx(1.0, abs=0.01)  # kept near 1 by the ridge


def test_patient_toml_is_read_back(coarse_model, tmp_path):
    c = fit(coarse_model, Patient(tone={"dao_right": 8.0}), static=True, name='Ann "A" O\'Neil')
    hist = History(chewing_side="left", previous_injections=(Shot.at("dao_left", 4.0, product="onabotulinumtoxinA", day=-40, previous=True),))
    data = tomllib.loads(patient_toml(c, hist, vertices=3000))
    assert data["patient"]["name"] == 'Ann "A" O\'Neil' and data["patient"]["vertices"] == 3000
    assert data["patient"]["mesh"] == "builtin" and data["patient"]["sex"] == "female"
    assert len(data["patient"]["static"]["jaw_shift_mm"]) == 3
    back = Patient(strength=data["patient"]["strength"], tone=data["patient"]["tone"])
    back.multipliers(coarse_model.muscle_ids)  # every id known to the model
    assert parse_history(data["history"]) == hist


def test_a_canted_jaw_calibrated_then_simulated_reproduces_the_rest_asymmetry(coarse_model, tmp_path):
    """assess -> patient TOML -> simulate closes the loop for a skeletal case."""
    from facesim.scenario.case import load_scenario
    from facesim.simulation.timeline import simulate

    rest = landmark_set(photo_pixels(coarse_model, Patient(), "rest", transform=jaw_cant(-4.0)))
    smile = landmark_set(photo_pixels(coarse_model, Patient(), "smile", transform=jaw_cant(-4.0)))
    c = fit_patient(coarse_model, rest, {"smile": smile}, static=True, rest_by_tone=False)
    assert c.jaw_cant_deg > 1.0  # the photo's lower face tilts left side down: + in the scenario convention
    path = tmp_path / "patient.toml"
    path.write_text(patient_toml(c, vertices=3000))
    timeline = simulate(coarse_model, load_scenario(path), days=[0.0])
    simulated = float(timeline.metrics["smile"].rest_height_deviation[0])
    assert simulated == pytest.approx(c.predicted.rest_height_deviation, abs=0.05)  # the file carries the fit
    assert simulated == pytest.approx(c.measured.rest_height_deviation, abs=1.0)  # pivot/blend differ from the photo's
