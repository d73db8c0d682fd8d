"""Report benchmark: prints its figures (not a test; run `python tests/benchmarks/bench_report.py`).

The report (issue 18: <= 5 s as a command, bench_commands.py) renders four pictures and the viewer from
one model build. Printed: the model build (no model cache), the report in-process with that model, and
the naive way, a model built for each of the report's five products (front and three-quarter grids,
overlays, timeline, viewer) as a command per picture would.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

SCENARIO = Path(__file__).resolve().parents[2] / "scenarios" / "b_overtoned_dao_rest.toml"
PRODUCTS = 5  # front, three-quarter, overlays, timeline, viewer


def main() -> None:
    os.environ["FACESIM_CACHE"] = "0"  # the build itself is timed
    from facesim.report.write import write_report
    from facesim.scenario.case import load_scenario
    from facesim.simulation.run import scenario_simulation

    scenario = load_scenario(SCENARIO)
    scenario_simulation(scenario)  # imports and first calls out of the figures
    t = time.perf_counter()
    sim = scenario_simulation(scenario)
    build = time.perf_counter() - t
    with tempfile.TemporaryDirectory() as tmp:
        write_report(sim, Path(tmp) / "warm.html")
        t = time.perf_counter()
        write_report(sim, Path(tmp) / "report.html")
        report = time.perf_counter() - t
    naive = report + (PRODUCTS - 1) * build
    print(f"face {sim.model.face.n_vertices} vertices: model build {build:.2f} s (cache off)")
    print(f"report in-process from one model: {report:.2f} s; a model per product ({PRODUCTS}) would take "
          f"{naive:.2f} s (naive / ours = {naive / report:.1f}x)")


if __name__ == "__main__":
    main()
