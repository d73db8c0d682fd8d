"""The feedback of a scored answer in plain words: the diagnosis, the path, and what the simulation showed.

Every sentence here is written from the case and the simulated outcome, so it fits the
case it is said about (tests/clinical/test_training_scores.py triggers each one).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from facesim.datafiles import bundled
from facesim.face.names import split_sided
from facesim.metrics import PLAN_EXPRESSIONS
from facesim.training.cases import Truth, cause_words

if TYPE_CHECKING:
    from facesim.training.answer import Answer
    from facesim.training.score import CaseEvaluator, Outcome

#: What to do about an over-correction, by the answer's path (a filler within its per-site maximum does
#: not lift a corner past the other by the over-correction limit here).
OVERSHOOT = {
    "inject": " Too much toxin makes the other side stand out: start lower and touch up at the week-2 review.",
    "lift": " The lift is larger than the droop (and tight and swollen at first): plan a smaller lift.",
}


def diagnosis(t: Truth, answer: "Answer") -> str:
    """The cause named right or wrong, with the muscles that over- or under-pull."""
    who = []
    if t.over_pulling:
        who.append("over-pulling: " + ", ".join(t.over_pulling))
    if t.under_pulling:
        who.append("under-pulling: " + ", ".join(t.under_pulling))
    detail = f" ({'; '.join(who)})" if who else ""
    if answer.cause == t.cause:
        return f"Diagnosis: right, {cause_words(t.cause)}{detail}."
    return f"Diagnosis: you said {cause_words(answer.cause)}; it is {cause_words(t.cause)}{detail}."


def path(ev: "CaseEvaluator", answer: "Answer", ok: bool) -> str:
    """The path right or not, and the reference: its shots, or its path with what was simulated of it."""
    ref, ref_out, report = ev.reference, ev.reference_outcome, ev.report
    if ref.plan == "inject":
        ref_text = ("inject " + ", ".join(f"{s.site.name} {s.units:g} U" for s in ref.shots)
                    + " (the planner's conservative plan)")
    else:
        ref_text = f"{ref.plan}: {bundled.training().paths[ref.plan]}"
        if ref_out is not None and ref_out.treatment.words:
            ref_text += f" (simulated: {ref_out.treatment.words})"
    if report is not None and report.recommendation != "plan" and ref.plan != "no injection":
        ref_text += f"; the planner says: {report.reason}"
    head = "Plan: a right path" if ok else f"Plan: '{answer.plan}' is not the path for this case"
    return f"{head}. Reference: {ref_text}."


def outcome(ev: "CaseEvaluator", answer: "Answer", out: "Outcome") -> list[str]:
    """What the simulation showed for the answer: balance, units, over-correction, complications, safety."""
    s, f = ev.settings, bundled.training().feedback
    ref = ev.reference_outcome
    med, q10, q90 = out.asym
    lines = [f"Simulated: {out.treatment.words}."] if out.treatment.words else []
    lines.append(f"Balance at week 2: {med:.1f} mm [{q10:.1f}-{q90:.1f}], below the {s.threshold_mm:g} mm noticeable "
                 f"threshold in {out.p_target:.0%} of samples (untreated {ev.untreated_median():.1f} mm"
                 + (f"; reference {ref.asym[0]:.1f} mm, {ref.p_target:.0%})." if ref is not None else ")."))
    lines.append(f"Over days {ev.days[0]:g}-{ev.days[-1]:g}: below the threshold {out.follow:.0%} of the time"
                 + (f" (reference {ref.follow:.0%})." if ref is not None else "."))
    ref_u = ref.total_u if ref is not None else 0.0
    if answer.shots:
        lines.append(f"Units: {out.total_u:g} U against the reference {ref_u:g} U ({out.total_u / ref_u - 1:+.0%})."
                     if ref_u > 0 else f"Units: {out.total_u:g} U where the reference gives no toxin.")
    if out.p_over > f.report_probability:
        lines.append(f"Over-correction: in {out.p_over:.0%} of samples the other side becomes the stronger one by "
                     f"more than {limits(s)} at week 2." + OVERSHOOT.get(answer.plan, ""))
    for mid, p in sorted(out.side_effects.items(), key=lambda kv: -kv[1]):
        if p > f.report_probability:
            base, side = split_sided(mid)
            lines.append(f"Complication ({side} side, {p:.0%} of samples): {f.complication[base]} "
                         f"({mid} loses > {s.side_effect_loss:.0%} of its force at week 2).")
    lines += [f"Safety note: {wn}" for wn in out.warnings]
    if not answer.shots and out.treatment.empty:
        lines.append(untreated(ev, out, ref_u))
    return lines


def untreated(ev: "CaseEvaluator", out: "Outcome", ref_u: float) -> str:
    """What happens with nothing new: it stays, it fades as a previous injection wears off, or it is not
    noticeable."""
    last = ev.days[-1]
    still = float(np.mean(ev.base.baseline["noticeable"][:, -1]))
    today = float(np.mean(ev.today["noticeable"][:, 0]))
    tail = f"; the reference gives {ref_u:g} U" if ref_u > 0 else ""
    if still >= 0.5:
        return f"Without treatment the asymmetry stays: still noticeable on day {last:g} in {still:.0%} of samples{tail}."
    if ev.problem.sim.injections and today >= 0.5:
        return (f"Without new toxin the asymmetry fades as the previous injection wears off: noticeable today in "
                f"{today:.0%} of samples, on day {last:g} in {still:.0%}{tail}.")
    return (f"Untreated, the asymmetry is below the noticeable threshold in {out.follow:.0%} of samples and days "
            f"over days {ev.days[0]:g}-{last:g}{tail}.")


def limits(settings) -> str:
    """The over-correction limits in words ("2 mm at rest (smile 2 mm, frown 3 mm ...)")."""
    per = ", ".join(f"{name.replace('_', ' ')} {mm:g} mm"
                    for name, mm in zip(PLAN_EXPRESSIONS[1:], settings.tolerance.overcorrection_mm))
    return f"{settings.overcorrection_mm:g} mm at rest ({per})"
