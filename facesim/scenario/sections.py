"""Scenario tables -> the engine's objects: a Patient, Shots, fillers, corrections, follow-up.

The tables come validated in shape by :mod:`facesim.scenario.schema`; here the names
are checked for meaning (facesim.scenario.names) and the objects built. ``where``
(``"case.toml: injection[0]"``) starts every message.
"""

from __future__ import annotations

from difflib import get_close_matches
from pathlib import Path

from facesim.anatomy.patient import Patient
from facesim.datafiles import bundled
from facesim.errors import InputError
from facesim.scenario import schema
from facesim.scenario.names import check_landmark, check_muscle, landmark_offset_xyz, prefixed
from facesim.treatment.bont import injection_volume_ml, product
from facesim.treatment.corrections import CornerLift, HabitCorrection, ReEducation, SkeletalAsymmetry
from facesim.treatment.filler import FillerInjection
from facesim.treatment.shot import Shot, SiteRef
from facesim.treatment.sites import check_site_name

DEFAULT_DAYS = (0.0, 3.0, 7.0, 14.0, 28.0, 60.0, 90.0, 120.0, 180.0)
DEFAULT_EXPRESSIONS = ("rest", "smile")


def patient(t: schema.PatientTable, where: str, source: str) -> Patient:
    """``[patient]`` -> Patient (``source``: the file, for a mesh path relative to it)."""
    for kind in ("strength", "tone"):
        for key in getattr(t, kind):
            check_muscle(key, f"{where}.{kind}.{key}")
    prefixed(f"{where}.static.jaw_shift_mm", lambda: SkeletalAsymmetry(t.static.jaw_shift_mm))
    return Patient(strength=t.strength, tone=t.tone, name=t.name, sex=t.sex, jaw_shift_mm=t.static.jaw_shift_mm,
                   jaw_cant_deg=t.static.jaw_cant_deg, corner_droop_mm=t.static.corner_droop_mm,
                   mesh=_mesh(t.mesh, f"{where}.mesh", source), vertices=t.vertices)


def _mesh(value: str, where: str, source: str) -> str:
    """``"builtin"`` or the path of a face file (relative paths from the scenario's folder)."""
    if value == "builtin":
        return value
    from facesim.face.files import landmarks_path

    src = Path(source)
    path = Path(value) if Path(value).is_absolute() else (src.parent if src.suffix else Path()) / value
    if not path.is_file() or not landmarks_path(path).is_file():
        raise InputError(f"{where} = {value!r}: no face file there; give \"builtin\" or a mesh written by "
                         "`facesim mesh import` (with its .landmarks.json beside it)")
    return str(path)


def _site(e: schema.InjectionEntry, where: str) -> SiteRef:
    if e.site is not None:
        return SiteRef(name=check_site_name(e.site, f"{where}.site"), shift_mm=e.shift_mm)
    if e.landmark is not None:
        landmark = check_landmark(e.landmark, f"{where}.landmark")
        return SiteRef(landmark=landmark, offset_xyz_mm=landmark_offset_xyz(landmark, e.offset_mm or (0.0, 0.0, 0.0)))
    return SiteRef(point_mm=e.point_mm)


def shot(e: schema.InjectionEntry, where: str) -> Shot:
    """``[[injection]]`` -> a planned Shot (the dose maximum is checked by the caller)."""
    site = _site(e, where)
    if e.target is not None:
        check_muscle(e.target, f"{where}.target")
    name = prefixed(f"{where}.product", lambda: product(e.product)).name
    volume = e.volume_ml if e.volume_ml is not None else float(injection_volume_ml(e.units, e.dilution_ml_per_100u, name))
    return Shot(site, float(e.units), name, float(e.day), float(volume), e.depth, where, target=e.target)


def previous_shot(e: schema.PreviousInjectionEntry, where: str) -> Shot:
    """``[[history.previous_injection]]`` -> a previous Shot."""
    name = prefixed(f"{where}.product", lambda: product(e.product)).name
    site = check_site_name(e.site, f"{where}.site")
    return Shot(SiteRef(name=site), float(e.units), name, float(e.day), where=where, previous=True)


def filler(e: schema.FillerEntry, where: str) -> FillerInjection:
    """``[[filler]]`` -> FillerInjection."""
    if e.site is not None:
        site, offset = check_landmark(e.site, f"{where}.site"), landmark_offset_xyz(e.site, e.offset_mm)
    else:
        site, offset = e.point_mm, e.offset_mm
    return prefixed(where, lambda: FillerInjection(site=site, volume_ml=e.volume_ml, product_class=e.product_class,
                                                   day=e.day, offset_mm=offset, depth_mm=e.depth_mm,
                                                   spread_mm=e.spread_mm, hyaluronidase_day=e.hyaluronidase_day))


def exercise(e: schema.ExerciseEntry, where: str) -> ReEducation:
    """``[[exercise]]`` -> ReEducation."""
    muscles = tuple(check_muscle(m, f"{where}.muscles") for m in e.muscles)
    extra = {k: getattr(e, k) for k in ("max_gain", "tau_days", "detraining_tau_days") if getattr(e, k) is not None}
    return prefixed(where, lambda: ReEducation(muscles, start_day=e.start_day, stop_day=e.stop_day,
                                               adherence=e.adherence, **extra))


def habits(e: schema.HabitEntry, where: str, p: Patient) -> list[HabitCorrection]:
    """``[[habit_correction]]`` -> one HabitCorrection per muscle (its initial tone: the patient's, or given)."""
    out = []
    for m in e.muscles:
        check_muscle(m, f"{where}.muscles")
        initial = e.initial_tone if e.initial_tone is not None else p.tone.get(m, 1.0)
        if initial == 1.0:
            raise InputError(f"{where}.muscles: {m} has tone 1 (average), so there is no habit tone to relax; "
                             f"give [patient.tone] {m} = <multiplier > 1> or initial_tone")
        extra = {"tau_days": e.tau_days} if e.tau_days is not None else {}
        out.append(prefixed(where, lambda m=m, initial=initial: HabitCorrection((m,), initial, e.start_day, **extra)))
    return out


def lift(e: schema.LiftEntry, where: str) -> CornerLift:
    """``[[corner_lift]]`` -> CornerLift."""
    return prefixed(where, lambda: CornerLift(e.side, e.lift_mm, e.day))


def followup(t: schema.FollowupTable, where: str) -> tuple[tuple[float, ...], tuple[str, ...]]:
    """``[followup]`` -> (sorted days, expressions with rest first)."""
    days = t.days if t.days is not None else DEFAULT_DAYS
    expressions = list(t.expressions if t.expressions is not None else DEFAULT_EXPRESSIONS)
    known = tuple(bundled.expressions().expression)
    for e in expressions:
        if e not in known:
            hint = get_close_matches(str(e), known, n=1)
            fix = f"did you mean '{hint[0]}'?" if hint else f"use one of {', '.join(known)}"
            raise InputError(f"{where}.expressions: unknown expression {e!r}; {fix}")
    if "rest" not in expressions:
        expressions = ["rest", *expressions]
    return tuple(sorted({float(d) for d in days})), tuple(dict.fromkeys(expressions))
