"""CLI start-up benchmark: prints its figures (not a test; run `python tests/benchmarks/bench_cli.py`).

Target: `facesim --help` and `facesim --version` under 0.3 s, so the command
line feels instant; the engine (numpy, scipy, numba, pyvista) is imported only
by a command that computes. Each figure is the wall time of a fresh process
(subprocess), min and median of --repeat runs.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

COMMANDS = (["--help"], ["--version"], ["plan", "--help"])


def facesim_command() -> list[str]:
    """The `facesim` console script beside this interpreter, else the one on PATH, else `python -c`."""
    script = Path(sys.executable).parent / "facesim"
    if script.is_file():
        return [str(script)]
    found = shutil.which("facesim")
    if found:
        return [found]
    return [sys.executable, "-c", "from facesim_cli.main import app; app(prog_name='facesim')"]


def wall_times(argv: list[str], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7, help="runs per command (at least 5)")
    args = parser.parse_args()
    repeat = max(5, args.repeat)
    base = facesim_command()
    print(f"{' '.join(base)}  ({repeat} runs each, wall time of a fresh process)")
    for extra in COMMANDS:
        wall_times(base + extra, 1)  # warm the file cache and the bytecode
        times = wall_times(base + extra, repeat)
        label = "facesim " + " ".join(extra)
        print(f"{label:22s} min {1e3 * min(times):7.1f} ms   median {1e3 * statistics.median(times):7.1f} ms")


if __name__ == "__main__":
    main()
