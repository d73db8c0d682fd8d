"""A scenario's corner curves under sampled BoNT-A parameters: the uncertainty band of the plots and reports."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from facesim.datafiles import bundled
from facesim.simulation.timeline import ScenarioSimulation, Timeline
from facesim.treatment.time_course import force_factor
from facesim.treatment.uncertainty import sample_parameters

FOLLOW_UP_DAYS = np.arange(0.0, 181.0)  # daily, 0-180
N_SAMPLES = 32
SEED = 20260601


@dataclass(frozen=True)
class Uncertainty:
    """A scenario simulated under sampled BoNT-A parameters.

    Attributes
    ----------
    days : (k,) float array, days
    draws : list of dict, the parameter values of each sample
    curves : dict name -> (s, k) float array, mm; names ``rest height``, ``smile height``,
        ``smile excursion`` (left minus right) and ``asymmetry``
    """

    days: np.ndarray
    draws: list
    curves: dict

    def band(self, name: str, low: float = 10.0, high: float = 90.0) -> tuple[np.ndarray, np.ndarray]:
        """The ``low``-``high`` percentile band (two (k,) arrays, mm) of curve ``name``."""
        return tuple(np.percentile(self.curves[name], [low, high], axis=0))

    @property
    def description(self) -> str:
        r = bundled.uncertainty().uncertainty
        varied = ("onset_delay_d", "rise_tau_d", "plateau_end_d", "decay_factor", "emax", "hill_n", "spread_factor",
                  "ed50_factor")
        parts = [f"{name} {getattr(r, name)[0]:g}–{getattr(r, name)[1]:g}" for name in varied]
        return (f"{len(self.draws)} seeded samples of the BoNT-A parameters, each drawn from its documented "
                f"range (facesim/data/uncertainty.toml): {'; '.join(parts)}. Bands show the 10–90 % range "
                "across samples. Tissue, anatomy and the patient's muscle strengths are not varied.")


def curves_of(tl: Timeline) -> dict[str, np.ndarray]:
    """The plotted curves of a timeline (left minus right, mm)."""
    rest = tl.metrics["rest"]
    out = {"rest height": rest.rest_height_deviation, "asymmetry": tl.asymmetry()}
    if "smile" in tl.metrics:
        out["smile height"] = tl.metrics["smile"].height_deviation
        out["smile excursion"] = tl.metrics["smile"].excursion_difference
    return out


def bont_uncertainty(sim: ScenarioSimulation, days=FOLLOW_UP_DAYS, n: int = N_SAMPLES, seed: int = SEED) -> Uncertainty:
    """The scenario's curves under ``n`` seeded draws of the BoNT-A parameters."""
    days = np.asarray(days, float)
    samples = sample_parameters(n, seed)
    curves: dict[str, list] = {}
    for k in range(samples.size):
        params, ed50_scale = samples.bont_params(k)
        g = force_factor(days, sim.injections, sim.territories, sim.scenario.patient.sex, ed50_scale, params)
        for name, curve in curves_of(sim.timeline(days, factor=g)).items():
            curves.setdefault(name, []).append(curve)
    draws = samples.rows()
    return Uncertainty(days, draws, {k: np.array(v) for k, v in curves.items()})
