"""Writing result files: whole or not at all, and never over a file without --force.

The policy every writing command follows: name all its output files first and
:func:`check_outputs` them (before any heavy work), then write each with
:func:`write_file` (or the ``write_*`` helpers), which writes a temporary file
beside the target and moves it into place. :func:`write_together` does the
same for a group of files rendered one by one, so either all of them appear
or none does.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import signal
import tempfile
import threading
from collections.abc import Iterable
from contextlib import contextmanager
from pathlib import Path
from typing import Callable

from facesim.errors import OutputError, OutputExistsError


#: Output paths checked absent (no --force): moved into place only if still absent, so a concurrent run's
#: file is never replaced silently.
_FRESH: set[Path] = set()


HELD_SIGNALS = (signal.SIGINT, signal.SIGTERM)
STAGE_PREFIX = ".facesim-stage-"  # the hidden folder a set of outputs is written in before it moves in
#: The outputs this process has moved into place (in order): what an interrupted run did write.
WRITTEN: list[Path] = []


#: Every output path a command checked (check_writable): the files it was asked for.
_REQUESTED: set[Path] = set()


def _record(path: Path) -> None:
    """Count ``path`` as written when it is one the command was asked for (not a temporary of its own)."""
    if path.absolute() in _REQUESTED:
        WRITTEN.append(path)


@contextmanager
def signals_held():
    """Hold SIGINT and SIGTERM until the block ends (in the main thread; elsewhere a plain block).

    Creating and removing temporary files, moving a set into place and VTK's set-up run under it, so an
    interrupt lands before or after them: never between two moves of a set, never leaving a temporary
    behind, never inside VTK (which swallows it and breaks). A signal that comes meanwhile is noted and
    raised again, to the handler that was in place, when the block ends. (A signal mask would not do:
    another thread of the process, e.g. BLAS's, takes the signal and Python still runs its handler.)
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    pending: list[int] = []
    previous = {sig: signal.signal(sig, lambda signum, frame: pending.append(signum)) for sig in HELD_SIGNALS}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        for sig in dict.fromkeys(pending):
            signal.raise_signal(sig)


def check_writable(path: Path | str, force: bool) -> Path:
    """Refuse to overwrite an existing ``path`` unless ``force``; refuse a place no file can be written.

    Raises OutputExistsError when ``path`` exists and ``force`` is false, and
    OutputError when ``path`` is a folder, or its nearest existing parent is a
    file or not writable.
    """
    path = Path(path)
    long = [part for part in path.parts if len(os.fsencode(part)) > 255]
    if long or len(os.fsencode(str(path))) > 4000:
        raise OutputError(f"{str(path)[:60]}...: a name longer than the system holds (255 bytes per name); "
                          "give a shorter --out")
    if path.is_dir():
        raise OutputError(f"{path} is a folder; give a file name")
    if path.exists() and not force:
        raise OutputExistsError(f"{path} exists; pass --force to overwrite it or --out to write elsewhere")
    parent = path.parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if not parent.is_dir():
        raise OutputError(f"{path}: {parent} is a file, not a folder; give --out a folder path")
    if not os.access(parent, os.W_OK | os.X_OK) or not _can_create_in(parent):
        raise OutputError(f"{path}: cannot write in {parent}; give --out a writable place")
    _REQUESTED.add(path.absolute())
    if force:
        _FRESH.discard(path.absolute())
    else:
        _FRESH.add(path.absolute())
    return path


def _move_into_place(src: str | Path, dst: Path) -> None:
    """Rename ``src`` onto ``dst``; a path checked absent must still be absent (no silent replacement)."""
    if dst.absolute() not in _FRESH:
        os.replace(src, dst)
        return
    try:
        os.link(src, dst)  # fails if dst appeared meanwhile
    except FileExistsError:
        raise _appeared(dst) from None
    except OSError:  # a filesystem without hard links: the plain rename
        os.replace(src, dst)
        _FRESH.discard(dst.absolute())
        return
    os.unlink(src)
    _FRESH.discard(dst.absolute())  # written by this run: a later write of it in this run replaces it


def _appeared(path: Path) -> OutputExistsError:
    """The refusal for an output that another run wrote while this one worked."""
    return OutputExistsError(f"{path} appeared while this run worked (another run writing there?); nothing was "
                             "overwritten: rerun with --force or another --out")


def _can_create_in(folder: Path) -> bool:
    """Whether a file can be created in ``folder`` (a probe file, removed at once; /proc and the like fail)."""
    try:
        fd, probe = tempfile.mkstemp(prefix=".facesim-probe-", dir=folder)
    except OSError:
        return False
    os.close(fd)
    os.unlink(probe)
    return True


def check_suffix(path: Path | str, suffixes: tuple[str, ...], option: str = "--out") -> Path:
    """Refuse an output name whose suffix facesim cannot write (before any work)."""
    path = Path(path)
    if path.suffix.lower() not in suffixes:
        raise OutputError(f"{option} {path}: cannot write a {path.suffix or 'suffix-less'} file; end the name in "
                          f"{' or '.join(suffixes)}")
    return path


def check_outputs(paths: Iterable[Path | str], force: bool) -> list[Path]:
    """:func:`check_writable` for each path, in order."""
    return [check_writable(p, force) for p in paths]


def write_atomically(path: Path | str, write: Callable[[Path], object]) -> Path:
    """Call ``write(tmp_path)`` then move the file into place, so ``path`` is whole or absent."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    umask = os.umask(0)
    os.umask(umask)
    with signals_held():
        fd, tmp = tempfile.mkstemp(prefix=".facesim-", suffix=path.suffix, dir=path.parent)
        os.close(fd)
    try:
        write(Path(tmp))
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; give the usual permissions
        with signals_held():
            _move_into_place(tmp, path)
            _record(path)
    finally:
        with signals_held():
            if os.path.exists(tmp):
                os.unlink(tmp)
    return path


def write_together(paths: list[Path], write: Callable[[list[Path]], object]) -> list[Path]:
    """Call ``write(staged_paths)`` then move every staged file onto ``paths``: all of them appear or none.

    ``paths`` lie in one folder. The staged paths, with the same names, lie in
    a hidden folder inside it (so the moves are renames); it is removed afterwards.
    """
    paths = [Path(p) for p in paths]
    folder = paths[0].parent
    folder.mkdir(parents=True, exist_ok=True)
    with signals_held():
        stage = Path(tempfile.mkdtemp(prefix=STAGE_PREFIX, dir=folder))
    try:
        staged = [stage / p.name for p in paths]
        write(staged)
        with signals_held():
            taken = [p for p in paths if p.absolute() in _FRESH and p.exists()]
            if taken:
                raise _appeared(taken[0])
            for src, dst in zip(staged, paths):
                os.replace(src, dst)
                _FRESH.discard(dst.absolute())
            for p in paths:
                _record(p)
    finally:
        with signals_held():
            shutil.rmtree(stage, ignore_errors=True)
    return paths


def write_csv(path: Path | str, rows: list[dict]) -> Path:
    """Write dict rows (the first row's keys are the columns) whole or not at all."""
    def write(tmp: Path) -> None:
        with tmp.open("w", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)

    return write_atomically(path, write)


def write_json(path: Path | str, payload: dict) -> Path:
    """Write ``payload`` as indented JSON, whole or not at all."""
    return write_atomically(path, lambda tmp: tmp.write_text(json.dumps(payload, indent=2) + "\n"))


def write_text(path: Path | str, text: str) -> Path:
    """Write ``text`` (UTF-8), whole or not at all."""
    return write_atomically(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def write_file(path: Path | str, content) -> Path:
    """Write ``content`` by the file's suffix: ``.json`` as JSON, ``.csv`` as dict rows, else as text."""
    suffix = Path(path).suffix.lower()
    if suffix == ".json":
        return write_json(path, content)
    if suffix == ".csv":
        return write_csv(path, content)
    return write_text(path, content)


def write_files(paths: Iterable[Path | str], contents: Iterable) -> list[Path]:
    """:func:`write_file` each content to its path, in order (as many contents as paths); files of one
    folder are staged and moved in together, so the set is whole or absent."""
    paths, contents = [Path(p) for p in paths], list(contents)
    if len(paths) != len(contents):
        raise ValueError("write_files: as many contents as paths")
    if paths and len({p.parent for p in paths}) == 1:
        return write_together(paths, lambda staged: [write_file(s, c) for s, c in zip(staged, contents)])
    return [write_file(p, c) for p, c in zip(paths, contents)]
