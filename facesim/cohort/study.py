"""A cohort study run in chunks, in-process or on Dask, resumable, written as one Parquet table.

Chunk k's rows are written to ``<out>.parts/part-<k>.parquet`` as soon as they are computed (each file
whole), next to a ``run.json`` that names the run; a rerun of the same run skips the chunks already there.
When every chunk is done the parts are joined, in chunk order, into ``<out>`` (written whole) and the
parts folder is removed. The same run gives the same table whether it ran in-process or on any cluster.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Callable

from facesim.cohort.patients import CohortPatient
from facesim.cohort.run import COLUMNS, CohortSettings, chunk_rows
from facesim.errors import InputError


def schema():
    """The table's pyarrow schema (COLUMNS, typed)."""
    import pyarrow as pa

    floats = {"vary_value", "total_u", "window_fraction", "p_overcorrection", "p_side_effect", "retreatment_day",
              "true_window_fraction", "true_p_overcorrection"}
    return pa.schema([(c, pa.float64() if c in floats else pa.string()) for c in COLUMNS])


def to_table(rows: list[dict]):
    import pyarrow as pa

    return pa.Table.from_pylist(rows, schema=schema())


def parts_folder(out: Path) -> Path:
    return out.with_name(out.name + ".parts")


def _chunks(patients: list[CohortPatient], size: int) -> list[list[CohortPatient]]:
    if size < 1:
        raise InputError(f"--chunk {size}: give a number of patients per task >= 1")
    return [patients[k:k + size] for k in range(0, len(patients), size)]


def _prepare_parts(folder: Path, run: dict, force: bool) -> set[int]:
    """The chunks already done for ``run`` (a parts folder of another run is refused unless ``force``)."""
    marker = folder / "run.json"
    if folder.exists() and marker.is_file():
        if json.loads(marker.read_text()) == run:
            return {int(p.stem.split("-")[1]) for p in folder.glob("part-*.parquet")}
        if not force:
            raise InputError(f"{folder} holds the parts of another cohort run; pass --force to start over or "
                             "give another --out")
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    marker.write_text(json.dumps(run))
    return set()


def _write_part(folder: Path, k: int, rows: list[dict]) -> None:
    import pyarrow.parquet as pq

    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-part-", suffix=".parquet")
    os.close(fd)
    try:
        pq.write_table(to_table(rows), tmp)
        os.replace(tmp, folder / f"part-{k:05d}.parquet")
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def run_study(patients: list[CohortPatient], settings: CohortSettings, out: Path, run: dict, *, chunk: int = 10,
              client=None, force: bool = False, progress: Callable[[int, int], None] | None = None):
    """Plan every patient (on ``client``, a dask.distributed Client, or in this process) and return the
    joined table; the parts stay in the parts folder until the caller has written ``out``."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    folder = parts_folder(out)
    chunks = _chunks(patients, chunk)
    done = _prepare_parts(folder, run, force)
    todo = [k for k in range(len(chunks)) if k not in done]
    if client is None:
        for n, k in enumerate(todo):
            _write_part(folder, k, chunk_rows(chunks[k], settings))
            if progress:
                progress(len(done) + n + 1, len(chunks))
    else:
        _on_dask(client, chunks, todo, settings, folder)
    return pa.concat_tables([pq.read_table(folder / f"part-{k:05d}.parquet", schema=schema())
                             for k in range(len(chunks))])


def _on_dask(client, chunks, todo, settings, folder: Path) -> None:
    """One task a chunk; each finished chunk is written by the client as it arrives (so an interrupted run
    keeps what was done), under Dask's progress bar."""
    from dask.distributed import progress, wait

    def keep(future, k):
        if future.status == "finished":
            _write_part(folder, k, future.result())

    futures = []
    for k in todo:
        future = client.submit(chunk_rows, chunks[k], settings, key=f"facesim-cohort-chunk-{k}", pure=False)
        future.add_done_callback(lambda f, k=k: keep(f, k))
        futures.append((k, future))
    if os.environ.get("FACESIM_NO_PROGRESS") != "1":
        progress([f for _, f in futures], notebook=False, multi=False)
        print(flush=True)
    wait([f for _, f in futures])
    for k, future in futures:  # a callback may still be writing: make sure, and raise a task's own error
        rows = future.result()
        if not (folder / f"part-{k:05d}.parquet").is_file():
            _write_part(folder, k, rows)


def finish(out: Path) -> None:
    """Remove the parts folder once ``out`` is written."""
    shutil.rmtree(parts_folder(out), ignore_errors=True)
