"""`facesim train`: interactive prompts, answer files, the session log."""

import json

from typer.testing import CliRunner

from facesim_cli.main import app

FAST = ["--vertices", "3000", "--samples", "40", "--no-pictures"]
runner = CliRunner()


def test_interactive_answers_on_stdin_with_bad_entries_asked_again(tmp_path):
    log = tmp_path / "log.json"
    feed = "musc\nmuscular\ninject\n\nfoo_right\ndao_right\n-2\nabc\n3\n\n\n"
    result = runner.invoke(app, ["train", "--case", "j", *FAST, "--log", str(log)], input=feed)
    assert result.exit_code == 0, result.output
    out = result.output
    assert "did you mean 'muscular'" in out and "unknown site 'foo_right'" in out
    assert "expected a number > 0" in out and "not a number" in out
    assert "Score 100/100" in out.replace("\n", " ")
    data = json.loads(log.read_text())
    assert data["summary"]["attempts"] == 1 and data["attempts"][0]["answer"]["injection"][0]["site"] == "dao_right"


def test_interactive_refer_on_a_neurogenic_case(tmp_path):
    result = runner.invoke(app, ["train", "--case", "e", *FAST], input="neurogenic\nrefer\n")
    assert result.exit_code == 0, result.output
    assert "Score 100/100" in result.output and "Refer before any cosmetic treatment" in result.output


def test_answer_file_batch_writes_result_and_appends_to_the_log(tmp_path):
    answer = tmp_path / "answer.toml"
    answer.write_text('cause = "muscular"\n[[injection]]\nsite = "zygomaticus_major_right"\nunits = 8.0\n')
    log = tmp_path / "log.json"
    for again in ([], ["--force"]):  # the second run overwrites result.json, so it needs --force
        result = runner.invoke(app, ["train", "--case", "j", *FAST, "--answer", str(answer), "--log", str(log),
                                     "--out", str(tmp_path / "out"), *again])
        assert result.exit_code == 0, result.output
    payload = json.loads((tmp_path / "out" / "result.json").read_text())
    assert payload["case"] == "j_plan_overtoned_right_dao" and payload["truth"]["cause"] == "muscular"
    summary = json.loads(log.read_text())["summary"]
    assert summary["attempts"] == 2 and summary["skills"]["placement"]["attempts"] == 2
    assert "Score" in result.stdout and "wrote" in result.stderr and "wrote" not in result.stdout


def test_existing_result_needs_force_and_is_left_unchanged(tmp_path):
    answer = tmp_path / "answer.json"
    answer.write_text(json.dumps({"cause": "none", "plan": "no injection"}))
    out, log = tmp_path / "out", tmp_path / "log.json"
    args = ["train", "--case", "j", *FAST, "--answer", str(answer), "--log", str(log), "--out", str(out)]
    assert runner.invoke(app, args).exit_code == 0
    before, log_before = (out / "result.json").read_text(), log.read_text()
    refused = runner.invoke(app, args)
    assert refused.exit_code == 2 and refused.stdout == ""
    lines = refused.stderr.strip().splitlines()
    assert len(lines) == 1 and "result.json exists" in lines[0] and "--force" in lines[0]
    assert (out / "result.json").read_text() == before and log.read_text() == log_before  # refused before any work


def test_same_seed_same_case_and_score(tmp_path):
    answer = tmp_path / "answer.json"
    answer.write_text(json.dumps({"cause": "none", "plan": "no injection"}))
    runs = [runner.invoke(app, ["train", "--random", "--seed", "11", *FAST, "--answer", str(answer)])
            for _ in range(2)]
    assert all(r.exit_code == 0 for r in runs), runs[0].output
    assert runs[0].output == runs[1].output and "Case: random-11" in runs[0].output


def test_the_case_name_shown_is_neutral_until_the_feedback(tmp_path):
    answer = tmp_path / "answer.json"
    answer.write_text(json.dumps({"cause": "muscular", "injection": [{"site": "dao_right", "units": 3.0}]}))
    result = runner.invoke(app, ["train", "--case", "j", *FAST, "--answer", str(answer)])
    assert result.exit_code == 0, result.output
    before, _, after = result.stdout.partition("Score ")
    assert "Case: case-12" in before and "j_plan_overtoned_right_dao" not in before and "DAO" not in before
    assert "This was case-12: the bundled scenario j_plan_overtoned_right_dao" in after.replace("\n", " ")
    listed = runner.invoke(app, ["train", "--list"])
    assert listed.exit_code == 0 and "case-12" in listed.stdout and "overtoned" not in listed.stdout


def test_bad_options_are_one_line_errors(tmp_path):
    both = runner.invoke(app, ["train", "--case", "j", "--random", *FAST])
    assert both.exit_code == 2 and "not both" in both.output
    bad = tmp_path / "bad.toml"
    bad.write_text('cause = "muscular"\n[[injection]]\nsite = "dao_right"\nunits = -1\n')
    result = runner.invoke(app, ["train", "--case", "j", *FAST, "--answer", str(bad)])
    assert result.exit_code == 2 and "units: expected a number > 0" in result.output
