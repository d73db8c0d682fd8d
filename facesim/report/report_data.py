"""Everything a report says, as plain data: the daily timeline, its milestones and their uncertainty.

The uncertainty is :func:`facesim.simulation.bands.bont_uncertainty`: the scenario on a day axis
with the BoNT-A parameters drawn by :func:`facesim.treatment.uncertainty.sample_parameters`
(seeded), as 10-90 % bands. Only the toxin parameters vary here (not the tissue, the anatomy or
the patient).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from facesim.report.milestones import Milestones, milestones
from facesim.scenario.case import Scenario
from facesim.simulation.bands import FOLLOW_UP_DAYS, N_SAMPLES, SEED, Uncertainty, bont_uncertainty
from facesim.simulation.timeline import ScenarioSimulation, Timeline


@dataclass
class ReportData:
    """Everything a report says, as plain data (no pictures)."""

    sim: ScenarioSimulation
    timeline: Timeline                # daily, 0-180
    followup: Timeline                # the scenario's follow-up days
    milestones: Milestones
    sample_milestones: list          # Milestones per uncertainty sample
    uncertainty: Uncertainty
    picture_days: list = field(default_factory=list)

    @property
    def scenario(self) -> Scenario:
        return self.sim.scenario


def report_data(sim: ScenarioSimulation, days=FOLLOW_UP_DAYS, n_samples: int = N_SAMPLES,
                seed: int = SEED) -> ReportData:
    """Simulate what the report shows: the daily timeline, milestones and uncertainty."""
    days = np.asarray(days, float)
    tl = sim.timeline(days)
    ms = milestones(days, tl.asymmetry())
    unc = bont_uncertainty(sim, days, n_samples, seed)
    sample_ms = [milestones(days, a) for a in unc.curves["asymmetry"]]
    picture_days = [0.0]
    best = ms.peak_day if ms.peak_day is not None else 14.0
    picture_days.append(max(best, 1.0))
    late = ms.worn_off_day if ms.worn_off_day is not None else 120.0
    if late > best:
        picture_days.append(min(late, float(days[-1])))
    return ReportData(sim, tl, sim.timeline(), ms, sample_ms, unc, picture_days)
