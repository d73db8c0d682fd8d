"""Frozen, validated models of the data files: the value types and the tables that carry sources.

Every data file is parsed into a tree of :class:`Frozen` pydantic models: unknown keys
are refused (``extra="forbid"``), so a misspelt key is an error, not a silent default.

Sources are data. A table of clinical values is a :class:`Sourced` model: next to its
values it carries ``source`` (one text for every value of the table) and/or ``sources``
(a table keyed by value name; ``"<key>.<entry>"`` names one entry of a table of values,
e.g. ``"ed50_u.buccinator"``). Every number, list of numbers or table of numbers in a
Sourced table must have a source, and every key of ``sources`` must name a value::

    [bont]
    emax = 0.9
    hill_n = 1.5

    [bont.sources]
    emax = '"BoNT-A pharmacodynamics": Emax 0.90 (range 0.80-0.99)'
    hill_n = '"BoNT-A pharmacodynamics": ASSUMPTION in source (no published fit)'

A caller reads a value as an attribute (``products().bont.emax``) and its source with
:meth:`Sourced.source_of` (``products().bont.source_of("emax")``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from difflib import get_close_matches
from types import MappingProxyType
from typing import Annotated, Any, ClassVar, Literal, TypeVar

from pydantic import (AfterValidator, BaseModel, ConfigDict, Field, PlainValidator, StrictBool, StrictInt,
                      model_validator)

# --------------------------------------------------------------------------- value types


def _number(value: Any) -> float:
    """A finite int or float, kept as TOML gave it (a bool is not a number)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"expected a number, got {value!r}")
    if not math.isfinite(value):
        raise ValueError(f"expected a finite number, got {value!r}")
    return value


def bounded(low: float | None = None, high: float | None = None, strict: bool = True):
    def check(value: float) -> float:
        too_low = low is not None and (value <= low if strict else value < low)
        if too_low or (high is not None and value > high):
            bound = "" if low is None else (f"> {low:g}" if strict else f">= {low:g}")
            bound += "" if high is None else f"{' and ' if bound else ''}<= {high:g}"
            raise ValueError(f"expected a number {bound}, got {value!r}")
        return value

    return AfterValidator(check)


#: A finite number (int or float as written; in the unit its key names).
Number = Annotated[float, PlainValidator(_number)]
#: A number > 0.
Positive = Annotated[Number, bounded(0.0)]
#: A number >= 0.
NonNegative = Annotated[Number, bounded(0.0, strict=False)]
#: A fraction in [0, 1].
Fraction = Annotated[Number, bounded(0.0, 1.0, strict=False)]
#: A whole number (not a bool).
Count = StrictInt
Flag = StrictBool
Depth = Literal["superficial", "deep"]


def _ordered(pair: tuple[float, float]) -> tuple[float, float]:
    if pair[0] > pair[1]:
        raise ValueError(f"expected [low, high] with low <= high, got {list(pair)}")
    return pair


#: ``[low, high]`` with low <= high.
Range = Annotated[tuple[Number, Number], AfterValidator(_ordered)]

K = TypeVar("K")
V = TypeVar("V")
#: A read-only table (the cached models are shared by every caller).
Table = Annotated[Mapping[K, V], AfterValidator(MappingProxyType)]


# --------------------------------------------------------------------------- models


class Frozen(BaseModel):
    """Base of every data-file model: frozen, unknown keys refused."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def _is_clinical(value: Any) -> bool:
    """True for a number, a list of numbers, or a table of those (values that need a source)."""
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float)):
        return True
    if isinstance(value, tuple):
        return bool(value) and all(_is_clinical(v) for v in value)
    if isinstance(value, Mapping):
        return bool(value) and all(_is_clinical(v) for v in value.values())
    return False


class Sourced(Frozen):
    """A table of clinical values with their sources (see the module docstring).

    Attributes
    ----------
    source : str or None
        Where every value of the table comes from (unless ``sources`` names its own).
    sources : table of str
        Source per value key, or per ``"<key>.<entry>"`` of a table of values.
    """

    #: Numeric keys that need no source (placement geometry described in the file header).
    UNSOURCED: ClassVar[frozenset[str]] = frozenset()

    source: str | None = None
    sources: Table[str, str] = Field(default_factory=lambda: MappingProxyType({}))

    def values(self) -> dict[str, Any]:
        """The table's values by key (sub-tables included; ``source``/``sources`` left out)."""
        return {k: getattr(self, k) for k in type(self).model_fields if k not in ("source", "sources")}

    def source_of(self, key: str) -> str:
        """The source of value ``key`` (``"ed50_u.dao"`` for one entry of a table of values)."""
        head = key.split(".", 1)[0]
        for k in (key, head):
            if k in self.sources:
                return self.sources[k]
        if self.source is None:
            raise KeyError(key)
        return self.source

    def sourced_values(self) -> list[tuple[str, Any, str]]:
        """``(key, value, source)`` of every clinical value, tables of values one row per entry."""
        out = []
        for key, value in self.values().items():
            if not _is_clinical(value):
                continue
            if isinstance(value, Mapping):
                out += [(f"{key}.{k}", v, self.source_of(f"{key}.{k}")) for k, v in value.items()]
            elif key not in self.UNSOURCED:
                out.append((key, value, self.source_of(key)))
        return out

    @model_validator(mode="after")
    def _every_value_has_a_source(self):
        values = self.values()
        for key in self.sources:
            head, _, entry = key.partition(".")
            if head not in values or (entry and not (isinstance(values[head], Mapping) and entry in values[head])):
                near = get_close_matches(key, [*values, *_entries(values)], n=1)
                fix = f"did you mean '{near[0]}'?" if near else "name a value of this table"
                raise ValueError(f"sources.{key}: no such value; {fix}")
        if self.source is not None:
            return self
        for key, value in values.items():
            if key in self.UNSOURCED or not _is_clinical(value) or key in self.sources:
                continue
            if isinstance(value, Mapping) and all(f"{key}.{k}" in self.sources for k in value):
                continue
            raise ValueError(f"{key} has no source; add {key} = \"<where the value comes from>\" to its "
                             "table's sources (or one source = \"...\" for the whole table)")
        return self


def _entries(values: dict) -> list[str]:
    return [f"{k}.{e}" for k, v in values.items() if isinstance(v, Mapping) for e in v]


class DataFile(Frozen):
    """The root of one data file; ``KIND`` is its name in facesim/data (``products``)."""

    KIND: ClassVar[str]

