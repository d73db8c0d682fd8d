"""The viewer page in a real browser (headless Chromium, software WebGL2): the page's own arithmetic
gives Python's corner metrics, the sliders move the face, and nothing is fetched from the network."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import numpy as np
import pytest

from facesim.metrics import verdict
from facesim.scenario.case import load_scenario
from facesim.simulation.timeline import ScenarioSimulation
from facesim.training.cases import SCENARIOS_DIR
from facesim.treatment.bont import product
from facesim.view.page import viewer_html
from viewer_browser import opened

KEYS = ("rest_height_deviation", "height_deviation", "rest_lower_lip_deviation", "lower_lip_deviation",
        "corner_travel_left_mm", "corner_travel_right_mm", "corner_travel_difference_mm", "asymmetry_mm")
#: (planned dose in ona-equivalent U, product, day, expression) for the right-DAO case (site range 2-5 U).
POINTS = [(3.0, "onabotulinumtoxinA", 14, "smile"), (2.0, "onabotulinumtoxinA", 30, "smile"),
          (5.0, "onabotulinumtoxinA", 100, "smile"), (4.0, "onabotulinumtoxinA", 60, "rest"),
          (2.5, "incobotulinumtoxinA", 120, "smile"), (3.5, "abobotulinumtoxinA", 7, "smile")]
SHOTS = Path(os.environ.get("FACESIM_VIEW_SHOTS", "")) if os.environ.get("FACESIM_VIEW_SHOTS") else None


def page_for(tmp_path, sim) -> Path:
    path = tmp_path / f"{sim.scenario.title[:12].replace(' ', '_')}.html"
    path.write_text(viewer_html(sim), encoding="utf-8")
    return path


def python_metrics(sim: ScenarioSimulation, day: float, expression: str, dose_u=None, product_name=None) -> dict:
    """Python's "after" metrics on one day, the planned shot given ``dose_u`` U of ``product_name``."""
    if dose_u is not None:
        (shot,) = sim.scenario.planned_injections
        units = dose_u * product(product_name).units_per_ona_unit
        sim = ScenarioSimulation(sim.model, sim.scenario.with_shots(
            [dataclasses.replace(shot, units=units, product=product_name)]))
    m = sim.timeline(days=[day], expressions=[expression]).metrics[expression]
    out = {k: float(v[0]) for k, v in m.export_dict().items() if k in KEYS}
    return {**out, "asymmetry_mm": float(m.asymmetry[0])}


def page_metrics(v) -> dict:
    return {k: v.metric(k) for k in KEYS}


def set_state(v, day, expression, dose_u=None, product_name=None, steps=None):
    if product_name is not None:
        v.set_slider("#fsv-product", product_name)
    if dose_u is not None:
        v.set_slider('.fsv-dose[data-site="0"]', steps.index(dose_u))
    v.set_slider("#fsv-expression", expression)
    v.set_slider("#fsv-day", day)


def shot(v, name: str, tmp_path) -> np.ndarray:
    """The canvas as an RGB array (also saved as NAME.png, under $FACESIM_VIEW_SHOTS when set)."""
    from PIL import Image

    folder = SHOTS or tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    v.page.locator("#fsv-canvas").screenshot(path=str(folder / f"{name}.png"))
    v.page.screenshot(path=str(folder / f"{name}-page.png"))
    return np.asarray(Image.open(folder / f"{name}.png").convert("RGB"), int)


@pytest.fixture(scope="module")
def right_dao(coarse_model):
    return ScenarioSimulation(coarse_model, load_scenario(SCENARIOS_DIR / "b_overtoned_dao_rest.toml"))


def test_page_metrics_equal_pythons_at_six_dose_day_expression_points(right_dao, tmp_path):
    steps = None
    with opened(page_for(tmp_path, right_dao)) as v:
        assert v.page.evaluate("document.getElementById('fsv').dataset.ready") == "1", v.errors
        steps = v.page.evaluate("facesimViewer.state && JSON.parse(document.getElementById('fsv-data')"
                                ".textContent).toxin.planned[0].steps_u")
        for dose, prod, day, expr in POINTS:
            set_state(v, day, expr, dose, prod, steps)
            got, want = page_metrics(v), python_metrics(right_dao, day, expr, dose, prod)
            for k in KEYS:
                assert abs(got[k] - want[k]) < 0.01, (dose, prod, day, expr, k, got[k], want[k])
            assert v.metric("verdict") == verdict(want["asymmetry_mm"])
        assert v.errors == [] and v.blocked == []
        assert {u.split(":")[0] for u in v.requests} == {"file"} and len(v.requests) == 1  # the page itself


