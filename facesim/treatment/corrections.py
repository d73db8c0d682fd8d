"""Non-injection corrections as pure timelines on the day axis.

Each is a frozen dataclass with ``course(days) -> array``:

- :class:`ReEducation`: strength multiplier of chosen muscles (exercise).
- :class:`HabitCorrection`: tone multiplier relaxing toward 1 once a habit stops.
- :class:`CornerLift`: upward lift (mm) of one mouth corner after surgery.
- :class:`SkeletalAsymmetry`: a constant offset (mm) that no muscle change removes.

Default constants and their sources: facesim/data/corrections.toml.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from difflib import get_close_matches

import numpy as np

from facesim.datafiles import bundled
from facesim.errors import InputError
from facesim.face.mesh import Face
from facesim.face.names import SIDES


def _finite(name: str, value, low: float | None = None, high: float | None = None, strict: bool = False) -> float:
    ok = value is not None and np.isfinite(value)
    if ok and low is not None:
        ok = value > low if strict else value >= low
    if ok and high is not None:
        ok = value <= high
    if not ok:
        bound = "" if low is None else (f" > {low}" if strict else f" >= {low}")
        bound += "" if high is None else f" and <= {high}"
        raise InputError(f"{name} = {value}; give a finite number{bound}")
    return float(value)


def _muscle_ids(ids) -> tuple[str, ...]:
    ids = (ids,) if isinstance(ids, str) else tuple(ids)
    if not ids or not all(isinstance(m, str) and m for m in ids):
        raise InputError(f"muscle_ids = {ids!r}; give one or more muscle ids like 'dao_right'")
    return ids


@dataclass(frozen=True)
class ReEducation:
    """Muscle re-education / exercise on ``muscle_ids``.

    ``gain(t) = max_gain * adherence * (1 - exp(-(t - start_day) / tau_days))``
    while training; after ``stop_day`` the gain reached decays with
    ``detraining_tau_days``. The strength multiplier is ``1 + gain``.

    Attributes
    ----------
    muscle_ids : tuple[str, ...], e.g. ``("zygomaticus_major_left",)``
    start_day : float, days
    stop_day : float or None, days (None = never stops)
    adherence : float, 0..1 (fraction of the prescribed training done)
    max_gain : float, saturating strength gain at full adherence (0.45 = +45 %)
    tau_days, detraining_tau_days : float, days
    """

    muscle_ids: tuple[str, ...]
    start_day: float = 0.0
    stop_day: float | None = None
    adherence: float = 1.0
    max_gain: float = field(default_factory=lambda: bundled.corrections().re_education.max_gain)
    tau_days: float = field(default_factory=lambda: bundled.corrections().re_education.tau_days)
    detraining_tau_days: float = field(
        default_factory=lambda: bundled.corrections().re_education.detraining_tau_days)

    def __post_init__(self):
        object.__setattr__(self, "muscle_ids", _muscle_ids(self.muscle_ids))
        start = _finite("start_day", self.start_day)
        if self.stop_day is not None and _finite("stop_day", self.stop_day) < start:
            raise InputError(f"stop_day = {self.stop_day} is before start_day = {start}; give a later stop_day")
        _finite("adherence", self.adherence, 0.0, 1.0)
        _finite("max_gain", self.max_gain, 0.0)
        _finite("tau_days", self.tau_days, 0.0, strict=True)
        _finite("detraining_tau_days", self.detraining_tau_days, 0.0, strict=True)

    def gain(self, days: np.ndarray) -> np.ndarray:
        """Strength gain (k,) on ``days`` (0 = none, 0.3 = +30 %)."""
        days = np.asarray(days, dtype=float)
        stop = np.inf if self.stop_day is None else self.stop_day
        top = self.max_gain * self.adherence

        def trained(t):
            return top * -np.expm1(-np.maximum(t - self.start_day, 0.0) / self.tau_days)

        after = trained(np.minimum(stop, np.maximum(days, self.start_day)))
        fade = np.exp(-np.maximum(days - stop, 0.0) / self.detraining_tau_days)
        return np.where(days < self.start_day, 0.0, after * fade)

    def course(self, days: np.ndarray) -> np.ndarray:
        """Strength multiplier (k,) of ``muscle_ids`` on ``days`` (1 = unchanged)."""
        return 1.0 + self.gain(days)


@dataclass(frozen=True)
class HabitCorrection:
    """Correction of a habit (e.g. one-sided chewing) that over-tones ``muscle_ids``.

    ``tone(t) = 1 + (initial_tone - 1) * exp(-(t - start_day) / tau_days)``
    from ``start_day`` (the day the habit stops); ``initial_tone`` before.

    Attributes
    ----------
    muscle_ids : tuple[str, ...], e.g. ``("masseter_right",)``
    initial_tone : float, tone multiplier while the habit lasts (>= 0; 1.3 = +30 %)
    start_day : float, days
    tau_days : float, days
    """

    muscle_ids: tuple[str, ...]
    initial_tone: float
    start_day: float = 0.0
    tau_days: float = field(default_factory=lambda: bundled.corrections().habit.tau_days)

    def __post_init__(self):
        object.__setattr__(self, "muscle_ids", _muscle_ids(self.muscle_ids))
        _finite("initial_tone", self.initial_tone, 0.0)
        _finite("start_day", self.start_day)
        _finite("tau_days", self.tau_days, 0.0, strict=True)

    def course(self, days: np.ndarray) -> np.ndarray:
        """Tone multiplier (k,) of ``muscle_ids`` on ``days``."""
        t = np.asarray(days, dtype=float) - self.start_day
        return 1.0 + (self.initial_tone - 1.0) * np.exp(-np.maximum(t, 0.0) / self.tau_days)


@dataclass(frozen=True)
class CornerLift:
    """Corner lift surgery on one side: an upward lift (mm) of that commissure.

    Structural lift: ``lift_mm * (1 + early_excess * max(0, 1 - t/settle_days))``
    (early tightness relaxing to the set lift at ``settle_days``); oedema adds
    ``swelling_fraction * lift_mm * exp(-t / swelling_tau_days)``; zero before
    ``day``. The caller scales a unit (1 mm) lift field by :meth:`course`.

    Attributes
    ----------
    side : str, ``left`` or ``right`` (the patient's)
    lift_mm : float, mm, final lift (>= 0)
    day : float, days, day of surgery
    settle_days, early_excess, swelling_tau_days, swelling_fraction : float
    """

    side: str
    lift_mm: float
    day: float = 0.0
    settle_days: float = field(default_factory=lambda: bundled.corrections().corner_lift.settle_days)
    early_excess: float = field(default_factory=lambda: bundled.corrections().corner_lift.early_excess)
    swelling_tau_days: float = field(default_factory=lambda: bundled.corrections().corner_lift.swelling_tau_days)
    swelling_fraction: float = field(default_factory=lambda: bundled.corrections().corner_lift.swelling_fraction)

    def __post_init__(self):
        if self.side not in SIDES:
            hint = get_close_matches(str(self.side), SIDES, n=1)
            fix = f"did you mean '{hint[0]}'?" if hint else "use 'left' or 'right' (the patient's)"
            raise InputError(f"side = {self.side!r}; {fix}")
        _finite("lift_mm", self.lift_mm, 0.0)
        _finite("day", self.day)
        _finite("settle_days", self.settle_days, 0.0, strict=True)
        _finite("early_excess", self.early_excess, 0.0)
        _finite("swelling_tau_days", self.swelling_tau_days, 0.0, strict=True)
        _finite("swelling_fraction", self.swelling_fraction, 0.0)

    @property
    def landmark(self) -> str:
        """The lifted commissure, e.g. ``cheilion_left``."""
        return f"cheilion_{self.side}"

    def components(self, days: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(structural, swelling) lift in mm, each (k,), on ``days``."""
        t = np.asarray(days, dtype=float) - self.day
        tp = np.maximum(t, 0.0)
        structural = self.lift_mm * (1.0 + self.early_excess * np.maximum(1.0 - tp / self.settle_days, 0.0))
        swelling = self.swelling_fraction * self.lift_mm * np.exp(-tp / self.swelling_tau_days)
        before = t < 0.0
        return np.where(before, 0.0, structural), np.where(before, 0.0, swelling)

    def course(self, days: np.ndarray) -> np.ndarray:
        """Total upward lift (k,) in mm of the corner on ``days``."""
        structural, swelling = self.components(days)
        return structural + swelling


def jaw_weight(face: Face) -> np.ndarray:
    """How much of a skeletal jaw offset each vertex follows, (n,) in [0, 1].

    0 at and above the subnasale (the maxilla and everything above stay put), 1 at
    and below the labiale inferius (the mandible), smoothstep in between: the
    commissures, near the occlusal plane, follow about 80 %. ASSUMPTION (no source;
    the lip line follows an occlusal cant, clinical-parameters section 7).
    """
    top = face.landmark_position("subnasale")[1]
    bottom = face.landmark_position("labiale_inferius")[1]
    t = np.clip((top - face.vertices[:, 1]) / (top - bottom), 0.0, 1.0)
    return t * t * (3.0 - 2.0 * t)


@dataclass(frozen=True)
class SkeletalAsymmetry:
    """A static skeletal offset of the lower face (jaw shifted and/or canted).

    No muscle change removes it: :meth:`course` is constant over days.

    Attributes
    ----------
    offset_mm : (3,) tuple, mm, translation of the mandible (+x = patient's left, +y up, +z out)
    cant_deg : float, degrees, roll of the lower face in the frontal plane about the
        menton (positive: the patient's left side drops)
    """

    offset_mm: tuple[float, float, float]
    cant_deg: float = 0.0

    def __post_init__(self):
        offset = np.asarray(self.offset_mm, dtype=float)
        if offset.shape != (3,) or not np.all(np.isfinite(offset)):
            raise InputError(f"offset_mm = {self.offset_mm!r}; give three finite numbers in mm (x, y, z)")
        if not np.isfinite(self.cant_deg):
            raise InputError(f"cant_deg = {self.cant_deg!r}; give a finite angle in degrees")
        object.__setattr__(self, "offset_mm", tuple(float(x) for x in offset))
        object.__setattr__(self, "cant_deg", float(self.cant_deg))

    def course(self, days: np.ndarray) -> np.ndarray:
        """The offset (k, 3) in mm on ``days`` (the same every day)."""
        days = np.asarray(days, dtype=float)
        return np.broadcast_to(np.array(self.offset_mm), days.shape + (3,)).copy()

    def field(self, face: Face) -> np.ndarray:
        """Vertex displacement (n, 3) in mm: the lower face shifted and rolled, blended
        into the upper face by :func:`jaw_weight`."""
        pivot = face.landmark_position("menton")
        d = face.vertices[:, :2] - pivot[:2]
        a = np.radians(self.cant_deg)
        rolled = np.column_stack([d[:, 0] * np.cos(a) + d[:, 1] * np.sin(a),
                                  -d[:, 0] * np.sin(a) + d[:, 1] * np.cos(a)])
        offset = np.zeros_like(face.vertices)
        offset[:, :2] = rolled - d
        offset += np.asarray(self.offset_mm)
        return jaw_weight(face)[:, None] * offset
