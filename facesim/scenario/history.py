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

from facesim.errors import InputError
from facesim.treatment.pharmacology import product

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
class PreviousInjection:
    """A toxin injection given before day 0 (or on it)."""

    day: float
    site: str
    units: float
    product: str = "onabotulinumtoxinA"


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
    previous_injections: tuple[PreviousInjection, ...] = field(default_factory=tuple)

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
    for k, entry in enumerate(data.get("previous_injection", [])):
        w = f"{where}.previous_injection[{k}]"
        try:
            inj = PreviousInjection(
                day=float(entry["day"]),
                site=str(entry["site"]),
                units=float(entry["units"]),
                product=str(entry.get("product", "onabotulinumtoxinA")),
            )
        except KeyError as exc:
            raise InputError(f"{w}: missing {exc}; give day, site and units") from None
        except (TypeError, ValueError):
            raise InputError(f"{w}: day and units must be numbers") from None
        if inj.units <= 0:
            raise InputError(f"{w}.units = {inj.units}; use a positive number of units")
        if inj.day > 0:
            raise InputError(f"{w}.day = {inj.day:g}; a previous injection is on or before day 0 (use a negative day)")
        product(inj.product)  # raises InputError with the nearest product name
        injections.append(inj)
    return History(**values, previous_injections=tuple(injections))
