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

from facesim.scenario.schema import HistoryTable, parse_history_table
from facesim.scenario.sections import previous_shot
from facesim.treatment.shot import Shot

RED_FLAGS = {
    "sudden_onset": "sudden onset",
    "eye_closure_difficulty": "trouble closing an eye",
    "other_weakness_or_numbness": "other facial weakness or numbness",
    "worsening": "getting worse",
}


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


def history_from(table: HistoryTable, where: str = "history") -> History:
    """A History from a validated ``[history]`` table; ``where`` starts every message."""
    values = table.model_dump(exclude={"previous_injection"})
    shots = tuple(previous_shot(e, f"{where}.previous_injection[{k}]") for k, e in enumerate(table.previous_injection))
    return History(**values, previous_injections=shots)


def parse_history(data: dict, where: str = "history") -> History:
    """Build a History from a ``[history]`` TOML table; errors name ``where``, the key and the fix."""
    return history_from(parse_history_table(data, where), where)
