"""A trainee's answer: the cause type and a plan, from a file (TOML or JSON) or from prompts.

Answer file format (TOML; JSON with the same keys works too)::

    cause = "muscular"       # muscular | skeletal | habit | neurogenic | iatrogenic | tissue | none
    plan = "inject"          # inject | no injection | refer | orthodontic | filler | lift |
                             # habit correction | re-education | wait   (default: inject when
                             # there are [[injection]] entries, else required)
    product = "onabotulinumtoxinA"   # default product of the entries (optional)

    [[injection]]            # as a scenario's [[injection]] (scenarios/README-example.toml):
    site = "dao_right"       #   site, or landmark + offset_mm, or point_mm; units; product;
    units = 2.5              #   dilution_ml_per_100u or volume_ml; depth; day
    # shift_mm = [-10.0, 0.0, 0.0]   # with site: move the needle from the named site,
    #                                # [lateral, superior, anterior] mm (-lateral = medial)
    # target = "dao_right"           # with landmark / point_mm: the muscle you aim at

The entries go through the scenario parser (``facesim.scenario.case.parse_scenario``),
so messages name the entry, the key and the fix. Doses above a site's maximum are
accepted here on purpose: the scoring turns them into a safety failure.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from difflib import get_close_matches
from pathlib import Path

from facesim.datafiles import bundled, read_json, read_toml
from facesim.errors import FacesimError, InputError
from facesim.scenario.case import ToxinShot, check_muscle, parse_scenario
from facesim.training.cases import cause_name

ANSWER_KEYS = ("cause", "plan", "product", "injection", "note")
EXTRA_SHOT_KEYS = ("shift_mm", "target")


def paths() -> tuple[str, ...]:
    """Treatment paths an answer may name (facesim/data/training.toml [paths])."""
    return tuple(bundled.training().paths)


def path_name(text: str) -> str:
    """The canonical path for a trainee's word (``no-injection`` -> ``no injection``)."""
    word = " ".join(str(text).strip().lower().replace("-", " ").replace("_", " ").split())
    word = {"none": "no injection", "nothing": "no injection", "toxin": "inject", "botox": "inject",
            "referral": "refer", "neurology": "refer", "orthodontics": "orthodontic", "orthognathic": "orthodontic",
            "habit": "habit correction", "reeducation": "re-education", "re education": "re-education",
            "exercise": "re-education", "corner lift": "lift", "surgery": "lift"}.get(word, word)
    if word not in paths():
        hint = get_close_matches(word, paths(), n=1)
        fix = f"did you mean '{hint[0]}'?" if hint else f"use one of {', '.join(paths())}"
        raise InputError(f"plan {text!r} is unknown; {fix}")
    return word


@dataclass(frozen=True)
class AnswerShot:
    """One toxin shot of an answer.

    shot : ToxinShot, as parsed by the scenario parser
    shift_mm : (3,) tuple, [lateral, superior, anterior] mm from a named site, or None
    target : str or None, the muscle id aimed at (landmark / point shots)
    """

    shot: ToxinShot
    shift_mm: tuple[float, float, float] | None = None
    target: str | None = None

    def describe(self) -> str:
        where = self.shot.site.describe()
        if self.shift_mm is not None:
            where += f" shifted {list(self.shift_mm)} mm"
        return f"{where}: {self.shot.units:g} {self.shot.product}"


@dataclass(frozen=True)
class Answer:
    """A trainee's answer: ``cause`` (in training_cases.CAUSES), ``plan`` (a path) and the shots."""

    cause: str
    plan: str
    shots: tuple[AnswerShot, ...] = ()

    def describe(self) -> str:
        if self.plan != "inject":
            return self.plan
        return "; ".join(s.describe() for s in self.shots)

    def as_dict(self) -> dict:
        return {"cause": self.cause, "plan": self.plan, "injection": [shot_entry(s) for s in self.shots]}


def shot_entry(s: AnswerShot) -> dict:
    """The answer-file entry of a shot (for the session log)."""
    site = s.shot.site
    out: dict = {}
    if site.name:
        out["site"] = site.name
    elif site.landmark:
        out["landmark"], out["offset_xyz_mm"] = site.landmark, list(site.offset_xyz_mm)
    else:
        out["point_mm"] = list(site.point_mm)
    if s.shift_mm is not None:
        out["shift_mm"] = list(s.shift_mm)
    if s.target:
        out["target"] = s.target
    out.update(units=s.shot.units, product=s.shot.product, day=s.shot.day)
    return out


def _vector(value, where: str) -> tuple[float, float, float]:
    if (not isinstance(value, list) or len(value) != 3
            or not all(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) for v in value)):
        raise InputError(f"{where} = {value!r}; give three numbers in mm, e.g. [-10.0, 0.0, 0.0]")
    return tuple(float(v) for v in value)


