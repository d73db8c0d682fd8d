"""Score a trainee's answer against the reference conservative plan, with feedback in words.

Both plans are simulated the planner's way (facesim.planning.planner): every uncertainty
sample, on the follow-up window, paired (the same samples for both). The
trainee's shots are handed to :class:`~facesim.planning.planner.PlanningProblem` as
injections it already knows, so any site works (a named site, a landmark plus
offset, a point, a shifted named site), in any product. A filler, a lift, re-education
or a habit correction is simulated too (facesim.training.treatments); only a referral
and an orthodontic evaluation are taken on trust.

The score (0-100) adds weighted parts (facesim/data/training.toml ``[score]``):
diagnosis, path, balance at week 2, balance over the follow-up (both against the
reference's own), units against the reference, complications (over-correction, spread
into neighbour muscles). The decision gates then cap it (``[caps]``, facesim.training.gates):
the wrong side, an answer worse than untreated, a certain complication, toxin where the
cause is not a muscle's, an elevator where a depressor plan works, the wrong path, the
wrong cause. Safety overrides them all: a dose above a muscle's per-site maximum, or toxin
in a case with red flags (a referral), scores 0 with the reason.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import numpy as np

from facesim.datafiles import bundled
from facesim.datafiles.clinic import TrainingFile
from facesim.face.names import base_name
from facesim.tissue.model import FaceModel
from facesim.treatment.bont import site_dose
from facesim.planning.recommend import PlanResult, make_plan
from facesim.planning.judge import overcorrected
from facesim.planning.planner import PlannerSettings, PlanningProblem
from facesim.treatment.shot import Shot
from facesim.treatment.sites import muscle_territories
from facesim.simulation.timeline import ScenarioSimulation
from facesim.training.answer import Answer, parse_shots
from facesim.training.cases import TrainingCase, Truth, reveal_words
from facesim.training.gates import NOT_TOXIN, capped, caps
from facesim.training.treatments import NOT_SIMULATED, PathTreatment, path_treatment
from facesim.training import words
from facesim.assessment.triage import REFERRAL

SKILLS = ("diagnosis", "dosing", "placement", "safety")
TISSUE_LIFT_MM = 2.0  # ASSUMPTION: a droop from this size up is a lift's job; below it, filler support
#: Causes whose first path is not toxin: "no injection" (below the threshold) comes second (DESIGN.md gates).
NOT_MUSCLE_FIRST = tuple(NOT_TOXIN)


def _cfg() -> TrainingFile:
    return bundled.training()


@dataclass(frozen=True, eq=False)
class Outcome:
    """One plan simulated over the samples.

    total_u : float, ona-equivalent U
    p_target : float, share of samples below the noticeable threshold at week 2
    asym : (3,) tuple, mm, median, 10 % and 90 % of the asymmetry at week 2
    follow : float, share of (sample, day) pairs below the threshold over the window days
    course : dict day -> median asymmetry, mm
    p_over : float, share of samples over-corrected at week 2 (the planner's rule)
    side_effects : dict muscle id -> share of samples where it loses > side_effect_loss at week 2
    warnings : tuple[str, ...], the simulation's safety warnings for these shots
    sim : ScenarioSimulation with the shots as planned injections and the path's treatment (for pictures)
    treatment : PathTreatment, the non-toxin treatment simulated (empty for toxin or nothing)
    targets : tuple of (muscle id, ona-equivalent U), the muscle each shot aims at on this face
    """

    total_u: float
    p_target: float
    asym: tuple[float, float, float]
    follow: float
    course: dict
    p_over: float
    side_effects: dict
    warnings: tuple[str, ...]
    sim: ScenarioSimulation
    treatment: PathTreatment = PathTreatment()
    targets: tuple = ()


@dataclass
class Result:
    """A scored answer. ``parts`` and ``max_parts`` are points; ``skills`` 0-100 or None (not exercised).
    ``case`` is the real case name (shown after the answer), ``label`` the neutral one shown before."""

    case: str
    score: float
    verdict: str
    parts: dict[str, float]
    max_parts: dict[str, float]
    skills: dict[str, float | None]
    feedback: list[str]
    truth: Truth
    answer: Answer
    reference: Answer
    accepted_paths: tuple[str, ...]
    outcome: Outcome | None = None
    reference_outcome: Outcome | None = None
    safety_failures: list[str] = field(default_factory=list)
    label: str = ""

    def as_dict(self) -> dict:
        return {"case": self.case, "label": self.label, "score": self.score, "verdict": self.verdict,
                "parts": self.parts, "skills": self.skills, "feedback": self.feedback,
                "truth": dataclasses.asdict(self.truth), "answer": self.answer.as_dict(),
                "reference": self.reference.as_dict(), "accepted_paths": list(self.accepted_paths),
                "safety_failures": self.safety_failures}


class CaseEvaluator:
    """One case set up for scoring: the reference plan searched once, the untreated patient sampled once.

    ``rest_dev_mm``: the median rest corner height deviation on day 0 (mm, > 0: the left corner higher).
    """

    def __init__(self, model: FaceModel, case: TrainingCase, settings: PlannerSettings | None = None):
        self.model, self.case = model, case
        self.settings = s = settings or PlannerSettings.default()
        self.days = tuple(float(d) for d in s.window_days)
        self.peak = self.days.index(float(s.peak_day))
        self.refused = bool(case.scenario.history.red_flags)
        self.report: PlanResult | None = None
        self.territories = muscle_territories(model)
        self._treated: dict[str, PlanningProblem] = {}
        if not self.refused:  # one planning problem per case: the reference search and every answer's outcome
            self.problem = PlanningProblem(model, case.scenario, s)
            self.report = make_plan(model, case.scenario, s, problem=self.problem)
            self.base = self.problem.response(self.days)
            self.today = self.problem.response([0.0]).baseline
            self.rest_dev_mm = float(np.median(self.today["rest_dev"][:, 0]))
        self.reference, self.accepted = self._reference()
        self.reference_outcome = self.outcome(self.reference) if self._simulated(self.reference) else None

    # -- the reference -------------------------------------------------------------

    def _accepted(self) -> list[str]:
        """The case's paths, best first (DESIGN.md decision gates, then what the planner found)."""
        truth, rep = self.case.truth, self.report
        has_plan = rep is not None and rep.recommendation == "plan"
        accepted = {"skeletal_dental": ["orthodontic"], "habit": ["habit correction"],
                    "iatrogenic": (["inject"] if has_plan else []) + ["wait", "no injection", "inject"]
                    }.get(truth.cause, [])
        if truth.cause == "tissue":
            droop = max(self.case.scenario.patient.corner_droop_mm.values())
            accepted = ["lift", "filler"] if droop >= TISSUE_LIFT_MM else ["filler", "lift"]
        elif truth.cause == "muscular":
            accepted = ["inject"] if has_plan else []
            if truth.under_pulling and not truth.over_pulling:
                accepted.append("re-education")
        if rep is not None and rep.recommendation == "wait":  # the planner: it resolves by itself
            accepted.insert(0, "wait")
        if rep is not None and rep.recommendation == "no_injection":
            # nothing noticeable: no toxin; a habit, a droop or a jaw still gets its own path first (DESIGN.md)
            accepted.insert(1 if truth.cause in NOT_MUSCLE_FIRST else 0, "no injection")
            if truth.cause == "iatrogenic":
                accepted.insert(0, "wait")
        return list(dict.fromkeys(accepted or ["no injection"]))

    def _reference(self) -> tuple[Answer, tuple[str, ...]]:
        if self.refused:
            return Answer(self.case.truth.cause, "refer"), ("refer",)
        accepted = self._accepted()
        plan, shots = accepted[0], ()
        if plan == "inject":
            c = self.report.chosen
            shots = parse_shots([{"site": site, "units": u} for site, u in zip(c.sites, c.units)], "reference plan")
        return Answer(self.case.truth.cause, plan, shots), tuple(accepted)

    def _simulated(self, answer: Answer) -> bool:
        """Whether an answer's outcome is simulated rather than taken on trust (a referral or an orthodontic
        evaluation where it is the case's path)."""
        return not self.refused and not (answer.plan in NOT_SIMULATED and answer.plan in self.accepted)

    # -- shots on this face ----------------------------------------------------------

    def resolve(self, s: Shot) -> tuple[Shot, str]:
        """The shot and the muscle it aims at on this face."""
        return s, s.place(self.model).target(self.territories)

    def _problem_for(self, treatment: PathTreatment) -> PlanningProblem:
        """The planning problem with the path's non-toxin treatment (cached per treatment)."""
        if treatment.empty:
            return self.problem
        key = repr(treatment.fields)
        if key not in self._treated:
            # the same settings and seed: the same samples, so the answer stays paired with the reference
            self._treated[key] = PlanningProblem(self.model, dataclasses.replace(self.case.scenario, **treatment.fields),
                                                 self.settings)
        return self._treated[key]

    def outcome(self, answer: Answer) -> Outcome:
        """Simulate an answer (its shots, or its path's treatment) over the samples, paired with the reference."""
        s = self.settings
        targets = tuple((self.resolve(x)[1], x.units_ona) for x in answer.shots)
        treatment = path_treatment(self.case, answer, self.rest_dev_mm)
        problem = self._problem_for(treatment)
        r = problem.response(self.days, answer.shots)
        met = r.baseline
        asym = met["asym"]
        below = ~met["noticeable"]
        over = overcorrected(met, self.base.baseline, s.tolerance)
        extra = self.base.g0 - r.g0  # (K, T, M) force lost to the new shots
        watched = tuple(_cfg().feedback.complication)
        aimed = {m for m, _ in targets}
        side = {}
        for m, mid in enumerate(self.model.muscle_ids):
            if base_name(mid) in watched and mid not in aimed:
                p = float(np.mean(extra[:, self.peak, m] > s.side_effect_loss))
                if p > 0:
                    side[mid] = p
        sim = problem.sim
        if answer.shots:
            previous = tuple(i for i in self.case.scenario.injections if i.previous)
            sim = ScenarioSimulation(self.model, dataclasses.replace(
                problem.scenario, injections=previous + answer.shots, allow_high_dose=True))
        q10, med, q90 = np.quantile(asym[:, self.peak], [0.1, 0.5, 0.9])
        return Outcome(
            total_u=float(sum(u for _, u in targets)), p_target=float(below[:, self.peak].mean()),
            asym=(float(med), float(q10), float(q90)), follow=float(below.mean()),
            course={f"{d:g}": float(np.median(asym[:, t])) for t, d in enumerate(self.days)},
            p_over=float(over[:, self.peak].mean()), side_effects=side,
            warnings=tuple(w for w in sim.warnings
                           if w not in self.case.scenario.warnings and "allowed by allow_high_dose" not in w),
            sim=sim, treatment=treatment, targets=targets)

    def untreated_median(self) -> float:
        """The untreated patient's median asymmetry at week 2, mm."""
        return float(np.median(self.base.baseline["asym"][:, self.peak]))

    # -- scoring ------------------------------------------------------------------

    def _over_maximum(self, answer: Answer) -> list[str]:
        per_muscle: dict[str, float] = {}
        for s in answer.shots:
            _, muscle = self.resolve(s)
            per_muscle[muscle] = per_muscle.get(muscle, 0.0) + s.units_ona
        out = []
        for muscle, units in per_muscle.items():
            (_, hi), max_u = site_dose(muscle)
            if units > max_u + 1e-9:
                out.append(f"{units:g} U into {muscle} is above its {max_u:g} U per-site maximum (typical up to "
                           f"{hi:g} U): a dose like this is not given in one session")
        return out

    def score(self, answer: Answer) -> Result:
        """Score ``answer`` (0-100) with feedback in words and per-skill marks."""
        w = _cfg().score
        max_parts = {k: float(getattr(w, k)) for k in w.PARTS}
        diag = 1.0 if answer.cause == self.case.truth.cause else 0.0
        feedback = [words.diagnosis(self.case.truth, answer)]
        if self.refused:
            return self._score_refused(answer, max_parts, diag, feedback)
        path_ok = answer.plan in self.accepted
        feedback.append(words.path(self, answer, path_ok))
        out = None
        parts = {"diagnosis": diag, "path": float(path_ok)}
        if self._simulated(answer):
            out = self.outcome(answer)
            parts.update(self._outcome_parts(out))
            feedback += words.outcome(self, answer, out)
        else:
            parts.update(balance_peak=1.0, balance_followup=1.0, units=1.0, complications=1.0)
            feedback.append(f"'{answer.plan}' is not simulated here (facesim has no model of it); it is credited "
                            "as the right path for this case.")
        failures = self._over_maximum(answer)
        points = {k: round(parts[k] * max_parts[k], 2) for k in max_parts}
        skills = self._skills(answer, parts, out, failures)
        return self._result(answer, points, max_parts, skills, feedback, out, failures)

    def _outcome_parts(self, out: Outcome) -> dict[str, float]:
        """The simulated parts (0-1): balance against the reference's own, units, complications."""
        w, p, ref = _cfg().score, self.settings.probability, self.reference_outcome
        want_peak = min(p, ref.p_target) if ref is not None else p  # a reference that waits is not held to p
        want_follow = ref.follow if ref is not None else p
        worst = max([out.p_over, *out.side_effects.values()], default=0.0)
        excess = max(0.0, worst - w.allowed_probability)
        return {"balance_peak": min(1.0, out.p_target / max(want_peak, 0.05)),
                "balance_followup": min(1.0, out.follow / max(want_follow, 0.05)),
                "units": self._units_part(out.total_u),
                "complications": float(np.clip(1.0 - excess / w.complication_span, 0.0, 1.0))}

    def _result(self, answer: Answer, points: dict, max_parts: dict, skills: dict, feedback: list,
                out: Outcome | None, failures: list, total: float | None = None) -> Result:
        """Add the points (or take ``total``), apply the decision gates and the safety failures, tell which
        case it was."""
        total = round(sum(points.values()), 1) if total is None else total
        total, lines = capped(total, caps(self, answer, out))
        feedback = feedback + lines
        if failures:
            total = 0.0
            if not self.refused:
                feedback += [f"Safety: {f}. Score 0." for f in failures]
        feedback.append(reveal_words(self.case))
        return Result(self.case.name, total, self._verdict(total), points, max_parts, skills, feedback,
                      self.case.truth, answer, self.reference, self.accepted, out, self.reference_outcome,
                      failures, self.case.label)

    def _score_refused(self, answer: Answer, max_parts: dict, diag: float, feedback: list) -> Result:
        history = self.case.scenario.history
        flags = "; ".join(history.red_flags)
        referral = f"{REFERRAL}: {history.referral.line()}"
        failures: list[str] = []
        skills = {"diagnosis": 100.0 * diag, "dosing": None, "placement": None, "safety": 100.0}
        points, total = dict.fromkeys(max_parts, 0.0), None
        if answer.plan == "refer":
            points = {k: (max_parts[k] * diag if k == "diagnosis" else max_parts[k]) for k in max_parts}
            feedback.append(f"Right call: red flags in the history. {referral}")
        elif answer.plan == "inject":
            failures.append(f"toxin in a case with red flags ({flags})")
            skills["safety"] = 0.0
            feedback.append("Safety: you injected a patient with red flags in the history; they need a diagnosis, "
                            f"not toxin. Score 0. {referral}")
        else:
            total = float(_cfg().score.missed_referral)
            skills["safety"] = 0.0
            feedback.append(f"Missed referral: red flags in the history; '{answer.plan}' delays the diagnosis. "
                            f"{referral}")
        return self._result(answer, points, max_parts, skills, feedback, None, failures, total)

    def _units_part(self, total: float) -> float:
        w = _cfg().score
        ref = self.reference_outcome.total_u if self.reference_outcome is not None else 0.0
        if total <= ref + w.units_slack_u * (ref > 0) + 1e-9:
            return 1.0
        if ref <= 0:
            return 0.0
        return float(np.clip(1.0 - (total / ref - 1.0) / (w.units_zero_at - 1.0), 0.0, 1.0))

    def _skills(self, answer: Answer, parts: dict, out: Outcome | None, failures: list) -> dict:
        skills: dict[str, float | None] = {"diagnosis": 100.0 * parts["diagnosis"], "dosing": None,
                                           "placement": None, "safety": 0.0 if failures else 100.0}
        if out is None:
            return skills
        skills["safety"] = 0.0 if failures else round(100.0 * parts["complications"], 1)
        limit = self.settings.max_overcorrection_probability
        if answer.shots or self.reference.plan == "inject":
            over = 1.0 - min(1.0, out.p_over / max(limit, 1e-9)) if out.p_over > limit else 1.0
            skills["dosing"] = round(100.0 * float(np.mean([parts["units"], parts["balance_peak"], max(over, 0.0)])), 1)
        if answer.shots:
            aimed = set(self.case.truth.over_pulling)
            if self.reference_outcome is not None:
                aimed |= {m for m, _ in self.reference_outcome.targets}
            aim = sum(u for m, u in out.targets if m in aimed) / max(out.total_u, 1e-9)
            clean = 1.0 - max(out.side_effects.values(), default=0.0)
            skills["placement"] = round(100.0 * 0.5 * (aim + clean), 1)
        return skills

    @staticmethod
    def _verdict(total: float) -> str:
        f = _cfg().feedback
        if total >= f.excellent:
            return "excellent"
        if total >= f.good:
            return "good"
        if total >= f.fair:
            return "fair"
        return "needs work"


def evaluate(model: FaceModel, case: TrainingCase, answer: Answer, settings: PlannerSettings | None = None) -> Result:
    """Shorthand: ``CaseEvaluator(model, case, settings).score(answer)``."""
    return CaseEvaluator(model, case, settings).score(answer)
