"""A trainee's non-toxin path as treatments the simulation knows, so it is simulated, not taken on trust.

``filler``, ``lift``, ``re-education`` and ``habit correction`` become the scenario
entries the timeline already simulates (facesim.treatment.filler, facesim.treatment.corrections):
the answer's own ``[[filler]]`` / ``[[corner_lift]]`` entries, or the defaults a clinic would
use (facesim/data/training.toml ``[treatment]``, the filler site of planner.toml ``[filler]``):

- filler: the default volume below the lower corner at rest;
- lift: the lower corner lifted by the rest height difference;
- re-education: daily exercise of the weak smile elevators (strength < 1);
- habit correction: the habit stops on day 0, so the tone it added on the habit side relaxes.

``refer`` and ``orthodontic`` are not simulated (:data:`NOT_SIMULATED`); ``no injection``
and ``wait`` are simulated as nothing new.
"""

from __future__ import annotations

from dataclasses import dataclass

from facesim.datafiles import bundled
from facesim.face.names import base_name, split_sided
from facesim.scenario.case import parse_scenario
from facesim.treatment.corrections import CornerLift, HabitCorrection, ReEducation
from facesim.training.answer import Answer
from facesim.training.cases import TrainingCase

#: Paths with no model here: credited when they are the case's path, never simulated.
NOT_SIMULATED = ("refer", "orthodontic")
FIELDS = ("fillers", "corner_lifts", "exercises", "habit_corrections")


@dataclass(frozen=True)
class PathTreatment:
    """An answer's non-toxin treatment on one case.

    fillers, corner_lifts, exercises, habit_corrections : tuples, Scenario entries (empty: nothing)
    words : str, what is simulated, in plain words ("" for a toxin or a do-nothing answer)
    """

    fillers: tuple = ()
    corner_lifts: tuple = ()
    exercises: tuple = ()
    habit_corrections: tuple = ()
    words: str = ""

    @property
    def fields(self) -> dict:
        """The Scenario fields to replace (dataclasses.replace keywords)."""
        return {k: getattr(self, k) for k in FIELDS}

    @property
    def empty(self) -> bool:
        """True when nothing is added to the patient."""
        return not any(self.fields.values())


def lower_side(rest_dev_mm: float) -> str:
    """The lower corner at rest from the rest height deviation (mm, > 0: the left corner higher)."""
    return "right" if rest_dev_mm > 0 else "left"


def path_treatment(case: TrainingCase, answer: Answer, rest_dev_mm: float) -> PathTreatment:
    """The treatment of ``answer``'s path on ``case``; ``rest_dev_mm``: the measured rest height deviation
    on day 0 (mm, > 0: the left corner higher)."""
    make = {"filler": _filler, "lift": _lift, "re-education": _exercise, "habit correction": _habit}.get(answer.plan)
    return make(case, answer, rest_dev_mm) if make else PathTreatment()


def _filler(case: TrainingCase, answer: Answer, rest_dev_mm: float) -> PathTreatment:
    if answer.fillers:
        where = "; ".join(f"{f.volume_ml:g} mL of {f.product_class}-density HA filler at "
                          f"{f.site if isinstance(f.site, str) else 'point ' + str(list(f.site))} on day {f.day:g}"
                          for f in answer.fillers)
        return PathTreatment(fillers=answer.fillers, words=f"{where} (your filler)")
    cfg, ml = bundled.planner().filler, bundled.training().treatment.filler_ml
    side = lower_side(rest_dev_mm)
    entry = {"site": cfg.landmark.format(side=side), "offset_mm": list(cfg.offset_mm), "volume_ml": ml,
             "product_class": cfg.product_class}
    fillers = parse_scenario({"filler": [entry]}, "default filler").fillers
    return PathTreatment(fillers=fillers, words=f"{ml:g} mL of {cfg.product_class}-density HA filler "
                         f"{-cfg.offset_mm[1]:g} mm below the {side} corner (the lower one at rest) on day 0")


def _lift(case: TrainingCase, answer: Answer, rest_dev_mm: float) -> PathTreatment:
    if answer.lifts:
        words = "; ".join(f"a {c.lift_mm:g} mm lift of the {c.side} corner on day {c.day:g}" for c in answer.lifts)
        return PathTreatment(corner_lifts=answer.lifts, words=f"{words} (your lift)")
    step = bundled.training().treatment.lift_step_mm
    mm = round(abs(rest_dev_mm) / step) * step
    if mm <= 0:
        return PathTreatment(words="no corner sits lower at rest, so there is nothing to lift")
    side = lower_side(rest_dev_mm)
    return PathTreatment(corner_lifts=(CornerLift(side, mm, 0.0),),
                         words=f"a {mm:g} mm lift of the {side} corner (its height difference at rest) on day 0; "
                               "it is tight and swollen at first and settles over about three months")


def _exercise(case: TrainingCase, answer: Answer, rest_dev_mm: float) -> PathTreatment:
    t = bundled.training().treatment
    elevators = set(bundled.safety().effects.smile_elevators)
    weak = tuple(sorted(m for m, v in case.scenario.patient.strength.items() if v < 1.0 and base_name(m) in elevators))
    if not weak:
        return PathTreatment(words="re-education strengthens a weak smile muscle, and none is weak here, so "
                                   "nothing changes")
    return PathTreatment(exercises=(ReEducation(weak, 0.0, float(t.exercise_days), t.exercise_adherence),),
                         words=f"daily exercise of {', '.join(weak)} from day 0 to day {t.exercise_days:g} "
                               f"at {t.exercise_adherence:.0%} adherence")


def _habit(case: TrainingCase, answer: Answer, rest_dev_mm: float) -> PathTreatment:
    h = case.scenario.history
    sides = {s for s in (h.chewing_side, h.jaw_propping) if s != "none"}
    toned = sorted((m, v) for m, v in case.scenario.patient.tone.items() if v > 1.0 and split_sided(m)[1] in sides)
    if not toned:
        return PathTreatment(words="there is no habit in the history to correct, so nothing changes")
    return PathTreatment(habit_corrections=tuple(HabitCorrection((m, ), v, 0.0) for m, v in toned),
                         words=f"the habit stops on day 0 (chewing on both sides, no jaw propping), so the extra "
                               f"tone of {', '.join(m for m, _ in toned)} relaxes over weeks")
