"""A patient's history as the clinic takes it: red flags, habits, previous injections.

Read from the ``[history]`` table of a scenario or patient TOML file::

    [history]
    sudden_onset = false              # came on suddenly (hours to days)
    eye_closure_difficulty = false    # trouble closing an eye
    other_weakness_or_numbness = false
    other_stroke_signs = false        # arm or leg weakness, trouble speaking or seeing
    worsening = false                 # getting worse over weeks
    pain = false
    previous_treatment_worse = false  # earlier treatments did not help or made it worse
    chewing_side = "none"             # "none" | "left" | "right"
    jaw_propping = "none"             # "none" | "left" | "right"
    dental_history = false            # orthodontics, extractions, bite change
    goal = "natural_balance"          # "natural_balance" | "change_of_form"
    aftercare = true                  # will do the aftercare (exercises, even chewing)
    rest_droop_unexamined = false     # set by assess: low at rest only (DAO tone or tissue droop?)

    [[history.previous_injection]]
    day = -60                          # days relative to day 0 (negative: before)
    site = "dao_left"                  # a muscle id or a named site
    units = 4.0                        # in the product's own units
    product = "onabotulinumtoxinA"
"""

from __future__ import annotations

from dataclasses import dataclass, field

from facesim.scenario.referral import Referral, flag_words, referral_for
from facesim.scenario.schema import HistoryTable, parse_history_table
from facesim.scenario.sections import previous_shot
from facesim.treatment.shot import Shot

#: The history keys that are red flags (their words and tiers: triage.toml [red_flags]).
RED_FLAG_KEYS = ("sudden_onset", "eye_closure_difficulty", "other_weakness_or_numbness", "other_stroke_signs",
                 "worsening", "pain", "previous_treatment_worse")


@dataclass(frozen=True)
class History:
    sudden_onset: bool = False
    eye_closure_difficulty: bool = False
    other_weakness_or_numbness: bool = False
    other_stroke_signs: bool = False
    worsening: bool = False
    pain: bool = False
    previous_treatment_worse: bool = False
    chewing_side: str = "none"
    jaw_propping: str = "none"
    dental_history: bool = False
    goal: str = "natural_balance"
    aftercare: bool = True
    rest_droop_unexamined: bool = False
    previous_injections: tuple[Shot, ...] = field(default_factory=tuple)  # previous=True, days <= 0

    @property
    def red_flag_keys(self) -> tuple[str, ...]:
        """The red-flag history keys answered yes."""
        return tuple(k for k in RED_FLAG_KEYS if getattr(self, k))

    @property
    def red_flags(self) -> list[str]:
        """Plain-words red flags present (any one means: refer before anything cosmetic)."""
        return flag_words(self.red_flag_keys)

    @property
    def referral(self) -> Referral | None:
        """The referral the history's red flags call for, with its urgency (None: no flag)."""
        return referral_for(self.red_flag_keys)

    @property
    def habit(self) -> bool:
        """One-sided chewing or jaw propping reported."""
        return self.chewing_side != "none" or self.jaw_propping != "none"


def history_from(table: HistoryTable, where: str = "history") -> History:
    """A History from a validated ``[history]`` table; ``where`` starts every message."""
    values = table.model_dump(exclude={"previous_injection"})
    shots = tuple(previous_shot(e, f"{where}.previous_injection[{k}]") for k, e in enumerate(table.previous_injection))
    return History(**values, previous_injections=shots)


def parse_history(data: dict, where: str = "history") -> History:
    """Build a History from a ``[history]`` TOML table; errors name ``where``, the key and the fix."""
    return history_from(parse_history_table(data, where), where)
