import numpy as np
import pytest

from facesim.anatomy.muscles import Anatomy, place_muscles
from facesim.errors import DataError
from facesim.face.mesh import Face
from facesim.face.builtin import build_face

REQUIRED = ["zygomaticus_major", "zygomaticus_minor", "levator_anguli_oris", "risorius", "buccinator",
            "dao", "dli", "mentalis", "orbicularis_oris", "platysma", "masseter"]


def test_required_muscles_on_both_sides():
    ids = Anatomy.default().muscle_ids
    for name in REQUIRED:
        assert f"{name}_left" in ids and f"{name}_right" in ids


def test_unit_loads_are_normalised_and_mirrored():
    face = build_face(3000)
    muscles = place_muscles(face, Anatomy.default())
    by_id = {m.id: m for m in muscles}
    for m in muscles:
        w = np.linalg.norm(m.unit_load, axis=1)
        assert w.sum() == pytest.approx(1.0)
        twin = by_id[m.id.replace("_left", "_right") if m.side == "left" else m.id.replace("_right", "_left")]
        mirrored = twin.unit_load[face.mirror] * [-1, 1, 1]
        np.testing.assert_allclose(m.unit_load, mirrored, atol=1e-12)


def test_same_file_places_muscles_on_a_scaled_face():
    face = build_face(3000)
    big = Face(face.vertices * 1.2, face.faces, face.landmarks, face.regions, face.anchoring, face.mirror)
    a = {m.id: m for m in place_muscles(face, Anatomy.default())}
    b = {m.id: m for m in place_muscles(big, Anatomy.default())}
    for mid in a:
        np.testing.assert_allclose(b[mid].attachment, 1.2 * a[mid].attachment, atol=1e-9)


def test_lower_lip_muscles_do_not_pull_the_upper_lip():
    face = build_face(3000)
    for m in place_muscles(face, Anatomy.default()):
        if m.spec.name in ("dli", "mentalis"):
            assert np.abs(m.unit_load[face.region("upper_lip")]).max() == 0.0


def test_bad_anatomy_data_is_reported():
    muscle = {"name": "x", "kind": "linear", "max_force_n": 1, "falloff_mm": 5.0, "sources": {"max_force_n": "test"},
              "insertion": {"landmark": "stomion", "offset_mm": [0, 0, 0]}}
    with pytest.raises(DataError, match=r"t\.toml: \[muscle\[0\] \(x\)\] kind: .*'linear' or 'sphincter'"):
        Anatomy.from_dict({"reference_ipd_mm": 62.0, "muscle": [{**muscle, "kind": "spiral"}]}, "t.toml")
    with pytest.raises(DataError, match=r"t\.toml: \[muscle\[0\] \(x\)\]: a linear muscle needs 'origin'"):
        Anatomy.from_dict({"reference_ipd_mm": 62.0, "muscle": [muscle]}, "t.toml")
