"""Samples of the uncertain model parameters (seeded), for planning under uncertainty."""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from facesim.datafiles import bundled


@dataclass(frozen=True, eq=False)
class ParameterSamples:
    """K draws of the uncertain parameters; every field is a (K,) float array.

    spread : multiplier on the BoNT-A spread width sigma
    ed50 : multiplier on every muscle's ED50 (patient sensitivity to the toxin)
    decay : multiplier on the effective-dose decline time (duration)
    emax, hill_n : dose-response maximum and steepness
    patient : multiplier on each patient multiplier's distance from 1
    onset_delay_d, rise_tau_d, plateau_end_d : days, the time course's lag, rise and plateau end
    """

    spread: np.ndarray
    ed50: np.ndarray
    decay: np.ndarray
    emax: np.ndarray
    hill_n: np.ndarray
    patient: np.ndarray
    onset_delay_d: np.ndarray
    rise_tau_d: np.ndarray
    plateau_end_d: np.ndarray

    @property
    def size(self) -> int:
        return len(self.spread)

    def bont_params(self, k: int):
        """Sample ``k`` as (BontParams, ED50 multiplier), for the per-sample pharmacology functions."""
        from dataclasses import replace

        from facesim.treatment.bont import bont_params

        p = bont_params()
        return replace(p, onset_delay_d=float(self.onset_delay_d[k]), rise_tau_d=float(self.rise_tau_d[k]),
                       plateau_end_d=float(self.plateau_end_d[k]), decline_tau_d=p.decline_tau_d * float(self.decay[k]),
                       emax=float(self.emax[k]), hill_n=float(self.hill_n[k]),
                       sigma_ref_mm=p.sigma_ref_mm * float(self.spread[k])), float(self.ed50[k])

    def rows(self) -> list[dict]:
        """One dict per sample (for reports)."""
        names = [f.name for f in fields(self)]
        return [{n: float(getattr(self, n)[k]) for n in names} for k in range(self.size)]


def sample_parameters(n: int, seed: int = 0) -> ParameterSamples:
    """``n`` seeded draws from the ranges in facesim/data/uncertainty.toml."""
    if n < 1:
        raise ValueError("n must be >= 1")
    r = bundled.uncertainty().uncertainty
    rng = np.random.default_rng(seed)

    def log_uniform(lo_hi):
        return np.exp(rng.uniform(np.log(lo_hi[0]), np.log(lo_hi[1]), n))

    return ParameterSamples(
        spread=log_uniform(r.spread_factor),
        ed50=log_uniform(r.ed50_factor),
        decay=rng.uniform(*r.decay_factor, n),
        emax=rng.uniform(*r.emax, n),
        hill_n=rng.uniform(*r.hill_n, n),
        patient=rng.uniform(*r.patient_factor, n),
        onset_delay_d=rng.uniform(*r.onset_delay_d, n),
        rise_tau_d=rng.uniform(*r.rise_tau_d, n),
        plateau_end_d=rng.uniform(*r.plateau_end_d, n),
    )
