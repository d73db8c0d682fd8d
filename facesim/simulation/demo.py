"""The demo: rest and smile for a symmetric patient and an asymmetric one."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from facesim.metrics import CornerMetrics
from facesim.tissue.model import FaceModel
from facesim.anatomy.patient import Patient
from facesim.tissue.patient_metrics import patient_metrics

SYMMETRIC = Patient(name="symmetric patient")
#: Over-toned right depressor anguli oris: the right corner sits lower at rest
#: and the right side of the smile is held down.
OVERTONED_RIGHT_DAO = Patient(tone={"dao_right": 8.0}, name="over-toned right DAO")


@dataclass
class DemoCase:
    patient: Patient
    metrics: CornerMetrics
    shapes: dict[str, np.ndarray]  # expression -> (n, 3) vertices, mm


def run_demo(model: FaceModel, patients: tuple[Patient, ...] = (SYMMETRIC, OVERTONED_RIGHT_DAO)) -> list[DemoCase]:
    """Simulate rest and smile for each patient."""
    return [
        DemoCase(
            patient=p,
            metrics=patient_metrics(model, p, "smile"),
            shapes={e: model.shape(p, e) for e in ("rest", "smile")},
        )
        for p in patients
    ]
