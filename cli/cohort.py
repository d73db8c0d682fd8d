"""`facesim cohort`: many patients planned (and, with --vary, simulated on a changed truth) on Dask."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from facesim.errors import InputError

from .console import streams
from .options import Force


def cohort(
    table: Annotated[Path | None, typer.Argument(metavar="[TABLE]", help="CSV or Parquet table of patients: a "
                                                 "`scenario` path column, or `tone.<muscle>` / `strength.<muscle>` "
                                                 "columns (docs/cohort.md).")] = None,
    out: Annotated[Path, typer.Option(help="Parquet file to write: one row per patient (x varied value).")]
    = Path("facesim-out/cohort.parquet"),
    generate: Annotated[int | None, typer.Option(min=1, max=1_000_000, help="Generate N patients (the training "
                                                 "mode's cases, with their hidden truth) instead of a table.")] = None,
    seed: Annotated[int, typer.Option(help="First seed of the generated patients; the planner's seed too.")] = 1,
    samples: Annotated[int, typer.Option(min=2, max=2000, help="Uncertainty samples per patient.")] = 40,
    vertices: Annotated[int, typer.Option(min=200, max=100_000, help="Resolution of the built-in face.")] = 3000,
    vary: Annotated[str | None, typer.Option(help="A parameter of the true patient and its factors, e.g. "
                                             "bont.ed50=0.7,1.0,1.3: each plan is simulated on each.")] = None,
    workers: Annotated[int | None, typer.Option(min=1, max=512, help="Local Dask workers (default: one a core).")]
    = None,
    scheduler: Annotated[str | None, typer.Option(help="An existing Dask scheduler, e.g. tcp://HOST:8786.")] = None,
    chunk: Annotated[int, typer.Option(min=1, max=10_000, help="Patients per task.")] = 10,
    in_process: Annotated[bool, typer.Option("--in-process", help="Run in this process (no Dask).")] = False,
    force: Force = False,
) -> None:
    """Plan a cohort of patients on Dask (a local cluster, or --scheduler): one Parquet row per patient with the recommendation, the shots, the window fraction, over-correction and side-effect chances, the re-treatment day and the truth where known; a failed patient is reported in its row. Resumable: rerun the same command after an interrupt."""
    from facesim.cohort.patients import generated, read_table
    from facesim.cohort.run import CohortSettings, parse_vary
    from facesim.cohort.study import finish, run_study
    from facesim.outputs import check_outputs, check_suffix

    io = streams()
    if (table is None) == (generate is None):
        raise InputError("give a TABLE of patients or --generate N, not both and not neither")
    check_suffix(out, (".parquet",))
    name, values = parse_vary(vary)
    paths = check_outputs([out] + ([out.with_name(out.stem + "_sensitivity.png")] if name else []), force)
    patients = generated(generate, seed) if generate else read_table(table)
    settings = CohortSettings(samples=samples, seed=seed, vertices=vertices, vary=name, values=values)
    run = {"table": str(table) if table else None, "generate": generate, "seed": seed, "samples": samples,
           "vertices": vertices, "vary": name, "values": list(values), "chunk": chunk}
    with _client(None if in_process else scheduler, workers, in_process) as client:
        result = run_study(patients, settings, paths[0], run, chunk=chunk, client=client, force=force,
                           progress=None if client else lambda d, n: io.info.print(f"chunk {d}/{n}"))
    _write(io, paths, result, name)
    finish(paths[0])
    io.disclaimer()


def _write(io, paths, result, name) -> None:
    import pyarrow.parquet as pq

    from facesim.cohort.summary import plot, summary
    from facesim.outputs import write_together

    rows = summary(result) if name else []

    def write(tmps):
        pq.write_table(result, tmps[0])
        if name:
            plot(rows, name, tmps[1])

    for p in write_together(paths, write):
        io.wrote(p)
    errors = sum(1 for e in result.column("error").to_pylist() if e)
    io.data.print(f"{result.num_rows} rows, {errors} with an error")
    for r in rows:
        io.data.print(f"{name} x{r['value']:g}: {r['planned']}/{r['patients']} planned, {r['mean_units']:.1f} U mean; "
                      f"below the threshold {r['window_fraction']:.0%} of the window, over-correction chance "
                      f"{r['p_overcorrection']:.0%}, patients over 20 %: {r['share_overcorrected']:.0%}")


class _client:
    """A dask.distributed Client on --scheduler or on a LocalCluster (None in-process); closed on exit."""

    def __init__(self, scheduler, workers, in_process):
        self.scheduler, self.workers, self.in_process = scheduler, workers, in_process
        self.client = self.cluster = None

    def __enter__(self):
        if self.in_process:
            return None
        from dask.distributed import Client, LocalCluster

        if self.scheduler:
            self.client = Client(self.scheduler)
            return self.client
        os.environ.setdefault("FACESIM_PLANNER_THREADS", "1")  # one task a core: no planner threads on top
        self.cluster = LocalCluster(n_workers=self.workers or os.cpu_count() or 1, threads_per_worker=1,
                                    dashboard_address=None, silence_logs=50)
        self.client = Client(self.cluster)
        return self.client

    def __exit__(self, *exc):
        for thing in (self.client, self.cluster):
            if thing is not None:
                thing.close()
        return False