def parse_shots(entries: list, source: str, product: str | None = None) -> tuple[AnswerShot, ...]:
    """Answer [[injection]] entries -> shots, through the scenario parser (doses above a maximum allowed)."""
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise InputError(f"{source}: injection: write each shot as an [[injection]] table")
    plain, extras = [], []
    for k, entry in enumerate(entries):
        entry = dict(entry)
        where = f"{source}: injection[{k}]"
        shift = _vector(entry.pop("shift_mm"), f"{where}.shift_mm") if "shift_mm" in entry else None
        target = entry.pop("target", None)
        if shift is not None and "site" not in entry:
            raise InputError(f"{where}.shift_mm: a shift moves a named site; add site = \"dao_right\" "
                             "(or give landmark + offset_mm instead)")
        if target is not None:
            if "site" in entry:
                raise InputError(f"{where}.target: a named site has its own target; give target only with "
                                 "landmark or point_mm")
            check_muscle(target, f"{where}.target")
        if product and "product" not in entry:
            entry["product"] = product
        plain.append(entry)
        extras.append((shift, target))
    scenario = parse_scenario({"injection": plain}, source, allow_high_dose=True)
    return tuple(AnswerShot(shot, shift, target) for shot, (shift, target) in zip(scenario.planned_injections, extras))


def parse_answer(data: dict, source: str = "answer") -> Answer:
    """Build an Answer from a parsed TOML/JSON table; errors name ``source``, the key and the fix."""
    if not isinstance(data, dict):
        raise InputError(f"{source}: expected a table with cause, plan and [[injection]] entries")
    for key in data:
        if key not in ANSWER_KEYS:
            hint = get_close_matches(key, ANSWER_KEYS, n=1)
            raise InputError(f"{source}.{key}: unknown key; "
                             + (f"did you mean '{hint[0]}'?" if hint else f"use one of {', '.join(ANSWER_KEYS)}"))
    if "cause" not in data:
        raise InputError(f"{source}: missing 'cause'; add cause = \"muscular\" (or skeletal, habit, neurogenic, ...)")
    try:
        cause = cause_name(data["cause"])
    except InputError as exc:
        raise InputError(f"{source}.cause: {exc}") from None
    entries = data.get("injection", [])
    product = data.get("product")
    if product is not None and not isinstance(product, str):
        raise InputError(f"{source}.product = {product!r}; give a product name in quotes")
    shots = parse_shots(entries, source, product)
    if "plan" in data:
        try:
            plan = path_name(data["plan"])
        except InputError as exc:
            raise InputError(f"{source}.plan: {exc}") from None
    elif shots:
        plan = "inject"
    else:
        raise InputError(f"{source}: missing 'plan'; add plan = \"inject\" with [[injection]] entries, "
                         "or plan = \"no injection\" / \"refer\" / \"orthodontic\" / ...")
    if plan == "inject" and not shots:
        raise InputError(f"{source}: plan = \"inject\" needs at least one [[injection]] entry")
    if plan != "inject" and shots:
        raise InputError(f"{source}: plan = {plan!r} takes no [[injection]] entries; remove them or use "
                         "plan = \"inject\"")
    return Answer(cause, plan, shots)


def load_answer(path: Path | str) -> Answer:
    """Read an answer file: ``.json`` as JSON, anything else as TOML."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such answer file; give a .toml or .json file (see facesim train --help)")
    if path.suffix.lower() == ".json":
        data = read_json(path)
    else:
        try:
            data = read_toml(path)
        except FacesimError as exc:
            raise InputError(str(exc)) from None
    return parse_answer(data, str(path))


def parse_site_text(text: str) -> dict:
    """A site typed at a prompt -> the keys of an [[injection]] entry.

    ``dao_right`` (a named site or muscle id); ``dao_right shift -10,0,0`` (moved from the site,
    [lateral, superior, anterior] mm); ``cheilion_right 4.3,-25,0`` (landmark + offset);
    ``point -31.3,-45,0`` (a point in mm).
    """
    parts = text.replace(",", " ").split()
    if not parts:
        raise InputError("empty site; type a named site such as dao_right")

    def numbers(values: list[str], what: str) -> list[float]:
        try:
            out = [float(v) for v in values]
        except ValueError:
            out = []
        if len(out) != 3:
            raise InputError(f"{what}: give three numbers in mm, e.g. {parts[0]} -10,0,0")
        return out

    if parts[0] == "point":
        return {"point_mm": numbers(parts[1:], "point")}
    if len(parts) == 1:
        return {"site": parts[0]}
    if parts[1] == "shift":
        return {"site": parts[0], "shift_mm": numbers(parts[2:], "shift")}
    return {"landmark": parts[0], "offset_mm": numbers(parts[1:], "offset")}
