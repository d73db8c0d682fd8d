"""What the report says, in words and table rows (plain strings; the templates lay them out).

Patient page: :func:`what_changes`, :func:`when_items`, :func:`aftercare`. Clinician page:
:func:`plan_rows`, :func:`planner_rows`, :func:`metrics_rows`, :func:`milestone_rows`,
:func:`assumption_rows`.
"""

from __future__ import annotations

import numpy as np

from facesim.datafiles import bundled
from facesim.datafiles.clinic import AftercareFile
from facesim.metrics import verdict
from facesim.report.report_data import ReportData
from facesim.simulation.timeline import ScenarioSimulation, Timeline


def _range(values, unit: str = "") -> str:
    vals = [v for v in values if v is not None]
    if not vals:
        return "—"
    lo, hi = np.percentile(vals, [10, 90])
    missing = len(values) - len(vals)
    text = f"{lo:.0f}–{hi:.0f}{unit}" if round(lo) != round(hi) else f"{lo:.0f}{unit}"
    return text + (f" ({missing} of {len(values)} samples: not by day 180)" if missing else "")


def _day(d: float | None) -> str:
    if d is None:
        return "not within 6 months"
    weeks = d / 7.0
    if d < 21:
        return f"day {d:.0f}"
    if d < 60:
        return f"day {d:.0f} (about {weeks:.0f} weeks)"
    return f"day {d:.0f} (about {d / 30.4:.0f} months)"


def _num(d: float | None) -> str:
    return "—" if d is None else f"{d:g}"


# --------------------------------------------------------------------------- patient page


def what_changes(data: ReportData) -> str:
    """The patient page's paragraph: the corners today, the plan, what the model predicts."""
    from facesim.render.views import treated_side  # pure helper, imports no pyvista

    sc, ms = data.scenario, data.milestones
    rest = data.timeline.metrics["rest"]
    h0 = float(rest.rest_height_deviation[0])
    parts = []
    if abs(h0) >= 0.5:
        low = "right" if h0 > 0 else "left"
        parts.append(f"At rest your {low} mouth corner sits {abs(h0):.1f} mm lower than the other.")
    if "smile" in data.timeline.metrics:
        x0 = float(data.timeline.metrics["smile"].excursion_difference[0])
        if abs(x0) >= 0.5:
            more = "left" if x0 > 0 else "right"
            parts.append(f"When you smile, your {more} corner moves {abs(x0):.1f} mm further than the other.")
    if not parts:
        parts.append("Your mouth corners are close to even today.")
    side = treated_side(data.sim)
    planned = sc.planned_injections
    if planned:
        total = sum(s.units_ona for s in planned)
        sessions = sorted({s.day for s in planned})
        parts.append(f"The plan: {total:g} unit{'' if total == 1 else 's'} of botulinum toxin on your {side} side"
                     + (f", over {len(sessions)} visits" if len(sessions) > 1 else "")
                     + ", to relax a muscle there, so that both corners move more alike.")
    elif sc.fillers or sc.corner_lifts or sc.exercises or sc.habit_corrections:
        parts.append("The plan supports or retrains the face instead of relaxing a muscle (see the plan below).")
    t = ms.threshold_mm
    if ms.start_mm < t:
        parts.append(f"Today the difference ({ms.start_mm:.1f} mm) is below what most people notice ({t:g} mm).")
    elif ms.best_mm < t:
        parts.append(f"The model predicts the largest difference shrinks from {ms.start_mm:.1f} mm to about "
                     f"{ms.best_mm:.1f} mm, below the {t:g} mm most people notice.")
    else:
        parts.append(f"The model predicts the largest difference goes from {ms.start_mm:.1f} mm to about "
                     f"{ms.best_mm:.1f} mm; most people notice {t:g} mm or more, so a further step may be "
                     "discussed at your review.")
    return " ".join(parts)


def when_items(data: ReportData) -> list[tuple[str, str]]:
    """``(question, answer)`` pairs: when the change shows, is best, stops being noticed, wears off."""
    ms, sm = data.milestones, data.sample_milestones
    if not ms.improves:
        return [("Change over time", "the model predicts no clear change in the balance of the corners "
                 "over the 6 months shown")]
    items = [("When it starts to show", f"around {_day(ms.first_visible_day)} "
              f"(range {_range([m.first_visible_day for m in sm], ' days')})"),
             ("When it is at its best", f"around {_day(ms.peak_day)} "
              f"(range {_range([m.peak_day for m in sm], ' days')})")]
    if ms.below_threshold_day is not None and ms.start_mm >= ms.threshold_mm:
        again = ("and stays so to the end of the 6 months shown" if ms.noticeable_again_day is None
                 else f"until about {_day(ms.noticeable_again_day)}")
        items.append(("When most people will no longer notice it", f"from {_day(ms.below_threshold_day)} {again}"))
    items.append(("When it wears off", f"by {_day(ms.worn_off_day)} "
                  f"(range {_range([m.worn_off_day for m in sm], ' days')}); the muscle recovers gradually "
                  "and the earlier balance returns"))
    return items


def aftercare() -> AftercareFile:
    """The general aftercare guidance (facesim/data/aftercare.toml)."""
    return bundled.aftercare()


# --------------------------------------------------------------------------- clinician page


def _muscle_label(muscle_id: str) -> str:
    from facesim.anatomy.muscles import Anatomy

    name, _, side = muscle_id.rpartition("_")
    labels = {m.name: m.label for m in Anatomy.default().muscles}
    return f"{side} {labels.get(name, name)}"


