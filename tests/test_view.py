"""The viewer page, Python side: payload, quantisation error, file size, the command's bad input."""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from facesim.scenario.case import load_scenario
from facesim.simulation.timeline import ScenarioSimulation
from facesim.training.cases import SCENARIOS_DIR
from facesim.treatment.bont import site_range
from facesim.view.encode import dequantised
from facesim.view.page import payload_json, viewer_html
from facesim.view.payload import viewer_payload
from facesim_cli.main import app

runner = CliRunner()
RIGHT_DAO = str(SCENARIOS_DIR / "b_overtoned_dao_rest.toml")


@pytest.fixture(scope="module")
def right_dao(coarse_model) -> ScenarioSimulation:
    return ScenarioSimulation(coarse_model, load_scenario(RIGHT_DAO))


@pytest.fixture(scope="module")
def payload(right_dao) -> dict:
    return viewer_payload(right_dao)


def test_payload_tabulates_the_planned_site_exactly(right_dao, payload):
    (site,) = payload["toxin"]["planned"]
    lo, hi = site_range("dao_right")
    assert site["muscle"] == "dao_right" and site["steps_u"][0] == lo and site["steps_u"][-1] == hi
    assert site["dose_u"] == 3.0 and 3.0 in site["steps_u"]
    ona = site["delivered"]["onabotulinumtoxinA"][site["steps_u"].index(3.0)]
    assert np.allclose(ona, right_dao.injections[0].delivered(right_dao.territories), rtol=0, atol=1e-12)
    ids = payload["muscle_ids"]
    # the treated DAO gets nearly the whole shot, the other side nothing
    assert ona[ids.index("dao_right")] > 0.9 * 3.0 and ona[ids.index("dao_left")] == 0
    doses = [d[ids.index("dao_right")] for d in site["delivered"]["onabotulinumtoxinA"]]
    assert all(b > a for a, b in zip(doses, doses[1:]))  # more units, more delivered dose
    assert set(site["delivered"]) == set(payload["toxin"]["products"]) and payload["toxin"]["fixed"] == []


def test_quantised_fields_stay_within_half_a_step_and_a_hundredth_of_a_mm(right_dao, payload):
    basis = dequantised(payload["basis"])
    err = np.abs(basis - right_dao.model.basis).reshape(len(basis), -1).max(axis=1)
    assert np.all(err <= 0.5 * np.asarray(payload["basis"]["scales"]) + 1e-15)
    forces = right_dao.forces(np.array([14.0]), "smile")[0]
    shape_err = np.abs(np.tensordot(forces, basis - right_dao.model.basis, axes=1)).max()
    assert 0 < shape_err < 0.01  # mm: what the page draws is the model's shape
    rest = dequantised(payload["vertices"])[0] + payload["centre"]
    assert np.abs(rest - right_dao.model.face.vertices).max() < 0.01


def test_payload_json_cannot_close_its_script(payload):
    text = str(payload_json({**payload, "title": "</script><script>alert(1)"}))
    assert "</script>" not in text and json.loads(text)["title"].startswith("</script>")


def test_the_default_face_page_is_self_contained_and_at_most_3_mb(model):
    sim = ScenarioSimulation(model, load_scenario(RIGHT_DAO))
    text = viewer_html(sim)
    size = len(text.encode())
    assert 0.5e6 < size <= 3e6, size
    assert "http" not in text and "<script src" not in text  # nothing to fetch: opens offline


def test_view_writes_one_page_and_refuses_bad_input_with_one_line(tmp_path):
    out = tmp_path / "v.html"
    args = ["view", RIGHT_DAO, "--vertices", "1500", "--out", str(out)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert out.read_text().count('id="fsv-canvas"') == 1
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps({"injections": [{"site": "dao_rigth", "units": 2}]}))
    for bad in (args, [*args[:-1], str(tmp_path / "v.png")], [*args[:-1], str(tmp_path / "w.html"), "--plan", str(plan)]):
        again = runner.invoke(app, bad)
        assert again.exit_code == 2 and len(again.output.strip().splitlines()) == 1, again.output
        assert again.output.startswith("facesim: error: ")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.json", "v.html"]


def test_view_refuses_a_patient_with_red_flags(tmp_path):
    result = runner.invoke(app, ["view", "e_neurogenic_flagged", "--vertices", "1500", "--out", str(tmp_path / "v.html")])
    assert result.exit_code == 3 and "--clinician-override" in result.output
    assert list(tmp_path.iterdir()) == []
