"""Reading files: TOML and JSON parsing, and validation into a model with a one-line error.

A pydantic ValidationError never reaches a user: :func:`validate` turns its first error
into one :class:`~facesim.errors.DataError` line naming the file, the key path and the fix::

    facesim/data/products.toml: [bont] ed50_u: field required; add it with a table of numbers in U
"""

from __future__ import annotations

import json
import tomllib
import types
import typing
from collections.abc import Mapping
from difflib import get_close_matches
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar, get_args, get_origin

from pydantic import BaseModel, ValidationError

from facesim.errors import DataError, InputError

M = TypeVar("M", bound=BaseModel)

#: Unit of a value, from how its key ends (the data files name units in their keys).
UNIT_SUFFIXES = (("_n_per_mm3", "N/mm^3"), ("_n_per_mm", "N/mm"), ("_ml_per_100u", "mL per 100 U"),
                 ("_mm", "mm"), ("_ml", "mL"), ("_u", "U"), ("_days", "days"), ("_day", "days"), ("_d", "days"),
                 ("_deg", "degrees"), ("_n", "N"))
#: Plain words for pydantic's type errors.
TYPE_WORDS = {"model_type": "expected a table", "dict_type": "expected a table", "mapping_type": "expected a table",
              "tuple_type": "expected a list", "list_type": "expected a list",
              "string_type": "expected a text in quotes", "bool_type": "expected true or false",
              "int_type": "expected a whole number", "int_from_float": "expected a whole number",
              "too_short": "expected at least one entry", "greater_than_equal": "expected a larger number",
              "less_than_equal": "expected a smaller number"}


#: The largest text input facesim reads (scenario, history, plan, landmark files), bytes.
MAX_INPUT_BYTES = 10_000_000


def read_input_text(path: Path | str, what: str = "file", error: type[Exception] = InputError) -> str:
    """The text of a user's input file, refused in one line unless it is a regular UTF-8 file of at most
    MAX_INPUT_BYTES (no folder, device, pipe or missing file; a path the system can hold)."""
    path = Path(path)
    try:
        if not path.exists():
            raise error(f"{path}: no such {what}; check the path")
        if not path.is_file():
            raise error(f"{path}: not a regular file (a folder, device or pipe); give a {what} path")
        if path.stat().st_size > MAX_INPUT_BYTES:
            raise error(f"{path}: {path.stat().st_size:,} bytes, more than a {what} holds "
                        f"(at most {MAX_INPUT_BYTES:,}); give the right file")
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise error(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start}); save it as UTF-8") from None
    except OSError as exc:
        raise error(f"{str(path)[:80]}: cannot be read ({exc.strerror}); give a shorter or valid path") from None


def read_toml(path: Path | str, error: type[Exception] = DataError) -> dict:
    """Parse a TOML file; a missing or unreadable file, bad syntax, encoding or nesting becomes one
    ``error`` line naming the file."""
    text = read_input_text(path, "TOML file", error)
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise error(f"{path}: not valid TOML ({exc}); fix the syntax at that line") from None
    except RecursionError:
        raise error(f"{path}: nested too deeply to be a facesim file; fix the brackets") from None


def read_json(path: Path | str):
    """Parse a user's JSON file; bad syntax, encoding, nesting or huge numbers become an InputError."""
    text = read_input_text(path, "JSON file")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}: not valid JSON ({exc}); fix the syntax") from None
    except (RecursionError, ValueError) as exc:  # nesting; an integer of thousands of digits
        raise InputError(f"{path}: not a facesim JSON file ({str(exc)[:60]}); fix the file") from None


def validate(model: type[M], data: Any, source: str, error: type[Exception] = DataError, dotted: bool = False) -> M:
    """``data`` (parsed TOML) as a ``model``; any problem is one ``error`` line naming ``source``.

    Bundled data files name a key as ``[table] key``; user files (``dotted``) as ``table[0].key``.
    """
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        # An unknown key first: a misspelt key is also a missing one, and the unknown key explains it.
        first = next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])
        raise error(f"{source}: {error_line(first, model, data, dotted)}") from None
    except RecursionError:
        raise error(f"{source}: nested too deeply to read; write the tables flat, as in the examples") from None


def load_file(model: type[M], path: Path | str) -> M:
    """Read and validate the TOML file at ``path`` as a ``model`` (not cached)."""
    return validate(model, read_toml(path), str(path))


# --------------------------------------------------------------------------- error lines


