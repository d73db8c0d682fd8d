"""The ICT-FaceKit face (a real scan, ../shared/ict-facekit): import and compare with its FACS shapes."""

from __future__ import annotations

import pytest

from facesim.tissue.model import FaceModel
from facesim.anatomy.patient import Patient
from facesim.tissue.patient_metrics import patient_metrics

from pathlib import Path

ICT = Path(__file__).resolve().parents[1].parent / "shared" / "ict-facekit"  # skipped when absent
pytestmark = pytest.mark.skipif(not (ICT / "generic_neutral_mesh.obj").is_file(), reason="no ../shared/ict-facekit")


@pytest.fixture(scope="module")
def ict():
    from facesim.scan.ict import import_ict

    result = import_ict(ICT)
    return result, FaceModel(result.face)


def test_ict_imports_with_its_landmarks(ict):
    result, _ = ict
    report, face = result.report, result.face
    assert report.units == "cm"
    assert 55 < report.ipd_mm < 75
    assert report.rotation_deg < 10  # the kit already uses facesim's axes
    assert not report.muscles_missing
    assert face.n_vertices == 11248
    # iBUG 54 (vertex 6213) is the patient's left corner, on the +x side.
    assert face.landmarks["cheilion_left"] == 6213
    assert face.landmark_position("cheilion_left")[0] > 0
    assert face.regions["above_mouth"][face.landmarks["labiale_superius"]]
    assert face.regions["below_mouth"][face.landmarks["labiale_inferius"]]


def test_ict_symmetric_smile_is_symmetric(ict):
    _, model = ict
    m = patient_metrics(model, Patient())
    assert abs(float(m.excursion_left - m.excursion_right)) < 0.5
    assert abs(float(m.height_deviation)) < 0.5
    assert float(m.excursion_left) > 2.0


def test_zygomaticus_major_moves_the_corner_like_mouth_smile(ict):
    """Direction of the corner's motion: within 20 degrees of ICT's mouthSmile, in the frontal plane and in 3D."""
    from facesim.scan.ict import compare_fields

    result, model = ict
    pairs = (("mouthSmile_L", "zygomaticus_major_left", "cheilion_left"),
             ("mouthSmile_R", "zygomaticus_major_right", "cheilion_right"))
    for c in compare_fields(model, result, ICT, pairs):
        assert abs(c.angle_frontal_deg) < 20.0, c
        assert c.angle_3d_deg < 20.0, c
        assert c.field_cosine > 0.7, c
    left = compare_fields(model, result, ICT, pairs[:1])[0]
    assert left.shape_motion[0] > 0 and left.shape_motion[1] > 0  # up and out on the patient's left