@pytest.mark.parametrize("case, days", [("f2_previous_injection_corrective", (3, 40)),
                                        ("g_filler_commissure", (10, 150))])
def test_history_and_filler_pages_equal_python(coarse_model, case, days, tmp_path):
    sim = ScenarioSimulation(coarse_model, load_scenario(SCENARIOS_DIR / f"{case}.toml"))
    with opened(page_for(tmp_path, sim)) as v:
        for day in days:
            set_state(v, day, "smile")
            got, want = page_metrics(v), python_metrics(sim, day, "smile")
            assert max(abs(got[k] - want[k]) for k in KEYS) < 0.01, (case, day, got, want)
        assert v.errors == [] and v.blocked == []


def test_day_past_the_plateau_moves_the_treated_corner_back_and_labels_are_on_the_patients_sides(right_dao, tmp_path):
    with opened(page_for(tmp_path, right_dao)) as v:
        set_state(v, 14, "smile")
        plateau = shot(v, "front-day14-after", tmp_path)
        labels = {s: v.page.locator(f'.fsv-side[data-side="{s}"]').bounding_box() for s in ("right", "left")}
        assert labels["right"]["x"] < labels["left"]["x"]  # front view: the patient's right on the viewer's left
        assert v.page.locator('.fsv-side[data-side="right"]').text_content() == "R"
        set_state(v, 180, "smile")
        worn = shot(v, "front-day180-after", tmp_path)
        changed = np.abs(plateau - worn).sum(axis=2) > 24
        w = changed.shape[1] // 2
        treated, untreated = changed[:, :w].sum(), changed[:, w:].sum()  # right DAO: the image's left half
        assert treated > 300 and treated > 1.5 * untreated, (treated, untreated)
        set_state(v, 14, "smile")
        v.set_slider("#fsv-mode", "split")
        split = shot(v, "front-day14-split", tmp_path)
        assert np.abs(split[:, : split.shape[1] // 2] - split[:, split.shape[1] // 2:]).sum() > 0
        v.set_slider("#fsv-mode", "after")
        v.page.locator("#fsv-heat").check()
        heat = shot(v, "front-day14-heat", tmp_path)
        reddish = (heat[..., 0] > heat[..., 2] + 60).sum()
        assert reddish > 50  # the treated corner is coloured by its change
        v.page.locator("#fsv-heat").uncheck()
        v.page.locator("#fsv-three").click()
        three = shot(v, "three-quarter-day14-after", tmp_path)
        assert np.abs(three - plateau).sum() > 0
        assert v.errors == [] and v.blocked == []


def test_an_imported_scan_face_gets_the_same_page_and_pythons_metrics(tmp_path):
    """``facesim view`` on a scenario whose face is a mesh file (the exported built-in face as a scan)."""
    from typer.testing import CliRunner

    from facesim.simulation.run import scenario_simulation
    from facesim_cli.main import app

    runner = CliRunner()
    mesh = tmp_path / "scan.ply"
    assert runner.invoke(app, ["mesh", "export-builtin", "--out", str(mesh), "--vertices", "2000"]).exit_code == 0
    case = tmp_path / "scan.toml"
    case.write_text(f'title = "scan"\n[patient]\nmesh = "{mesh.name}"\n[patient.tone]\ndao_left = 10.0\n'
                    '[[injection]]\nsite = "dao_left"\nunits = 2.5\nday = 0\n')
    page = tmp_path / "scan.html"
    result = runner.invoke(app, ["view", str(case), "--out", str(page)])
    assert result.exit_code == 0, result.output
    sim = scenario_simulation(load_scenario(case))
    with opened(page) as v:
        assert v.page.evaluate("JSON.parse(document.getElementById('fsv-data').textContent).n_vertices") \
            == sim.model.face.n_vertices
        for day in (20, 130):
            set_state(v, day, "smile")
            got, want = page_metrics(v), python_metrics(sim, day, "smile")
            assert max(abs(got[k] - want[k]) for k in KEYS) < 0.01, (day, got, want)
        # the treated side is the patient's left: its corner (the image's right half) moves back by day 180
        set_state(v, 20, "smile")
        a = shot(v, "scan-day20", tmp_path)
        set_state(v, 180, "smile")
        b = shot(v, "scan-day180", tmp_path)
        changed = np.abs(a - b).sum(axis=2) > 24
        w = changed.shape[1] // 2
        assert changed[:, w:].sum() > 1.5 * changed[:, :w].sum()
        assert v.errors == [] and v.blocked == []
