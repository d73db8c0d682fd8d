"""A patient's history as the clinic takes it: red flags, habits, previous injections.

Read from the ``[history]`` table of a scenario or patient TOML file::

    [history]
    sudden_onset = false              # came on suddenly (hours to days)
    eye_closure_difficulty = false    # trouble closing an eye
    other_weakness_or_numbness = false
    worsening = false                 # getting worse over weeks
    pain = false
    chewing_side = "none"             # "none" | "left" | "right"
    jaw_propping = "none"             # "none" | "left" | "right"
    dental_history = false            # orthodontics, extractions, bite change
    goal = "natural_balance"          # "natural_balance" | "change_of_form"

    [[history.previous_injection]]
    day = -60                          # days relative to day 0 (negative: before)
    site = "dao_left"                  # a muscle id or a named site
    units = 4.0                        # in the product's own units
    product = "onabotulinumtoxinA"
"""

from __future__ import annotations

from dataclasses import dataclass, field

import math

from facesim.errors import InputError
from facesim.treatment.bont import product
from facesim.treatment.shot import Shot, SiteRef
from facesim.treatment.sites import check_site_name

SIDE_CHOICES = ("none", "left", "right")
GOALS = ("natural_balance", "change_of_form")
RED_FLAGS = {
    "sudden_onset": "sudden onset",
    "eye_closure_difficulty": "trouble closing an eye",
    "other_weakness_or_numbness": "other facial weakness or numbness",
    "worsening": "getting worse",
}
_BOOL_KEYS = (*RED_FLAGS, "pain", "dental_history")


@dataclass(frozen=True)
class History:
    sudden_onset: bool = False
    eye_closure_difficulty: bool = False
    other_weakness_or_numbness: bool = False
    worsening: bool = False
    pain: bool = False
    chewing_side: str = "none"
    jaw_propping: str = "none"
    dental_history: bool = False
    goal: str = "natural_balance"
    previous_injections: tuple[Shot, ...] = field(default_factory=tuple)  # previous=True, days <= 0

    @property
    def red_flags(self) -> list[str]:
        """Plain-words red flags present (any one means: see a neurologist first)."""
        return [words for key, words in RED_FLAGS.items() if getattr(self, key)]


def parse_history(data: dict, where: str = "history") -> History:
    """Build a History from a TOML table; errors name ``where.key`` and the fix."""
    known = {*_BOOL_KEYS, "chewing_side", "jaw_propping", "goal", "previous_injection"}
    for key in data:
        if key not in known:
            raise InputError(f"{where}.{key}: unknown key; use one of {', '.join(sorted(known))}")
    values = {}
    for key in _BOOL_KEYS:
        if key in data:
            if not isinstance(data[key], bool):
                raise InputError(f"{where}.{key} = {data[key]!r}; use true or false")
            values[key] = data[key]
    for key, choices in (("chewing_side", SIDE_CHOICES), ("jaw_propping", SIDE_CHOICES), ("goal", GOALS)):
        if key in data:
            if data[key] not in choices:
                raise InputError(f"{where}.{key} = {data[key]!r}; use one of {', '.join(choices)}")
            values[key] = data[key]
    injections = []
    entries = data.get("previous_injection", [])
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise InputError(f"{where}.previous_injection: write each entry as a [[history.previous_injection]] table")
    for k, entry in enumerate(entries):
        injections.append(_previous_injection(entry, f"{where}.previous_injection[{k}]"))
    return History(**values, previous_injections=tuple(injections))


def _previous_injection(entry: dict, where: str) -> Shot:
    """One ``[[history.previous_injection]]`` table -> a previous Shot (errors name ``where.key``)."""
    keys = ("day", "site", "units", "product")
    for key in entry:
        if key not in keys:
            raise InputError(f"{where}.{key}: unknown key; use day, site, units and product")
    missing = [key for key in keys[:3] if key not in entry]
    if missing:
        raise InputError(f"{where}: missing '{missing[0]}'; give day, site and units")
    for key in ("day", "units"):
        value = entry[key]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise InputError(f"{where}.{key} = {value!r}; give a finite number")
    if not isinstance(entry["site"], str):
        raise InputError(f"{where}.site = {entry['site']!r}; give a site name in quotes, e.g. \"dao_left\"")
    units, day = float(entry["units"]), float(entry["day"])
    if units <= 0:
        raise InputError(f"{where}.units = {units:g}; use a positive number of units")
    if day > 0:
        raise InputError(f"{where}.day = {day:g}; a previous injection is on or before day 0 (use a negative day)")
    name = entry.get("product", "onabotulinumtoxinA")
    if not isinstance(name, str):
        raise InputError(f"{where}.product = {name!r}; give a product name in quotes")
    try:
        canonical = product(name).name
    except InputError as exc:
        raise InputError(f"{where}.product: {exc}") from None
    site = check_site_name(entry["site"], f"{where}.site")
    return Shot(SiteRef(name=site), units, canonical, day, where=where, previous=True)
