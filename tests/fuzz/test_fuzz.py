"""Fuzz suite (issue 14): generated scenario files, landmark files, mesh files and planner options.

Each example ends in one of three classes: a clean refusal (InputError: one line naming the field),
accepted and physically plausible (the plausibility oracle below), or a failure (anything else, or
an implausible accepted result), which fails the test. CI runs a bounded number of examples;
``FACESIM_FUZZ_EXAMPLES=10000 pytest tests/fuzz`` runs more.
"""

import math
import os
import string
from collections import Counter

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from facesim.errors import InputError

EXAMPLES = int(os.environ.get("FACESIM_FUZZ_EXAMPLES", "40"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize="FACESIM_FUZZ_EXAMPLES" not in os.environ,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                       HealthCheck.data_too_large])
#: Outcome classes per target, printed at the end of the module (pytest -s shows them).
OUTCOMES: Counter = Counter()
#: Plausibility oracle: corner metrics a face can show (mm).
MAX_PLAUSIBLE_MM = 60.0

numbers = st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(-10**6, 10**6),
                    st.sampled_from([0, 1, -1, 0.5, 3.0, 1e300, -1e300, 1e-300]))
#: Mostly values a user would write, sometimes anything.
plausible = st.floats(0.0, 20.0)
numbers = st.one_of(plausible, plausible, plausible, numbers)
names = st.sampled_from(["dao_right", "dao_left", "dli_right", "zygomaticus_major_left", "masseter_right", "nose",
                         "cheilion_right", "", "risorius_right", "platysma_left"])
values = st.one_of(numbers, names, st.booleans(), st.lists(numbers, max_size=4), st.text(string.printable, max_size=8))


def _entry(keys):
    return st.dictionaries(st.sampled_from(keys), values, max_size=len(keys))


scenarios = st.fixed_dictionaries({}, optional={
    "patient": st.fixed_dictionaries({}, optional={
        "strength": st.dictionaries(names, numbers, max_size=3), "tone": st.dictionaries(names, numbers, max_size=3),
        "static": st.fixed_dictionaries({}, optional={"jaw_shift_mm": st.lists(numbers, min_size=3, max_size=3),
                                                      "jaw_cant_deg": numbers,
                                                      "corner_droop_mm": st.dictionaries(
                                                          st.sampled_from(["left", "right", "up"]), numbers)}),
        "sex": st.sampled_from(["female", "male", "x"])}),
    "injection": st.lists(st.one_of(
        st.fixed_dictionaries({"site": names, "units": numbers}, optional={"day": numbers, "depth": st.sampled_from(
            ["deep", "superficial", "medium"]), "product": st.sampled_from(["onabotulinumtoxinA", "abo", "x"])}),
        _entry(["site", "units", "day", "product", "depth", "volume_ml", "landmark", "offset_mm"])), max_size=4),
    "filler": st.lists(_entry(["site", "volume_ml", "day", "product_class", "offset_mm"]), max_size=3),
    "corner_lift": st.lists(_entry(["side", "lift_mm", "day"]), max_size=3),
    "exercise": st.lists(_entry(["muscles", "start_day", "stop_day", "adherence"]), max_size=3),
    "history": st.fixed_dictionaries({}, optional={
        "previous_injection": st.lists(_entry(["day", "site", "units", "product"]), max_size=3),
        "chewing_side": st.sampled_from(["none", "left", "right", "both"]), "pain": values}),
    "followup": st.fixed_dictionaries({}, optional={"days": st.lists(numbers, max_size=5)}),
})


def _plausible_corner(m, name: str = "") -> None:
    """Finite corner metrics within anatomical bounds; no travel direction exactly where a corner barely moved."""
    from facesim.datafiles import bundled

    still = bundled.measures().motion.min_travel_for_direction_mm
    for key, v in m.as_dict().items():
        v = np.asarray(v, float)
        if key.startswith("angle"):
            travel = np.asarray(getattr(m, key.replace("angle", "excursion")), float)
            assert np.array_equal(np.isnan(v), travel < still), (name, key)
            v = np.where(np.isnan(v), 0.0, v)
        assert np.all(np.isfinite(v)), (name, key)
        if not key.startswith(("angle", "reach", "rest_reach")):
            assert np.all(np.abs(v) < MAX_PLAUSIBLE_MM), (name, key, v)


def _plausible(tl) -> None:
    for name, m in tl.metrics.items():
        _plausible_corner(m, name)


@FUZZ
@given(data=scenarios)
def test_generated_scenarios_are_refused_cleanly_or_plausible(fuzz_model, data):
    from facesim.scenario.case import parse_scenario
    from facesim.simulation.timeline import ScenarioSimulation

    try:
        scenario = parse_scenario(data, "fuzz.toml")
        tl = ScenarioSimulation(fuzz_model, scenario).timeline([0.0, 14.0, 90.0])
    except InputError as exc:
        assert "\n" not in str(exc) and str(exc).startswith("fuzz.toml")
        OUTCOMES["scenario: refused"] += 1
        return
    _plausible(tl)
    OUTCOMES["scenario: accepted, plausible"] += 1


def _ibug_text(points: np.ndarray, header: str) -> str:
    return header + "\n".join(" ".join(repr(float(v)) for v in row) for row in points) + "\n"


