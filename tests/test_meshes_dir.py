"""The committed built-in face in meshes/ is what the code regenerates."""

import json
from pathlib import Path

import numpy as np

from facesim.face_io import load_face
from facesim.procedural_face import DEFAULT_N_VERTICES, build_face

MESH = Path(__file__).resolve().parents[1] / "meshes" / "builtin-face.ply"


def test_committed_builtin_face_matches_the_generator():
    stored = load_face(MESH)
    fresh = build_face(DEFAULT_N_VERTICES)
    assert np.array_equal(stored.faces, fresh.faces)
    np.testing.assert_allclose(stored.vertices, fresh.vertices, atol=1e-6)
    assert stored.landmarks == fresh.landmarks
    doc = json.loads(MESH.with_name("builtin-face.landmarks.json").read_text())
    assert doc["units"] == "mm" and "patient's left" in doc["axes"]
