"""The shape of a scenario (or patient) file, validated by pydantic: one model per table.

These models check what a file *says* (keys, types, ranges, which keys go together);
:mod:`facesim.scenario.case` then builds the engine's objects from them and checks
what the names *mean* (a muscle, a landmark, a site, a product, a dose maximum).
Every problem is one :class:`~facesim.errors.InputError` line naming the file, the
key (``injection[0].units``) and the fix (:func:`parse_file`).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BeforeValidator, Field, model_validator

from facesim.datafiles.base import Flag, Frozen, NonNegative, Number, Positive, bounded
from facesim.datafiles.load import validate
from facesim.errors import InputError

#: Input limits of a scenario or patient file (README, input limits): beyond them a file is refused.
LIMITS = {"strength": 10.0, "tone": 50.0, "offset_mm": 100.0, "units": 100.0, "volume_ml": 10.0, "lift_mm": 10.0,
          "droop_mm": 15.0, "cant_deg": 20.0, "day": 730.0, "entries": 20}
Mm = Annotated[Number, bounded(-LIMITS["offset_mm"], LIMITS["offset_mm"], strict=False)]
Vector = tuple[Mm, Mm, Mm]
Units = Annotated[Number, bounded(0.0, LIMITS["units"])]
Volume = Annotated[Number, bounded(0.0, LIMITS["volume_ml"])]
Day = Annotated[Number, bounded(-LIMITS["day"], LIMITS["day"], strict=False)]


def _entries(kind):
    """At most LIMITS["entries"] entries of a list table."""
    return Annotated[tuple[kind, ...], Field(max_length=int(LIMITS["entries"]))]
Side = Literal["left", "right"]
SideChoice = Literal["none", "left", "right"]


def _listed(value: Any) -> Any:
    """A single name where a list is expected is a list of one."""
    return [value] if isinstance(value, str) else value


Muscles = Annotated[tuple[str, ...], BeforeValidator(_listed), Field(min_length=1)]


def _from_day_0(day: float) -> float:
    if day < 0:
        raise ValueError("treatments start on day 0 or later (put earlier injections in [[history.previous_injection]])")
    return day


#: A treatment day: day 0 (the first treatment) or later, days.
TreatmentDay = Annotated[Day, AfterValidator(_from_day_0)]


def _one_of(entry, keys: tuple[str, ...], what: str) -> None:
    given = [k for k in keys if getattr(entry, k) is not None]
    if len(given) != 1:
        raise ValueError(f"give exactly one of {what}; got {', '.join(given) or 'none'}")


class PreviousInjectionEntry(Frozen):
    """``[[history.previous_injection]]``: a toxin injection before day 0."""

    day: Annotated[Day, Field(le=0.0)]
    site: str
    units: Units
    product: str = "onabotulinumtoxinA"


class HistoryTable(Frozen):
    """``[history]``: the clinic's questions (facesim.scenario.history)."""

    sudden_onset: Flag = False
    eye_closure_difficulty: Flag = False
    other_weakness_or_numbness: Flag = False
    other_stroke_signs: Flag = False
    worsening: Flag = False
    pain: Flag = False
    previous_treatment_worse: Flag = False
    chewing_side: SideChoice = "none"
    jaw_propping: SideChoice = "none"
    dental_history: Flag = False
    goal: Literal["natural_balance", "change_of_form"] = "natural_balance"
    aftercare: Flag = True
    rest_droop_unexamined: Flag = False
    previous_injection: _entries(PreviousInjectionEntry) = ()


class StaticTable(Frozen):
    """``[patient.static]``: offsets that are not muscle."""

    jaw_shift_mm: Vector = (0.0, 0.0, 0.0)
    jaw_cant_deg: Annotated[Number, bounded(-LIMITS["cant_deg"], LIMITS["cant_deg"], strict=False)] = 0.0
    corner_droop_mm: dict[Side, Annotated[NonNegative, bounded(0.0, LIMITS["droop_mm"], strict=False)]] = Field(
        default_factory=dict)


class PatientTable(Frozen):
    """``[patient]``: who is simulated, on which face."""

    name: str = "patient"
    sex: Literal["female", "male"] = "female"
    mesh: str = "builtin"
    vertices: Annotated[int, Field(ge=200)] | None = None
    strength: dict[str, Annotated[NonNegative, bounded(0.0, LIMITS["strength"], strict=False)]] = Field(
        default_factory=dict)
    tone: dict[str, Annotated[NonNegative, bounded(0.0, LIMITS["tone"], strict=False)]] = Field(default_factory=dict)
    static: StaticTable = StaticTable()