def plan_rows(sim: ScenarioSimulation) -> list[list]:
    """One row per treatment of the scenario: what, where, how much, ona U, details, which day."""
    from facesim.treatment.sites import named_sites

    rows = []
    for shot, inj in zip(sim.scenario.injections, sim.injections):
        where = shot.site.describe()
        if shot.site.name in named_sites():
            where += f" ({_muscle_label(named_sites()[shot.site.name].muscle_id)})"
        sigma = float(inj.sigma_mm())
        kind = "previous BoNT-A" if shot.previous else "BoNT-A"
        rows.append([kind, where, f"{shot.units:g} U {shot.product}", f"{shot.units_ona:.2g}",
                     f"{shot.volume:.3g} mL, {inj.depth}, spread σ {sigma:.1f} mm", f"{shot.day:g}"])
    for f in sim.scenario.fillers:
        extra = f", hyaluronidase day {f.hyaluronidase_day:g}" if f.hyaluronidase_day is not None else ""
        rows.append(["HA filler", str(f.site), f"{f.volume_ml:g} mL ({f.product_class})", "", extra.lstrip(", "),
                     f"{f.day:g}"])
    for ex in sim.scenario.exercises:
        stop = "" if ex.stop_day is None else f" to day {ex.stop_day:g}"
        rows.append(["re-education", ", ".join(ex.muscle_ids), f"adherence {ex.adherence:.0%}", "",
                     f"training from day {ex.start_day:g}{stop}", f"{ex.start_day:g}"])
    for h in sim.scenario.habit_corrections:
        rows.append(["habit correction", ", ".join(h.muscle_ids), "", "", f"tone {h.initial_tone:g} relaxes, "
                     f"τ {h.tau_days:g} d", f"{h.start_day:g}"])
    for lift in sim.scenario.corner_lifts:
        rows.append(["corner lift", lift.side, f"{lift.lift_mm:g} mm", "", "surgery", f"{lift.day:g}"])
    return rows


def planner_rows(plan) -> list[list[str]]:
    """``[what, value]`` rows of the planner's answer (a PlanResult): chosen plan, target met, staged plan."""
    rows = []
    if plan.chosen is not None:
        c = plan.chosen
        rows.append(["chosen plan", ", ".join(f"{s} {u:g} {n}" for s, u, n in zip(c.sites, c.units, c.unit_names))])
        rows.append(["target met at week 2", f"{c.p_target:.0%} of {plan.samples} samples"])
    if plan.staged is not None:
        st = plan.staged
        rows.append(["staged", f"start {', '.join(f'{u:g} U' for u in st.start_units)}, review day "
                                f"{st.review_day:g}, touch-up {', '.join(f'{u:g} U' for u in st.touch_up_units) or 'none'}"])
    return rows


def metrics_rows(tl: Timeline) -> list[list]:
    """One row per day of ``tl``: corner deviations (mm, left minus right), asymmetry, balance, verdict."""
    rest, smile = tl.metrics["rest"], tl.metrics.get("smile")
    asym = tl.asymmetry()
    rows = []
    for k, day in enumerate(tl.days):
        row = [f"{day:g}", f"{rest.rest_height_deviation[k]:+.2f}"]
        if smile is not None:
            row += [f"{smile.height_deviation[k]:+.2f}", f"{smile.excursion_difference[k]:+.2f}",
                    f"{smile.excursion_left[k]:.1f} / {smile.excursion_right[k]:.1f}"]
        else:
            row += ["—", "—", "—"]
        score = float(np.min([m.balance_score[k] for m in tl.metrics.values()]))
        row += [f"{asym[k]:.2f}", f"{score:.0f}", verdict(float(asym[k]))]
        rows.append(row)
    return rows


def milestone_rows(data: ReportData) -> list[list[str]]:
    """``[milestone, nominal day, 10-90 % of samples]`` of the daily simulation."""
    ms, sm = data.milestones, data.sample_milestones
    worn = 100 * bundled.products().bont.worn_off_fraction
    return [
        ["asymmetry on day 0 / best (mm)", f"{ms.start_mm:.2f} / {ms.best_mm:.2f}", ""],
        ["first visible (≥ 25 % of peak improvement, ≥ 0.3 mm)", _num(ms.first_visible_day),
         _range([m.first_visible_day for m in sm])],
        ["peak improvement", _num(ms.peak_day), _range([m.peak_day for m in sm])],
        [f"below the lay threshold ({ms.threshold_mm:g} mm) from", _num(ms.below_threshold_day),
         _range([m.below_threshold_day for m in sm])],
        ["noticeable again from", _num(ms.noticeable_again_day), _range([m.noticeable_again_day for m in sm])],
        [f"worn off (< {worn:g} % of peak improvement)", _num(ms.worn_off_day), _range([m.worn_off_day for m in sm])],
    ]


def assumption_rows() -> list[list[str]]:
    """``[parameter, value, source]`` of the model's BoNT-A parameters, the perception thresholds
    and the safety thresholds, from the parsed data files (each value's ``source_of``)."""
    b, safety = bundled.products().bont, bundled.safety()
    tables = [("bont", b), ("bont.spread", b.spread), ("threshold_mm", bundled.perception().threshold_mm),
              ("safety.placement", safety.placement), ("safety.effects", safety.effects),
              ("safety.dose", safety.dose)]
    return [[f"{name}.{key}", _value_text(value), source]
            for name, table in tables for key, value, source in table.sourced_values()]


def _value_text(value) -> str:
    """A data value as written in its file: ``2.0``, ``[2.0, 4.0]``."""
    return f"[{', '.join(map(repr, value))}]" if isinstance(value, tuple) else repr(value)
