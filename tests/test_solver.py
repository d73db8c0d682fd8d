"""The tissue solver: the sparse Cholesky and the SuperLU fallback give the same displacements (1e-9 mm)."""

import numpy as np
import pytest

from facesim.face.builtin import build_face
from facesim.tissue import system
from facesim.tissue.model import FaceModel


def test_cholesky_and_superlu_give_the_same_basis(monkeypatch):
    pytest.importorskip("cholespy")
    face = build_face(3000)
    fast = FaceModel(face)
    assert isinstance(fast.tissue._factor, system.SparseCholesky)
    monkeypatch.setenv(system.SOLVER_ENV, "superlu")
    slow = FaceModel(face)
    assert isinstance(slow.tissue._factor, system.SuperLU)
    assert np.abs(fast.basis - slow.basis).max() < 1e-9  # mm per N
    forces = np.random.default_rng(0).normal(size=face.n_vertices)
    assert np.abs(fast.tissue.solve(forces) - slow.tissue.solve(forces)).max() < 1e-9


def test_the_fallback_is_used_without_cholespy(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_cholespy(name, *args, **kwargs):
        if name == "cholespy":
            raise ImportError("no cholespy")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_cholespy)
    matrix = system.TissueSystem(build_face(800)).matrix
    assert isinstance(system.factorize(matrix), system.SuperLU)
