"""Samples of the uncertain model parameters (seeded), for planning under uncertainty."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .datafiles import bundled


@dataclass(frozen=True, eq=False)
class ParameterSamples:
    """K draws of the uncertain parameters; every field is a (K,) float array.

    spread : multiplier on the BoNT-A spread width sigma
    ed50 : multiplier on every muscle's ED50 (patient sensitivity to the toxin)
    decay : multiplier on the effective-dose decay time (duration)
    emax, hill_n : dose-response maximum and steepness
    patient : multiplier on each patient multiplier's distance from 1
    """

    spread: np.ndarray
    ed50: np.ndarray
    decay: np.ndarray
    emax: np.ndarray
    hill_n: np.ndarray
    patient: np.ndarray

    @property
    def size(self) -> int:
        return len(self.spread)

    @classmethod
    def nominal(cls) -> "ParameterSamples":
        """One sample at the default parameters."""
        from .pharmacology import bont_params

        p = bont_params()
        one = np.ones(1)
        return cls(one, one, one, np.array([p.emax]), np.array([p.hill_n]), one)


def sample_parameters(n: int, seed: int = 0) -> ParameterSamples:
    """``n`` seeded draws from the ranges in facesim/data/planner.toml [uncertainty]."""
    if n < 1:
        raise ValueError("n must be >= 1")
    r = bundled("planner")["uncertainty"]
    rng = np.random.default_rng(seed)

    def log_uniform(lo_hi):
        return np.exp(rng.uniform(np.log(lo_hi[0]), np.log(lo_hi[1]), n))

    return ParameterSamples(
        spread=log_uniform(r["spread_factor"]),
        ed50=log_uniform(r["ed50_factor"]),
        decay=rng.uniform(*r["decay_factor"], n),
        emax=rng.uniform(*r["emax"], n),
        hill_n=rng.uniform(*r["hill_n"], n),
        patient=rng.uniform(*r["patient_factor"], n),
    )
