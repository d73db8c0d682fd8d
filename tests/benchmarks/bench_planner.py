"""Planner benchmark: prints its figures (not a test; `python tests/benchmarks/bench_planner.py`).

Target (issue 5): >= 100,000 candidate plans x >= 200 uncertainty samples x the
follow-up days in under 10 s on the 2-core machine; and the speed-up against
re-solving the tissue system for each plan, sample and day (a re-solve is timed
on a few real loads and extrapolated).
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from facesim.tissue.model import FaceModel
from facesim.anatomy.patient import Patient
from facesim.planning.planner import PlannerSettings, PlanningProblem
from facesim.scenario.case import load_scenario

CASE = Path(__file__).resolve().parents[2] / "scenarios" / "j_plan_overtoned_right_dao.toml"


def main() -> None:
    model = FaceModel.builtin()
    settings = PlannerSettings.default(step_u=0.2, samples=200)
    t = time.perf_counter()
    problem = PlanningProblem(model, load_scenario(CASE), settings)
    t_setup = time.perf_counter() - t
    n_sites = len(problem.sites)
    print(f"face {model.face.n_vertices} vertices; {n_sites} candidate sites, step {settings.step_u} U, "
          f"<= {settings.max_sites} sites, <= {settings.max_total_u:g} U; {settings.samples} samples")
    print(f"set-up (baseline, dose tables)          {t_setup:6.2f} s")
    t = time.perf_counter()
    peak = problem.search()
    total = time.perf_counter() - t
    n_plans = len(peak)
    cells = n_plans * settings.samples * len(settings.window_days)
    print(f"search over the {len(settings.window_days)} window days: {n_plans:,} plans x {settings.samples} samples  "
          f"{total:6.2f} s   ({cells:,} plan-sample-days)")
    top = np.argsort(peak.median)[:10]
    t = time.perf_counter()
    days = np.arange(0.0, 181.0)
    for i in top:
        problem.simulate([(int(s), float(u), 0.0) for s, u in zip(peak.sites[i], peak.units[i]) if s >= 0], days)
    print(f"exact daily course (0-180) of 10 plans x {settings.samples} samples  {time.perf_counter() - t:6.2f} s")

    # The alternative: a tissue solve for every plan, sample and day.
    forces = model.forces(Patient(tone={"dao_right": 16.0}), "smile")
    loads = np.einsum("m,mnk->nk", forces, np.stack([m.unit_load for m in model.muscles]))
    reps = 20
    t = time.perf_counter()
    for _ in range(reps):
        model.tissue.solve(loads)
    t_solve = (time.perf_counter() - t) / reps
    naive = t_solve * cells
    print(f"one tissue re-solve (3 right-hand sides) {1e3 * t_solve:6.2f} ms -> re-solving every plan-sample-day "
          f"would take {naive / 3600:.1f} h; speed-up {naive / total:,.0f}x")


if __name__ == "__main__":
    main()
