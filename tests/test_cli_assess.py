"""`facesim assess` end to end on the fixture files (tests/data, see make_fixtures.py)."""

import tomllib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from facesim_cli.main import app

DATA = Path(__file__).parent / "data"
runner = CliRunner()
BASE = ["assess", "--vertices", "3000"]


def run(*args):
    return runner.invoke(app, [*BASE, *map(str, args)])


def test_assess_prints_and_writes_a_patient(tmp_path):
    out = tmp_path / "patient.toml"
    r = run("--rest", DATA / "rest_ibug.txt", "--smile", DATA / "smile_ibug.txt", "--scale-mm-per-px", 0.25,
            "--out", out, "--history", DATA / "history_recent_toxin.toml", "--name", "fixture")
    assert r.exit_code == 0, r.output
    for words in ("corner height", "muscular", "habit", "iatrogenic", "PatientFit", "pulls more"):
        assert words in r.output
    data = tomllib.loads(out.read_text())
    assert data["patient"]["name"] == "fixture"
    assert data["patient"]["tone"]["dao_right"] > data["patient"]["tone"]["dao_left"]
    assert data["history"]["chewing_side"] == "left"
    assert data["history"]["previous_injection"][0]["site"] == "dao_left"


def test_emotrics_and_json_inputs(tmp_path):
    r = run("--rest", DATA / "rest_emotrics.txt", "--smile", DATA / "smile_emotrics.txt")
    assert r.exit_code == 0, r.output
    r = run("--rest", DATA / "rest_named_mm.json", "--smile", DATA / "smile_named_mm.json")
    assert r.exit_code == 0, r.output


def test_red_flag_refers(tmp_path):
    r = run("--rest", DATA / "rest_emotrics.txt", "--smile", DATA / "smile_emotrics.txt", "--sudden-onset")
    assert r.exit_code == 0
    assert r.output.splitlines()[0].startswith("SEE A DOCTOR WITHIN DAYS")  # the tier first
    assert "Refer before any cosmetic treatment" in r.output
    assert "Planning is refused" in r.output


def test_sudden_onset_with_numbness_is_an_emergency_first_line_and_plan_refuses(tmp_path):
    out = tmp_path / "patient.toml"
    r = run("--rest", DATA / "rest_emotrics.txt", "--smile", DATA / "smile_emotrics.txt", "--sudden-onset",
            "--other-weakness-or-numbness", "--out", out)
    assert r.exit_code == 0 and r.output.splitlines()[0].startswith("EMERGENCY")
    refused = runner.invoke(app, ["plan", str(out), "--samples", "5"])
    assert refused.exit_code == 3 and "Emergency" in refused.output


def test_existing_output_needs_force(tmp_path):
    out = tmp_path / "p.toml"
    out.write_text("keep")
    args = ["--rest", DATA / "rest_emotrics.txt", "--smile", DATA / "smile_emotrics.txt", "--out", out]
    r = run(*args)
    assert r.exit_code == 2 and out.read_text() == "keep"
    assert run(*args, "--force").exit_code == 0 and "[patient]" in out.read_text()


@pytest.mark.parametrize(
    "content, words",
    [
        ("1 2\n" * 60, "found 60 points"),
        ("1 2\n" * 67 + "NaN 2\n", "not a finite number"),
        ("1 2\n" * 67 + "1 two\n", "not a number"),
    ],
)
def test_bad_files_exit_2_with_one_line(tmp_path, content, words):
    bad = tmp_path / "bad.txt"
    bad.write_text(content)
    out = tmp_path / "never.toml"
    r = run("--rest", bad, "--smile", DATA / "smile_ibug.txt", "--scale-mm-per-px", 0.25, "--out", out)
    assert r.exit_code == 2
    lines = r.stderr.strip().splitlines() if r.stderr_bytes is not None else r.output.strip().splitlines()
    assert len(lines) == 1 and words in lines[0] and lines[0].startswith("facesim: error:")
    assert not out.exists()


def test_missing_scale_exits_2(tmp_path):
    r = run("--rest", DATA / "rest_ibug.txt", "--smile", DATA / "smile_ibug.txt")
    assert r.exit_code == 2 and "no scale was given" in r.output


