"""The committed built-in face in meshes/ is what the code regenerates."""

import json
from pathlib import Path

import numpy as np

from facesim.face.files import load_face
from facesim.face.builtin import DEFAULT_N_VERTICES, build_face

MESH = Path(__file__).resolve().parents[1] / "meshes" / "builtin-face.ply"


def test_committed_builtin_face_matches_the_generator():
    stored = load_face(MESH)
    fresh = build_face(DEFAULT_N_VERTICES)
    assert np.array_equal(stored.faces, fresh.faces)
    np.testing.assert_allclose(stored.vertices, fresh.vertices, atol=1e-6)
    assert stored.landmarks == fresh.landmarks
    doc = json.loads(MESH.with_name("builtin-face.landmarks.json").read_text())
    assert doc["units"] == "mm" and "patient's left" in doc["axes"]
    for name, mask in fresh.regions.items():
        assert np.array_equal(stored.regions[name], mask), name
    np.testing.assert_allclose(stored.anchoring, fresh.anchoring, atol=1e-4)


def test_a_scenario_can_name_a_face_file(tmp_path, coarse_model):
    """The same face, as a file, simulates exactly like the built-in one."""
    from facesim.face.files import save_face
    from facesim.scenario.case import load_scenario
    from facesim.simulation.timeline import build_model, simulate

    save_face(coarse_model.face, tmp_path / "faces" / "patient.ply")
    case = "[patient]\nmesh = \"faces/patient.ply\"\n[patient.tone]\ndao_right = 8.0\n[[injection]]\nsite = \"dao_right\"\nunits = 3\n"
    (tmp_path / "case.toml").write_text(case)
    scenario = load_scenario(tmp_path / "case.toml")
    model = build_model(scenario)
    assert model.face.n_vertices == coarse_model.face.n_vertices
    a = simulate(model, scenario, days=[0, 14]).metrics["smile"].rest_height_deviation
    b = simulate(coarse_model, scenario, days=[0, 14]).metrics["smile"].rest_height_deviation
    np.testing.assert_allclose(a, b, atol=1e-6)
