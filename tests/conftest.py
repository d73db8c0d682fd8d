"""Shared fixtures: models are built once per test session."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import numpy as np
import pytest

from facesim.tissue.model import FaceModel

# Built models are kept in a folder of this test session only (the CLI subprocesses and the pytest-xdist
# workers inherit it from the first process that loads this file), never the user's cache
# (facesim.tissue.model_cache).
os.environ.setdefault("FACESIM_TEST_SESSION_CACHE", tempfile.mkdtemp(prefix="facesim-test-cache-"))
os.environ["FACESIM_CACHE_DIR"] = os.environ["FACESIM_TEST_SESSION_CACHE"]

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


@pytest.fixture(scope="session")
def model() -> FaceModel:
    """The default-resolution built-in face model (~21k vertices)."""
    return FaceModel.builtin()


@pytest.fixture(scope="session")
def coarse_model() -> FaceModel:
    """A coarse built-in face (~3k vertices) for tests that only need the plumbing."""
    return FaceModel.builtin(3000)


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(20261121)


@pytest.fixture(scope="session")
def photo_rgb() -> np.ndarray:
    """skimage.data.astronaut(): a 512 px public-domain frontal portrait (tests/photo_images.py)."""
    from photo_images import astronaut

    return astronaut()


@pytest.fixture(scope="session")
def photo_found(photo_rgb):
    """The landmarks MediaPipe finds on ``photo_rgb`` (mirror averaged)."""
    pytest.importorskip("mediapipe")
    from facesim.photo.landmarks import photo_landmarks

    return photo_landmarks(photo_rgb)
