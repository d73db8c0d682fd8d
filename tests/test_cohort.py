"""Cohort studies: Dask gives exactly the in-process table, a broken row is reported in its row, a rerun resumes."""

import pytest

from facesim.cohort.patients import read_table
from facesim.cohort.run import CohortSettings, parse_vary
from facesim.cohort.study import parts_folder, run_study
from facesim.errors import InputError

TABLE = """id,tone.dao_right,tone.dao_left,strength.zygomaticus_major_left
dao-right,16,,
dao-left,,16,
broken,abc,,
smile-left,,,1.4
balanced,,,
"""
SETTINGS = CohortSettings(samples=8, seed=2, vertices=3000, vary="bont.ed50", values=(0.7, 1.0, 1.3))
RUN = {"test": 1}


@pytest.fixture(scope="module")
def patients(tmp_path_factory):
    path = tmp_path_factory.mktemp("cohort") / "patients.csv"
    path.write_text(TABLE)
    return read_table(path)


@pytest.fixture(scope="module")
def local(patients, tmp_path_factory):
    out = tmp_path_factory.mktemp("local") / "cohort.parquet"
    return out, run_study(patients, SETTINGS, out, RUN, chunk=2)


def test_rows_per_patient_and_value_with_the_broken_row_reported(local):
    _, table = local
    rows = table.to_pylist()
    assert len(rows) == 5 * 3
    broken = [r for r in rows if r["patient"] == "broken"]
    assert all("abc" in r["error"] and r["recommendation"] is None for r in broken)
    assert all(r["error"] == "" for r in rows if r["patient"] != "broken")
    by = {(r["patient"], r["vary_value"]): r for r in rows}
    # the right DAO's over-pull is treated on the right, the mirrored patient on the left
    assert by[("dao-right", 1.0)]["recommendation"] == "plan" and by[("dao-right", 1.0)]["sites"].endswith("_right")
    assert by[("dao-left", 1.0)]["recommendation"] == "plan" and by[("dao-left", 1.0)]["sites"].endswith("_left")
    assert by[("dao-left", 1.0)]["units"] == by[("dao-right", 1.0)]["units"]
    assert by[("balanced", 1.0)]["recommendation"] == "no_injection"


def test_on_the_assumed_truth_the_outcome_is_the_planners(local):
    _, table = local
    for r in table.to_pylist():
        if r["recommendation"] == "plan" and r["vary_value"] == 1.0:
            assert abs(r["true_window_fraction"] - r["window_fraction"]) < 1e-9


def test_a_less_sensitive_patient_than_assumed_is_corrected_less_often(local):
    """The true ED50 1.3x the planner's (a patient less sensitive than assumed): the same plan keeps the
    asymmetry below the threshold in fewer (sample, window day) pairs; 0.7x: in more."""
    _, table = local
    rows = table.to_pylist()
    planned = [r["patient"] for r in rows if r["recommendation"] == "plan" and r["vary_value"] == 1.0]
    assert len(planned) >= 3
    for pid in planned:
        window = [next(r for r in rows if r["patient"] == pid and r["vary_value"] == v)["true_window_fraction"]
                  for v in (0.7, 1.0, 1.3)]
        assert window[0] >= window[1] > window[2]


def test_dask_gives_exactly_the_in_process_table(patients, local, tmp_path):
    from dask.distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        table = run_study(patients, SETTINGS, tmp_path / "dask.parquet", RUN, chunk=2, client=client)
    assert table.equals(local[1])


def test_a_rerun_resumes_from_the_parts_and_another_run_is_refused(patients, local, tmp_path):
    out, table = local
    folder = parts_folder(out)
    parts = sorted(folder.glob("part-*.parquet"))
    assert len(parts) == 3
    parts[1].unlink()
    kept = parts[0].stat().st_mtime_ns
    again = run_study(patients, SETTINGS, out, RUN, chunk=2)
    assert again.equals(table)
    assert parts[0].stat().st_mtime_ns == kept  # a finished chunk is not recomputed
    with pytest.raises(InputError, match="another cohort run"):
        run_study(patients, SETTINGS, out, {"test": 2}, chunk=2)


def test_vary_is_parsed_or_refused_in_one_line():
    assert parse_vary("bont.ed50=0.7,1.0,1.3") == ("bont.ed50", (0.7, 1.0, 1.3))
    assert parse_vary(None) == ("", (1.0,))
    for bad in ("bont.emax=1", "bont.ed50=", "bont.ed50=0,1", "bont.ed50=a"):
        with pytest.raises(InputError, match="--vary"):
            parse_vary(bad)


def test_cli_needs_a_table_or_generate(tmp_path):
    from typer.testing import CliRunner

    from facesim_cli.main import app

    result = CliRunner().invoke(app, ["cohort", "--out", str(tmp_path / "c.parquet")])
    assert result.exit_code == 2
    assert "--generate" in result.output


def test_a_missing_or_unreadable_table_is_one_line(tmp_path):
    with pytest.raises(InputError, match="file not found") as missing:
        read_table(tmp_path / "none.csv")
    garbage = tmp_path / "patients.parquet"
    garbage.write_bytes(b"\x00\x01 not parquet")
    with pytest.raises(InputError, match="not a readable table") as unreadable:
        read_table(garbage)
    empty = tmp_path / "empty.csv"
    empty.write_text("id,tone.dao_right\n")
    with pytest.raises(InputError, match="no rows"):
        read_table(empty)
    assert "\n" not in str(missing.value) and "\n" not in str(unreadable.value)
