"""The planner's fast path equals the ordinary simulation: same plan -> same corner metrics on every window day.

The planner evaluates plans as array products on the landmark basis with tabulated spread; the
ordinary simulation (ScenarioSimulation) places each shot and integrates its spread exactly. For
the comparison each uncertainty sample's parameters (spread, sensitivity, onset, rise, plateau,
decline) are fed to the ordinary simulation too; the patient factor (how far the measured
over-pull may be off) stays 1, since the ordinary simulation has no such factor.
"""

import dataclasses

import numpy as np
import pytest

from facesim.metrics import PLAN_EXPRESSIONS
from facesim.planning.planner import PlannerSettings, PlanningProblem
from facesim.scenario.case import parse_scenario
from facesim.simulation.timeline import ScenarioSimulation
from facesim.treatment.time_course import force_factor
from facesim.treatment.shot import Shot
from facesim.treatment.uncertainty import sample_parameters

TOL_MM = 0.01


def _samples(n: int, seed: int):
    return dataclasses.replace(sample_parameters(n, seed), patient=np.ones(n))


@pytest.mark.parametrize("plan", [[("dao_right", 2.5)], [("dao_right", 1.5), ("dli_right", 1.0)],
                                  [("mentalis_right", 3.0)]])
def test_planner_equals_the_simulation_on_every_window_day(coarse_model, plan):
    case = parse_scenario({"patient": {"tone": {"dao_right": 12.0}, "strength": {"zygomaticus_major_left": 1.2}},
                           "history": {"previous_injection": [{"day": -30, "site": "dao_left", "units": 2.0}]}},
                          "exactness case")
    settings = PlannerSettings.default(samples=6)
    problem = PlanningProblem(coarse_model, case, settings)
    problem.samples = _samples(6, seed=4)
    problem._responses.clear()
    days = [float(d) for d in settings.window_days]
    index = {site.name: k for k, site in enumerate(problem.sites)}
    fast = problem.simulate([(index[name], units, 0.0) for name, units in plan], days)

    treated = case.with_shots([Shot.at(name, units) for name, units in plan])
    sim = ScenarioSimulation(coarse_model, treated)
    worst = 0.0
    for k in range(problem.samples.size):
        params, ed50_scale = problem.samples.bont_params(k)
        g = force_factor(days, sim.injections, sim.territories, treated.patient.sex, ed50_scale, params)
        tl = sim.timeline(days, PLAN_EXPRESSIONS, factor=g)
        pairs = [("rest_dev", tl.metrics["rest"].rest_height_deviation),
                 ("rest_ll", tl.metrics["rest"].rest_lower_lip_deviation), ("asym", tl.asymmetry())]
        for e in PLAN_EXPRESSIONS[1:]:  # every judged expression (smile, lower lip down, frown)
            m = tl.metrics[e]
            pairs += [(f"{e}_dev", m.height_deviation), (f"{e}_exc", m.excursion_difference),
                      (f"{e}_ll", m.lower_lip_deviation), (f"{e}_asym", m.asymmetry)]
        for name, ours in pairs:
            worst = max(worst, float(np.abs(fast[name][k] - ours).max()))
    print(f"planner vs simulation, largest difference {worst:.2e} mm")
    assert worst < TOL_MM, f"planner vs simulation: {worst:.4f} mm"
