"""Consultation-speed benchmark: the wall time of each command a clinician runs, as a fresh process.

Not a test; run ``python tests/benchmarks/bench_commands.py`` (``--readme`` also rewrites the table in
README.md's Performance section between its ``perf-table`` markers). Each figure is min and median of
``--repeat`` runs (at least 5) of a fresh ``facesim`` process on the bundled cases; "plan, first after
the quick start" runs ``facesim demo`` (the quick start's first command, which compiles the planner's
kernel into numba's cache) and then the plan, in an empty numba cache; "plan, cold" runs with an empty
numba cache and nothing before it (a user who skipped the quick start pays the compilation there);
"train" is the time to the first prompt. Targets are issue 18's.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_cli import facesim_command  # noqa: E402

DAO = str(ROOT / "scenarios" / "b_overtoned_dao_rest.toml")
PLANNING = str(ROOT / "scenarios" / "j_plan_overtoned_right_dao.toml")
README = ROOT / "README.md"
MARKERS = ("<!-- perf-table:begin -->", "<!-- perf-table:end -->")


def _run(argv: list[str], env: dict | None = None, until: bytes | None = None) -> float:
    """Seconds until the process exits (or prints ``until``, then it is stopped)."""
    start = time.perf_counter()
    # Python's default: compiled bytecode kept (a shell's PYTHONDONTWRITEBYTECODE would make every run
    # compile facesim's sources again, 0.3 s, which no installed copy pays).
    base = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    p = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                         env={**base, **(env or {})}, cwd=tempfile.mkdtemp(prefix="facesim-bench-"))
    if until is None:
        out, _ = p.communicate()
        if p.returncode != 0:
            raise SystemExit(f"{' '.join(argv)} failed ({p.returncode}): {out.decode()[-400:]}")
        return time.perf_counter() - start
    seen = b""
    while until not in seen:
        chunk = p.stdout.read1(4096)
        if not chunk:
            raise SystemExit(f"{' '.join(argv)} ended before {until!r}: {seen.decode()[-400:]}")
        seen += chunk
    elapsed = time.perf_counter() - start
    p.kill()
    p.wait()
    return elapsed


def cases(fs: list[str], plan_json: Path) -> list[tuple[str, str, list[str], dict]]:
    """(label, target, argv, options) of each benchmarked command; ``{out}`` is a fresh folder per run."""
    return [
        ("`facesim --version`", "<= 0.3 s", fs + ["--version"], {}),
        ("`facesim --help`", "<= 0.3 s", fs + ["--help"], {}),
        ("`facesim plan` (planning case), warm", "<= 1.5 s", fs + ["plan", PLANNING, "--out", "{out}"], {}),
        ("`facesim plan` (planning case), first after the quick start (its demo compiles the kernel)", "<= 3 s",
         fs + ["plan", PLANNING, "--out", "{out}"], {"cold": True, "first": fs + ["demo", "--out", "{out}/d.png"]}),
        ("`facesim plan` (planning case), cold (empty numba cache, no demo before)", "(<= 3 s)",
         fs + ["plan", PLANNING, "--out", "{out}"], {"cold": True}),
        ("`facesim render` (DAO case, default)", "<= 5 s", fs + ["render", DAO, "--out", "{out}"], {}),
        ("`facesim render --overlay heat,muscles,injections --animate`", "<= 10 s",
         fs + ["render", DAO, "--overlay", "heat,muscles,injections", "--animate", "--out", "{out}"], {}),
        ("`facesim report` (with a plan)", "<= 5 s",
         fs + ["report", DAO, "--plan", str(plan_json), "--out", "{out}/report.html"], {}),
        ("`facesim train` to the first prompt", "<= 3 s",
         fs + ["train", "--random", "--seed", "1", "--out", "{out}"], {"until": b"Cause type"}),
    ]


def measure(argv: list[str], repeat: int, cold: bool = False, until: bytes | None = None,
            first: list[str] | None = None) -> list[float]:
    """Wall times (s) of ``repeat`` runs after one warm-up run; ``first``: a command run (untimed) before
    each, in the same empty numba cache (the quick start's demo before a first plan)."""
    times = []
    for k in range(repeat + 1):
        env = {"NUMBA_CACHE_DIR": tempfile.mkdtemp(prefix="facesim-numba-")} if cold else None
        if first:
            _run([a.replace("{out}", tempfile.mkdtemp(prefix="facesim-out-")) for a in first], env)
        run = [a.replace("{out}", tempfile.mkdtemp(prefix="facesim-out-")) for a in argv]
        t = _run(run, env, until)
        if k:
            times.append(t)
    return times


def rewrite_readme(rows: list[str]) -> None:
    """Replace the table between README's perf-table markers."""
    text = README.read_text()
    begin, end = MARKERS
    if begin not in text or end not in text:
        raise SystemExit(f"README.md has no {begin} ... {end} block")
    table = "\n".join(["| command | min | median | target |", "|---|---|---|---|", *rows])
    text = re.sub(re.escape(begin) + ".*?" + re.escape(end), f"{begin}\n{table}\n{end}", text, flags=re.S)
    README.write_text(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs per command (at least 5)")
    parser.add_argument("--readme", action="store_true", help="rewrite README.md's Performance table")
    parser.add_argument("--only", default="", help="run only the commands whose label contains this text")
    args = parser.parse_args()
    repeat = max(5, args.repeat)
    fs = facesim_command()
    plan_dir = Path(tempfile.mkdtemp(prefix="facesim-plan-"))
    _run(fs + ["plan", DAO, "--out", str(plan_dir)])
    rows = []
    print(f"{os.cpu_count()} cores; {repeat} runs each after a warm-up; wall time of a fresh process")
    for label, target, argv, opts in cases(fs, plan_dir / "plan.json"):
        if args.only and args.only not in label:
            continue
        times = measure(argv, repeat, **opts)
        lo, med = min(times), statistics.median(times)
        print(f"{label:64s} min {lo:6.2f} s  median {med:6.2f} s  (target {target})", flush=True)
        rows.append(f"| {label} | {lo:.2f} s | {med:.2f} s | {target} |")
    if args.readme:
        rewrite_readme(rows)
        print("rewrote README.md's Performance table")


if __name__ == "__main__":
    main()
