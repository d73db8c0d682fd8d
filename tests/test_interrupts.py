"""Interrupts (issue 14): SIGINT or SIGTERM at a random moment of `plan --out D` leaves D with the old outputs or
the whole new set, never a mix, and no temporary file; the interrupted run prints one line (exit 130 / 143).

``FACESIM_INTERRUPT_TRIES=20`` runs more tries (CI: 4).
"""

import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

TRIES = int(os.environ.get("FACESIM_INTERRUPT_TRIES", "4"))
CASE = '[patient]\nmesh = "builtin"\nvertices = 1500\n[patient.tone]\ndao_right = 12.0\n'
FACESIM = [sys.executable, "-c", "import sys; from facesim_cli.main import app; sys.argv[0] = 'facesim'; app()"]
PLAN_FILES = {"plan.json", "ranked_plans.csv", "tradeoff.csv"}


def _plan(case, out, *extra):
    return FACESIM + ["plan", str(case), "--samples", "20", "--out", str(out), *extra]


@pytest.fixture(scope="module")
def old_outputs(tmp_path_factory):
    """A finished plan output set, the 'old outputs' each interrupted rerun must leave whole."""
    folder = tmp_path_factory.mktemp("interrupts")
    case = folder / "case.toml"
    case.write_text(CASE)
    out = folder / "out"
    start = time.monotonic()
    done = subprocess.run(_plan(case, out), capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return case, out, {p.name: p.read_bytes() for p in out.iterdir()}, time.monotonic() - start


@pytest.mark.parametrize("sig, code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_an_interrupted_plan_leaves_the_old_set_or_the_new_one(old_outputs, sig, code):
    case, out, old, duration = old_outputs
    assert set(old) == PLAN_FILES
    rng = np.random.default_rng(int(sig))
    for _ in range(TRIES):
        proc = subprocess.Popen(_plan(case, out, "--force"), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True)
        time.sleep(float(rng.uniform(0.1, duration)))  # any moment of a run
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=300)
        names = {p.name for p in out.iterdir()}
        assert names == PLAN_FILES, names  # no temporary file, no missing file
        if proc.returncode == code:
            assert err.strip().splitlines()[-1].startswith("facesim: ") and "nothing written" in err
            assert "Traceback" not in err
        else:  # finished before the signal, or the signal came before or after facesim's own handling
            assert proc.returncode in (0, -sig), err
        new = {p.name: p.read_bytes() for p in out.iterdir()}
        assert new == old  # same seed: a whole new set equals the old one, and a half set would differ in time
