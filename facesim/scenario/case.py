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
import math
from dataclasses import dataclass
from difflib import get_close_matches
from functools import cache
from pathlib import Path
from types import MappingProxyType

from facesim.anatomy.muscles import Anatomy
from facesim.anatomy.patient import SEXES, Patient
from facesim.treatment.corrections import CornerLift, HabitCorrection, ReEducation, SkeletalAsymmetry
from facesim.datafiles import bundled, read_toml
from facesim.errors import FacesimError, InputError
from facesim.face.names import SIDE_SIGN, SIDES, side_of
from facesim.treatment.filler import FillerInjection
from facesim.scenario.history import History, parse_history
from facesim.treatment.bont import DEPTHS, bont_params, injection_volume_ml, product, site_dose
from facesim.treatment.shot import Shot, SiteRef
from facesim.treatment.sites import check_site_name, named_sites

DEFAULT_DAYS = (0.0, 3.0, 7.0, 14.0, 28.0, 60.0, 90.0, 120.0, 180.0)
DEFAULT_EXPRESSIONS = ("rest", "smile")


# --------------------------------------------------------------------------- dataclasses


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
    def flags(self) -> list[str]:
        """Plain-words flags the clinician must see (red flags, skeletal cause)."""
        out = []
        if self.history.red_flags:
            out.append(
                f"neurogenic red flags in the history ({', '.join(self.history.red_flags)}): "
                "see a neurologist before any cosmetic treatment"
            )
        if self.patient.skeletal:
            out.append(
                "skeletal asymmetry (static offset of the jaw): toxin does not change it; "
                "it stays in every expression on every day"
            )
        return out


# --------------------------------------------------------------------------- helpers


@cache
def _muscle_ids() -> tuple[str, ...]:
    return Anatomy.default().muscle_ids


@cache
def _builtin_landmarks() -> tuple[str, ...]:
    from facesim.face.builtin import build_face

    return tuple(sorted(build_face(300).landmarks))


class _Reader:
    """Typed access to one TOML table with messages naming the file and the key."""

    def __init__(self, data, where: str, keys: tuple[str, ...]):
        if not isinstance(data, dict):
            raise InputError(f"{where}: expected a table; see scenarios/README-example.toml")
        self.data, self.where = data, where
        for key in data:
            if key not in keys:
                hint = get_close_matches(key, keys, n=1)
                fix = f"did you mean '{hint[0]}'?" if hint else f"use one of {', '.join(keys)}"
                raise InputError(f"{where}.{key}: unknown key; {fix}")

    def key(self, key: str) -> str:
        return f"{self.where}.{key}"

    def has(self, key: str) -> bool:
        return key in self.data

    def number(self, key: str, default=None, *, low=None, strict=False, required=False):
        if key not in self.data:
            if required:
                raise InputError(f"{self.where}: missing '{key}'; add {key} = <number>")
            return default
        value = self.data[key]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise InputError(f"{self.key(key)} = {value!r}; give a finite number")
        if low is not None and (value <= low if strict else value < low):
            raise InputError(f"{self.key(key)} = {value}; give a number {'>' if strict else '>='} {low}")
        return float(value)

    def text(self, key: str, default=None, choices=None, required=False):
        if key not in self.data:
            if required:
                raise InputError(f"{self.where}: missing '{key}'; add {key} = \"...\"")
            return default
        value = self.data[key]
        if not isinstance(value, str):
            raise InputError(f"{self.key(key)} = {value!r}; give a string in quotes")
        if choices is not None and value not in choices:
            hint = get_close_matches(value, choices, n=1)
            fix = f"did you mean '{hint[0]}'?" if hint else f"use one of {', '.join(choices)}"
            raise InputError(f"{self.key(key)} = {value!r} is unknown; {fix}")
        return value

    def flag(self, key: str, default=False) -> bool:
        value = self.data.get(key, default)
        if not isinstance(value, bool):
            raise InputError(f"{self.key(key)} = {value!r}; use true or false")
        return value

    def vector(self, key: str, default=None):
        if key not in self.data:
            return default
        value = self.data[key]
        if (not isinstance(value, list) or len(value) != 3
                or not all(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)
                           for v in value)):
            raise InputError(f"{self.key(key)} = {value!r}; give three numbers in mm, e.g. [0.0, -5.0, 0.0]")
        return tuple(float(v) for v in value)

    def muscles(self, key: str, required=True) -> tuple[str, ...]:
        value = self.data.get(key)
        if value is None:
            if required:
                raise InputError(f"{self.where}: missing '{key}'; add {key} = [\"dao_right\", ...]")
            return ()
        value = [value] if isinstance(value, str) else value
        if not isinstance(value, list) or not value:
            raise InputError(f"{self.key(key)} = {value!r}; give a list of muscle ids like [\"dao_right\"]")
        for m in value:
            check_muscle(m, self.key(key))
        return tuple(value)

    def table(self, key: str) -> dict:
        value = self.data.get(key, {})
        if not isinstance(value, dict):
            raise InputError(f"{self.key(key)}: expected a table [{key}]; see scenarios/README-example.toml")
        return value

    def tables(self, key: str) -> list:
        value = self.data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise InputError(f"{self.key(key)}: write each entry as a [[{key}]] table")
        return value


