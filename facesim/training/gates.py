"""The decision gates of the training score: what caps an answer however well its corners end up.

Each gate is a cap (points of 100, facesim/data/training.toml ``[caps]``) with its reason in
words; the lowest cap that applies wins and the feedback names every one (:func:`capped`).
The gates follow DESIGN.md's decision-gates table and the seed material's central errors:
toxin on the healthy side, a dose that leaves the patient worse than untreated, a
complication most patients get, toxin where the cause is not a muscle's, a smile elevator
where a depressor plan works, the wrong path, the wrong cause.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from facesim.datafiles import bundled
from facesim.face.names import base_name, split_sided
from facesim.training.cases import cause_words

if TYPE_CHECKING:
    from facesim.training.answer import Answer
    from facesim.training.score import CaseEvaluator, Outcome

#: Causes that toxin does not treat, with the reason (DESIGN.md decision gates).
NOT_TOXIN = {
    "habit": "toxin for a habit buys time but does not change the habit: correct the habit first",
    "skeletal_dental": ("the corner is the result of the jaw, not of a muscle: injections are not the first step "
                        "(orthodontic / orthognathic evaluation)"),
    "tissue": ("a corner that droops at rest is tissue, not muscle: toxin does not lift it (filler for support, "
               "or a lift)"),
}


def capped(total: float, found: list[tuple[float, str]]) -> tuple[float, list[str]]:
    """``total`` under the lowest cap of ``found`` ((cap, reason) pairs), and one sentence per gate."""
    return min([total, *(cap for cap, _ in found)]), [f"At most {cap:g} points: {why}." for cap, why in found]


def caps(ev: "CaseEvaluator", answer: "Answer", out: "Outcome | None") -> list[tuple[float, str]]:
    """The (cap, reason) of every gate ``answer`` breaks on ``ev``'s case (``out``: its simulated outcome)."""
    c, truth = bundled.training().caps, ev.case.truth
    found = []
    if answer.cause != truth.cause:
        found.append((c.wrong_diagnosis, f"the cause is {cause_words(truth.cause)}, not "
                      f"{cause_words(answer.cause)}; the right plan for the wrong reason is luck, not a diagnosis"))
    if ev.refused:
        return found
    if answer.plan not in ev.accepted:
        found.append((c.wrong_path, f"'{answer.plan}' is not a path for this case (the paths: "
                      f"{', '.join(ev.accepted)})"))
    if answer.shots and truth.cause in NOT_TOXIN:
        found.append((c.toxin_not_indicated, NOT_TOXIN[truth.cause]))
    if out is not None:
        found += _outcome_gates(ev, answer, out)
    return found


def _outcome_gates(ev: "CaseEvaluator", answer: "Answer", out: "Outcome") -> list[tuple[float, str]]:
    """The gates judged on the simulated outcome: side, worse than untreated, certain harm, elevators."""
    c, truth = bundled.training().caps, ev.case.truth
    found = []
    strong = {split_sided(m)[1] for m in truth.over_pulling}
    if len(strong) == 1 and out.total_u > 0:
        (side,) = strong
        healthy = "left" if side == "right" else "right"
        units = sum(u for m, u in out.targets if split_sided(m)[1] == healthy)
        if units > 0.5 * out.total_u:
            found.append((c.wrong_side, f"{units:g} of your {out.total_u:g} U went to the healthy {healthy} side, "
                          f"while the {side} side over-pulls ({', '.join(truth.over_pulling)}): toxin relaxes the "
                          "stronger side"))
    untreated = ev.untreated_median()
    if out.asym[0] > untreated + c.worse_margin_mm:
        found.append((c.made_worse, f"at week 2 the asymmetry is {out.asym[0]:.1f} mm, worse than untreated "
                      f"({untreated:.1f} mm)"))
    harms = {"over-correction": out.p_over, **{f"a weaker {m}": p for m, p in out.side_effects.items()}}
    what, p = max(harms.items(), key=lambda kv: kv[1])
    if p >= c.certain_probability:
        found.append((c.certain_complication, f"{what} in {p:.0%} of samples is not a risk but the expected "
                      "outcome"))
    elevators = set(bundled.safety().effects.smile_elevators)
    hit = sorted({m for m, _ in out.targets if base_name(m) in elevators})
    ref = ev.reference_outcome
    if hit and ev.reference.plan == "inject" and ref is not None \
            and not any(base_name(m) in elevators for m, _ in ref.targets):
        found.append((c.elevator_first, f"you weakened a smile elevator ({', '.join(hit)}) where a depressor plan "
                      "works (the reference): elevators only when no depressor or lower-lip plan works, since "
                      "they cost a smaller smile on that side"))
    return found
