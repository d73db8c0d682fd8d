"""Interrupts (issue 14): SIGINT or SIGTERM at a random moment of `plan`, `render` or `report` leaves the target
with the old outputs or the whole new set, never a mix, and no temporary file; the interrupted run prints one
line (exit 130 / 143).

``FACESIM_INTERRUPT_TRIES=20`` runs more tries (CI: 4 for plan, 2 for render and report).
"""

import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

TRIES = os.environ.get("FACESIM_INTERRUPT_TRIES")
CASE = '[patient]\nmesh = "builtin"\nvertices = 1500\n[patient.tone]\ndao_right = 12.0\n'
FACESIM = [sys.executable, "-c", "import sys; from facesim_cli.main import app; sys.argv[0] = 'facesim'; app()"]
#: command -> (its arguments after the scenario, the names its target folder holds, CI tries)
COMMANDS = {
    "plan": (["--samples", "20", "--out", "{out}"], {"plan.json", "ranked_plans.csv", "tradeoff.csv"}, 4),
    "render": (["--views", "front", "--days", "0,14", "--out", "{out}"],
               {"before_after_front.png", "timeline.png"}, 2),
    "report": (["--out", "{out}/report.html"], {"report.html"}, 2),
}


def _command(name, case, out, *extra):
    args, _, _ = COMMANDS[name]
    return FACESIM + [name, str(case)] + [a.format(out=out) for a in args] + list(extra)


def _state(out):
    """name -> (inode, bytes) of what the target folder holds."""
    return {p.name: (p.stat().st_ino, p.read_bytes()) for p in out.iterdir()}


@pytest.fixture(scope="module")
def case(tmp_path_factory):
    folder = tmp_path_factory.mktemp("interrupts")
    path = folder / "case.toml"
    path.write_text(CASE)
    return path


def _old_outputs(case, name, folder):
    """A finished output set, the 'old outputs' each interrupted rerun must leave whole, and its run time."""
    out = case.parent / folder
    out.mkdir()
    start = time.monotonic()
    done = subprocess.run(_command(name, case, out), capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return out, _state(out), time.monotonic() - start


@pytest.mark.parametrize("name", list(COMMANDS))
@pytest.mark.parametrize("sig, code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_an_interrupted_run_leaves_the_old_set_or_the_new_one(case, name, sig, code):
    _, files, ci_tries = COMMANDS[name]
    out, old, duration = _old_outputs(case, name, f"{name}-{int(sig)}")
    assert set(old) == files
    rng = np.random.default_rng(int(sig))
    for _ in range(int(TRIES or ci_tries)):
        before = _state(out)
        proc = subprocess.Popen(_command(name, case, out, "--force"), stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        time.sleep(float(rng.uniform(0.1, duration)))  # any moment of a run
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=300)
        after = _state(out)
        assert set(after) == files, set(after)  # no temporary file, no missing file
        replaced = {n for n in files if after[n][0] != before[n][0]}
        assert replaced in (set(), files), replaced  # the whole set moved in, or none of it
        if proc.returncode == code:
            last = err.strip().splitlines()[-1]
            assert last.startswith("facesim: ") and "Traceback" not in err
            # the set landed just before the signal was taken: the line says what was written
            assert ("nothing written" in last and not replaced) or ("after writing" in last and replaced), last
        else:  # finished before the signal, or the signal came before or after facesim's own handling
            assert proc.returncode in (0, -sig), err
        if name == "plan":  # same seed: a whole new set equals the old one
            assert {n: b for n, (_, b) in after.items()} == {n: b for n, (_, b) in old.items()}
        if name == "report":
            assert after["report.html"][1].rstrip().endswith(b"</html>")
