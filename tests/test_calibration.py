"""The smile calibration: one stiffness factor per face, fitted on its landmarks, gives the normal smile."""

from dataclasses import replace

import numpy as np
import pytest

from facesim.anatomy.patient import Patient
from facesim.errors import InputError
from facesim.face.builtin import build_face
from facesim.tissue.calibration import smile_calibration
from facesim.tissue.model import FaceModel
from facesim.tissue.patient_metrics import patient_metrics


@pytest.fixture(scope="module")
def face():
    return build_face(3000)


def test_a_larger_face_gets_the_same_normal_smile(face):
    """A face 25 % larger (muscles placed by its IPD) smiles 7.6 mm instead of 9.0 mm with the reference
    tissue; calibrated (stiffness x0.84), it smiles 9 mm in nearly the same direction (46.5 vs 47.0 deg)."""
    big = replace(face, vertices=face.vertices * 1.25)
    small, large = FaceModel(face), FaceModel(big)
    assert large.calibration.uncalibrated_mm < small.calibration.uncalibrated_mm - 1.0
    a, b = patient_metrics(small, Patient()), patient_metrics(large, Patient())
    for side in ("left", "right"):
        assert float(getattr(b, f"excursion_{side}")) == pytest.approx(9.0, abs=1e-6)
        assert float(getattr(b, f"angle_{side}")) == pytest.approx(float(getattr(a, f"angle_{side}")), abs=1.0)


def test_calibration_scales_the_tissue_not_the_forces(face):
    raw, cal = FaceModel(face, calibrate=False), FaceModel(face)
    c = cal.calibration.stiffness_scale
    assert raw.calibration is None and raw.tissue.stiffness_scale == 1.0 and cal.tissue.stiffness_scale == c
    np.testing.assert_allclose(cal.basis * c, raw.basis, rtol=1e-12, atol=1e-15)
    np.testing.assert_array_equal(cal.max_force, raw.max_force)
    residual = cal.tissue.matrix @ cal.basis[3] - cal.muscles[3].unit_load  # the scaled system is solved
    assert np.abs(residual).max() < 1e-10
    m = patient_metrics(raw, Patient())
    assert cal.calibration.uncalibrated_mm == pytest.approx(0.5 * float(m.excursion_left + m.excursion_right))


def test_a_face_far_from_the_normal_smile_is_refused(face):
    raw = FaceModel(face, calibrate=False)
    with pytest.raises(InputError, match="landmarks"):
        smile_calibration(raw, raw.basis * 100.0)  # a smile of ~900 mm: wrong units or landmarks
