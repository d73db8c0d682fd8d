"""Practice cases for training mode: the bundled scenarios and seeded generated patients.

A case is an untreated patient (a :class:`~facesim.scenario.case.Scenario` with its
planned treatments removed) with a hidden :class:`Truth`: the cause type and the
muscles that over- or under-pull. The trainee sees only what a clinic would:
the history in plain words, the corner measurements and (on request) pictures.

Generated cases come in five kinds (``KINDS``); the ranges are in
``facesim/data/training.toml`` ``[generate]``. The same name always gives the
same case: ``random-7`` draws its kind and patient from seed 7,
``muscular-7`` draws a muscular patient from seed 7.

What the trainee is shown is a neutral label (:attr:`TrainingCase.label`): ``case-3``
for the third bundled scenario, ``random-7``, ``practice-<n>`` for a generated case of a
chosen kind; every label works as a case name too. The real name (the scenario's file
stem, which tells the cause) comes back only in the feedback (:func:`reveal_words`).
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from difflib import get_close_matches
from pathlib import Path

import numpy as np

from facesim.assessment.triage import CAUSE_WORDS
from facesim.datafiles import bundled
from facesim.errors import InputError
from facesim.scenario.history import History
from facesim.scenario.case import Scenario, load_scenario, parse_scenario

SCENARIOS_DIR = Path(__file__).resolve().parents[1] / "data" / "scenarios"
KINDS = ("muscular", "skeletal", "habit", "neurogenic", "balanced")
#: Cause types a trainee may name (triage's four types, a previous injection, tissue droop, nothing).
CAUSES = ("muscular", "skeletal_dental", "habit", "neurogenic", "iatrogenic", "tissue", "none")
CAUSE_ALIASES = {
    "skeletal": "skeletal_dental", "dental": "skeletal_dental", "skeletal/dental": "skeletal_dental",
    "neurological": "neurogenic", "nerve": "neurogenic", "palsy": "neurogenic",
    "previous injection": "iatrogenic", "previous toxin": "iatrogenic",
    "droop": "tissue", "laxity": "tissue", "balanced": "none", "nothing": "none",
}


def cause_words(cause: str) -> str:
    """A cause type in words (triage's words, plus a tissue droop and nothing)."""
    return {**CAUSE_WORDS, "tissue": "tissue droop (not muscle)", "none": "none (already balanced)"}.get(cause, cause)


def cause_name(text: str) -> str:
    """The canonical cause type for a trainee's word (``skeletal`` -> ``skeletal_dental``)."""
    word = " ".join(str(text).strip().lower().replace("-", " ").replace("_", " ").split())
    word = CAUSE_ALIASES.get(word, word.replace(" ", "_"))
    if word not in CAUSES:
        hint = get_close_matches(word, CAUSES + tuple(CAUSE_ALIASES), n=1)
        fix = f"did you mean '{hint[0]}'?" if hint else f"use one of {', '.join(CAUSES)}"
        raise InputError(f"cause {text!r} is unknown; {fix}")
    return word


@dataclass(frozen=True)
class Truth:
    """What the trainee should find (hidden until the feedback).

    cause : str, in CAUSES
    over_pulling, under_pulling : tuple of muscle ids
    """

    cause: str
    over_pulling: tuple[str, ...] = ()
    under_pulling: tuple[str, ...] = ()


@dataclass(frozen=True)
class TrainingCase:
    """One practice case: an untreated patient and the hidden truth.

    name : str, ``b_overtoned_dao_rest`` or ``random-7`` / ``muscular-7`` (tells the cause: shown after the answer)
    kind : str, ``bundled`` or one of KINDS
    scenario : Scenario, the patient and history, no planned treatment
    truth : Truth
    seed : int or None (generated cases)
    label : str, the neutral name shown to the trainee (``case-3``, ``random-7``, ``practice-36``)
    """

    name: str
    kind: str
    scenario: Scenario
    truth: Truth
    seed: int | None = None
    label: str = ""


def truth_of(scenario: Scenario) -> Truth:
    """The cause of a scenario's patient, read from its spec (red flags first, as in triage)."""
    p, h = scenario.patient, scenario.history
    over = tuple(sorted({m for t in (p.strength, p.tone) for m, v in t.items() if v > 1.0}))
    under = tuple(sorted({m for m, v in p.strength.items() if v < 1.0}))
    if h.red_flags:
        cause = "neurogenic"
    elif p.skeletal:
        cause = "skeletal_dental"
    elif h.chewing_side != "none" or h.jaw_propping != "none":
        cause = "habit"
    elif h.previous_injections:
        cause = "iatrogenic"
        under = tuple(sorted({*under, *(i.site.name for i in h.previous_injections)}))
    elif any(p.corner_droop_mm.values()):
        cause = "tissue"
    elif over or under:
        cause = "muscular"
    else:
        cause = "none"
    return Truth(cause, over, under)


def untreated(scenario: Scenario) -> Scenario:
    """The scenario's patient before any planned treatment (history injections kept)."""
    return dataclasses.replace(scenario, injections=tuple(i for i in scenario.injections if i.previous),
                               fillers=(), exercises=(), habit_corrections=(), corner_lifts=(), warnings=())


def bundled_names() -> list[str]:
    """Names of the bundled scenario cases (scenarios/*.toml, without the reference example)."""
    return sorted(p.stem for p in SCENARIOS_DIR.glob("*.toml") if not p.stem.startswith("README"))


def bundled_case(name: str) -> TrainingCase:
    """A bundled scenario as a case; ``name`` is the file stem or its unique prefix (``b``, ``c1``)."""
    names = bundled_names()
    matches = [n for n in names if n == name] or [n for n in names if n.split("_")[0] == name]
    if len(matches) != 1:
        hint = get_close_matches(name, names, n=1, cutoff=0.4)
        fix = f"did you mean '{hint[0]}'?" if hint else f"use one of {', '.join(names)} or random-<seed>"
        raise InputError(f"--case {name!r}: no such case; {fix}")
    scenario = untreated(load_scenario(SCENARIOS_DIR / f"{matches[0]}.toml", allow_high_dose=True))
    label = f"case-{names.index(matches[0]) + 1}"
    return TrainingCase(matches[0], "bundled", scenario, truth_of(scenario), label=label)


def _uniform(rng: np.random.Generator, key: str) -> float:
    lo, hi = getattr(bundled.training().generate, key)
    return round(float(rng.uniform(lo, hi)), 2)


def _generated_data(kind: str, rng: np.random.Generator) -> dict:
    side = str(rng.choice(["left", "right"]))
    other = "left" if side == "right" else "right"
    patient: dict = {"name": "practice patient", "sex": str(rng.choice(["female", "male"], p=[0.7, 0.3])),
                     "strength": {}, "tone": {}}
    history: dict = {}
    if kind == "muscular":
        if rng.random() < 0.5:
            patient["tone"][f"dao_{side}"] = _uniform(rng, "dao_tone")
        else:
            patient["strength"][f"zygomaticus_major_{side}"] = _uniform(rng, "smile_strength")
            patient["strength"][f"risorius_{side}"] = _uniform(rng, "smile_strength")
    elif kind == "skeletal":
        sign = 1.0 if side == "left" else -1.0  # jaw shifted toward `side`, the other side dropping
        patient["static"] = {"jaw_shift_mm": [sign * _uniform(rng, "jaw_shift_mm"), 0.0, 0.0],
                             "jaw_cant_deg": -sign * _uniform(rng, "jaw_cant_deg")}
        history["dental_history"] = bool(rng.random() < 0.6)
    elif kind == "habit":
        tone = patient["tone"]
        tone[f"zygomaticus_major_{side}"] = _uniform(rng, "habit_zygomaticus_tone")
        tone[f"levator_anguli_oris_{side}"] = _uniform(rng, "habit_levator_tone")
        for m in ("buccinator", "risorius", "masseter"):
            tone[f"{m}_{side}"] = _uniform(rng, "habit_minor_tone")
        history["chewing_side"] = side
        if rng.random() < 0.3:
            history["jaw_propping"] = side
    elif kind == "neurogenic":
        weak = _uniform(rng, "neurogenic_strength")
        for m in bundled.safety().effects.smile_elevators:
            patient["strength"][f"{m}_{other}"] = weak
        history["sudden_onset"] = True
        for flag in ("eye_closure_difficulty", "other_weakness_or_numbness", "worsening"):
            if rng.random() < 0.5:
                history[flag] = True
    elif kind == "balanced":
        patient["tone"][f"dao_{side}"] = _uniform(rng, "balanced_dao_tone")
        patient["strength"][f"zygomaticus_major_{other}"] = _uniform(rng, "balanced_strength")
    else:
        raise InputError(f"case kind {kind!r} is unknown; use one of {', '.join(KINDS)}")
    return {"title": "practice case", "patient": patient, "history": history}


def generated_case(kind: str, seed: int) -> TrainingCase:
    """A seeded random but plausible patient of ``kind`` (in KINDS)."""
    if kind not in KINDS:
        raise InputError(f"case kind {kind!r} is unknown; use one of {', '.join(KINDS)}")
    rng = np.random.default_rng([int(seed), KINDS.index(kind)])
    name = f"{kind}-{seed}"
    scenario = parse_scenario(_generated_data(kind, rng), f"generated case {name}")
    truth = truth_of(scenario)
    if kind == "balanced":
        truth = Truth("none")
    label = f"practice-{int(seed) * len(KINDS) + KINDS.index(kind)}"
    return TrainingCase(name, kind, scenario, truth, int(seed), label)


def random_case(seed: int) -> TrainingCase:
    """A case of a kind drawn from ``seed``, named ``random-<seed>`` (the name does not tell the kind)."""
    kind = KINDS[int(np.random.default_rng(int(seed)).integers(len(KINDS)))]
    return dataclasses.replace(generated_case(kind, seed), name=f"random-{seed}", label=f"random-{seed}")


def find_case(name: str) -> TrainingCase:
    """A case by name: a neutral label (``case-3``, ``random-<seed>``, ``practice-<n>``), a bundled scenario
    (``b_overtoned_dao_rest``, ``b``) or ``<kind>-<seed>``."""
    m = re.fullmatch(r"([a-z]+)[- ]?(\d+)", name.strip().lower())
    if m and m.group(1) == "random":
        return random_case(int(m.group(2)))
    if m and m.group(1) == "practice":
        n = int(m.group(2))
        return generated_case(KINDS[n % len(KINDS)], n // len(KINDS))
    if m and m.group(1) == "case":
        names = bundled_names()
        if not 1 <= int(m.group(2)) <= len(names):
            raise InputError(f"--case {name!r}: no such case; the bundled cases are case-1 to case-{len(names)}")
        return bundled_case(names[int(m.group(2)) - 1])
    if m and m.group(1) in KINDS:
        return generated_case(m.group(1), int(m.group(2)))
    return bundled_case(name)


def case_labels() -> list[str]:
    """The neutral labels of the bundled cases (``case-1`` ...), in the order of :func:`bundled_names`."""
    return [f"case-{k + 1}" for k in range(len(bundled_names()))]


def reveal_words(case: TrainingCase) -> str:
    """After the answer: which case this was (its real name, and the title of a bundled scenario)."""
    if case.kind == "bundled":
        return f"This was {case.label}: the bundled scenario {case.name} ({case.scenario.title})."
    return f"This was {case.label}: a generated {case.kind} case ({case.kind}-{case.seed})."


def history_words(history: History) -> list[str]:
    """The history as a clinic would tell it, one line per answer (no diagnosis in it)."""
    out = []
    for flag in history.red_flags:
        out.append(f"reports: {flag}")
    if not history.red_flags:
        out.append("came on gradually; no other weakness or numbness; closes both eyes fully")
    if history.pain:
        out.append("reports pain")
    if history.chewing_side != "none":
        out.append(f"chews mostly on the {history.chewing_side} side")
    if history.jaw_propping != "none":
        out.append(f"props the jaw on the {history.jaw_propping} hand")
    if history.dental_history:
        out.append("has had orthodontic treatment, extractions or a change of bite")
    for inj in history.previous_injections:
        out.append(f"had {inj.units:g} units of {inj.product} {-inj.day:g} days ago "
                   f"(aimed near the {inj.site.name.replace('_', ' ')})")
    out.append("wants a natural balance" if history.goal == "natural_balance" else "wants a change of form")
    return out
