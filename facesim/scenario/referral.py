"""Red flags and how urgent they are: the referral that stops every treatment story.

The flags are history keys (facesim.scenario.history) plus ``palsy_pattern``, which the
triage reads from the photos. Their words and the three urgency tiers (emergency now,
a doctor within days, a medical review before anything cosmetic) live in
facesim/data/triage.toml [red_flags], with their sources.
"""

from __future__ import annotations

from dataclasses import dataclass

from facesim.datafiles import bundled
from facesim.errors import SafetyRefusal

#: The first words of every referral line.
REFERRAL = "Refer before any cosmetic treatment"


@dataclass(frozen=True)
class Referral:
    """The most urgent tier the flags reach: ``tier`` (a [red_flags.tier] name), its plain-words
    ``title``, ``words`` (why and how urgent) and ``bring`` (what to bring), and the flags' words."""

    tier: str
    title: str
    words: str
    bring: str
    flags: tuple[str, ...]

    def line(self) -> str:
        """One line for a terminal or a refusal: the title, the flags, the reason."""
        return f"{self.title} ({'; '.join(self.flags)}). {self.words}"


def flag_words(keys) -> list[str]:
    """Plain words of red-flag keys, in the data file's order."""
    words = bundled.triage().red_flags.words
    return [w for k, w in words.items() if k in set(keys)]


def referral_for(keys) -> Referral | None:
    """The Referral for the red-flag ``keys`` present (None: no red flag)."""
    keys = set(keys)
    if not keys:
        return None
    tiers = sorted(bundled.triage().red_flags.tier.items(), key=lambda item: item[1].order)  # most urgent first
    name, tier = next(((n, t) for n, t in tiers if any(set(group) <= keys for group in t.when)), tiers[-1])
    return Referral(name, tier.title, " ".join(tier.words.split()), tier.bring, tuple(flag_words(keys)))


class TreatmentStoryRefused(SafetyRefusal):
    """A treatment story (simulation, pictures) was asked for a patient with red flags, without the override."""


def override_label(referral: Referral) -> str:
    """The label every output of an overridden referral carries."""
    return (f"CLINICIAN OVERRIDE: red flags ({'; '.join(referral.flags)}), {referral.title.lower()}; "
            "not a treatment recommendation")