def check_muscle(name, where: str) -> str:
    """``name`` if it is a muscle id, else InputError suggesting the nearest id."""
    ids = _muscle_ids()
    if name not in ids:
        hint = get_close_matches(str(name), ids, n=1, cutoff=0.4)
        fix = f"did you mean '{hint[0]}'?" if hint else "use <muscle>_<side>, e.g. dao_right"
        raise InputError(f"{where}: unknown muscle '{name}'; {fix}")
    return name


def check_landmark(name, where: str) -> str:
    known = _builtin_landmarks()
    if name not in known:
        hint = get_close_matches(str(name), known, n=1, cutoff=0.4)
        fix = f"did you mean '{hint[0]}'?" if hint else f"use one of {', '.join(known)}"
        raise InputError(f"{where} = {name!r}: unknown landmark; {fix}")
    return name


def landmark_offset_xyz(landmark: str, offset) -> tuple[float, float, float]:
    """[lateral, superior, anterior] (mm) at a landmark -> (x, y, z) mm.

    Lateral points away from the midline on a sided landmark (``cheilion_right``:
    toward -x); on a midline landmark it points to the patient's left (+x).
    """
    lateral, superior, anterior = offset
    sign = SIDE_SIGN.get(side_of(landmark), 1.0)
    return (sign * lateral, superior, anterior)


def _wrap(where: str, build):
    """Call ``build()``; an InputError from a lower layer gets ``where`` in front."""
    try:
        return build()
    except InputError as exc:
        raise InputError(f"{where}: {exc}") from None


# --------------------------------------------------------------------------- sections


def _patient(data: dict, where: str) -> Patient:
    r = _Reader(data, where, ("name", "sex", "mesh", "vertices", "strength", "tone", "static"))
    vertices = r.number("vertices", low=200)
    multipliers = {}
    for kind in ("strength", "tone"):
        table = r.table(kind)
        for key, value in table.items():
            check_muscle(key, f"{where}.{kind}.{key}")
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not (
                    math.isfinite(value) and value >= 0):
                raise InputError(f"{where}.{kind}.{key} = {value!r}; use a multiplier >= 0 (1 = average)")
        multipliers[kind] = MappingProxyType({k: float(v) for k, v in table.items()})
    static = _Reader(r.table("static"), f"{where}.static", ("jaw_shift_mm", "jaw_cant_deg", "corner_droop_mm"))
    shift = static.vector("jaw_shift_mm", (0.0, 0.0, 0.0))
    droop_table = _Reader(static.table("corner_droop_mm"), f"{where}.static.corner_droop_mm", SIDES)
    droop = {side: droop_table.number(side, low=0.0) for side in SIDES if droop_table.has(side)}
    _wrap(static.key("jaw_shift_mm"), lambda: SkeletalAsymmetry(shift))
    return Patient(
        name=r.text("name", "patient"),
        sex=r.text("sex", "female", SEXES),
        mesh=_mesh(r, where),
        vertices=None if vertices is None else int(vertices),
        jaw_shift_mm=shift,
        jaw_cant_deg=static.number("jaw_cant_deg", 0.0),
        corner_droop_mm=MappingProxyType(droop),
        **multipliers,
    )


