"""The command line's shared policies: light imports, literal help, one-line errors, streams, outputs, case names."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from facesim_cli.main import app

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[1]
COARSE = ["--vertices", "2000"]
COMMANDS = [["demo"], ["assess"], ["simulate"], ["plan"], ["render"], ["report"], ["train"],
            ["mesh", "export-builtin"], ["mesh", "check"], ["mesh", "import"], ["mesh", "import-ict"],
            ["mesh", "calibrate-ict"]]


def one_line_error(result) -> str:
    """The single stderr line of a failed command (exit 2, nothing on stdout)."""
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("facesim: error: "), result.output
    assert result.stdout == "" and "Traceback" not in result.output
    return lines[0]


def test_importing_the_app_does_not_import_the_engine():
    heavy = ("scipy", "numba", "pyvista", "matplotlib", "numpy")
    code = f"import sys, facesim_cli.main; print([m for m in {heavy!r} if m in sys.modules])"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]", done.stdout + done.stderr


def test_default_vertices_shown_in_help_is_the_engines():
    from facesim.face.builtin import DEFAULT_N_VERTICES
    from facesim_cli.options import DEFAULT_VERTICES

    assert DEFAULT_VERTICES == DEFAULT_N_VERTICES


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_help_page_is_plain_text(command):
    result = runner.invoke(app, [*command, "--help"])
    assert result.exit_code == 0, result.output
    assert "--help" in result.stdout and "Usage: facesim" in result.stdout
    assert not set("╭╰│") & set(result.stdout)  # no rich boxes


@pytest.mark.parametrize("command, text", [
    (["train"], "[[injection]]        # as in a scenario"),
    (["train"], "shift_mm = [lateral, superior, anterior]"),
    (["report"], '{"injections": [{"site": "dao_right",'),
    (["report"], "(keys as in [[injection]];"),
    (["assess"], "TOML file with a [history] table."),
    (["assess"], "DAY,SITE,UNITS[,PRODUCT]"),
])
def test_brackets_in_help_print_literally(command, text):
    result = runner.invoke(app, [*command, "--help"], terminal_width=200)
    assert result.exit_code == 0
    assert " ".join(text.split()) in " ".join(result.stdout.split()), result.stdout


def test_top_level_help_and_version():
    top = runner.invoke(app, ["--help"])
    assert top.exit_code == 0
    for name in ("demo", "assess", "simulate", "plan", "render", "report", "train", "mesh"):
        assert f"  {name} " in top.stdout
    commands = top.stdout.split("Commands:")[1]
    assert "..." not in commands  # the summaries are not cut off
    from facesim import __version__

    version = runner.invoke(app, ["--version"])
    assert version.exit_code == 0 and version.stdout == f"facesim {__version__}\n"


@pytest.mark.parametrize("args, words", [
    (["simulate"], "Missing argument 'SCENARIO'"),
    (["simulate", "b_overtoned_dao_rest", "--vertices", "3"], "Invalid value for '--vertices'"),
    (["simulate", "b_overtoned_dao_rest", "--vertices", "many"], "Invalid value for '--vertices'"),
    (["simulate", "b_overtoned_dao_rest", "--bogus"], "No such option: --bogus"),
    (["render", "b_overtoned_dao_rest", "--out", "x", "--animation", "weeks"], "Invalid value for '--animation'"),
    (["assess", "--smile", "s.txt"], "Missing option '--rest'"),
    (["mesh", "check", "nowhere.ply", "--landmarks", "x.json"], "does not exist"),
    (["simulat"], "No such command"),
])
def test_typer_usage_errors_are_one_line_with_exit_2(args, words):
    line = one_line_error(runner.invoke(app, args))
    assert words in line and "--help" in line


def test_no_arguments_shows_the_help():
    result = runner.invoke(app, [])
    assert result.exit_code == 2 and "Commands:" in result.output


def test_a_bundled_case_by_name_and_a_misspelt_one():
    result = runner.invoke(app, ["simulate", "b_overtoned_dao_rest", *COARSE, "--days", "0"])
    assert result.exit_code == 0, result.output
    assert "b_overtoned_dao_rest.toml" in result.stdout and "verdict" in result.stdout
    line = one_line_error(runner.invoke(app, ["simulate", "b_overtoned_dao", *COARSE]))
    assert "no such scenario file or bundled case" in line and "b_overtoned_dao_rest" in line
    missing = one_line_error(runner.invoke(app, ["plan", "nowhere/case.toml", *COARSE]))
    assert "no such scenario file" in missing


def test_data_on_stdout_everything_else_on_stderr_unwrapped(tmp_path):
    scenario = ROOT / "scenarios" / "e_neurogenic_flagged.toml"
    result = runner.invoke(app, ["simulate", str(scenario), *COARSE, "--days", "0,14", "--out", str(tmp_path),
                                 "--clinician-override"])
    assert result.exit_code == 0, result.output
    assert "Mouth-corner balance by day" in result.stdout and "│  14 │" in result.stdout
    for words in ("FLAG:", "wrote", "not a medical device"):
        assert words not in result.stdout and words in result.stderr
    flag = [line for line in result.stderr.splitlines() if line.startswith("FLAG:")]
    assert flag and "Refer before any cosmetic treatment: See a doctor within days" in flag[0]  # one line, unwrapped
    wrote = [line for line in result.stderr.splitlines() if line.startswith("wrote")]
    assert len(wrote) == 1 and all(str(tmp_path / name) in wrote[0] for name in ("timeline.json", "timeline.csv"))


def test_train_list_prints_the_bundled_cases_on_stdout():
    result = runner.invoke(app, ["train", "--list"])
    assert result.exit_code == 0, result.output
    names = result.stdout.splitlines()
    assert "case-2" in names and "case-12" in names  # neutral names: the file stems tell the cause
    assert "b_overtoned_dao_rest" not in result.stdout and "j_plan_overtoned_right_dao" not in result.stdout
    assert names[-1].startswith("generated: random-<seed>")


@pytest.mark.parametrize("command", [
    ["simulate", "b_overtoned_dao_rest", *COARSE],
    ["plan", "j_plan_overtoned_right_dao", *COARSE],
    ["render", "b_overtoned_dao_rest", *COARSE],
    ["train", "--case", "j", *COARSE, "--no-pictures"],
])
def test_an_out_below_a_file_is_refused_before_any_work(tmp_path, command):
    blocker = tmp_path / "file"
    blocker.write_text("keep")
    line = one_line_error(runner.invoke(app, [*command, "--out", str(blocker / "sub")]))
    assert "is a file, not a folder" in line and blocker.read_text() == "keep"


@pytest.mark.parametrize("command, name", [
    (["demo", *COARSE], "demo.png"),
    (["report", "b_overtoned_dao_rest", *COARSE], "report.html"),
    (["mesh", "export-builtin", *COARSE], "face.ply"),
])
def test_file_outputs_refuse_to_overwrite_without_force(tmp_path, command, name):
    target = tmp_path / name
    target.write_text("keep")
    line = one_line_error(runner.invoke(app, [*command, "--out", str(target)]))
    assert "--force" in line and target.read_text() == "keep"
