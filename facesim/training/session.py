"""Training mode for new injectors: what a trainee is shown, and the session log of their progress.

The pieces:

- :mod:`facesim.training.cases`: the case library (bundled scenarios, seeded generated patients)
  and each case's hidden truth;
- :mod:`facesim.training.answer`: a trainee's answer (file format, prompt parsing);
- :mod:`facesim.training.score`: the score and the feedback against the reference conservative plan;
- this module: :func:`case_view` (what the trainee sees, in numbers and words) and the
  session log (:func:`load_log`, :func:`add_attempt`, :func:`summarise`) with per-skill
  summaries (diagnosis, dosing, placement, safety);
- :mod:`facesim.training.pictures`: the pictures (only when asked; pyvista is imported there lazily).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from facesim.errors import InputError
from facesim.geometry.frontal import to_frontal, to_frontal_vectors
from facesim.tissue.model import FaceModel
from facesim.simulation.timeline import ScenarioSimulation
from facesim.training.cases import TrainingCase, history_words
from facesim.training.score import SKILLS, Result

LOG_VERSION = 1


@dataclass(frozen=True)
class CaseView:
    """What the trainee is shown: the neutral label, the history in words and the measurements (no diagnosis).

    name : str, the case's neutral label (``case-3``; the real name only comes with the feedback)
    metrics : dict name -> value (mm or degrees), rounded to 0.1
    """

    name: str
    sex: str
    history: tuple[str, ...]
    metrics: dict

    def lines(self) -> list[str]:
        m = self.metrics
        side = lambda v: "even" if abs(v) < 0.05 else ("left" if v > 0 else "right")
        chin, cant = m["chin_deviation_mm"], m["jaw_cant_deg"]
        jaw = (f"Chin (menton) {abs(chin):.1f} mm to the patient's {side(chin)} of the midline; "
               if abs(chin) >= 0.05 else "Chin (menton) on the facial midline; ")
        jaw += (f"jaw line tilted {abs(cant):.1f} degrees ({side(-cant)} side lower)."
                if abs(cant) >= 0.05 else "jaw line level.")
        corner = lambda v: (f"the {side(v)} corner sits {abs(v):.1f} mm higher" if abs(v) >= 0.05
                            else "the corners are level")
        lip = m["rest_lower_lip_deviation_mm"]
        return [
            f"At rest: {corner(m['rest_height_deviation_mm'])}; "
            + (f"lower lip {abs(lip):.1f} mm uneven ({side(lip)} higher)." if abs(lip) >= 0.05 else "lower lip level."),
            (f"In a smile: {corner(m['smile_height_deviation_mm'])}; the corners travel "
             f"{m['excursion_left_mm']:.1f} mm (left) and {m['excursion_right_mm']:.1f} mm (right)."),
            jaw,
        ]


def case_view(model: FaceModel, case: TrainingCase) -> CaseView:
    """The case as a clinic sees it on day 0: corner metrics at rest and in a smile, jaw signs, history."""
    sim = ScenarioSimulation(model, case.scenario)
    tl = sim.timeline([0.0], ("rest", "smile"))
    c = tl.metrics["smile"]
    names = ("pupil_left", "pupil_right", "menton", "gonion_left", "gonion_right")
    shape = sim.shape(0.0, "rest")
    pts = np.asarray(model.landmark_weights(tuple(names)) @ shape)[:, :2]
    chin = float(to_frontal(pts[2:3], pts[0], pts[1])[0, 0])
    jaw = to_frontal_vectors(pts[3:4] - pts[4:5], pts[0], pts[1])[0]
    cant = float(np.degrees(np.arctan2(jaw[1], jaw[0])))
    metrics = {
        "rest_height_deviation_mm": float(c.rest_height_deviation[0]),
        "smile_height_deviation_mm": float(c.height_deviation[0]),
        "rest_lower_lip_deviation_mm": float(c.rest_lower_lip_deviation[0]),
        "smile_lower_lip_deviation_mm": float(c.lower_lip_deviation[0]),
        "excursion_left_mm": float(c.excursion_left[0]),
        "excursion_right_mm": float(c.excursion_right[0]),
        "excursion_difference_mm": float(c.excursion_difference[0]),
        "chin_deviation_mm": chin,
        "jaw_cant_deg": cant,
    }
    metrics = {k: round(v, 1) for k, v in metrics.items()}
    return CaseView(case.label or case.name, case.scenario.patient.sex, tuple(history_words(case.scenario.history)), metrics)


# --------------------------------------------------------------------------- session log


def load_log(path: Path | str) -> dict:
    """The session log at ``path`` (an empty one if the file does not exist)."""
    path = Path(path)
    if not path.exists():
        return {"version": LOG_VERSION, "attempts": [], "summary": summarise([])}
    try:
        data = json.loads(path.read_text())
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: not a facesim training log ({exc}); give a new file name for --log") from None
    if not isinstance(data, dict) or not isinstance(data.get("attempts"), list):
        raise InputError(f"{path}: not a facesim training log (no 'attempts' list); give a new file name for --log")
    return data


def attempt_record(result: Result, seed: int | None, when: datetime | None = None) -> dict:
    """One attempt as stored in the log."""
    when = when or datetime.now(UTC)
    return {"when": when.isoformat(timespec="seconds"), "case": result.case, "label": result.label, "seed": seed,
            "score": result.score, "verdict": result.verdict, "skills": result.skills, "parts": result.parts,
            "answer": result.answer.as_dict(), "truth_cause": result.truth.cause,
            "reference": result.reference.as_dict(), "safety_failures": result.safety_failures,
            "feedback": result.feedback}


def summarise(attempts: list[dict]) -> dict:
    """Per-skill summaries over attempts: mean, count, the last mark; the weakest skill; the mean score."""
    skills = {}
    for skill in SKILLS:
        marks = [a["skills"][skill] for a in attempts if a.get("skills", {}).get(skill) is not None]
        skills[skill] = {"attempts": len(marks), "mean": round(float(np.mean(marks)), 1) if marks else None,
                         "last": marks[-1] if marks else None,
                         "recent_mean": round(float(np.mean(marks[-5:])), 1) if marks else None}
    rated = {k: v["mean"] for k, v in skills.items() if v["mean"] is not None}
    scores = [a["score"] for a in attempts]
    return {"attempts": len(attempts), "mean_score": round(float(np.mean(scores)), 1) if scores else None,
            "best_score": max(scores) if scores else None, "skills": skills,
            "weakest_skill": (min(rated, key=rated.get)
                              if rated and min(rated.values()) < max(rated.values()) else None)}


def add_attempt(log: dict, record: dict) -> dict:
    """A new log with ``record`` appended and the summary recomputed."""
    attempts = [*log.get("attempts", []), record]
    return {"version": LOG_VERSION, "attempts": attempts, "summary": summarise(attempts)}
