"""`facesim render` and `facesim report`: files written whole, refusal to overwrite, one-line errors."""

import json
from pathlib import Path

from typer.testing import CliRunner

from facesim_cli.main import app

runner = CliRunner()
SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"
RIGHT_DAO = str(SCENARIOS / "b_overtoned_dao_rest.toml")
COARSE = ["--vertices", "2000"]


def test_render_writes_pictures_and_refuses_to_overwrite(tmp_path):
    args = ["render", RIGHT_DAO, *COARSE, "--days", "0,14", "--out", str(tmp_path), "--views", "front",
            "--overlay", "heat,muscles,injections"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["before_after_front.png", "timeline.png"]
    assert all(p.stat().st_size > 10_000 for p in tmp_path.iterdir())
    again = runner.invoke(app, args)
    assert again.exit_code == 2 and "--force" in again.output
    assert len(again.output.strip().splitlines()) == 1
    assert runner.invoke(app, [*args, "--force"]).exit_code == 0


def test_render_animation_writes_a_gif_and_explains_a_missing_mp4(tmp_path):
    result = runner.invoke(app, ["render", RIGHT_DAO, *COARSE, "--days", "0,14", "--out", str(tmp_path),
                                 "--views", "front", "--animate", "--animation", "rest-smile"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "rest_to_smile.gif").stat().st_size > 10_000
    from facesim.render.animation import mp4_available

    if not mp4_available():
        assert "MP4 skipped" in result.output
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # the staging folder is gone


def test_render_bad_options_exit_2_with_one_line(tmp_path):
    for extra in (["--views", "side"], ["--overlay", "glow"], ["--days", "soon"]):
        result = runner.invoke(app, ["render", RIGHT_DAO, *COARSE, "--out", str(tmp_path), *extra])
        assert result.exit_code == 2, result.output
        assert len(result.output.strip().splitlines()) == 1 and result.output.startswith("facesim: error: ")
    assert list(tmp_path.iterdir()) == []


def test_report_writes_html_with_a_plan_and_refuses_to_overwrite(tmp_path):
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps({"injections": [{"site": "dao_right", "units": 2}]}))
    out = tmp_path / "report.html"
    args = ["report", RIGHT_DAO, *COARSE, "--plan", str(plan), "--out", str(out)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    text = out.read_text()
    assert text.count("data:image/png;base64,") == 4 and "2 U onabotulinumtoxinA" in text
    again = runner.invoke(app, args)
    assert again.exit_code == 2 and len(again.output.strip().splitlines()) == 1


def test_report_bad_plan_is_one_line(tmp_path):
    plan = tmp_path / "plan.json"
    plan.write_text("[{\"site\": \"dao_right\", \"units\": 0}]")
    result = runner.invoke(app, ["report", RIGHT_DAO, *COARSE, "--plan", str(plan), "--out",
                                 str(tmp_path / "r.html")])
    assert result.exit_code == 2 and len(result.output.strip().splitlines()) == 1
    assert not (tmp_path / "r.html").exists()
