"""Shapes and corner metrics of a patient on a face model."""

from __future__ import annotations

import numpy as np

from facesim.metrics import METRIC_LANDMARKS, CornerMetrics, corner_metrics
from facesim.tissue.model import FaceModel
from facesim.anatomy.patient import Patient


def metrics_from_forces(model: FaceModel, rest_forces: np.ndarray, forces: np.ndarray) -> CornerMetrics:
    """Corner metrics for muscle forces (..., n_muscles) in N at rest and in an expression."""
    rest = model.landmark_positions(rest_forces, METRIC_LANDMARKS)
    expr = model.landmark_positions(forces, METRIC_LANDMARKS)
    return corner_metrics(rest, expr)


def patient_metrics(model: FaceModel, patient: Patient, expression: str = "smile") -> CornerMetrics:
    """Corner metrics of ``patient`` in ``expression`` against the patient's own rest."""
    return metrics_from_forces(model, model.forces(patient, "rest"), model.forces(patient, expression))
