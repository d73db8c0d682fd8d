"""Engine benchmark: prints its figures (not a test; run `python tests/benchmarks/bench_engine.py`).

Targets (issue 2): build the 20k face + factorize + basis under 1 s; one
full-mesh shape evaluation under 5 ms.
"""

from __future__ import annotations

import time

import numpy as np

from facesim.anatomy.muscles import Anatomy, place_muscles
from facesim.metrics import METRIC_LANDMARKS
from facesim.tissue.model import FaceModel
from facesim.anatomy.patient import Patient
from facesim.face.builtin import build_face
from facesim.tissue.system import TissueSystem


def best_of(fn, repeat=5):
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return min(times), result


def main(n_vertices: int = 20000) -> None:
    t_face, face = best_of(lambda: build_face(n_vertices), 3)
    t_tissue, tissue = best_of(lambda: TissueSystem(face), 3)
    anatomy = Anatomy.default()
    muscles = place_muscles(face, anatomy, tissue.areas)
    loads = np.stack([m.unit_load for m in muscles])
    rhs = loads.transpose(1, 0, 2).reshape(face.n_vertices, -1)
    t_basis, _ = best_of(lambda: tissue.solve(rhs), 3)
    t_model, model = best_of(lambda: FaceModel(face), 3)
    print(f"face: {face.n_vertices} vertices, {len(face.faces)} triangles, {len(muscles)} muscles")
    print(f"build face              {1e3 * t_face:8.1f} ms")
    print(f"assemble + factorize    {1e3 * t_tissue:8.1f} ms")
    print(f"basis ({rhs.shape[1]} right-hand sides) {1e3 * t_basis:8.1f} ms")
    print(f"face + model (all)      {1e3 * (t_face + t_model):8.1f} ms   (target < 1000 ms)")
    forces = model.forces(Patient(tone={"dao_right": 4.0}), "smile")
    t_shape, _ = best_of(lambda: model.shape(Patient(tone={"dao_right": 4.0}), "smile"), 50)
    t_disp, _ = best_of(lambda: model.displacement(forces), 50)
    print(f"full-mesh shape         {1e3 * t_shape:8.2f} ms   (target < 5 ms; incl. patient -> forces)")
    print(f"full-mesh displacement  {1e3 * t_disp:8.2f} ms   (weighted sum of basis fields only)")
    model.landmark_positions(forces, METRIC_LANDMARKS)  # build the landmark basis once
    batch = np.random.default_rng(0).uniform(0, 2, (100_000, len(model.muscle_ids)))
    t_batch, _ = best_of(lambda: model.landmark_positions(batch, METRIC_LANDMARKS), 3)
    print(f"metric landmarks, 100k force vectors {1e3 * t_batch:8.1f} ms  ({1e9 * t_batch / 1e5:.0f} ns each)")
    t_solve, _ = best_of(lambda: tissue.solve(np.zeros((face.n_vertices, 3))), 5)
    print(f"one re-solve (3 rhs)    {1e3 * t_solve:8.2f} ms   (what each shape would cost without the basis)")
    print(f"the naive way per shape: a re-solve instead of the basis sum (naive / ours = {t_solve / t_disp:.1f}x); "
          f"100k landmark sets by re-solving would take {1e5 * t_solve:.0f} s (naive / ours = "
          f"{1e5 * t_solve / t_batch:,.0f}x)")


if __name__ == "__main__":
    main()