def _mesh(r: "_Reader", where: str) -> str:
    """``"builtin"`` or the path of a face file (relative paths from the scenario's folder)."""
    value = r.text("mesh", "builtin")
    if value == "builtin":
        return value
    source = Path(where.split(":")[0])
    path = Path(value) if Path(value).is_absolute() else (source.parent if source.suffix else Path()) / value
    from facesim.face.files import landmarks_path

    if not path.is_file() or not landmarks_path(path).is_file():
        raise InputError(f"{r.key('mesh')} = {value!r}: no face file there; give \"builtin\" or a mesh written by "
                         "`facesim mesh import` (with its .landmarks.json beside it)")
    return str(path)


def _site(r: _Reader) -> SiteRef:
    given = [k for k in ("site", "landmark", "point_mm") if r.has(k)]
    if len(given) != 1:
        raise InputError(f"{r.where}: give exactly one of site, landmark (+ offset_mm) or point_mm; got "
                         f"{', '.join(given) or 'none'}")
    if r.has("offset_mm") and not r.has("landmark"):
        raise InputError(f"{r.key('offset_mm')}: an offset needs a landmark; add landmark = \"cheilion_right\"")
    if r.has("shift_mm") and not r.has("site"):
        raise InputError(f"{r.key('shift_mm')}: a shift moves a named site; add site = \"dao_right\" "
                         "(or give landmark + offset_mm instead)")
    if r.has("site"):
        name = check_site_name(r.text("site"), r.key("site"))
        return SiteRef(name=name, shift_mm=r.vector("shift_mm"))
    if r.has("landmark"):
        landmark = check_landmark(r.text("landmark"), r.key("landmark"))
        return SiteRef(landmark=landmark,
                       offset_xyz_mm=landmark_offset_xyz(landmark, r.vector("offset_mm", (0.0, 0.0, 0.0))))
    return SiteRef(point_mm=r.vector("point_mm"))


def _product(r: _Reader) -> str:
    name = r.text("product", "onabotulinumtoxinA")
    return _wrap(r.key("product"), lambda: product(name)).name


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


def _injection(entry: dict, where: str, allow_high_dose: bool, warnings: list) -> Shot:
    r = _Reader(entry, where, ("site", "shift_mm", "landmark", "offset_mm", "point_mm", "target", "units", "product",
                               "dilution_ml_per_100u", "volume_ml", "depth", "day"))
    site = _site(r)
    target = r.text("target")
    if target is not None:
        if site.name is not None:
            raise InputError(f"{r.key('target')}: a named site has its own target; give target only with "
                             "landmark or point_mm")
        check_muscle(target, r.key("target"))
    units = r.number("units", required=True)
    if units <= 0:
        raise InputError(f"{r.key('units')} = {units:g}; give a dose > 0 units (remove the entry for no toxin)")
    day = r.number("day", 0.0)
    if day < 0:
        raise InputError(f"{r.key('day')} = {day:g}; treatments start on day 0 or later "
                         "(put earlier injections in [[history.previous_injection]])")
    prod = _product(r)
    if r.has("volume_ml") and r.has("dilution_ml_per_100u"):
        raise InputError(f"{where}: give dilution_ml_per_100u or volume_ml, not both")
    if r.has("volume_ml"):
        volume = r.number("volume_ml", low=0.0, strict=True)
    else:
        dilution = r.number("dilution_ml_per_100u", bont_params().reference_dilution_ml_per_100u,
                            low=0.0, strict=True)
        volume = float(injection_volume_ml(units, dilution))
    shot = Shot(site, units, prod, day, volume, r.text("depth", None, DEPTHS), where, target=target)
    if site.name is not None:
        target = named_sites()[site.name].muscle_id if site.name in named_sites() else site.name
        note = check_site_dose(shot, target, allow_high_dose)
        if note:
            warnings.append(note)
    return shot


