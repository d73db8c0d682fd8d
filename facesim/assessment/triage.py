"""Triage: which kind of cause explains the asymmetry, with reasons in plain words.

Five cause types from the clinic material (DESIGN.md): muscular, skeletal/dental,
habit, neurogenic and static tissue droop; plus "iatrogenic" when a previous toxin
injection may still act. Each gets a score from the measurements and the history
answers (thresholds and evidence weights: facesim/data/triage.toml); the weights
are the scores normalised to sum to 1. Where the photos cannot separate two causes
(a corner low at rest and nothing else: DAO tone or tissue droop) both are named
with the examination that separates them. Any red flag means a referral with its
urgency (facesim.scenario.referral) and no treatment story.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from facesim.treatment.bont import bont_params, ed50_u, to_ona_units
from facesim.treatment.time_course import duration_days, effective_dose, force_loss
from facesim.assessment.measures import Measurements
from facesim.datafiles import bundled
from facesim.errors import InputError, SafetyRefusal
from facesim.scenario.history import History
from facesim.scenario.referral import REFERRAL, Referral, flag_words, referral_for
from facesim.treatment.shot import Shot

CAUSES = ("muscular", "skeletal_dental", "habit", "neurogenic", "static_droop", "iatrogenic")
CAUSE_WORDS = {
    "muscular": "muscular",
    "skeletal_dental": "skeletal/dental",
    "habit": "habit",
    "neurogenic": "neurogenic",
    "static_droop": "static tissue droop",
    "iatrogenic": "iatrogenic (previous toxin)",
}
DROOP_EXAMINATION = (
    "The photos cannot separate an over-toned DAO from tissue droop: both lower the corner at rest and "
    "change little in the smile. Examine: feel the DAO at the jaw line while the patient relaxes and then "
    "pulls the corners down, and lift the low corner with a fingertip. A DAO that is firm at rest and a "
    "corner pulled back down point to the muscle (toxin); a soft DAO and a corner that stays where it is "
    "lifted point to tissue droop (filler or a lift, not toxin).")
SKELETAL_ADVICE = ("Injections are not the first step: the corner is the result of a jaw or bite shift; "
                   "refer for an orthodontic / orthognathic evaluation first.")
HABIT_ADVICE = "Correct the habit first; BoNT-A can buy time but does not change the habit."


class PlanningRefused(SafetyRefusal):
    """Planning was asked for a patient whose triage says: refer first."""


@dataclass(frozen=True)
class Cause:
    """One candidate cause: ``kind`` (in CAUSES), its ``weight`` (0-1) and the reasons."""

    kind: str
    weight: float
    reasons: tuple[str, ...]

    @property
    def words(self) -> str:
        return CAUSE_WORDS[self.kind]


@dataclass(frozen=True)
class WearOff:
    """A previous injection that may still act, and when it wears off."""

    injection: Shot
    days_ago: float
    force_lost_now: float  # fraction of that muscle's force lost today
    wears_off_day: float  # relative to day 0 (today); inf if not within a year


@dataclass(frozen=True)
class Triage:
    """The triage result.

    Attributes
    ----------
    causes : tuple[Cause, ...], by weight (largest first); empty when nothing stands out
    referral : str or None, the referral line when a red flag means: refer before anything cosmetic
    advice : tuple[str, ...], plain-words next steps
    wear_off : tuple[WearOff, ...]
    urgency : Referral or None, the red flags' tier (emergency, within days, medical review)
    droop_unexamined : bool, the corner is low at rest with nothing else: DAO tone or tissue droop
    """

    causes: tuple[Cause, ...]
    referral: str | None
    advice: tuple[str, ...]
    wear_off: tuple[WearOff, ...] = ()
    urgency: Referral | None = None
    droop_unexamined: bool = False

    @property
    def allows_planning(self) -> bool:
        """False when the patient must be referred first (no dose plan for them)."""
        return self.referral is None

    @property
    def primary(self) -> str | None:
        return self.causes[0].kind if self.causes else None

    @property
    def labels(self) -> tuple[str, ...]:
        """Cause kinds named for this patient (weight >= labels.min_weight, or the primary one)."""
        low = bundled.triage().labels.min_weight
        return tuple(c.kind for k, c in enumerate(self.causes) if k == 0 or c.weight >= low)

    def weight(self, kind: str) -> float:
        return next((c.weight for c in self.causes if c.kind == kind), 0.0)

    def require_planning_allowed(self) -> None:
        """Raise PlanningRefused when the patient must be referred first."""
        if not self.allows_planning:
            raise PlanningRefused(f"planning refused: {self.referral}")


def _higher(dev: float) -> tuple[str, str]:
    return ("left", "right") if dev > 0 else ("right", "left")


def _wear_off(inj: Shot, sex: str) -> WearOff | None:
    cfg = bundled.triage().iatrogenic
    days_ago = -inj.day
    if days_ago < 0 or days_ago >= cfg.window_days:
        return None
    units = float(to_ona_units(inj.units, inj.product))
    try:
        ed50 = ed50_u(inj.site.name, sex)
    except InputError:  # a named site without its own ED50: use the median perioral muscle
        ed50 = float(np.median(list(bundled.products().bont.ed50_u.values())))
    t = np.arange(0.0, 730.0, 1.0)
    p = bont_params()
    loss = force_loss(effective_dose(units, t, inj.product), ed50, p.emax, p.hill_n)
    now = float(force_loss(effective_dose(units, np.array([days_ago]), inj.product), ed50, p.emax, p.hill_n)[0])
    duration = duration_days(t, loss)
    return WearOff(inj, days_ago, now, float(inj.day + duration))


def _neurogenic(m: Measurements, history: History, cfg) -> tuple[float, list[str], list[str]]:
    """History red flags, and a smile with one side barely moving: (score, reasons, red-flag keys)."""
    n, c = cfg.neurogenic, m.corner
    keys = list(history.red_flag_keys)
    score, reasons = n.red_flag_score * len(keys), [f"history: {w} (a red flag)" for w in flag_words(keys)]
    # The palsy sources (MEEI) measure the commissure excursion's change (Emotrics' CE, smile minus rest);
    # files without the 68 points fall back on facesim's corner travel.
    change = m.excursion_change()
    exc = np.array(change if change is not None else (float(c.excursion_left), float(c.excursion_right)))
    what = "commissure excursion change" if change is not None else "corner travel"
    if exc.max() >= n.paralysis_min_excursion_mm and exc.min() < n.paralysis_excursion_ratio * exc.max():
        weak = "left" if exc[0] < exc[1] else "right"
        score += n.paralysis_score
        reasons.append(f"in the smile the {weak} corner barely moves ({what} {exc.min():.1f} mm against "
                       f"{exc.max():.1f} mm): a pattern of facial nerve weakness")
        keys.append("palsy_pattern")
    return score, reasons, keys


def _skeletal(m: Measurements, history: History, cfg) -> tuple[float, list[str], bool]:
    """The chin off the midline, a tilted jaw, rest asymmetry that follows it: (score, reasons, signs seen)."""
    s, c = cfg.skeletal, m.corner
    score, reasons, signs = 0.0, [], False
    if m.chin_deviation_mm is not None and abs(m.chin_deviation_mm) >= s.chin_deviation_mm:
        signs = True
        side = "left" if m.chin_deviation_mm > 0 else "right"
        score += abs(m.chin_deviation_mm) / s.chin_deviation_mm
        reasons.append(f"the chin (menton) sits {abs(m.chin_deviation_mm):.1f} mm to the patient's {side} of the "
                       "facial midline")
    if m.jaw_cant_deg is not None and abs(m.jaw_cant_deg) >= s.jaw_cant_deg:
        signs = True
        low = "right" if m.jaw_cant_deg > 0 else "left"
        score += abs(m.jaw_cant_deg) / s.jaw_cant_deg
        reasons.append(f"the jaw line is tilted {abs(m.jaw_cant_deg):.1f} degrees ({low} side lower)")
    rest_dev = float(c.rest_height_deviation)
    explained = m.jaw_explained_rest_mm if signs else 0.0
    if signs and abs(rest_dev) >= cfg.muscular.physiological_mm and explained * rest_dev > 0 \
            and abs(explained) >= s.follows_jaw_fraction * abs(rest_dev):
        score += s.follows_jaw_score
        reasons.append(f"the corner height difference at rest ({abs(rest_dev):.1f} mm) follows the jaw tilt "
                       f"(the tilt alone accounts for {abs(explained):.1f} mm)")
    if history.dental_history:
        score += s.dental_history_score
        reasons.append("history: orthodontic treatment, extractions or a change of bite")
    return score, reasons, signs


def _muscular(m: Measurements, cfg, skeletal_signs: bool) -> tuple[float, list[str]]:
    """Dynamic asymmetry, and rest asymmetry the jaw does not explain: (score, reasons)."""
    c, phys = m.corner, cfg.muscular.physiological_mm
    rest_dev = float(c.rest_height_deviation)
    explained = m.jaw_explained_rest_mm if skeletal_signs else 0.0
    explained_ll = m.jaw_explained_lower_lip_mm if skeletal_signs else 0.0
    dynamic_height = float(c.height_deviation) - rest_dev
    exc_diff = float(c.excursion_difference)
    rest_left = rest_dev - explained
    ll = max(abs(float(c.rest_lower_lip_deviation) - explained_ll), abs(float(c.lower_lip_deviation) - explained_ll))
    signal = max(abs(rest_left), abs(dynamic_height), abs(exc_diff), ll)
    if signal < phys:
        return 0.0, []
    reasons = []
    if abs(rest_left) >= phys:
        hi, lo = _higher(rest_left)
        what = "beyond what the jaw tilt explains" if skeletal_signs else "with the chin and jaw in line"
        reasons.append(f"at rest the {hi} corner sits {abs(rest_left):.1f} mm higher, {what}: resting tone, "
                       f"e.g. an over-active depressor (DAO) on the {lo} side")
    if abs(exc_diff) >= phys:
        more = "left" if exc_diff > 0 else "right"
        reasons.append(f"in the smile the {more} corner travels {abs(exc_diff):.1f} mm further "
                       f"({float(c.excursion_left):.1f} mm left, {float(c.excursion_right):.1f} mm right): "
                       f"the {more} elevators pull more, or the other side's less")
    if abs(dynamic_height) >= phys:
        hi, _ = _higher(dynamic_height)
        reasons.append(f"the smile lifts the {hi} corner {abs(dynamic_height):.1f} mm more than the other: "
                       "an asymmetry in motion (dynamic) points to the muscles")
    if ll >= phys:
        reasons.append(f"the lower lip is {ll:.1f} mm uneven: the lip depressors (DLI/DAO) may differ")
    return signal / phys, reasons


def _habit(history: History, cfg) -> tuple[float, list[str]]:
    """One-sided chewing and jaw propping: (score, reasons)."""
    h, score, reasons = cfg.habit, 0.0, []
    if history.chewing_side != "none":
        score += h.chewing_side_score
        reasons.append(f"history: chews mostly on the {history.chewing_side} side")
    if history.jaw_propping != "none":
        score += h.jaw_propping_score
        reasons.append(f"history: props the jaw on the {history.jaw_propping} side")
    return score, reasons


def _iatrogenic(history: History, cfg, sex: str) -> tuple[float, list[str], tuple[WearOff, ...]]:
    """A previous injection that may still act: (score, reasons, wear-off estimates)."""
    wear = tuple(w for w in (_wear_off(inj, sex) for inj in history.previous_injections) if w is not None)
    score, reasons, peak = 0.0, [], bont_params().emax
    for w in wear:
        inj = w.injection
        score += cfg.iatrogenic.score * max(w.force_lost_now / peak, 0.25)
        when = (f"it should wear off around day {w.wears_off_day:+.0f} (about {w.wears_off_day / 7:.0f} weeks "
                "from now); re-assess then" if np.isfinite(w.wears_off_day) and w.wears_off_day > 0
                else "it has probably worn off by now")
        reasons.append(f"history: {inj.units:g} units {inj.product} into {inj.site.name} {w.days_ago:.0f} days ago, "
                       f"about {100 * w.force_lost_now:.0f} % of that muscle's force still lost today; {when}")
    return score, reasons, wear


def _rest_only(m: Measurements, cfg, skeletal_signs: bool) -> bool:
    """The corner is low at rest (beyond the jaw) and nothing moves unevenly: DAO tone or tissue droop."""
    c, phys = m.corner, cfg.muscular.physiological_mm
    rest_left = float(c.rest_height_deviation) - (m.jaw_explained_rest_mm if skeletal_signs else 0.0)
    dynamic = max(abs(float(c.height_deviation) - float(c.rest_height_deviation)), abs(float(c.excursion_difference)),
                  abs(float(c.lower_lip_deviation) - float(c.rest_lower_lip_deviation)))
    others = [abs(float(e.excursion_difference)) for e in m.expressions.values()]
    return abs(rest_left) >= phys and dynamic < phys and max(others, default=0.0) < phys


def goal_and_aftercare(history: History) -> list[str]:
    """What the goal and the aftercare answers mean for toxin (the triage's advice and the planner's warnings)."""
    out = []
    if history.goal == "change_of_form":
        out.append("The goal is a change of form: toxin only rebalances the muscles, it does not reshape the "
                   "smile or the lips; it is the wrong tool for that goal (discuss filler or surgery).")
    if not history.aftercare:
        out.append("Without the aftercare (even chewing, balance exercises, smiling evenly in a mirror) toxin "
                   "alone drifts back: expect the asymmetry to return as it wears off.")
    return out


def _advice(kinds: set, urgency: Referral | None, history: History, wear: tuple, skeletal_signs: bool,
            droop: bool, phys: float) -> list[str]:
    """What to do, in the decision order: refer (and nothing else), skeletal, habit, wait, examine, treat."""
    if urgency is not None:
        return [f"{REFERRAL}: {urgency.line()}", f"Bring: {urgency.bring}.",
                "No treatment is planned until a doctor has seen the patient."]
    advice = []
    if skeletal_signs and "skeletal_dental" in kinds:
        advice.append(SKELETAL_ADVICE)
    elif history.dental_history:
        advice.append("History of orthodontics, extractions or a bite change: ask the dentist whether the bite "
                      "changed, and add the jaw landmarks (gonion, menton) to measure the jaw; the muscles are "
                      "judged meanwhile.")
    if "habit" in kinds:
        advice.append(HABIT_ADVICE)
    if wear:
        advice.append("A previous injection may explain part of the picture: wait until it wears off, then re-measure.")
    if droop:
        advice.append(DROOP_EXAMINATION)
    advice += goal_and_aftercare(history)
    if not kinds:
        advice.append(f"No asymmetry above {phys:g} mm and nothing in the history points to a cause: "
                      "nothing to treat (the goal is a balance nobody notices).")
    elif "muscular" in kinds and not (skeletal_signs and "skeletal_dental" in kinds) and "habit" not in kinds:
        lead = "If the examination finds DAO tone, a" if droop else "A"
        advice.append(f"{lead} muscular cause suits BoNT-A on the over-pulling side: start low, re-assess at "
                      "weeks 2-4.")
    return advice


def triage(m: Measurements, history: History = History(), sex: str = "female") -> Triage:
    """Sort the asymmetry's cause from the measurements and the history answers."""
    cfg = bundled.triage()
    scores, reasons = dict.fromkeys(CAUSES, 0.0), {k: [] for k in CAUSES}
    scores["neurogenic"], reasons["neurogenic"], flags = _neurogenic(m, history, cfg)
    scores["skeletal_dental"], reasons["skeletal_dental"], skeletal_signs = _skeletal(m, history, cfg)
    scores["muscular"], reasons["muscular"] = _muscular(m, cfg, skeletal_signs)
    scores["habit"], reasons["habit"] = _habit(history, cfg)
    scores["iatrogenic"], reasons["iatrogenic"], wear = _iatrogenic(history, cfg, sex)
    droop = _rest_only(m, cfg, skeletal_signs) and not wear
    if droop:  # the same evidence, read either way
        scores["static_droop"] = scores["muscular"]
        reasons["static_droop"] = ["the corner is low at rest and the smile moves both sides alike: tissue "
                                   "droop lowers it the same way as DAO tone (examine to tell them apart)"]
    urgency = referral_for(flags)
    referral = f"{REFERRAL}: {urgency.line()}" if urgency else None
    total = sum(scores.values())
    causes = tuple(sorted(
        (Cause(k, v / total, tuple(reasons[k])) for k, v in scores.items() if v > 0),
        key=lambda cause: -cause.weight,
    )) if total > 0 else ()
    advice = _advice({cause.kind for cause in causes}, urgency, history, wear, skeletal_signs, droop,
                     cfg.muscular.physiological_mm)
    return Triage(causes, referral, tuple(advice), wear, urgency, droop)
