"""Models of the clinical data files: perception, safety, planner, triage, training, aftercare.

Units are in the key names (``_mm``, ``_u`` ona-equivalent units, ``_day``/``_days``,
``_deg``); shares and probabilities are fractions (0.3 = 30 %). Each value's source is
in its table's ``source``/``sources`` (facesim.datafiles.base).
"""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from pydantic import Field, model_validator

from facesim.datafiles.base import (Count, DataFile, Fraction, Frozen, NonNegative, Number, Positive, Range, Sourced,
                                    Table)

# --------------------------------------------------------------------------- perception.toml


class Thresholds(Sourced):
    """``[threshold_mm]``: when a left-right corner difference shows (mm)."""

    lay_detection: Positive
    clinician_detection: Positive
    acceptable: Positive
    unacceptable: Positive
    physiological_sd: Positive

    @model_validator(mode="after")
    def _in_order(self):
        if not self.clinician_detection <= self.lay_detection <= self.acceptable < self.unacceptable:
            raise ValueError("give clinician_detection <= lay_detection <= acceptable < unacceptable")
        return self


class NormalSmile(Sourced):
    """``[normal_smile]``: normative commissure excursion (mm) and direction (degrees)."""

    excursion_mm: Positive
    angle_deg: Number


class BalanceScore(Sourced):
    """``[balance_score]``: the asymmetry (mm) at which the 0-100 balance score is 50."""

    half_score_mm: Positive


class PerceptionFile(DataFile):
    """facesim/data/perception.toml."""

    KIND = "perception"
    threshold_mm: Thresholds
    normal_smile: NormalSmile
    balance_score: BalanceScore


# --------------------------------------------------------------------------- safety.toml


class Placement(Sourced):
    """``[placement]``: where toxin may go (mm) and how much of the DAO's dose the DLI may get."""

    keep_out_mm: Positive
    dli_share: Fraction
    dli_check_min_dao_u: NonNegative


class Effects(Sourced):
    """``[effects]``: a side effect (fraction of force lost) and an over-correction (mm)."""

    side_effect_loss: Fraction
    overcorrection_mm: Positive
    smile_elevators: tuple[str, ...]


class DoseLimits(Sourced):
    """``[dose]``: total and per-site maxima (U) and sites per session."""

    max_total_u: Positive
    max_sites: Annotated[Count, Field(ge=1)]
    max_site_u: Table[str, Positive]
    min_site_u: Table[str, Positive]


class SafetyFile(DataFile):
    """facesim/data/safety.toml: every clinical safety threshold, read in one place."""

    KIND = "safety"
    placement: Placement
    effects: Effects
    dose: DoseLimits


# --------------------------------------------------------------------------- planner.toml


class Search(Sourced):
    """``[search]``: dose step (U) and the days judged."""

    step_u: Positive
    peak_day: NonNegative
    window_days: tuple[NonNegative, ...]
    report_days: tuple[NonNegative, ...]

    @model_validator(mode="after")
    def _peak_in_window(self):
        if self.peak_day not in self.window_days:
            raise ValueError(f"peak_day {self.peak_day} must be one of window_days {list(self.window_days)}")
        return self


PerceptionName = Literal["lay_detection", "clinician_detection", "acceptable", "unacceptable"]


class ExpressionJudged(Frozen):
    """One ``[target.expressions]`` entry: the threshold its asymmetry is held below over the cycle
    (``target``; none: not a target) and the one beyond which the other side becoming the stronger is
    over-correction (``overcorrection``)."""

    target: PerceptionName | None = None
    overcorrection: PerceptionName


class Target(Sourced):
    """``[target]``: how sure a plan must be, and the staged start."""

    probability: Fraction
    max_overcorrection_probability: Fraction
    max_side_effect_probability: Fraction
    start_fraction: Fraction
    review_day: NonNegative
    retreatment_min_day: NonNegative
    wait_limit_day: NonNegative
    weak_strength: Fraction
    #: expression -> how it is judged (perception.toml [threshold_mm] names)
    expressions: Table[str, ExpressionJudged]


class FillerCandidates(Sourced):
    """``[filler]``: HA filler candidates below each commissure (``facesim plan --filler``)."""

    landmark: str
    offset_mm: tuple[Number, Number, Number]
    product_class: str
    step_ml: Positive


class PlannerFile(DataFile):
    """facesim/data/planner.toml."""

    KIND = "planner"
    search: Search
    target: Target
    side_effects: Table[str, str]
    filler: FillerCandidates


# --------------------------------------------------------------------------- triage.toml


class Skeletal(Sourced):
    """``[skeletal]``: when the jaw, chin or teeth explain the corners (mm, degrees) and the scores."""

    chin_deviation_mm: Positive
    jaw_cant_deg: Positive
    follows_jaw_fraction: Fraction
    follows_jaw_score: NonNegative
    dental_history_score: NonNegative


class Muscular(Sourced):
    """``[muscular]``: a corner difference below this (mm) is physiological."""

    physiological_mm: Positive


