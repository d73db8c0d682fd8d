"""Data files: the bundled ones (facesim/data, validated into frozen models) and user files.

- :mod:`facesim.datafiles.bundled`: one cached loader per bundled file,
  ``bundled.products().bont.emax``, and :func:`~facesim.datafiles.bundled.noticeable_mm`.
- :func:`load_data`: a copy of a data file at any path, validated as its kind (not cached).
- :func:`read_toml`, :func:`read_json`: parse a user's file; bad syntax is one line naming the file.

The models (facesim.datafiles.base, .body, .treatment, .clinic) refuse unknown keys and
carry each value's source as data (``source_of``). Every problem is one
:class:`~facesim.errors.DataError` line naming the file, the key and the fix.
"""

from __future__ import annotations

from pathlib import Path

from facesim.datafiles import bundled
from facesim.datafiles.base import DataFile
from facesim.datafiles.load import load_file, read_json, read_toml, validate
from facesim.errors import InputError


def load_data(kind: str, path: Path | str) -> DataFile:
    """Read the data file at ``path`` as ``kind`` (``"products"``, ``"safety"``, ...), uncached."""
    if kind not in bundled.KINDS:
        raise InputError(f"data file kind {kind!r} is unknown; use one of {', '.join(sorted(bundled.KINDS))}")
    return load_file(bundled.KINDS[kind], path)


__all__ = ["bundled", "load_data", "load_file", "read_json", "read_toml", "validate"]
