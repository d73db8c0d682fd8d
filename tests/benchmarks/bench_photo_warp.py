"""Photo warp benchmark: prints its figures (not a test; run `python tests/benchmarks/bench_photo_warp.py`).

Target (issue 16): the simulated change warped onto a 1024 px photo, per frame (one day: the model's
shape of that day minus day 0, carried to pixels, the harmonic mouth fill, the pull-back map and
cv2.remap): <= 200 ms. Also printed: the set-up (the fit, the vertex triangulation and grid weights, the
mouth fill's factorization), once per photo, and the landmarks it starts from (not part of the set-up).

The photo is ``skimage.data.astronaut()`` scaled to 1024 px (bench_photo.photo); the scenario is
scenarios/b_overtoned_dao_rest.toml on the built-in face (--vertices, default the scenario's 21k).
Each figure is min and median of --repeat runs.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_photo import photo  # noqa: E402

SCENARIO = Path(__file__).resolve().parents[2] / "scenarios" / "b_overtoned_dao_rest.toml"


def timed(call, repeat: int) -> tuple[float, float, object]:
    """(min, median) seconds of ``repeat`` calls, and the last result."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = call()
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--vertices", type=int, default=None)
    parser.add_argument("--size", type=int, default=1024)
    args = parser.parse_args()

    from facesim.photo.landmarks import photo_landmarks
    from facesim.photo.warp import PhotoWarp
    from facesim.scenario.case import load_scenario
    from facesim.simulation.run import scenario_simulation

    rgb = photo(args.size)
    found = photo_landmarks(rgb)
    sim = scenario_simulation(load_scenario(SCENARIO).treatment_story(False, "render"), args.vertices)
    face = sim.model.face
    PhotoWarp(rgb, found, face)  # imports and first calls out of the figures
    lo, med, warp = timed(lambda: PhotoWarp(rgb, found, face), args.repeat)
    print(f"photo {args.size} px, face {face.n_vertices} vertices, grid {warp.grid_shape[1]} x {warp.grid_shape[0]}")
    print(f"set-up per photo (fit, triangulation, grid weights, mouth fill):  min {lo * 1e3:6.1f} ms  "
          f"median {med * 1e3:6.1f} ms")
    base = sim.shape(0.0, "rest")
    move = sim.shape(14.0, "rest") - base
    lo, med, _ = timed(lambda: warp.frame(move), args.repeat)
    print(f"warp per frame, displacement given:                min {lo * 1e3:6.1f} ms  median {med * 1e3:6.1f} ms")
    setup = statistics.median([timed(lambda: PhotoWarp(rgb, found, face), 1)[0] for _ in range(3)])
    lo, med, _ = timed(lambda: warp.frame(sim.shape(14.0, "rest") - base), args.repeat)
    print(f"warp per frame, the day's shape included:          min {lo * 1e3:6.1f} ms  median {med * 1e3:6.1f} ms  "
          "(target <= 200 ms)")
    print(f"the naive way, the set-up redone for every frame:  {(setup + med) * 1e3:6.1f} ms per frame "
          f"(naive / ours = {(setup + med) / med:.1f}x)")


if __name__ == "__main__":
    main()
