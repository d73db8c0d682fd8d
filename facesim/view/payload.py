"""What the viewer page needs to recompute a scenario itself: mesh, basis, static fields, pharmacology.

The page evaluates the model exactly as :class:`facesim.simulation.timeline.ScenarioSimulation` does:

``u(e, t) = sum_m F_max,m g_m(t) (tone_m tau_m(t) + a_e,m s_m(t)) B_m + sum_j c_j(t) S_j``

with the BoNT-A force factor ``g_m(t) = 1 - emax / (1 + (ED50_m / D_m(t))^n)`` and ``D_m(t)`` the sum over
shots of ``d_m rise(t - day) hold(t - day; d_m)`` (facesim.treatment.time_course). What the page cannot
recompute cheaply is tabulated exactly: each planned shot's delivered dose per muscle ``d_m`` (U) for every
dose step and product (the spread depends on the dose), and the multipliers ``s, tau`` and static courses
``c_j`` on the whole days 0-180. Metrics are read from the landmark stencils in float64 (exact); the mesh
drawn uses the basis quantised to int16 (facesim.view.encode).
"""

from __future__ import annotations

from dataclasses import asdict, replace

import numpy as np

from facesim.datafiles import bundled
from facesim.metrics import METRIC_LANDMARKS
from facesim.simulation.timeline import ScenarioSimulation
from facesim.treatment.bont import _products, bont_params, ed50_u, product, site_range
from facesim.view.encode import packed, quantised

#: The day slider's axis, days since the first treatment (whole days).
DAYS = np.arange(0.0, 181.0)
#: The dose slider's step, U (the planner's step).
DOSE_STEP_U = 0.5
#: Static components that are treatments (left out of "before"); the rest is the patient's own face.
TREATMENT_STATIC = ("filler", "corner lift")


def dose_steps(muscle_id: str, own_u: float) -> list[float]:
    """The dose slider's values for a site aimed at ``muscle_id``: its practical range (safety.toml) in
    DOSE_STEP_U steps, and the planned dose ``own_u`` (ona-equivalent U)."""
    lo, hi = site_range(muscle_id)
    grid = np.arange(lo, hi + 1e-9, DOSE_STEP_U)
    return sorted({round(float(u), 6) for u in grid} | {round(float(own_u), 6)})


def product_table() -> dict[str, dict]:
    """Each product's factors the page needs, by canonical name."""
    out = {}
    for _, p in _products().values():
        out[p.name] = {"units_per_ona_unit": p.units_per_ona_unit, "onset_lag_factor": p.onset_lag_factor,
                       "duration_factor": p.duration_factor}
    return out


def _planned_site(sim: ScenarioSimulation, shot, placed) -> dict:
    muscle = placed.target(sim.territories)
    steps = dose_steps(muscle, placed.units_ona)
    table = {}
    for name, row in product_table().items():
        table[name] = [replace(shot, units=u * row["units_per_ona_unit"], product=name).place(sim.model)
                       .delivered(sim.territories).tolist() for u in steps]
    return {"label": shot.site.describe(), "muscle": muscle, "day": float(shot.day), "steps_u": steps,
            "dose_u": round(placed.units_ona, 6), "delivered": table}


def pharmacology(sim: ScenarioSimulation) -> dict:
    """The factored toxin model: parameters, ED50 per muscle, products, fixed and planned shots."""
    fixed, planned = [], []
    for shot, placed in zip(sim.scenario.injections, sim.injections):
        if shot.previous or shot.site.name is None:
            fixed.append({"day": float(placed.day), "product": product(placed.product).name,
                          "delivered": placed.delivered(sim.territories).tolist()})
        else:
            planned.append(_planned_site(sim, shot, placed))
    first = next((p for s, p in zip(sim.scenario.injections, sim.injections) if not s.previous), None)
    return {"params": asdict(bont_params()), "products": product_table(),
            "ed50_u": [ed50_u(t.muscle_id, sim.scenario.patient.sex) for t in sim.territories],
            "fixed": fixed, "planned": planned,
            "product": product(first.product).name if first else "onabotulinumtoxinA"}


def thresholds() -> dict:
    """Perception thresholds (mm), the balance score's half score and the day marks."""
    t, plan = bundled.perception().threshold_mm, bundled.planner().target
    return {"clinician_detection": t.clinician_detection, "lay_detection": bundled.noticeable_mm(),
            "acceptable": t.acceptable, "unacceptable": t.unacceptable,
            "half_score_mm": bundled.perception().balance_score.half_score_mm,
            "min_travel_for_direction_mm": bundled.measures().motion.min_travel_for_direction_mm,
            "review_day": plan.review_day, "retreatment_min_day": plan.retreatment_min_day}


def static_block(sim: ScenarioSimulation) -> dict:
    """Static fields (filler, lift, droop, skeletal) quantised, their courses on DAYS and at the landmarks."""
    comps = sim.static
    stencil = sim.model.landmark_weights(METRIC_LANDMARKS)
    n = sim.model.face.n_vertices
    fields = np.stack([c.field for c in comps]) if comps else np.zeros((0, n, 3))
    return {"labels": [c.label for c in comps],
            "treatment": [c.label.startswith(TREATMENT_STATIC) for c in comps],
            "courses": [np.asarray(c.course(DAYS), float).tolist() for c in comps],
            "landmarks": [(stencil @ c.field).tolist() for c in comps],
            "fields": quantised(fields)}


def viewer_payload(sim: ScenarioSimulation) -> dict:
    """Everything the page needs, JSON-ready (big arrays packed by facesim.view.encode)."""
    model, face = sim.model, sim.model.face
    rest, lbasis = model.landmark_basis(METRIC_LANDMARKS)
    strength, tone = sim.multipliers(DAYS)
    centre = face.vertices.mean(axis=0)
    return {
        "title": sim.scenario.title, "n_vertices": face.n_vertices, "muscle_ids": list(model.muscle_ids),
        "days": [float(DAYS[0]), float(DAYS[-1])], "centre": centre.tolist(),
        "vertices": quantised((face.vertices - centre)[None]), "faces": packed(face.faces, "uint32"),
        "basis": quantised(model.basis),
        "landmarks": {"names": list(METRIC_LANDMARKS), "rest": rest.tolist(), "basis": lbasis.tolist()},
        "max_force": model.max_force.tolist(), "tone": model.expressions.tone.tolist(),
        "activation": {e: model.expressions.get(e).tolist() for e in ("rest", "smile")},
        "strength": packed(strength, "float64"), "tone_multiplier": packed(tone, "float64"),
        "static": static_block(sim), "toxin": pharmacology(sim), "thresholds": thresholds(),
        "warnings": list(sim.warnings),
    }