def _filler(entry: dict, where: str) -> FillerInjection:
    r = _Reader(entry, where, ("site", "point_mm", "offset_mm", "volume_ml", "product_class", "day",
                               "depth_mm", "spread_mm", "hyaluronidase_day"))
    if r.has("site") == r.has("point_mm"):
        raise InputError(f"{where}: give a landmark as site = \"cheilion_right\" or a point_mm = [x, y, z]")
    if r.has("site"):
        site = check_landmark(r.text("site"), r.key("site"))
        offset = landmark_offset_xyz(site, r.vector("offset_mm", (0.0, 0.0, 0.0)))
    else:
        site, offset = r.vector("point_mm"), r.vector("offset_mm", (0.0, 0.0, 0.0))
    day = r.number("day", 0.0)
    if day < 0:
        raise InputError(f"{r.key('day')} = {day:g}; treatments start on day 0 or later")
    volume = r.number("volume_ml", required=True)
    if volume <= 0:
        raise InputError(f"{r.key('volume_ml')} = {volume:g}; give a volume > 0 mL")
    args = dict(site=site, volume_ml=volume, product_class=r.text("product_class", "mid"), day=day, offset_mm=offset,
                depth_mm=r.number("depth_mm", low=0.0), spread_mm=r.number("spread_mm", low=0.0, strict=True),
                hyaluronidase_day=r.number("hyaluronidase_day"))
    return _wrap(where, lambda: FillerInjection(**args))


def _exercise(entry: dict, where: str) -> ReEducation:
    r = _Reader(entry, where, ("muscles", "start_day", "stop_day", "adherence", "max_gain", "tau_days",
                               "detraining_tau_days"))
    start = r.number("start_day", 0.0)
    if start < 0:
        raise InputError(f"{r.key('start_day')} = {start:g}; treatments start on day 0 or later")
    args = {k: r.number(k) for k in ("max_gain", "tau_days", "detraining_tau_days") if r.has(k)}
    args.update(start_day=start, stop_day=r.number("stop_day"), adherence=r.number("adherence", 1.0))
    muscles = r.muscles("muscles")
    return _wrap(where, lambda: ReEducation(muscles, **args))


def _habit(entry: dict, where: str, patient: Patient) -> list[HabitCorrection]:
    r = _Reader(entry, where, ("muscles", "start_day", "tau_days", "initial_tone"))
    start = r.number("start_day", 0.0)
    if start < 0:
        raise InputError(f"{r.key('start_day')} = {start:g}; treatments start on day 0 or later")
    out = []
    for m in r.muscles("muscles"):
        initial = r.number("initial_tone", patient.tone.get(m, 1.0), low=0.0)
        if initial == 1.0:
            raise InputError(f"{r.key('muscles')}: {m} has tone 1 (average), so there is no habit tone to relax; "
                             f"give [patient.tone] {m} = <multiplier > 1> or initial_tone")
        extra = {"tau_days": r.number("tau_days", low=0.0, strict=True)} if r.has("tau_days") else {}
        out.append(_wrap(where, lambda m=m, initial=initial: HabitCorrection((m,), initial, start, **extra)))
    return out


def _lift(entry: dict, where: str) -> CornerLift:
    r = _Reader(entry, where, ("side", "lift_mm", "day"))
    day = r.number("day", 0.0)
    if day < 0:
        raise InputError(f"{r.key('day')} = {day:g}; treatments start on day 0 or later")
    side, lift = r.text("side", choices=SIDES, required=True), r.number("lift_mm", required=True, low=0.0, strict=True)
    return _wrap(where, lambda: CornerLift(side, lift, day))


