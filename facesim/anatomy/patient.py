"""A patient: per-muscle strength and resting-tone multipliers (1 = average), static offsets, their face."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from difflib import get_close_matches
from types import MappingProxyType

import numpy as np

from facesim.errors import InputError
from facesim.face.names import mirror_name, other_side


SEXES = ("female", "male")


@dataclass(frozen=True)
class Patient:
    """A patient: muscle multipliers per muscle id (``<muscle>_<side>``; a missing id means 1), static
    offsets, and the face they are simulated on.

    Attributes
    ----------
    strength : mapping id -> float
        Scales voluntary activation (a weak side < 1, an over-pulling side > 1).
    tone : mapping id -> float
        Scales resting tone (an over-toned DAO > 1 drops that corner at rest).
    name : str
    sex : str, ``female`` or ``male`` (male: ED50 x sex_dose_factor)
    jaw_shift_mm : (3,) tuple, mm, skeletal offset of the lower face (+x = the patient's left)
    jaw_cant_deg : float, degrees, skeletal roll of the lower face (+: the patient's left side drops)
    corner_droop_mm : mapping side -> mm, a corner sitting lower from tissue laxity (not muscle)
    mesh : str, ``builtin`` or the path of a face file
    vertices : int or None, the built-in face's resolution (None: the default)
    """

    strength: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))
    tone: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))
    name: str = "patient"
    sex: str = "female"
    jaw_shift_mm: tuple[float, float, float] = (0.0, 0.0, 0.0)
    jaw_cant_deg: float = 0.0
    corner_droop_mm: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))
    mesh: str = "builtin"
    vertices: int | None = None

    def __post_init__(self):
        for attr in ("strength", "tone"):
            table = dict(getattr(self, attr))
            for key, value in table.items():
                if not np.isfinite(value) or value < 0:
                    raise InputError(f"patient {attr}.{key} = {value}; use a multiplier >= 0 (1 = average)")
            object.__setattr__(self, attr, MappingProxyType(table))
        if self.sex not in SEXES:
            raise InputError(f"patient sex = {self.sex!r}; use 'female' or 'male'")
        object.__setattr__(self, "jaw_shift_mm", tuple(float(v) for v in self.jaw_shift_mm))
        object.__setattr__(self, "corner_droop_mm", MappingProxyType(dict(self.corner_droop_mm)))

    @property
    def skeletal(self) -> bool:
        """Whether the patient has a skeletal (jaw) offset."""
        return any(self.jaw_shift_mm) or bool(self.jaw_cant_deg)

    def mirrored(self) -> "Patient":
        """The same patient with left and right swapped (multipliers, jaw offsets and droop)."""
        x, y, z = self.jaw_shift_mm
        return dataclasses.replace(
            self,
            strength={mirror_name(k): v for k, v in self.strength.items()},
            tone={mirror_name(k): v for k, v in self.tone.items()},
            name=f"{self.name} (mirrored)",
            jaw_shift_mm=(-x, y, z),
            jaw_cant_deg=-self.jaw_cant_deg,
            corner_droop_mm={other_side(k): v for k, v in self.corner_droop_mm.items()},
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
