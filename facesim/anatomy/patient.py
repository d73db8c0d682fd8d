"""A patient: per-muscle strength and resting-tone multipliers (1 = average)."""

from __future__ import annotations

from dataclasses import dataclass, field
from difflib import get_close_matches
from types import MappingProxyType

import numpy as np

from facesim.errors import InputError
from facesim.face.names import mirror_name


@dataclass(frozen=True)
class Patient:
    """Multipliers per muscle id (``<muscle>_<side>``); a missing id means 1.

    Attributes
    ----------
    strength : mapping id -> float
        Scales voluntary activation (a weak side < 1, an over-pulling side > 1).
    tone : mapping id -> float
        Scales resting tone (an over-toned DAO > 1 drops that corner at rest).
    name : str
    """

    strength: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))
    tone: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))
    name: str = "patient"

    def __post_init__(self):
        for attr in ("strength", "tone"):
            table = dict(getattr(self, attr))
            for key, value in table.items():
                if not np.isfinite(value) or value < 0:
                    raise InputError(f"patient {attr}.{key} = {value}; use a multiplier >= 0 (1 = average)")
            object.__setattr__(self, attr, MappingProxyType(table))

    def mirrored(self) -> "Patient":
        """The same patient with left and right swapped."""
        return Patient(
            strength={mirror_name(k): v for k, v in self.strength.items()},
            tone={mirror_name(k): v for k, v in self.tone.items()},
            name=f"{self.name} (mirrored)",
        )

    def multipliers(self, muscle_ids: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
        """(strength, tone) arrays in basis order; unknown ids raise InputError."""
        known = set(muscle_ids)
        for attr in ("strength", "tone"):
            for key in getattr(self, attr):
                if key not in known:
                    hint = get_close_matches(key, muscle_ids, n=1)
                    fix = f"; did you mean '{hint[0]}'?" if hint else f"; known: {', '.join(muscle_ids)}"
                    raise InputError(f"patient {attr}: unknown muscle '{key}'{fix}")
        strength = np.array([self.strength.get(m, 1.0) for m in muscle_ids])
        tone = np.array([self.tone.get(m, 1.0) for m in muscle_ids])
        return strength, tone
