import json

from typer.testing import CliRunner

from facesim_cli.main import app

runner = CliRunner()
CASE = """
[patient]
vertices = 3000
[patient.tone]
dao_right = 16.0
"""


def test_plan_prints_and_writes(tmp_path):
    path = tmp_path / "p.toml"
    path.write_text(CASE)
    out = tmp_path / "out"
    result = runner.invoke(app, ["plan", str(path), "--samples", "40", "--out", str(out), "--all-plans",
                                 "--sites", "dao_right,dli_right,platysma_right"])
    assert result.exit_code == 0, result.output
    assert "Recommendation: plan" in result.output and "dao_right" in result.output
    data = json.loads((out / "plan.json").read_text())
    assert data["chosen"]["sites"] == ["dao_right"]
    assert (out / "all_plans.csv").read_text().count("\n") > 50
    again = runner.invoke(app, ["plan", str(path), "--samples", "40", "--out", str(out)])
    assert again.exit_code == 2 and "--force" in again.output


def test_plan_refuses_a_neurogenic_case_and_bad_sites(tmp_path):
    path = tmp_path / "p.toml"
    path.write_text(CASE + "[history]\nsudden_onset = true\n")
    result = runner.invoke(app, ["plan", str(path), "--samples", "10", "--out", str(tmp_path / "out")])
    assert result.exit_code == 3 and "See a doctor within days" in result.output  # a safety refusal, not bad input
    assert len(result.output.strip().splitlines()) == 1 and not (tmp_path / "out").exists()
    path.write_text(CASE + "[history]\nsudden_onset = true\nother_weakness_or_numbness = true\n")
    urgent = runner.invoke(app, ["plan", str(path), "--samples", "10"])
    assert urgent.exit_code == 3 and "Emergency" in urgent.output
    ok = tmp_path / "ok.toml"
    ok.write_text(CASE)
    bad = runner.invoke(app, ["plan", str(ok), "--samples", "10", "--sites", "dao_rigth"])
    assert bad.exit_code == 2 and "dao_right" in bad.output
