"""A scenario run as the command line needs it: the simulation, its timeline and the files it writes.

:func:`scenario_simulation` builds the face model a scenario asks for and
resolves the scenario on it; :func:`run_scenario` adds the timeline on the
asked days. :attr:`ScenarioRun.files` holds what ``facesim simulate --out``
writes (``TIMELINE_FILES``).
"""

from __future__ import annotations

from dataclasses import dataclass

from facesim.scenario.case import Scenario
from facesim.simulation.timeline import ScenarioSimulation, Timeline, build_model

#: The files of a simulation run, in the order :meth:`ScenarioRun.files` returns them.
TIMELINE_FILES = ("timeline.json", "timeline.csv")


def scenario_simulation(scenario: Scenario, vertices: int | None = None) -> ScenarioSimulation:
    """The scenario resolved on the face model it asks for (``vertices`` overrides its resolution)."""
    return ScenarioSimulation(build_model(scenario, vertices), scenario)


@dataclass(frozen=True)
class ScenarioRun:
    """A simulated scenario.

    Attributes
    ----------
    scenario : Scenario
    simulation : ScenarioSimulation, on the model the scenario asks for
    timeline : Timeline, on the asked days (days in days since the first treatment)
    source : str, where the scenario came from (its path), recorded in the JSON
    """

    scenario: Scenario
    simulation: ScenarioSimulation
    timeline: Timeline
    source: str

    def files(self) -> dict[str, object]:
        """``timeline.json`` (title, source, vertices, days, flags, warnings, rows) and ``timeline.csv`` (rows).

        Each row is one day and expression: ``day``, ``expression``, the corner
        metrics in mm and degrees, ``asymmetry_mm``, ``balance_score``, ``verdict``.
        """
        rows = self.timeline.rows()
        payload = {
            "title": self.scenario.title,
            "scenario": self.source,
            "vertices": self.simulation.model.face.n_vertices,
            "days": [float(d) for d in self.timeline.days],
            "flags": self.scenario.flags,
            "clinician_override": self.scenario.override_label or None,
            "warnings": list(self.simulation.warnings),
            "rows": rows,
        }
        return dict(zip(TIMELINE_FILES, (payload, rows)))


def run_scenario(scenario: Scenario, days=None, vertices: int | None = None, source: str = "") -> ScenarioRun:
    """Simulate ``scenario`` on ``days`` (None: its follow-up days, or the default day list)."""
    sim = scenario_simulation(scenario, vertices)
    return ScenarioRun(scenario, sim, sim.timeline(days), source)
