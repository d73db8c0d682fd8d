"""Built models kept on disk: the same model back, rebuilt when anything it was built from changes."""

import numpy as np
import pytest

from facesim.scenario.case import parse_scenario
from facesim.simulation.timeline import build_model
from facesim.tissue import model_cache


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.setenv("FACESIM_CACHE_DIR", str(tmp_path))
    return tmp_path / "models"


def scenario(vertices=800, mesh=None):
    patient = {"vertices": vertices} if mesh is None else {"mesh": str(mesh)}
    return parse_scenario({"patient": patient}, "test")


def test_a_cached_model_is_the_built_one_and_solves_the_same(folder):
    built = build_model(scenario())
    assert len(list(folder.glob("*.pkl"))) == 1
    again = build_model(scenario())
    assert again is not built
    assert np.array_equal(again.basis, built.basis)
    assert np.array_equal(again.face.vertices, built.face.vertices)
    assert again.tissue._factor is None  # refactorized on the first solve only
    load = np.random.default_rng(1).normal(size=built.face.n_vertices)
    assert np.abs(again.tissue.solve(load) - built.tissue.solve(load)).max() < 1e-12
    assert again.calibration.stiffness_scale == built.calibration.stiffness_scale


def test_another_resolution_or_code_is_another_model(folder, monkeypatch):
    build_model(scenario(800))
    build_model(scenario(900))
    assert len(list(folder.glob("*.pkl"))) == 2
    monkeypatch.setattr(model_cache, "code_fingerprint", lambda: "edited code")
    build_model(scenario(800))
    assert len(list(folder.glob("*.pkl"))) == 3


def test_a_broken_file_is_rebuilt_and_the_cache_can_be_off(folder, monkeypatch):
    first = build_model(scenario())
    (path,) = folder.glob("*.pkl")
    path.write_bytes(b"not a pickle")
    again = build_model(scenario())
    assert np.array_equal(again.basis, first.basis)
    assert path.stat().st_size > 1000  # written anew
    monkeypatch.setenv("FACESIM_CACHE", "0")
    path.unlink()
    build_model(scenario())
    assert not list(folder.glob("*.pkl"))


def test_an_imported_mesh_is_keyed_by_its_bytes(folder, tmp_path):
    from facesim.face.builtin import build_face
    from facesim.face.files import save_face

    mesh = tmp_path / "patient.ply"
    save_face(build_face(800), mesh)
    build_model(scenario(mesh=mesh))
    build_model(scenario(mesh=mesh))
    assert len(list(folder.glob("*.pkl"))) == 1
    save_face(build_face(900), mesh)  # the same name, another face
    other = build_model(scenario(mesh=mesh))
    assert len(list(folder.glob("*.pkl"))) == 2
    assert other.face.n_vertices == build_face(900).n_vertices