def error_line(err: dict, model: type[BaseModel], data: Any, dotted: bool = False) -> str:
    """``[table] key: what is wrong; the fix`` (``table[0].key: ...`` if ``dotted``) for one pydantic error."""
    loc, kind = tuple(err["loc"]), err["type"]
    msg = str(err["msg"]).removeprefix("Value error, ")
    target = _annotation(model, loc)
    key = _dotted if dotted else (lambda where: _key(where, data))
    if kind == "value_error" and _is_model(target):  # a rule of the whole table
        return f"{_dotted(loc) if dotted else _table(loc, data)}: {msg}" if loc else msg
    if kind == "missing" and loc and isinstance(loc[-1], int):  # a list shorter than its form
        return f"{key(loc[:-1])}: too few values; write {_expected(_annotation(model, loc[:-1]), loc)}"
    where = key(loc)
    if kind == "missing":
        return f"{where}: field required; add it with {_expected(target, loc)}"
    if kind == "extra_forbidden":
        parent = _annotation(model, loc[:-1])
        names = list(parent.model_fields) if _is_model(parent) else []
        near = get_close_matches(str(loc[-1]), names, n=1)
        fix = f"did you mean '{near[0]}'?" if near else f"remove it (known keys: {', '.join(names)})"
        return f"{where}: unknown key; {fix}"
    if kind == "value_error":
        return f"{where}: {msg}; write {_expected(target, loc)}"
    got = f", got {err['input']!r}" if "input" in err else ""
    if kind == "literal_error":
        choices = [str(a) for a in get_args(target)] if get_origin(target) is Literal else []
        near = get_close_matches(str(err.get("input")), choices, n=1)
        fix = f"did you mean '{near[0]}'?" if near else f"use one of {', '.join(choices)}"
        return f"{where}: {msg}, got {err.get('input')!r}; {fix}"
    if kind in TYPE_WORDS:
        return f"{where}: {TYPE_WORDS[kind]}{got}; write {_expected(target, loc)}"
    return f"{where}: {msg}{got}; write {_expected(target, loc)}"


def _is_model(t) -> bool:
    return isinstance(t, type) and issubclass(t, BaseModel)


def _strip(t):
    """The type under Annotated[...] and ``X | None``."""
    while True:
        if get_origin(t) is Annotated:
            t = get_args(t)[0]
            continue
        rest = [a for a in get_args(t) if a is not type(None)]
        if get_origin(t) not in (typing.Union, types.UnionType) or len(rest) != 1:
            return t
        t = rest[0]


def _annotation(model: type[BaseModel], loc: tuple):
    """The declared type at ``loc`` inside ``model`` (None where it cannot be told)."""
    t = model
    for part in loc:
        t = _strip(t)
        if _is_model(t):
            if part not in t.model_fields:
                return None
            t = t.model_fields[part].annotation
            continue
        origin, args = get_origin(t), get_args(t)
        if origin in (dict, Mapping):
            t = args[1]
        elif origin is tuple and args:
            t = args[0] if len(args) == 2 and args[1] is Ellipsis else args[min(int(part), len(args) - 1)]
        else:
            return None
    return _strip(t)


def _unit(loc: tuple) -> str:
    for part in reversed([p for p in loc if isinstance(p, str)]):
        for suffix, unit in UNIT_SUFFIXES:
            if part.endswith(suffix):
                return f" in {unit}"
    return ""


def _expected(t, loc: tuple) -> str:
    """What to write at ``loc``: ``a number in U``, ``a list of 2 numbers in mm``, ..."""
    t = _strip(t)
    origin, args = get_origin(t), get_args(t)
    if t is float:
        return "a number" + _unit(loc)
    if t is int:
        return "a whole number"
    if t is str:
        return "a text in quotes"
    if t is bool:
        return "true or false"
    if origin is Literal:
        return "one of " + ", ".join(repr(a) for a in args)
    if origin is tuple:
        inner = _expected(args[0], loc)
        count = "" if len(args) == 2 and args[1] is Ellipsis else f"{len(args)} "
        return f"a list of {count}{inner.removeprefix('a ').replace('number', 'numbers', 1)}"
    if origin in (dict, Mapping):
        inner = _expected(args[1], loc).removeprefix("a ")
        return f"a table of {inner.replace('number', 'numbers', 1).replace('table (', 'tables (', 1)}"
    if _is_model(t):
        return f"a table ({', '.join(k for k in t.model_fields if k not in ('source', 'sources'))})"
    return "a valid value"


def _table(parts: tuple, data: Any) -> str:
    """``[bont.spread]``, ``[muscle[3] (dli)]``."""
    text, node, name = "", data, ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else ("." if text else "") + str(part)
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            node = None
        if isinstance(part, int) and isinstance(node, Mapping) and isinstance(node.get("name"), str):
            name = f" ({node['name']})"
    return f"[{text}{name}]"


def _dotted(loc: tuple) -> str:
    """``injection[0].units``: a user file's key path."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else ("." if text else "") + str(part)
    return text


def _key(loc: tuple, data: Any) -> str:
    """``[table] key`` of an error location (list positions stay with their key: ``emax[1]``)."""
    last = max((k for k, p in enumerate(loc) if isinstance(p, str)), default=-1)
    if last < 0:
        return "".join(f"[{p}]" for p in loc)
    key = str(loc[last]) + "".join(f"[{p}]" for p in loc[last + 1:])
    return f"{_table(loc[:last], data)} {key}" if last else key