def _followup(data: dict, where: str) -> tuple[tuple[float, ...], tuple[str, ...]]:
    r = _Reader(data, where, ("days", "expressions"))
    days = data.get("days", list(DEFAULT_DAYS))
    if (not isinstance(days, list) or not days
            or not all(isinstance(d, (int, float)) and not isinstance(d, bool) and math.isfinite(d) for d in days)):
        raise InputError(f"{r.key('days')} = {days!r}; give a list of day numbers, e.g. [0, 14, 90]")
    expressions = data.get("expressions", list(DEFAULT_EXPRESSIONS))
    known = tuple(bundled.expressions().expression)
    if not isinstance(expressions, list) or not expressions:
        raise InputError(f"{r.key('expressions')} = {expressions!r}; give a list such as [\"rest\", \"smile\"]")
    for e in expressions:
        if e not in known:
            hint = get_close_matches(str(e), known, n=1)
            fix = f"did you mean '{hint[0]}'?" if hint else f"use one of {', '.join(known)}"
            raise InputError(f"{r.key('expressions')}: unknown expression {e!r}; {fix}")
    if "rest" not in expressions:
        expressions = ["rest", *expressions]
    return tuple(sorted({float(d) for d in days})), tuple(dict.fromkeys(expressions))


# --------------------------------------------------------------------------- entry points

TOP_KEYS = ("title", "description", "allow_high_dose", "patient", "history", "injection", "filler", "exercise",
            "habit_correction", "corner_lift", "followup", "outputs")


def parse_scenario(data: dict, source: str = "scenario", allow_high_dose: bool = False) -> Scenario:
    """Build a Scenario from a parsed TOML table; ``source`` (the file) starts every message."""
    r = _Reader(data, source, TOP_KEYS)
    allow = allow_high_dose or r.flag("allow_high_dose")
    patient = _patient(r.table("patient"), f"{source}: patient")
    history = _wrap(source, lambda: parse_history(r.table("history")))
    warnings: list[str] = []
    shots = list(history.previous_injections)
    shots += [_injection(e, f"{source}: injection[{k}]", allow, warnings) for k, e in enumerate(r.tables("injection"))]
    fillers = tuple(_filler(e, f"{source}: filler[{k}]") for k, e in enumerate(r.tables("filler")))
    exercises = tuple(_exercise(e, f"{source}: exercise[{k}]") for k, e in enumerate(r.tables("exercise")))
    habits = tuple(h for k, e in enumerate(r.tables("habit_correction"))
                   for h in _habit(e, f"{source}: habit_correction[{k}]", patient))
    lifts = tuple(_lift(e, f"{source}: corner_lift[{k}]") for k, e in enumerate(r.tables("corner_lift")))
    days, expressions = _followup(r.table("followup"), f"{source}: followup")
    outputs = _Reader(r.table("outputs"), f"{source}: outputs", ("dir",))
    return Scenario(
        source=source,
        title=r.text("title", Path(source).stem),
        description=r.text("description", ""),
        patient=patient,
        history=history,
        injections=tuple(shots),
        fillers=fillers,
        exercises=exercises,
        habit_corrections=habits,
        corner_lifts=lifts,
        days=days,
        expressions=expressions,
        output_dir=outputs.text("dir"),
        allow_high_dose=allow,
        warnings=tuple(warnings),
    )


def read_scenario_file(path: Path | str) -> dict:
    """The parsed TOML table of a scenario file (not yet validated)."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such scenario file; give the path to a .toml file (see scenarios/)")
    try:
        return read_toml(path)
    except FacesimError as exc:
        raise InputError(str(exc)) from None


def load_scenario(path: Path | str, allow_high_dose: bool = False) -> Scenario:
    """Read and validate a scenario TOML file (see the module docstring)."""
    return parse_scenario(read_scenario_file(path), str(path), allow_high_dose)
