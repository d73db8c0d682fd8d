"""Loader for the TOML data files shipped inside the package (facesim/data)."""

from __future__ import annotations

import json
import tomllib
from functools import cache
from importlib import resources
from pathlib import Path

from facesim.errors import DataError, InputError


def read_toml(path: Path | str) -> dict:
    """Parse a TOML file; a syntax error becomes a DataError naming the file."""
    path = Path(path)
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise DataError(f"{path}: not valid TOML ({exc}); fix the syntax at that line") from None


def read_json(path: Path | str):
    """Parse a user's JSON file; bad syntax or encoding becomes an InputError naming the file."""
    path = Path(path)
    try:
        return json.loads(path.read_text())
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: not valid JSON ({exc}); fix the syntax") from None


@cache
def bundled(name: str) -> dict:
    """Parse the bundled data file ``facesim/data/<name>.toml`` (cached)."""
    with resources.as_file(resources.files("facesim") / "data" / f"{name}.toml") as path:
        return read_toml(path)
