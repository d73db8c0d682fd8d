"""Assess a patient from two photographs' landmarks: measures, cause (triage) and the fitted patient.

The whole assessment in one call (``facesim assess`` and the public API use it)::

    a = assess(model, "rest.txt", "smile.txt", ipd_mm=62)
    a.measures.corner      # what the photos show (CornerMetrics, mm)
    a.triage.primary       # the likely cause
    a.patient              # a Patient whose simulation reproduces the photos
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

from facesim.anatomy.patient import Patient
from facesim.assessment.eface import EfaceScores, eface_scores
from facesim.assessment.landmark_input import LandmarkSet, Scale
from facesim.assessment.measures import Measurements, measure
from facesim.assessment.photo_input import read_any, read_rest_smile
from facesim.assessment.patient_fit import PatientFit, fit_patient
from facesim.assessment.triage import Triage, triage
from facesim.scenario.history import History
from facesim.tissue.model import FaceModel


@dataclass(frozen=True)
class Assessment:
    """A measured, triaged and fitted patient.

    Attributes
    ----------
    measures : Measurements, what the photographs show (patient mm)
    triage : Triage, the cause types with their weights and reasons, and the advice
    fit : PatientFit, the fitted multipliers and how well they reproduce the photos
    patient : Patient, the fitted patient with their sex and static (jaw) offsets, ready to simulate
    history : History
    eface : EfaceScores or None, the eFACE-style oral-commissure scores (None without 68-point files)
    """

    measures: Measurements
    triage: Triage
    fit: PatientFit
    patient: Patient
    history: History
    eface: EfaceScores | None = None


def _landmarks(value: LandmarkSet | Path | str, scale: Scale) -> LandmarkSet:
    return value if isinstance(value, LandmarkSet) else read_any(Path(value), scale)


def assess(model: FaceModel, rest, smile, *, expressions: dict | None = None, ipd_mm: float | None = None,
           mm_per_px: float | None = None, iris_mm: float | None = None, history: History | None = None,
           sex: str = "female", name: str | None = None, healthy_side: str | None = None) -> Assessment:
    """Measure, triage and fit a patient.

    Parameters
    ----------
    model : FaceModel, the face the patient is fitted on
    rest, smile : LandmarkSet, a photo's path (landmarks found on it) or a landmark file's (iBUG 68 text,
        Emotrics .txt or JSON)
    expressions : dict name -> LandmarkSet or path, more expressions of the model (e.g. ``frown``)
    ipd_mm, mm_per_px, iris_mm : the photo scale (see landmark_input.Scale); at most one of ipd / pixel size
    history : History or None (no history answers)
    sex : ``female`` or ``male``
    name : the patient's name (default: the rest file's stem)
    healthy_side : ``left`` / ``right`` for the eFACE-style scores, or None to infer it
    """
    scale = Scale(mm_per_px=mm_per_px, ipd_mm=ipd_mm, iris_mm=iris_mm)
    if isinstance(rest, LandmarkSet) or isinstance(smile, LandmarkSet):
        rest_set, smile_set = _landmarks(rest, scale), _landmarks(smile, scale)
    else:  # two photos share one scale and pass the pair gate (assessment.photo_input)
        rest_set, smile_set = read_rest_smile(Path(rest), Path(smile), scale)
    others = {key: _landmarks(value, scale) for key, value in (expressions or {}).items()}
    for key in others:
        model.expressions.get(key)  # unknown expression -> InputError naming the known ones
    history = history or History()
    measures = measure(rest_set, smile_set, others)
    eface = None
    if measures.meei_rest is not None and measures.meei_smile is not None:
        eface = eface_scores(measures.meei_rest, measures.meei_smile, healthy_side)
    result = triage(measures, history, sex)
    if result.droop_unexamined:  # the planner keeps both paths until the examination says which
        history = dataclasses.replace(history, rest_droop_unexamined=True)
    if name is None:
        name = Path(rest).stem if isinstance(rest, (str, Path)) else "patient"
    fit = fit_patient(model, rest_set, {"smile": smile_set, **others},
                      static=result.weight("skeletal_dental") > 0, rest_by_tone=result.primary != "skeletal_dental",
                      name=name)
    patient = dataclasses.replace(fit.patient, sex=sex, jaw_shift_mm=fit.jaw_shift_mm or (0.0, 0.0, 0.0),
                                  jaw_cant_deg=fit.jaw_cant_deg or 0.0)
    return Assessment(measures, result, fit, patient, history, eface)
