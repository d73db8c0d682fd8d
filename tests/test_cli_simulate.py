"""`facesim simulate`: table, files, and one-line errors with exit code 2."""

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from facesim_cli.main import app

runner = CliRunner()
SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"
COARSE = ["--vertices", "3000"]


def test_simulate_prints_a_timeline_and_flags():
    result = runner.invoke(app, ["simulate", str(SCENARIOS / "e_neurogenic_flagged.toml"), *COARSE,
                                 "--days", "0,14,90", "--clinician-override"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Mouth-corner balance" in out and "verdict" in out
    assert "Refer before any cosmetic treatment: See a doctor within days" in " ".join(out.split())
    assert "CLINICIAN OVERRIDE" in out
    for day in ("14", "90"):
        assert f"│ {day:>3} │" in out


def test_simulate_writes_json_and_csv_and_refuses_to_overwrite(tmp_path):
    args = ["simulate", str(SCENARIOS / "b_overtoned_dao_rest.toml"), *COARSE, "--days", "0,14", "--out",
            str(tmp_path)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    payload = json.loads((tmp_path / "timeline.json").read_text())
    assert payload["days"] == [0.0, 14.0] and len(payload["rows"]) == 4
    rows = list(csv.DictReader((tmp_path / "timeline.csv").open()))
    assert [(r["day"], r["expression"]) for r in rows] == [("0.0", "rest"), ("0.0", "smile"),
                                                           ("14.0", "rest"), ("14.0", "smile")]
    assert float(rows[2]["rest_height_deviation"]) < float(rows[0]["rest_height_deviation"])
    again = runner.invoke(app, args)
    assert again.exit_code == 2 and "--force" in again.output
    assert len(again.output.strip().splitlines()) == 1
    assert runner.invoke(app, [*args, "--force"]).exit_code == 0


def test_allow_high_dose_flag(tmp_path):
    path = tmp_path / "high.toml"
    path.write_text('[[injection]]\nsite = "dao_right"\nunits = 8\n')
    refused = runner.invoke(app, ["simulate", str(path), *COARSE])
    assert refused.exit_code == 2 and "allow-high-dose" in refused.output
    allowed = runner.invoke(app, ["simulate", str(path), *COARSE, "--allow-high-dose", "--days", "0"])
    assert allowed.exit_code == 0 and "per-site maximum" in " ".join(allowed.output.split())


BAD = {
    "unknown_muscle": '[patient.tone]\ndao_rigth = 3.0\n',
    "unknown_product": '[[injection]]\nsite = "dao_right"\nunits = 2\nproduct = "botoxx"\n',
    "zero_units": '[[injection]]\nsite = "dao_right"\nunits = 0\n',
    "negative_day": '[[injection]]\nsite = "dao_right"\nunits = 2\nday = -5\n',
    "unknown_landmark": '[[injection]]\nlandmark = "nose_tip"\nunits = 2\n',
    "above_site_maximum": '[[injection]]\nsite = "dao_right"\nunits = 6\n',
    "not_toml": 'title = \n',
}


@pytest.mark.parametrize("name", BAD)
def test_bad_scenarios_exit_2_with_one_line(tmp_path, name):
    path = tmp_path / f"{name}.toml"
    path.write_text(BAD[name])
    result = runner.invoke(app, ["simulate", str(path), *COARSE])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("facesim: error: ") and str(path) in lines[0]
    assert "Traceback" not in result.output


@pytest.mark.parametrize("days", ["soon", ","])
def test_bad_days_option(days):
    result = runner.invoke(app, ["simulate", str(SCENARIOS / "b_overtoned_dao_rest.toml"), *COARSE, "--days", days])
    assert result.exit_code == 2 and len(result.output.strip().splitlines()) == 1
