"""Built face models kept on disk between commands: a face is built, factorized and its basis solved once.

A model is stored under a key made of what it was built from (the built-in face's resolution, or an
imported mesh file's bytes) and of facesim's own code and data files, so any change to either builds
it anew. The folder is ``$FACESIM_CACHE_DIR``, else ``$XDG_CACHE_HOME/facesim``, else
``~/.cache/facesim``; ``FACESIM_CACHE=0`` turns the cache off. A file that cannot be read is rebuilt; a
folder that cannot be written is not an error (the model is simply not kept). The oldest models are
removed beyond ``MAX_BYTES``.
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
import tempfile
from pathlib import Path
from typing import Callable

MAX_BYTES = 2 * 1024**3  # the folder's models beyond this (oldest first) are removed
PACKAGE = Path(__file__).resolve().parents[1]


def cache_folder() -> Path | None:
    """Where models are kept, or None when the cache is turned off (FACESIM_CACHE=0)."""
    if os.environ.get("FACESIM_CACHE", "1").strip() in ("0", "off", "no", "false"):
        return None
    if os.environ.get("FACESIM_CACHE_DIR"):
        return Path(os.environ["FACESIM_CACHE_DIR"]) / "models"
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "facesim" / "models"


@functools.lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """A digest of facesim's source and data files (any edit, or another version, changes it)."""
    digest = hashlib.sha256()
    for path in sorted(PACKAGE.rglob("*")):
        if path.suffix in (".py", ".toml") and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(PACKAGE)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def file_digest(path: Path | str) -> str:
    """A digest of a file's bytes (an imported mesh: the same name with other contents is another model)."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def cached(key: tuple, build: Callable[[], object]):
    """The object ``build()`` makes for ``key`` (strings and numbers), from the cache when it is there."""
    folder = cache_folder()
    if folder is None:
        return build()
    name = hashlib.sha256(repr((code_fingerprint(), key)).encode()).hexdigest()[:32] + ".pkl"
    path = folder / name
    try:
        with open(path, "rb") as f:
            value = pickle.load(f)
        os.utime(path)  # recently used: kept longest
        return value
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, ValueError, TypeError):
        pass
    value = build()
    _store(folder, path, value)
    return value


def _store(folder: Path, path: Path, value) -> None:
    """Write ``value`` to ``path`` whole (a temporary file moved into place), then trim the folder."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".pkl")
        try:
            with os.fdopen(fd, "wb") as f:
                pickle.dump(value, f, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        _trim(folder)
    except OSError:
        return  # a read-only or full disk: the model is simply not kept


def _trim(folder: Path) -> None:
    files = sorted(folder.glob("*.pkl"), key=lambda p: p.stat().st_mtime, reverse=True)
    total = 0
    for p in files:
        total += p.stat().st_size
        if total > MAX_BYTES:
            p.unlink(missing_ok=True)
