"""Cohort benchmark: patients per second in-process and on 1 and 2 Dask workers, Dask's cost per task, and
a projection for 10^5 patients on 100 workers (not a test; `python tests/benchmarks/bench_cohort.py`).

Each run plans the same generated patients (training's random cases) with --samples and --vertices as
given; the workers are processes of a LocalCluster (one thread each, the planner's own threads off).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from facesim.cohort.patients import generated
from facesim.cohort.run import CohortSettings
from facesim.cohort.study import run_study


def timed(patients, settings, client, chunk) -> float:
    out = Path(tempfile.mkdtemp(prefix="facesim-bench-cohort-")) / "c.parquet"
    start = time.perf_counter()
    run_study(patients, settings, out, {"bench": time.time()}, chunk=chunk, client=client)
    return time.perf_counter() - start


def _noop(x):
    return x


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=24)
    parser.add_argument("--samples", type=int, default=20)
    parser.add_argument("--vertices", type=int, default=3000)
    parser.add_argument("--chunk", type=int, default=2)
    args = parser.parse_args()
    os.environ["FACESIM_PLANNER_THREADS"] = "1"
    os.environ["FACESIM_NO_PROGRESS"] = "1"
    from dask.distributed import Client, LocalCluster

    patients = generated(args.patients, 1)
    settings = CohortSettings(samples=args.samples, vertices=args.vertices)
    timed(patients[:2], settings, None, args.chunk)  # builds (and caches) the face, compiles the planner
    t_local = timed(patients, settings, None, args.chunk)
    print(f"{args.patients} patients, {args.samples} samples, {args.vertices}-vertex face, chunks of {args.chunk}")
    print(f"in-process        {args.patients / t_local:6.2f} patients/s")
    rates = {}
    for n in (1, 2):
        with LocalCluster(n_workers=n, threads_per_worker=1, dashboard_address=None, silence_logs=50) as cluster, \
                Client(cluster) as client:
            client.run(lambda: os.environ.__setitem__("FACESIM_PLANNER_THREADS", "1"))
            timed(patients[:n * args.chunk], settings, client, args.chunk)  # warm each worker
            rates[n] = args.patients / timed(patients, settings, client, args.chunk)
            if n == 1:
                start = time.perf_counter()
                client.gather(client.map(_noop, range(500), pure=False))
                per_task = (time.perf_counter() - start) / 500
        print(f"{n} worker{'s' if n > 1 else ' '}         {rates[n]:6.2f} patients/s")
    print(f"scaling efficiency on 2 workers: {rates[2] / (2 * rates[1]):.0%} (2 cores shared with the scheduler)")
    print(f"Dask's cost per task (a trivial task, 1 worker): {1e3 * per_task:.1f} ms")
    per_patient = 1.0 / rates[1]
    tasks = 1e5 / args.chunk
    projected = (1e5 * per_patient + tasks * per_task) / 100
    print(f"projected: 1e5 patients on 100 workers ~ {projected / 3600:.2f} h "
          f"({per_patient:.2f} s a patient, {tasks:,.0f} tasks, perfect scaling assumed beyond what was measured)")


if __name__ == "__main__":
    main()