class HabitEvidence(Sourced):
    """``[habit]``: scores of the habit answers in the history."""

    chewing_side_score: NonNegative
    jaw_propping_score: NonNegative


class Neurogenic(Sourced):
    """``[neurogenic]``: red flags and a smile with one side barely moving."""

    red_flag_score: NonNegative
    paralysis_excursion_ratio: Fraction
    paralysis_min_excursion_mm: Positive
    paralysis_score: NonNegative


class Iatrogenic(Sourced):
    """``[iatrogenic]``: a previous injection that may still act (days)."""

    window_days: Positive
    score: NonNegative


class Labels(Sourced):
    """``[labels]``: causes at or above this weight are named."""

    min_weight: Fraction


class RedFlagTier(Frozen):
    """One ``[red_flags.tier.<name>]``: present when every flag of one ``when`` group is; the lowest
    ``order`` present is the patient's tier; ``title``, ``words`` and ``bring`` are shown to them."""

    order: Count
    when: tuple[tuple[str, ...], ...]
    title: str
    words: str
    bring: str


class RedFlags(Sourced):
    """``[red_flags]``: each flag's words (history keys) and the urgency tiers."""

    words: Table[str, str]
    tier: Table[str, RedFlagTier]

    @model_validator(mode="after")
    def _tiers_name_known_flags(self):
        for name, tier in self.tier.items():
            for flag in (f for group in tier.when for f in group):
                if flag not in self.words:
                    raise ValueError(f"tier.{name}.when names {flag!r}; use one of {', '.join(self.words)}")
        return self


class TriageFile(DataFile):
    """facesim/data/triage.toml: thresholds (mm, degrees, days) and evidence scores per cause."""

    KIND = "triage"
    red_flags: RedFlags
    skeletal: Skeletal
    muscular: Muscular
    habit: HabitEvidence
    neurogenic: Neurogenic
    iatrogenic: Iatrogenic
    labels: Labels


# --------------------------------------------------------------------------- training.toml


class ScoreWeights(Sourced):
    """``[score]``: points of each part (sum 100) and how they fall off."""

    PARTS: ClassVar[tuple[str, ...]] = ("diagnosis", "path", "balance_peak", "balance_followup", "units",
                                        "complications")

    diagnosis: NonNegative
    path: NonNegative
    balance_peak: NonNegative
    balance_followup: NonNegative
    units: NonNegative
    complications: NonNegative
    allowed_probability: Fraction
    complication_span: Positive
    units_zero_at: Annotated[Number, Field(gt=1)]
    units_slack_u: NonNegative
    missed_referral: NonNegative

    @model_validator(mode="after")
    def _parts_sum_to_100(self):
        total = sum(getattr(self, k) for k in self.PARTS)
        if abs(total - 100) > 1e-9:
            raise ValueError(f"the parts {', '.join(self.PARTS)} sum to {total:g}; make them sum to 100")
        return self


class Feedback(Sourced):
    """``[feedback]``: when a complication is named, the verdict bands, the words per muscle."""

    report_probability: Fraction
    excellent: NonNegative
    good: NonNegative
    fair: NonNegative
    complication: Table[str, str]


class Generate(Sourced):
    """``[generate]``: ``[low, high]`` of the generated practice cases (multipliers, mm, degrees)."""

    dao_tone: Range
    smile_strength: Range
    jaw_shift_mm: Range
    jaw_cant_deg: Range
    habit_zygomaticus_tone: Range
    habit_levator_tone: Range
    habit_minor_tone: Range
    neurogenic_strength: Range
    balanced_dao_tone: Range
    balanced_strength: Range


class Caps(Sourced):
    """``[caps]``: the most an answer scores (points of 100) when it breaks a decision gate."""

    wrong_side: NonNegative
    made_worse: NonNegative
    worse_margin_mm: NonNegative
    certain_complication: NonNegative
    certain_probability: Fraction
    toxin_not_indicated: NonNegative
    elevator_first: NonNegative
    wrong_path: NonNegative
    wrong_diagnosis: NonNegative


class TreatmentDefaults(Sourced):
    """``[treatment]``: a non-toxin answer's defaults (mL, mm, days, a fraction)."""

    filler_ml: Positive
    lift_step_mm: Positive
    exercise_days: Positive
    exercise_adherence: Fraction


class TrainingFile(DataFile):
    """facesim/data/training.toml."""

    KIND = "training"
    score: ScoreWeights
    caps: Caps
    treatment: TreatmentDefaults
    feedback: Feedback
    paths: Table[str, str]
    generate: Generate


# --------------------------------------------------------------------------- aftercare.toml


class Stage(Frozen):
    """One stage of the aftercare: when, and the advice."""

    when: str
    advice: tuple[str, ...]


class AftercareFile(DataFile):
    """facesim/data/aftercare.toml: general guidance shown on the patient page."""

    KIND = "aftercare"
    source: str
    label: str
    stage: tuple[Stage, ...]
    after_previous_toxin: Stage  # the options when a previous toxin caused the difference
    warning_signs: Stage
