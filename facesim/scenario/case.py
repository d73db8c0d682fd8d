"""Scenario files: a patient, their history and a treatment plan on a day axis (TOML).

A scenario is parsed once, here, into frozen dataclasses; every problem raises
:class:`~facesim.errors.InputError` with one message that names the file, the
key and the fix. The fully commented reference is ``scenarios/README-example.toml``;
in short::

    title = "Over-toned right DAO"
    description = "..."
    allow_high_dose = false        # doses above the per-site maximum: refused unless true

    [patient]
    name = "..."
    sex = "female"                 # female | male (male: ED50 x sex_dose_factor)
    mesh = "builtin"
    vertices = 21000
    [patient.strength]             # multipliers by muscle id, 1 = average
    [patient.tone]
    [patient.static]
    jaw_shift_mm = [2.0, 0.0, 0.0] # skeletal: lower face displaced (+x = patient's left)
    jaw_cant_deg = 0.0             # skeletal: lower face rotated (+ = the patient's left side drops)
    corner_droop_mm = { right = 1.5 }   # a corner sitting lower from tissue laxity (not muscle)

    [history]                      # facesim.scenario.history.parse_history

    [[injection]]                  # BoNT-A
    site = "dao_right"             # or landmark + offset_mm, or point_mm = [x, y, z]
    units = 3.0                    # the product's own units
    product = "onabotulinumtoxinA"
    dilution_ml_per_100u = 2.5     # or volume_ml
    depth = "superficial"          # default: the named site's depth
    day = 0

    [[filler]]            # HA filler: site (landmark) or point_mm, offset_mm, volume_ml, product_class, day
    [[exercise]]          # re-education: muscles, start_day, stop_day, adherence
    [[habit_correction]]  # muscles, start_day (habit stops), tau_days, initial_tone (default: the patient's tone)
    [[corner_lift]]       # side, lift_mm, day

    [followup]
    days = [0, 3, 7, 14, 28, 60, 90, 120, 180]
    expressions = ["rest", "smile"]
    [outputs]
    dir = "facesim-out/case"       # where `facesim simulate --out` writes by default
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

from facesim.anatomy.patient import Patient
from facesim.datafiles import read_toml
from facesim.errors import InputError
from facesim.scenario import sections
from facesim.scenario.referral import REFERRAL, TreatmentStoryRefused, override_label
from facesim.scenario.history import History, history_from
from facesim.scenario.schema import parse_file
from facesim.scenario.sections import DEFAULT_DAYS, DEFAULT_EXPRESSIONS
from facesim.treatment.bont import site_dose
from facesim.treatment.corrections import CornerLift, HabitCorrection, ReEducation
from facesim.treatment.filler import FillerInjection
from facesim.treatment.shot import Shot
from facesim.treatment.sites import named_sites


@dataclass(frozen=True)
class Scenario:
    """A whole scenario file, parsed and validated.

    ``injections`` holds the history's previous injections first (``previous=True``),
    then the planned ones. ``warnings`` are plain-words notes for the user (e.g. a
    dose above the per-site maximum allowed by ``allow_high_dose``).
    """

    source: str
    title: str
    description: str
    patient: Patient
    history: History
    injections: tuple[Shot, ...] = ()
    fillers: tuple[FillerInjection, ...] = ()
    exercises: tuple[ReEducation, ...] = ()
    habit_corrections: tuple[HabitCorrection, ...] = ()
    corner_lifts: tuple[CornerLift, ...] = ()
    days: tuple[float, ...] = DEFAULT_DAYS
    expressions: tuple[str, ...] = DEFAULT_EXPRESSIONS
    output_dir: str | None = None
    allow_high_dose: bool = False
    warnings: tuple[str, ...] = ()
    clinician_override: bool = False  # a referred patient simulated anyway, every output labelled

    @classmethod
    def for_patient(cls, patient: Patient, history: History | None = None, title: str | None = None) -> "Scenario":
        """A scenario of ``patient`` with no treatment yet (the history's previous injections kept)."""
        history = history or History()
        return cls(source="in memory", title=title or patient.name, description="", patient=patient,
                   history=history, injections=tuple(history.previous_injections))

    def with_shots(self, shots) -> "Scenario":
        """The same case with its planned toxin shots replaced by ``shots`` (previous injections kept)."""
        planned = tuple(s if not s.previous else dataclasses.replace(s, previous=False) for s in shots)
        previous = tuple(s for s in self.injections if s.previous)
        return dataclasses.replace(self, injections=previous + planned)

    @property
    def planned_injections(self) -> tuple[Shot, ...]:
        return tuple(s for s in self.injections if not s.previous)

    @property
    def override_label(self) -> str:
        """The label of every output when a clinician overrides a referral ("" otherwise)."""
        referral = self.history.referral
        return override_label(referral) if self.clinician_override and referral is not None else ""

    def treatment_story(self, override: bool, what: str) -> "Scenario":
        """This scenario cleared for a treatment story (``what``: the command): a red flag refuses it unless
        ``override`` (a clinician who has seen the referral), which labels every output."""
        referral = self.history.referral
        if referral is None:
            return self
        if not override:
            raise TreatmentStoryRefused(
                f"{what} refused: {REFERRAL}: {referral.line()} A clinician who has seen the referral may run it "
                "with --clinician-override (every output is then labelled)")
        return dataclasses.replace(self, clinician_override=True)

    @property
    def flags(self) -> list[str]:
        """Plain-words flags the clinician must see (red flags with their urgency, skeletal cause)."""
        out = []
        referral = self.history.referral
        if referral is not None:
            out.append(f"{REFERRAL}: {referral.line()}")
        if self.override_label:
            out.append(self.override_label)
        if self.patient.skeletal:
            out.append(
                "skeletal asymmetry (static offset of the jaw): toxin does not change it; "
                "it stays in every expression on every day"
            )
        return out


def check_site_dose(shot: Shot, muscle_id: str, allow_high_dose: bool) -> str | None:
    """Refuse (or, if allowed, return a warning for) a dose above ``muscle_id``'s per-site maximum."""
    (_, hi), max_u = site_dose(muscle_id)
    if shot.units_ona <= max_u:
        return None
    what = (f"{shot.where}.units = {shot.units:g} {shot.product} ({shot.units_ona:g} U ona-equivalent) "
            f"is above the {max_u:g} U per-site maximum for {muscle_id} (typical up to {hi:g} U)")
    if not allow_high_dose:
        raise InputError(f"{what}; lower the dose, split it over sites or sessions, "
                         "or set allow_high_dose = true (or pass --allow-high-dose)")
    return f"{what}; allowed by allow_high_dose"


def parse_scenario(data: dict, source: str = "scenario", allow_high_dose: bool = False) -> Scenario:
    """Build a Scenario from a parsed TOML table; ``source`` (the file) starts every message."""
    f = parse_file(data, source)
    allow = allow_high_dose or f.allow_high_dose
    patient = sections.patient(f.patient, f"{source}: patient", source)
    history = history_from(f.history, f"{source}: history")
    warnings: list[str] = []
    shots = list(history.previous_injections)
    visits: dict[tuple[str, float], list[Shot]] = {}  # (target muscle, day) -> the shots of that visit
    for k, entry in enumerate(f.injection):
        shot = sections.shot(entry, f"{source}: injection[{k}]")
        if shot.site.name is not None:
            target = named_sites()[shot.site.name].muscle_id if shot.site.name in named_sites() else shot.site.name
            visits.setdefault((target, shot.day), []).append(shot)
        shots.append(shot)
    for (target, _), group in visits.items():  # the per-site maximum holds per site and visit, not per entry
        total = group[0] if len(group) == 1 else dataclasses.replace(
            group[0], units=sum(x.units_ona for x in group), product="onabotulinumtoxinA",
            where=f"{group[0].where} (+{len(group) - 1} more entries at that site that day)")
        note = check_site_dose(total, target, allow)
        if note:
            warnings.append(note)
    days, expressions = sections.followup(f.followup, f"{source}: followup")
    return Scenario(
        source=source,
        title=f.title if f.title is not None else Path(source).stem,
        description=f.description,
        patient=patient,
        history=history,
        injections=tuple(shots),
        fillers=tuple(sections.filler(e, f"{source}: filler[{k}]") for k, e in enumerate(f.filler)),
        exercises=tuple(sections.exercise(e, f"{source}: exercise[{k}]") for k, e in enumerate(f.exercise)),
        habit_corrections=tuple(h for k, e in enumerate(f.habit_correction)
                                for h in sections.habits(e, f"{source}: habit_correction[{k}]", patient)),
        corner_lifts=tuple(sections.lift(e, f"{source}: corner_lift[{k}]") for k, e in enumerate(f.corner_lift)),
        days=days,
        expressions=expressions,
        output_dir=f.outputs.dir,
        allow_high_dose=allow,
        warnings=tuple(warnings),
    )


def read_scenario_file(path: Path | str) -> dict:
    """The parsed TOML table of a scenario file (not yet validated)."""
    path = Path(path)
    try:
        exists = path.is_file()
    except OSError:  # a name longer than the system holds
        exists = False
    if not exists:
        raise InputError(f"{str(path)[:80]}: no such scenario file; give the path to a .toml file (see scenarios/)")
    return read_toml(path, InputError)


def load_scenario(path: Path | str, allow_high_dose: bool = False) -> Scenario:
    """Read and validate a scenario TOML file (see the module docstring)."""
    return parse_scenario(read_scenario_file(path), str(path), allow_high_dose)
