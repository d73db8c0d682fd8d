"""Score a trainee's answer against the reference conservative plan, with feedback in words.

Both plans are simulated the planner's way (facesim.planning.planner): every uncertainty
sample, on the follow-up window, paired (the same samples for both). The
trainee's shots are handed to :class:`~facesim.planning.planner.PlanningProblem` as
injections it already knows, so any site works (a named site, a landmark plus
offset, a point, a shifted named site), in any product.

The score (0-100) adds weighted parts (facesim/data/training.toml ``[score]``):
diagnosis, path, balance at week 2, balance over the follow-up, units against the
reference, complications (over-correction, spread into neighbour muscles). Safety
overrides them: a dose above a muscle's per-site maximum, or toxin in a case with
neurogenic red flags, scores 0 with the reason.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import numpy as np

from facesim.datafiles import bundled
from facesim.datafiles.clinic import TrainingFile
from facesim.face.names import base_name, split_sided
from facesim.tissue.model import FaceModel
from facesim.treatment.bont import site_dose
from facesim.planning.recommend import PlanResult, make_plan
from facesim.metrics import PLAN_EXPRESSIONS
from facesim.planning.planner import PlannerSettings, PlanningProblem, overcorrected
from facesim.scenario.case import Scenario
from facesim.treatment.shot import Shot
from facesim.treatment.sites import muscle_territories, named_sites
from facesim.simulation.timeline import ScenarioSimulation
from facesim.training.answer import Answer, parse_shots
from facesim.training.cases import TrainingCase, Truth
from facesim.assessment.triage import CAUSE_WORDS, REFERRAL

SKILLS = ("diagnosis", "dosing", "placement", "safety")
TISSUE_LIFT_MM = 2.0  # ASSUMPTION: a droop from this size up is a lift's job; below it, filler support


def _cfg() -> TrainingFile:
    return bundled.training()


def cause_words(cause: str) -> str:
    return {**CAUSE_WORDS, "tissue": "tissue droop (not muscle)", "none": "none (already balanced)"}.get(cause, cause)


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
    sim : ScenarioSimulation with the shots as planned injections (for pictures)
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


@dataclass
class Result:
    """A scored answer. ``parts`` and ``max_parts`` are points; ``skills`` 0-100 or None (not exercised)."""

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

    def as_dict(self) -> dict:
        return {"case": self.case, "score": self.score, "verdict": self.verdict, "parts": self.parts,
                "skills": self.skills, "feedback": self.feedback, "truth": dataclasses.asdict(self.truth),
                "answer": self.answer.as_dict(), "reference": self.reference.as_dict(),
                "accepted_paths": list(self.accepted_paths), "safety_failures": self.safety_failures}


class CaseEvaluator:
    """One case set up for scoring: the reference plan searched once, the untreated patient sampled once."""

    def __init__(self, model: FaceModel, case: TrainingCase, settings: PlannerSettings | None = None):
        self.model, self.case = model, case
        self.settings = s = settings or PlannerSettings.default()
        self.days = tuple(float(d) for d in s.window_days)
        self.peak = self.days.index(float(s.peak_day))
        self.refused = bool(case.scenario.history.red_flags)
        self.report: PlanResult | None = None
        self.territories = muscle_territories(model)
        if not self.refused:  # one planning problem per case: the reference search and every answer's outcome
            self.problem = PlanningProblem(model, case.scenario, s)
            self.report = make_plan(model, case.scenario, s, problem=self.problem)
            self.base = self.problem.response(self.days)
        self.reference, self.accepted = self._reference()
        self.reference_outcome = self.outcome(self.reference) if self._simulated(self.reference) else None

    # -- the reference -------------------------------------------------------------

    def _reference(self) -> tuple[Answer, tuple[str, ...]]:
        truth, rep = self.case.truth, self.report
        has_plan = rep is not None and rep.recommendation == "plan"
        if self.refused:
            return Answer(truth.cause, "refer"), ("refer",)
        accepted: list[str] = []
        if truth.cause == "skeletal_dental":
            accepted = ["orthodontic"]
        elif truth.cause == "habit":
            accepted = ["habit correction"]
        elif truth.cause == "tissue":
            droop = max(self.case.scenario.patient.corner_droop_mm.values())
            accepted = ["lift", "filler"] if droop >= TISSUE_LIFT_MM else ["filler", "lift"]
        elif truth.cause == "iatrogenic":
            accepted = (["inject"] if has_plan else []) + ["wait", "no injection"]
        elif truth.cause == "muscular":
            accepted = ["inject"] if has_plan else []
            if truth.under_pulling and not truth.over_pulling:
                accepted.append("re-education")
        if rep is not None and rep.recommendation == "wait":  # the planner: it resolves by itself
            accepted.insert(0, "wait")
        if rep is not None and rep.recommendation == "no_injection":
            # nothing noticeable: no toxin; a habit is still corrected first (DESIGN.md)
            accepted.insert(1 if truth.cause == "habit" else 0, "no injection")
            if truth.cause == "iatrogenic":
                accepted.insert(0, "wait")
        if not accepted:
            accepted = ["no injection"]
        accepted = list(dict.fromkeys(accepted))
        plan = accepted[0]
        shots = ()
        if plan == "inject":
            c = rep.chosen
            shots = parse_shots([{"site": site, "units": u} for site, u in zip(c.sites, c.units)], "reference plan")
        return Answer(truth.cause, plan, shots), tuple(accepted)

    def _simulated(self, answer: Answer) -> bool:
        """Whether an answer's outcome is simulated (toxin, or nothing) rather than taken on trust."""
        if self.refused:
            return False
        return answer.plan == "inject" or answer.plan not in self.accepted or answer.plan in ("no injection", "wait")

    # -- shots on this face ----------------------------------------------------------

    def resolve(self, s: Shot) -> tuple[Shot, str]:
        """The shot and the muscle it aims at on this face."""
        return s, s.place(self.model).target(self.territories)

    def outcome(self, answer: Answer) -> Outcome:
        """Simulate an answer's shots (none for a non-toxin answer) over the samples, paired with the reference."""
        s = self.settings
        resolved = [self.resolve(x) for x in answer.shots]
        shots = tuple(sh for sh, _ in resolved)
        targets = {m for _, m in resolved}
        scenario: Scenario = self.case.scenario
        previous = tuple(i for i in scenario.injections if i.previous)
        r = self.problem.response(self.days, shots)
        met = r.baseline
        asym = met["asym"]
        below = ~met["noticeable"]
        over = overcorrected(met, self.base.baseline, s.tolerance())
        extra = self.base.g0 - r.g0  # (K, T, M) force lost to the new shots
        limit = s.side_effect_loss
        watched = tuple(_cfg().feedback.complication)
        side = {}
        for m, mid in enumerate(self.model.muscle_ids):
            if base_name(mid) in watched and mid not in targets:
                p = float(np.mean(extra[:, self.peak, m] > limit))
                if p > 0:
                    side[mid] = p
        planned = dataclasses.replace(scenario, injections=previous + shots, allow_high_dose=True)
        sim = ScenarioSimulation(self.model, planned)
        q10, med, q90 = np.quantile(asym[:, self.peak], [0.1, 0.5, 0.9])
        return Outcome(
            total_u=float(sum(x.units_ona for x in shots)),
            p_target=float(below[:, self.peak].mean()),
            asym=(float(med), float(q10), float(q90)),
            follow=float(below.mean()),
            course={f"{d:g}": float(np.median(asym[:, t])) for t, d in enumerate(self.days)},
            p_over=float(over[:, self.peak].mean()),
            side_effects=side,
            warnings=tuple(w for w in sim.warnings if w not in scenario.warnings and "allowed by allow_high_dose" not in w),
            sim=sim,
        )

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
        truth = self.case.truth
        feedback = [self._diagnosis_words(answer)]
        diag = 1.0 if answer.cause == truth.cause else 0.0
        if self.refused:
            return self._score_refused(answer, max_parts, diag, feedback)
        path_ok = answer.plan in self.accepted
        feedback.append(self._path_words(answer, path_ok))
        out = ref = None
        parts = {"diagnosis": diag, "path": float(path_ok)}
        if self._simulated(answer):
            out = self.outcome(answer)
            ref = self.reference_outcome
            p = self.settings.probability
            parts["balance_peak"] = min(1.0, out.p_target / p)
            ref_follow = ref.follow if ref is not None else p
            parts["balance_followup"] = min(1.0, out.follow / max(ref_follow, 0.05))
            parts["units"] = self._units_part(out.total_u)
            worst = max([out.p_over, *out.side_effects.values()], default=0.0)
            excess = max(0.0, worst - w.allowed_probability)
            parts["complications"] = float(np.clip(1.0 - excess / w.complication_span, 0.0, 1.0))
            feedback += self._outcome_words(answer, out, ref)
        else:
            parts.update(balance_peak=1.0, balance_followup=1.0, units=1.0, complications=1.0)
            feedback.append("This path is not simulated here; it is credited as the right one for this case.")
        failures = self._over_maximum(answer)
        points = {k: round(parts[k] * max_parts[k], 2) for k in max_parts}
        total = round(sum(points.values()), 1)
        if failures:
            total = 0.0
            feedback += [f"Safety: {f}. Score 0." for f in failures]
        skills = self._skills(answer, parts, out, failures)
        return Result(self.case.name, total, self._verdict(total), points, max_parts, skills, feedback, truth, answer,
                      self.reference, self.accepted, out, self.reference_outcome, failures)

    def _score_refused(self, answer: Answer, max_parts: dict, diag: float, feedback: list) -> Result:
        flags = "; ".join(self.case.scenario.history.red_flags)
        referral = f"{REFERRAL} ({flags})."
        failures: list[str] = []
        skills = {"diagnosis": 100.0 * diag, "dosing": None, "placement": None, "safety": 100.0}
        if answer.plan == "refer":
            points = {k: (max_parts[k] * diag if k == "diagnosis" else max_parts[k]) for k in max_parts}
            total = round(sum(points.values()), 1)
            feedback.append(f"Right call: red flags in the history ({flags}). {referral}")
        elif answer.plan == "inject":
            points = dict.fromkeys(max_parts, 0.0)
            total = 0.0
            failures.append(f"toxin in a case with neurogenic red flags ({flags})")
            skills["safety"] = 0.0
            feedback.append(f"Safety: you injected a patient with neurogenic red flags ({flags}); a sudden weakness "
                            f"needs a diagnosis, not toxin. Score 0. {referral}")
        else:
            points = dict.fromkeys(max_parts, 0.0)
            total = float(_cfg().score.missed_referral)
            skills["safety"] = 0.0
            feedback.append(f"Missed referral: red flags in the history ({flags}); '{answer.plan}' delays the "
                            f"diagnosis. {referral}")
        return Result(self.case.name, total, self._verdict(total), points, max_parts, skills, feedback,
                      self.case.truth, answer, self.reference, self.accepted, safety_failures=failures)

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
        injects = bool(answer.shots) or self.reference.plan == "inject"
        if injects and out is not None:
            over = 1.0 - min(1.0, out.p_over / max(self.settings.max_overcorrection_probability, 1e-9)) \
                if out.p_over > self.settings.max_overcorrection_probability else 1.0
            skills["dosing"] = round(100.0 * float(np.mean([parts["units"], parts["balance_peak"], max(over, 0.0)])), 1)
        if answer.shots and out is not None:
            aimed = set(self.case.truth.over_pulling) | {named_sites()[s.site.name].muscle_id
                                                         if s.site.name in named_sites() else s.site.name
                                                         for s in self.reference.shots}
            units = [(self.resolve(s)[1], s.units_ona) for s in answer.shots]
            aim = sum(u for m, u in units if m in aimed) / max(sum(u for _, u in units), 1e-9)
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

    # -- words ----------------------------------------------------------------------

    def _diagnosis_words(self, answer: Answer) -> str:
        t = self.case.truth
        who = []
        if t.over_pulling:
            who.append("over-pulling: " + ", ".join(t.over_pulling))
        if t.under_pulling:
            who.append("under-pulling: " + ", ".join(t.under_pulling))
        detail = f" ({'; '.join(who)})" if who else ""
        if answer.cause == t.cause:
            return f"Diagnosis: right, {cause_words(t.cause)}{detail}."
        return f"Diagnosis: you said {cause_words(answer.cause)}; it is {cause_words(t.cause)}{detail}."

    def _path_words(self, answer: Answer, ok: bool) -> str:
        words = _cfg().paths
        ref = self.reference.plan
        if ref == "inject":
            ref_text = "inject " + ", ".join(f"{s.site.name} {s.units:g} U" for s in self.reference.shots)
            ref_text += " (the planner's conservative plan)"
        else:
            ref_text = f"{ref}: {words[ref]}"
        if self.report is not None and self.report.recommendation != "plan" and ref != "no injection":
            ref_text += f"; the planner says: {self.report.reason}"
        head = "Plan: a right path" if ok else f"Plan: '{answer.plan}' is not the path for this case"
        extra = ""
        if not ok and answer.plan == "inject" and self.case.truth.cause == "habit":
            extra = " Toxin buys time but does not change the habit: correct the habit first."
        if not ok and answer.plan == "inject" and self.case.truth.cause == "skeletal_dental":
            extra = " The corner is the result of the jaw, not of a muscle: injections are not the first step."
        return f"{head}. Reference: {ref_text}.{extra}"

    def _outcome_words(self, answer: Answer, out: Outcome, ref: Outcome | None) -> list[str]:
        s, f = self.settings, _cfg().feedback
        med, q10, q90 = out.asym
        untreated = float(np.median(self.base.baseline["asym"][:, self.peak]))
        lines = [f"Balance at week 2: {med:.1f} mm [{q10:.1f}-{q90:.1f}], below the {s.threshold_mm:g} mm noticeable "
                 f"threshold in {out.p_target:.0%} of samples (untreated {untreated:.1f} mm"
                 + (f"; reference {ref.asym[0]:.1f} mm, {ref.p_target:.0%})." if ref is not None else ").")]
        first, last = self.days[0], self.days[-1]
        lines.append(f"Over days {first:g}-{last:g}: below the threshold {out.follow:.0%} of the time"
                     + (f" (reference {ref.follow:.0%})." if ref is not None else "."))
        ref_u = ref.total_u if ref is not None else 0.0
        if answer.shots:
            if ref_u > 0:
                lines.append(f"Units: {out.total_u:g} U against the reference {ref_u:g} U "
                             f"({out.total_u / ref_u - 1:+.0%}).")
            else:
                lines.append(f"Units: {out.total_u:g} U where the reference gives no toxin.")
        if out.p_over > f.report_probability:
            lines.append(f"Over-correction: in {out.p_over:.0%} of samples the other side becomes the stronger one "
                         f"by more than {_limits(s)} at week 2. Too much toxin makes the other side "
                         "stand out: start lower and touch up at the week-2 review.")
        words = f.complication
        for mid, p in sorted(out.side_effects.items(), key=lambda kv: -kv[1]):
            if p > f.report_probability:
                base, side = split_sided(mid)
                lines.append(f"Complication ({side} side, {p:.0%} of samples): {words[base]} "
                             f"({mid} loses > {s.side_effect_loss:.0%} of its force at week 2).")
        lines += [f"Safety note: {wn}" for wn in out.warnings]
        if not answer.shots and ref_u > 0:
            lines.append(f"Without toxin the asymmetry stays; the reference gives {ref_u:g} U.")
        return lines


def evaluate(model: FaceModel, case: TrainingCase, answer: Answer, settings: PlannerSettings | None = None) -> Result:
    """Shorthand: ``CaseEvaluator(model, case, settings).score(answer)``."""
    return CaseEvaluator(model, case, settings).score(answer)


def _limits(settings) -> str:
    """The over-correction limits in words ("2 mm (smile 2 mm, frown 3 mm ...)")."""
    per = ", ".join(f"{name.replace('_', ' ')} {mm:g} mm"
                    for name, mm in zip(PLAN_EXPRESSIONS[1:], settings.tolerance().overcorrection_mm))
    return f"{settings.overcorrection_mm:g} mm at rest ({per})"