@FUZZ
@given(kind=st.sampled_from(["scale", "swap", "noise", "nan", "collapse", "flip", "garbage", "truncate"]),
       amount=st.floats(-1e6, 1e6, allow_nan=False), seed=st.integers(0, 2**16))
def test_generated_landmark_files_are_refused_cleanly_or_plausible(tmp_path_factory, fuzz_face_points, kind, amount,
                                                                    seed):
    from facesim.assessment.landmark_input import read_landmarks
    from facesim.assessment.measures import measure

    rng = np.random.default_rng(seed)
    p = fuzz_face_points.copy()
    if kind == "scale":
        p = p * amount
    elif kind == "swap":
        i, j = rng.integers(0, 68, 2)
        p[[i, j]] = p[[j, i]]
    elif kind == "noise":
        p = p + rng.normal(0.0, abs(amount) % 50.0, p.shape)
    elif kind == "nan":
        p[rng.integers(0, 68)] = math.nan
    elif kind == "collapse":
        p[:] = p[rng.integers(0, 68)]
    elif kind == "flip":
        p = p * np.array([1.0, -1.0, 1.0])
    f = tmp_path_factory.mktemp("lm") / "face.txt"
    text = _ibug_text(p, "# units: mm\n# frame: facesim\n")
    if kind == "garbage":
        text = "".join(rng.choice(list(string.printable), 400))
    elif kind == "truncate":
        text = text[: int(abs(amount)) % len(text)]
    f.write_text(text)
    try:
        rest = read_landmarks(f)
        m = measure(rest, rest)
    except InputError as exc:
        assert "\n" not in str(exc)
        OUTCOMES["landmarks: refused"] += 1
        return
    _plausible_corner(m.corner, "landmarks")
    assert 45.0 <= m.ipd_mm <= 80.0
    OUTCOMES["landmarks: accepted, plausible"] += 1


@FUZZ
@given(content=st.one_of(st.binary(max_size=300), st.text(max_size=300),
                         st.sampled_from(["ply\nformat ascii 1.0\nelement vertex 3\nend_header\n1 2 3\n",
                                          "v 0 0 0\nv 1 0 0\nf 1 2 9\n", "solid x\nendsolid x\n"])),
       suffix=st.sampled_from([".ply", ".obj", ".stl", ".off"]))
def test_generated_mesh_files_are_refused_cleanly(tmp_path_factory, content, suffix):
    from facesim.face.files import load_face

    folder = tmp_path_factory.mktemp("mesh")
    mesh = folder / f"face{suffix}"
    mesh.write_bytes(content if isinstance(content, bytes) else content.encode())
    (folder / "face.landmarks.json").write_text('{"landmarks": {}}')
    try:
        face = load_face(mesh)
    except InputError as exc:
        assert "\n" not in str(exc)
        OUTCOMES["mesh: refused"] += 1
        return
    assert face.n_vertices >= 3 and np.all(np.isfinite(face.vertices))
    OUTCOMES["mesh: accepted, plausible"] += 1


@settings(max_examples=EXAMPLES, deadline=None, derandomize="FACESIM_FUZZ_EXAMPLES" not in os.environ,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(step=st.one_of(st.sampled_from([0.25, 0.5, 1.0, 2.0]), numbers), max_units=st.one_of(st.floats(2, 20), numbers),
       max_site=st.one_of(st.floats(2, 20), numbers),
       seed=st.one_of(st.integers(-5, 2**33), st.integers(0, 100), numbers))
def test_generated_planner_options_are_refused_cleanly_or_plan(fuzz_model, step, max_units, max_site, seed):
    from facesim.planning.planner import PlannerSettings
    from facesim.planning.recommend import make_plan
    from facesim.scenario.case import parse_scenario

    scenario = parse_scenario({"patient": {"tone": {"dao_right": 12.0}}}, "fuzz.toml")
    try:
        settings_ = PlannerSettings.default(samples=4, step_u=step, max_total_u=max_units, max_site_u=max_site,
                                            seed=seed, sites=("dao_right", "dli_right"))
        result = make_plan(fuzz_model, scenario, settings_)
    except InputError as exc:
        assert "\n" not in str(exc)
        OUTCOMES["planner options: refused"] += 1
        return
    assert result.recommendation in {"plan", "no_injection", "no_suitable_plan", "wait", "not_toxin",
                                     "re_education_first", "correct_habit_first", "examine_first"}
    if result.chosen is not None:
        assert all(0 < u <= 100 for u in result.chosen.units)
    OUTCOMES["planner options: accepted, plausible"] += 1


@pytest.fixture(scope="module", autouse=True)
def _print_outcomes():
    yield
    print("\nfuzz outcomes: " + ", ".join(f"{k} {v}" for k, v in sorted(OUTCOMES.items())))


@pytest.fixture(scope="session")
def fuzz_model():
    from facesim.tissue.model import FaceModel

    return FaceModel.builtin(n_vertices=1500)


@pytest.fixture(scope="session")
def fuzz_face_points(fuzz_model):
    from facesim.anatomy.patient import Patient
    from facesim.assessment.landmark_writing import ibug_from_named
    from facesim.assessment.patient_fit import simulated_landmarks

    return np.asarray(ibug_from_named(simulated_landmarks(fuzz_model, Patient(), "rest")), float)
