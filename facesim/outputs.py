"""Writing result files: whole or not at all, and never over a file without --force."""

from __future__ import annotations

import csv
import json
import os
import tempfile
from pathlib import Path
from typing import Callable

from facesim.errors import OutputExistsError


def check_writable(path: Path | str, force: bool) -> Path:
    """Refuse to overwrite an existing ``path`` unless ``force``."""
    path = Path(path)
    if path.exists() and not force:
        raise OutputExistsError(f"{path} exists; pass --force to overwrite it or --out to write elsewhere")
    return path


def write_atomically(path: Path | str, write: Callable[[Path], object]) -> Path:
    """Call ``write(tmp_path)`` then move the file into place, so ``path`` is whole or absent."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".facesim-", suffix=path.suffix, dir=path.parent)
    os.close(fd)
    umask = os.umask(0)
    os.umask(umask)
    try:
        write(Path(tmp))
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; give the usual permissions
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path


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