def test_bad_history_exits_2(tmp_path):
    h = tmp_path / "h.toml"
    h.write_text('[history]\nchewing_side = "both"\n')
    r = run("--rest", DATA / "rest_emotrics.txt", "--smile", DATA / "smile_emotrics.txt", "--history", h)
    assert r.exit_code == 2 and "chewing_side" in r.output


def test_any_name_is_written_as_toml_the_planner_reads(tmp_path):
    """A name with accents and an emoji (the old writer escaped it into TOML nobody could read)."""
    import tomllib

    out = tmp_path / "p.toml"
    r = run("--rest", DATA / "rest_emotrics.txt", "--smile", DATA / "smile_emotrics.txt", "--name", "Zoë 😀",
            "--out", out)
    assert r.exit_code == 0, r.output
    data = tomllib.loads(out.read_text(encoding="utf-8"))
    assert data["patient"]["name"] == "Zoë 😀" and data["history"]["aftercare"] is True
    from facesim.scenario.case import load_scenario

    assert load_scenario(out).patient.name == "Zoë 😀"


def test_measures_out_writes_csv_json_and_xlsx_with_the_same_numbers(tmp_path):
    import csv
    import json

    from openpyxl import load_workbook

    files = {s: tmp_path / f"m.{s}" for s in ("csv", "json", "xlsx")}
    for f in files.values():
        r = run("--rest", DATA / "rest_emotrics.txt", "--smile", DATA / "smile_emotrics.txt", "--measures-out", f,
                "--name", "Ada", "--date", "2024-05-01")
        assert r.exit_code == 0, r.output
    assert "MEEI (Emotrics) measures" in r.output and "eFACE-style oral commissure" in r.output
    assert "pupils: iris centres" in r.output
    with files["csv"].open(newline="") as fh:
        from_csv = [row for row in csv.reader(fh)]
    from_xlsx = [[c for c in row] for row in load_workbook(files["xlsx"]).active.iter_rows(values_only=True)]
    assert len(from_csv) == len(from_xlsx)

    def same(a, b):
        if b is None:
            return a == ""
        return float(a) == pytest.approx(b, abs=1e-12) if isinstance(b, float) else a == str(b)

    for a, b in zip(from_csv, from_xlsx):
        assert all(same(x, y) for x, y in zip(a, b)), (a, b)
    assert from_csv[0] == ["patient", "Ada"] and from_csv[1] == ["date", "2024-05-01"]
    ce = next(row for row in from_csv if row[:2] == ["smile", "Commissure excursion (CE)"])
    assert float(ce[3]) == pytest.approx(35.669, abs=1e-3) and float(ce[4]) == pytest.approx(38.261, abs=1e-3)
    data = json.loads(files["json"].read_text())
    assert data["header"]["patient"] == "Ada"
    assert {r["measure"] for r in data["measures"]} >= {"Corner travel (rest to smile)", "Smile angle (SA)"}
    assert data["eface"][0]["affected side"] == "right"


@pytest.mark.parametrize("extra, words", [
    (["--measures-out", "m.xls"], "--measures-out m.xls: cannot write a .xls file; end the name in .csv or .json or .xlsx"),
    (["--healthy-side", "middle"], "middle"),
])
def test_measures_out_bad_options_exit_2(tmp_path, extra, words):
    r = runner.invoke(app, [*BASE, "--rest", str(DATA / "rest_emotrics.txt"), "--smile",
                            str(DATA / "smile_emotrics.txt"),
                            *[str(tmp_path / e) if e.endswith(".xls") else e for e in extra]])
    assert r.exit_code == 2
    assert words.split(":")[-1].strip().split()[0] in r.output


def test_measures_out_needs_force_to_overwrite(tmp_path):
    out = tmp_path / "m.csv"
    out.write_text("keep")
    r = run("--rest", DATA / "rest_emotrics.txt", "--smile", DATA / "smile_emotrics.txt", "--measures-out", out)
    assert r.exit_code == 2 and "--force" in r.output and out.read_text() == "keep"


def test_json_named_points_have_no_meei_measures_and_say_so(tmp_path):
    out = tmp_path / "m.csv"
    r = run("--rest", DATA / "rest_named_mm.json", "--smile", DATA / "smile_named_mm.json", "--measures-out", out,
            "--healthy-side", "left")
    assert r.exit_code == 0, r.output
    assert "need 68-point landmark files" in r.output
    text = out.read_text()
    assert "Corner travel (rest to smile)" in text and "Commissure excursion" not in text