class InjectionEntry(Frozen):
    """``[[injection]]``: one BoNT-A shot (site, or landmark + offset, or point)."""

    site: str | None = None
    shift_mm: Vector | None = None
    landmark: str | None = None
    offset_mm: Vector | None = None
    point_mm: Vector | None = None
    target: str | None = None
    units: Units
    product: str = "onabotulinumtoxinA"
    dilution_ml_per_100u: Positive | None = None
    volume_ml: Volume | None = None
    depth: Literal["superficial", "deep"] | None = None
    day: TreatmentDay = 0.0

    @model_validator(mode="after")
    def _keys_that_go_together(self):
        _one_of(self, ("site", "landmark", "point_mm"), "site, landmark (+ offset_mm) or point_mm")
        if self.offset_mm is not None and self.landmark is None:
            raise ValueError("an offset_mm needs a landmark; add landmark = \"cheilion_right\"")
        if self.shift_mm is not None and self.site is None:
            raise ValueError("a shift_mm moves a named site; add site = \"dao_right\" (or give landmark + offset_mm)")
        if self.target is not None and self.site is not None:
            raise ValueError("a named site has its own target; give target only with landmark or point_mm")
        if self.volume_ml is not None and self.dilution_ml_per_100u is not None:
            raise ValueError("give dilution_ml_per_100u or volume_ml, not both")
        return self


class FillerEntry(Frozen):
    """``[[filler]]``: HA filler at a landmark (+ offset) or a point."""

    site: str | None = None
    point_mm: Vector | None = None
    offset_mm: Vector = (0.0, 0.0, 0.0)
    volume_ml: Volume
    product_class: str = "mid"
    day: TreatmentDay = 0.0
    depth_mm: NonNegative | None = None
    spread_mm: Positive | None = None
    hyaluronidase_day: Number | None = None

    @model_validator(mode="after")
    def _one_place(self):
        _one_of(self, ("site", "point_mm"), "a landmark as site = \"cheilion_right\" or point_mm = [x, y, z]")
        return self


class ExerciseEntry(Frozen):
    """``[[exercise]]``: muscle re-education."""

    muscles: Muscles
    start_day: TreatmentDay = 0.0
    stop_day: Number | None = None
    adherence: Number = 1.0
    max_gain: Number | None = None
    tau_days: Number | None = None
    detraining_tau_days: Number | None = None


class HabitEntry(Frozen):
    """``[[habit_correction]]``: a habit stopped, its extra tone relaxing."""

    muscles: Muscles
    start_day: TreatmentDay = 0.0
    tau_days: Positive | None = None
    initial_tone: NonNegative | None = None


class LiftEntry(Frozen):
    """``[[corner_lift]]``: corner-lift surgery."""

    side: Side
    lift_mm: Annotated[Number, bounded(0.0, LIMITS["lift_mm"])]
    day: TreatmentDay = 0.0


class FollowupTable(Frozen):
    """``[followup]``: the days and expressions reported."""

    days: Annotated[tuple[Day, ...], Field(min_length=1, max_length=400)] | None = None
    expressions: Annotated[tuple[str, ...], Field(min_length=1)] | None = None


class OutputsTable(Frozen):
    """``[outputs]``."""

    dir: str | None = None


class ScenarioFile(Frozen):
    """A whole scenario (or patient) file."""

    title: str | None = None
    description: str = ""
    allow_high_dose: Flag = False
    patient: PatientTable = PatientTable()
    history: HistoryTable = HistoryTable()
    injection: _entries(InjectionEntry) = ()
    filler: _entries(FillerEntry) = ()
    exercise: _entries(ExerciseEntry) = ()
    habit_correction: _entries(HabitEntry) = ()
    corner_lift: Annotated[tuple[LiftEntry, ...], Field(max_length=2)] = ()

    @model_validator(mode="after")
    def _one_lift_per_side(self):
        sides = [lift.side for lift in self.corner_lift]
        if len(set(sides)) != len(sides):
            raise ValueError("one corner_lift per side (a second lift on the same corner is not modelled)")
        return self
    followup: FollowupTable = FollowupTable()
    outputs: OutputsTable = OutputsTable()


def parse_file(data: Any, source: str) -> ScenarioFile:
    """``data`` (parsed TOML) as a ScenarioFile; a problem is one InputError line naming ``source`` and the key."""
    return validate(ScenarioFile, data, source, error=InputError, dotted=True)


def parse_history_table(data: Any, source: str) -> HistoryTable:
    """A ``[history]`` table alone (the history file of ``facesim assess``)."""
    return validate(HistoryTable, data, source, error=InputError, dotted=True)
