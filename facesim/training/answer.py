"""A trainee's answer: the cause type and a plan, from a file (TOML or JSON) or from prompts.

Answer file format (TOML; JSON with the same keys works too)::

    cause = "muscular"       # muscular | skeletal | habit | neurogenic | iatrogenic | tissue | none
    plan = "inject"          # inject | no injection | refer | orthodontic | filler | lift |
                             # habit correction | re-education | wait   (default: inject when
                             # there are [[injection]] entries, else required)
    product = "onabotulinumtoxinA"   # default product of the entries (optional)

    [[filler]]               # with plan = "filler" (optional; default: training.toml [treatment]):
    site = "cheilion_right"  #   as a scenario's [[filler]]: site + offset_mm, volume_ml, product_class
    offset_mm = [0.0, -5.0, 0.0]
    volume_ml = 0.8

    [[corner_lift]]          # with plan = "lift" (optional; default: the lower corner by the rest
    side = "right"           #   height difference): as a scenario's [[corner_lift]]
    lift_mm = 3.0

    [[injection]]            # as a scenario's [[injection]] (scenarios/README-example.toml):
    site = "dao_right"       #   site, or landmark + offset_mm, or point_mm; units; product;
    units = 2.5              #   dilution_ml_per_100u or volume_ml; depth; day
    # shift_mm = [-10.0, 0.0, 0.0]   # with site: move the needle from the named site,
    #                                # [lateral, superior, anterior] mm (-lateral = medial)
    # target = "dao_right"           # with landmark / point_mm: the muscle you aim at

The entries go through the scenario parser (``facesim.scenario.case.parse_scenario``),
so messages name the entry, the key and the fix. Doses above a site's maximum are
accepted here on purpose: the scoring turns them into a safety failure. Every path but
``refer`` and ``orthodontic`` is simulated (facesim.training.treatments).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from difflib import get_close_matches
from pathlib import Path

from facesim.datafiles import bundled, read_json, read_toml
from facesim.datafiles.base import Frozen
from facesim.datafiles.load import validate
from facesim.errors import FacesimError, InputError
from facesim.scenario.names import prefixed
from facesim.scenario.case import parse_scenario
from facesim.treatment.shot import Shot
from facesim.training.cases import cause_name


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
class Answer:
    """A trainee's answer: ``cause`` (in training_cases.CAUSES), ``plan`` (a path), the shots, and the
    answer's own filler (FillerInjection) or corner lift (CornerLift) entries, if it gave any."""

    cause: str
    plan: str
    shots: tuple[Shot, ...] = ()
    fillers: tuple = ()
    lifts: tuple = ()

    def describe(self) -> str:
        if self.plan != "inject":
            return self.plan
        return "; ".join(f"{s.site.describe()}: {s.units:g} {s.product}" for s in self.shots)

    def as_dict(self) -> dict:
        return {"cause": self.cause, "plan": self.plan, "injection": [shot_entry(s) for s in self.shots],
                "filler": [asdict(f) for f in self.fillers], "corner_lift": [asdict(c) for c in self.lifts]}


def shot_entry(s: Shot) -> dict:
    """The answer-file entry of a shot (for the session log)."""
    site = s.site
    out: dict = {}
    if site.name:
        out["site"] = site.name
    elif site.landmark:
        out["landmark"], out["offset_xyz_mm"] = site.landmark, list(site.offset_xyz_mm)
    else:
        out["point_mm"] = list(site.point_mm)
    if site.shift_mm is not None:
        out["shift_mm"] = list(site.shift_mm)
    if s.target:
        out["target"] = s.target
    out.update(units=s.units, product=s.product, day=s.day)
    return out


def parse_shots(entries: list, source: str, product: str | None = None) -> tuple[Shot, ...]:
    """Answer [[injection]] entries -> shots, through the scenario parser (doses above a maximum allowed)."""
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise InputError(f"{source}: injection: write each shot as an [[injection]] table")
    if product:
        entries = [{"product": product, **entry} for entry in entries]
    return parse_scenario({"injection": entries}, source, allow_high_dose=True).planned_injections


class AnswerFile(Frozen):
    """An answer file's shape: the cause, the plan and (for toxin) the shots as scenario [[injection]] tables."""

    cause: str
    plan: str | None = None
    product: str | None = None
    injection: tuple[dict, ...] = ()
    filler: tuple[dict, ...] = ()
    corner_lift: tuple[dict, ...] = ()
    note: str = ""


def parse_answer(data: dict, source: str = "answer") -> Answer:
    """Build an Answer from a parsed TOML/JSON table; errors name ``source``, the key and the fix."""
    f = validate(AnswerFile, data, source, error=InputError, dotted=True)
    cause = prefixed(f"{source}: cause", lambda: cause_name(f.cause))
    shots = parse_shots(list(f.injection), source, f.product)
    if f.plan is not None:
        plan = prefixed(f"{source}: plan", lambda: path_name(f.plan))
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
    for key, path in (("filler", "filler"), ("corner_lift", "lift")):
        if getattr(f, key) and plan != path:
            raise InputError(f"{source}: [[{key}]] entries go with plan = \"{path}\"; remove them or change the plan")
    extra = parse_scenario({"filler": list(f.filler), "corner_lift": list(f.corner_lift)}, source)
    return Answer(cause, plan, shots, extra.fillers, extra.corner_lifts)


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
