"""Render benchmark: prints its figures (not a test; run `python tests/benchmarks/bench_render.py`).

Target (issue 6): one 1600 x 800 before/after image (two panels, day 0 and day 14,
smile, front view, corner landmarks) renders in under 3 s on the default ~21k-vertex face.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from facesim.tissue.model import FaceModel
from facesim.scenario.case import load_scenario
from facesim.simulation.timeline import ScenarioSimulation

SCENARIO = Path(__file__).resolve().parents[2] / "scenarios" / "b_overtoned_dao_rest.toml"


def main(n_vertices: int | None = None, repeat: int = 3) -> None:
    from facesim.render.views import render_before_after

    sim = ScenarioSimulation(FaceModel.builtin(n_vertices), load_scenario(SCENARIO))
    print(f"face: {sim.model.face.n_vertices} vertices")
    with tempfile.TemporaryDirectory() as tmp:
        for label, overlays in (("landmarks", ("landmarks",)), ("all overlays", ("landmarks", "muscles", "injections"))):
            times = []
            for k in range(repeat):
                t = time.perf_counter()
                render_before_after(sim, Path(tmp) / f"ba{k}.png", [0, 14], ("smile",), "front", overlays,
                                    panel_size=(800, 800))
                times.append(time.perf_counter() - t)
            print(f"1600x800 before/after ({label}): first {times[0]:.2f} s, best {min(times):.2f} s   (target < 3 s)")


if __name__ == "__main__":
    main()
