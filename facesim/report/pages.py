"""A scenario's report: milestones, uncertainty and one self-contained HTML file.

Stages kept apart:

- :func:`bont_uncertainty`: the scenario on a day axis with the BoNT-A parameters
  drawn by :func:`facesim.treatment.uncertainty.sample_parameters` (seeded), as 10-90 %
  bands. Only the toxin parameters vary here (not the tissue, the anatomy or the patient).
- :func:`milestones`: when the change starts to show, when it is best, when the
  asymmetry is below the noticeable threshold and when the effect has worn off.
- :func:`report_data`: everything the report says, as plain data.
- :func:`report_html`: the HTML (a patient page and a clinician page), with the
  pictures passed in as PNG bytes and embedded as base64 (opens offline).
- :func:`write_report`: renders the pictures (facesim.render, imported only here)
  and writes the file whole or not at all.

Plan files (``facesim report --plan PLAN.json``) replace the scenario's planned
injections (the history's previous injections stay). The format is JSON with the
keys of a scenario's ``[[injection]]`` table::

    {"title": "optional name of the plan",
     "injections": [{"site": "dao_right", "units": 2.0, "product": "ona", "day": 0},
                    {"site": "dao_right", "units": 1.0, "day": 14}]}

A bare list of injections is accepted too. Each entry is checked exactly like a
scenario's ``[[injection]]`` (site, units, product, dilution_ml_per_100u or
volume_ml, depth, day).
"""

from __future__ import annotations

import base64
import html
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from facesim.about import DISCLAIMER
from facesim.about import __version__
from facesim.datafiles import bundled, read_json
from facesim.datafiles.clinic import AftercareFile
from facesim.errors import InputError
from facesim.metrics import verdict
from facesim.scenario.case import Scenario, parse_scenario, read_scenario_file
from facesim.simulation.timeline import ScenarioSimulation, Timeline
from facesim.simulation.bands import FOLLOW_UP_DAYS, N_SAMPLES, SEED, Uncertainty, bont_uncertainty

VISIBLE_FRACTION = 0.25   # "starts to show": a quarter of the largest improvement
VISIBLE_MIN_MM = 0.3      # ... and at least this much (below the 0.7 mm measurement noise it would not show)


# --------------------------------------------------------------------------- plan files


def load_plan(path: Path | str) -> tuple[str | None, list[dict]]:
    """Read a plan JSON file: (title or None, list of ``[[injection]]`` tables)."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such plan file; give a JSON file (see facesim.report.pages)")
    data = read_json(path)
    title = None
    if isinstance(data, dict):
        unknown = set(data) - {"title", "injections"}
        if unknown:
            raise InputError(f"{path}: unknown key {sorted(unknown)[0]!r}; use 'title' and 'injections'")
        title, data = data.get("title"), data.get("injections")
    if not isinstance(data, list) or not all(isinstance(e, dict) for e in data):
        raise InputError(f"{path}: 'injections' must be a list of objects like "
                         '{"site": "dao_right", "units": 2, "day": 0}')
    return (str(title) if title is not None else None), data


def scenario_with_plan(scenario_path: Path | str, plan_path: Path | str, allow_high_dose: bool = False) -> Scenario:
    """The scenario with its planned injections replaced by the plan file's (history kept)."""
    scenario_path, plan_path = Path(scenario_path), Path(plan_path)
    data = read_scenario_file(scenario_path)
    title, injections = load_plan(plan_path)
    data = {**data, "injection": injections}
    if title:
        data["title"] = f"{data.get('title', scenario_path.stem)} — plan: {title}"
    return parse_scenario(data, f"{scenario_path} + {plan_path}", allow_high_dose)


# --------------------------------------------------------------------------- milestones


@dataclass(frozen=True)
class Milestones:
    """When a treatment's effect shows, peaks and fades (days; None = does not happen by the last day).

    Attributes
    ----------
    start_mm : float, mm, asymmetry on the first day
    best_mm : float, mm, smallest asymmetry reached
    first_visible_day : first day the improvement reaches a quarter of its peak (and 0.3 mm)
    peak_day : day of the largest improvement
    below_threshold_day : first day the asymmetry is below the threshold (0 if it starts below)
    noticeable_again_day : first day after that it is back at or above the threshold
    worn_off_day : first day after the peak from which the improvement stays below 10 % of its peak
    threshold_mm : float, mm
    """

    start_mm: float
    best_mm: float
    first_visible_day: float | None
    peak_day: float | None
    below_threshold_day: float | None
    noticeable_again_day: float | None
    worn_off_day: float | None
    threshold_mm: float

    @property
    def improves(self) -> bool:
        return self.peak_day is not None


def milestones(days, asymmetry, threshold_mm: float | None = None) -> Milestones:
    """Milestones of an asymmetry curve (k,) in mm on increasing ``days``."""
    t, a = np.asarray(days, float), np.asarray(asymmetry, float)
    threshold = float(bundled.noticeable_mm() if threshold_mm is None else threshold_mm)
    gain = a[0] - a
    peak = int(np.argmax(gain))
    below = np.flatnonzero(a < threshold)
    below_day = float(t[below[0]]) if below.size else None
    again = None
    if below.size:
        later = np.flatnonzero((a >= threshold) & (t > t[below[0]]))
        again = float(t[later[0]]) if later.size else None
    if gain[peak] <= VISIBLE_MIN_MM:
        return Milestones(float(a[0]), float(a.min()), None, None, below_day, again, None, threshold)
    visible = np.flatnonzero(gain >= max(VISIBLE_FRACTION * gain[peak], VISIBLE_MIN_MM))[0]
    still = np.flatnonzero(gain[peak:] >= bundled.products().bont.worn_off_fraction * gain[peak])
    last = peak + still[-1]
    worn = float(t[last + 1]) if last + 1 < t.size else None
    return Milestones(float(a[0]), float(a.min()), float(t[visible]), float(t[peak]), below_day, again, worn, threshold)


# --------------------------------------------------------------------------- report data


def aftercare() -> AftercareFile:
    """The general aftercare guidance (facesim/data/aftercare.toml)."""
    return bundled.aftercare()


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


def _range(values, unit: str = "") -> str:
    vals = [v for v in values if v is not None]
    if not vals:
        return "—"
    lo, hi = np.percentile(vals, [10, 90])
    missing = len(values) - len(vals)
    text = f"{lo:.0f}–{hi:.0f}{unit}" if round(lo) != round(hi) else f"{lo:.0f}{unit}"
    return text + (f" ({missing} of {len(values)} samples: not by day 180)" if missing else "")


# --------------------------------------------------------------------------- HTML

CSS = """
body { font-family: -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif; max-width: 60rem; margin: 2rem auto;
       padding: 0 1rem; color: #222; line-height: 1.5; }
h1 { font-size: 1.7rem; } h2 { margin-top: 2rem; border-bottom: 1px solid #ddd; }
section.page { page-break-after: always; margin-bottom: 3rem; }
figure { margin: 1rem 0; } figure img { max-width: 100%; border: 1px solid #eee; }
figcaption { font-size: 0.9rem; color: #555; }
table { border-collapse: collapse; margin: 0.5rem 0 1rem; font-size: 0.9rem; }
th, td { border: 1px solid #ccc; padding: 0.25rem 0.5rem; text-align: right; }
th { background: #f4f4f4; } td.text, th.text { text-align: left; }
.note { background: #fff8e1; border-left: 4px solid #f0b400; padding: 0.5rem 1rem; }
.flag { background: #fdecea; border-left: 4px solid #c62828; padding: 0.5rem 1rem; }
.disclaimer { font-size: 0.9rem; color: #555; border-top: 1px solid #ddd; padding-top: 0.5rem; }
dl.when dt { font-weight: bold; } dl.when dd { margin: 0 0 0.6rem 1rem; }
"""


def _e(text) -> str:
    return html.escape(str(text))


def _img(png: bytes, alt: str, caption: str) -> str:
    data = base64.b64encode(png).decode("ascii")
    return (f'<figure><img src="data:image/png;base64,{data}" alt="{_e(alt)}">'
            f"<figcaption>{_e(caption)}</figcaption></figure>")


def _table(header: list[str], rows: list[list], text_cols: tuple[int, ...] = ()) -> str:
    def cell(tag, k, value):
        cls = ' class="text"' if k in text_cols else ""
        return f"<{tag}{cls}>{_e(value)}</{tag}>"

    head = "".join(cell("th", k, h) for k, h in enumerate(header))
    body = "".join("<tr>" + "".join(cell("td", k, v) for k, v in enumerate(r)) + "</tr>" for r in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _day(d: float | None) -> str:
    if d is None:
        return "not within 6 months"
    weeks = d / 7.0
    if d < 21:
        return f"day {d:.0f}"
    if d < 60:
        return f"day {d:.0f} (about {weeks:.0f} weeks)"
    return f"day {d:.0f} (about {d / 30.4:.0f} months)"


def _muscle_label(muscle_id: str) -> str:
    from facesim.anatomy.muscles import Anatomy

    name, _, side = muscle_id.rpartition("_")
    labels = {m.name: m.label for m in Anatomy.default().muscles}
    return f"{side} {labels.get(name, name)}"


def plan_rows(sim: ScenarioSimulation) -> list[list]:
    """One row per treatment of the scenario: what, where, how much, which day."""
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


def _what_changes(data: ReportData) -> str:
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
        parts.append(f"The plan: {total:g} units of botulinum toxin on your {side} side"
                     + (f", over {len(sessions)} visits" if len(sessions) > 1 else "")
                     + ", to relax the muscle that pulls too strongly, so that both corners move more alike.")
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


def _when(data: ReportData) -> str:
    ms, sm = data.milestones, data.sample_milestones
    items = []
    if ms.improves:
        items.append(("When it starts to show", f"around {_day(ms.first_visible_day)} "
                      f"(range {_range([m.first_visible_day for m in sm], ' days')})"))
        items.append(("When it is at its best", f"around {_day(ms.peak_day)} "
                      f"(range {_range([m.peak_day for m in sm], ' days')})"))
        if ms.below_threshold_day is not None and ms.start_mm >= ms.threshold_mm:
            again = ("and stays so to the end of the 6 months shown" if ms.noticeable_again_day is None
                     else f"until about {_day(ms.noticeable_again_day)}")
            items.append(("When most people will no longer notice it",
                          f"from {_day(ms.below_threshold_day)} {again}"))
        items.append(("When it wears off", f"by {_day(ms.worn_off_day)} "
                      f"(range {_range([m.worn_off_day for m in sm], ' days')}); the muscle recovers gradually "
                      "and the earlier balance returns"))
    else:
        items.append(("Change over time", "the model predicts no clear change in the balance of the corners "
                      "over the 6 months shown"))
    return '<dl class="when">' + "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in items) + "</dl>"


def _aftercare_html() -> str:
    care = aftercare()
    out = [f'<p class="note">{_e(care.label)}</p>']
    for stage in care.stage:
        out.append(f"<h3>{_e(stage.when)}</h3><ul>" + "".join(f"<li>{_e(a)}</li>" for a in stage.advice)
                   + "</ul>")
    warn = care.warning_signs
    out.append(f'<div class="flag"><strong>{_e(warn.when)}:</strong><ul>'
               + "".join(f"<li>{_e(a)}</li>" for a in warn.advice) + "</ul></div>")
    return "".join(out)


def metrics_rows(tl: Timeline) -> list[list]:
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


def planner_html(plan) -> str:
    """The planner's answer (a PlanResult) for the clinician page: recommendation, reason, staged plan."""
    if plan is None:
        return ""
    rows = []
    if plan.chosen is not None:
        c = plan.chosen
        rows.append(["chosen plan", ", ".join(f"{s} {u:g} {n}" for s, u, n in zip(c.sites, c.units, c.unit_names))])
        rows.append(["target met at week 2", f"{c.p_target:.0%} of {plan.samples} samples"])
    if plan.staged is not None:
        st = plan.staged
        rows.append(["staged", f"start {', '.join(f'{u:g} U' for u in st.start_units)}, review day "
                                f"{st.review_day:g}, touch-up {', '.join(f'{u:g} U' for u in st.touch_up_units) or 'none'}"])
    return (f"<h2>Planner</h2><p><strong>{_e(plan.recommendation)}</strong>: {_e(plan.reason)}</p>"
            + (_table(["", ""], rows, (0, 1)) if rows else ""))


def report_html(data: ReportData, images: dict[str, bytes], plan=None) -> str:
    """The report as one HTML document; ``images`` maps ``front``, ``three_quarter``,
    ``overlays`` and ``timeline`` to PNG bytes (any may be missing); ``plan`` is a PlanResult or None."""
    sc, ms = data.scenario, data.milestones
    days_text = ", ".join(f"{d:g}" for d in data.picture_days)
    fig = {
        "front": ("before and after, front view",
                  f"Your face in the model at rest (top) and smiling (bottom) on days {days_text}. The first "
                  "picture is before treatment. R and L are your right and left: your right is on the "
                  "left of the picture, as when someone faces you."),
        "timeline": ("timeline of the corner balance",
                     "How the difference between your corners changes over 6 months. Inside the green band "
                     "most people do not notice a difference."),
        "three_quarter": ("three-quarter view", f"Three-quarter view on days {days_text}, turned toward the "
                          "treated side; corners marked (blue = patient's left, red = right)."),
        "overlays": ("muscles and injections", "Muscles coloured by the force they keep (green full, red "
                     "weakened) with the injection points (sphere size = dose, disc = spread, 2σ)."),
    }

    def picture(key):
        return _img(images[key], *fig[key]) if key in images else ""

    flags = "".join(f'<p class="flag">{_e(f)}</p>' for f in sc.flags)
    warnings = "".join(f"<li>{_e(w)}</li>" for w in data.sim.warnings)
    patient = f"""
<section class="page" id="patient">
<h1>Your treatment: what to expect</h1>
<p>{_e(sc.title)}</p>
{flags}
<h2>What will change</h2>
<p>{_e(_what_changes(data))}</p>
{picture("front")}
<h2>When</h2>
{_when(data)}
{picture("timeline")}
<h2>After the injection</h2>
{_aftercare_html()}
<h2>The goal is balance, not perfect symmetry</h2>
<p>No face is perfectly symmetric: in people with no treatment the two mouth corners differ by about
1.7 mm on average when smiling. The aim is a natural balance that other people no longer notice,
using as little toxin as possible. Starting low and checking again at 2 to 4 weeks is safer than
doing too much, because too much can make the <em>other</em> side stand out.</p>
<p class="disclaimer">These pictures come from a simplified computer model of a face, not a photograph of
you; real results vary. {_e(DISCLAIMER)}</p>
</section>"""
    t = bundled.perception().threshold_mm
    clinician = f"""
<section class="page" id="clinician">
<h1>Clinician page</h1>
<p><strong>{_e(sc.title)}</strong> — scenario <code>{_e(sc.source)}</code>; patient: {_e(sc.patient.name)},
{_e(sc.patient.sex)}; face model {data.sim.model.face.n_vertices} vertices; facesim {__version__}.</p>
<p>{_e(sc.description)}</p>
{flags}
<h2>Plan</h2>
{_table(["treatment", "site", "dose", "ona U", "details", "day"], plan_rows(data.sim), (0, 1, 2, 4)) if plan_rows(data.sim) else "<p>No treatment in this scenario.</p>"}
{f"<h3>Warnings</h3><ul>{warnings}</ul>" if warnings else ""}
{planner_html(plan)}
<h2>Metrics by follow-up day</h2>
{_table(["day", "rest height L−R (mm)", "smile height L−R (mm)", "smile excursion L−R (mm)",
         "excursion L / R (mm)", "asymmetry (mm)", "balance (0–100)", "verdict"],
        metrics_rows(data.followup), (7,))}
<p>L−R: patient's left minus right (positive: the left corner is higher or travels further). Asymmetry: the
largest of |rest height|, |smile height| and |excursion| differences. Thresholds: clinician
{t.clinician_detection:g} mm, lay {bundled.noticeable_mm():g} mm, acceptable ≤ {t.acceptable:g} mm,
unacceptable ≥ {t.unacceptable:g} mm.</p>
<h2>Milestones (daily simulation, days 0–180)</h2>
{_table(["milestone", "nominal (day)", "10–90 % of samples (days)"], [
    ["asymmetry on day 0 / best (mm)", f"{ms.start_mm:.2f} / {ms.best_mm:.2f}", ""],
    ["first visible (≥ 25 % of peak improvement, ≥ 0.3 mm)", _num(ms.first_visible_day),
     _range([m.first_visible_day for m in data.sample_milestones])],
    ["peak improvement", _num(ms.peak_day), _range([m.peak_day for m in data.sample_milestones])],
    [f"below the lay threshold ({ms.threshold_mm:g} mm) from", _num(ms.below_threshold_day),
     _range([m.below_threshold_day for m in data.sample_milestones])],
    ["noticeable again from", _num(ms.noticeable_again_day),
     _range([m.noticeable_again_day for m in data.sample_milestones])],
    [f"worn off (< {100 * bundled.products().bont.worn_off_fraction:g} % of peak improvement)",
     _num(ms.worn_off_day), _range([m.worn_off_day for m in data.sample_milestones])],
], (0,))}
{picture("three_quarter")}
{picture("overlays")}
<h2>Uncertainty</h2>
<p>{_e(data.uncertainty.description)}</p>
<h2>Assumptions and sources</h2>
<p>Model parameters as shipped in <code>facesim/data/products.toml</code>, <code>perception.toml</code> and
<code>safety.toml</code>; each value's source, kept with it in the data file, names the section of
<code>clinical-parameters.md</code> it comes from or says ASSUMPTION.</p>
{_table(["parameter", "value", "source / note"], assumption_rows(), (0, 2))}
<p>Aftercare text on the patient page: general post-BoNT-A guidance (<code>facesim/data/aftercare.toml</code>),
not from the clinic material; confirm it with the treating clinician.</p>
<p class="disclaimer"><strong>Disclaimer:</strong> simplified model for planning support and education;
not a medical device. {_e(DISCLAIMER)}</p>
</section>"""
    return (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>facesim report — {_e(sc.title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
            f"{patient}\n{clinician}\n</body>\n</html>\n")


def _num(d: float | None) -> str:
    return "—" if d is None else f"{d:g}"


def write_report(sim: ScenarioSimulation, path: Path | str, progress=None, n_samples: int = N_SAMPLES,
                 seed: int = SEED, plan=None) -> Path:
    """Simulate, render the pictures and write the HTML report to ``path`` (whole or not at all).

    ``progress(step: str)`` is called before each stage, if given; ``plan`` (a PlanResult) adds the
    planner's answer to the clinician page.
    """
    import tempfile

    from facesim.outputs import write_atomically
    from facesim.render.timeline_plot import plot_timeline
    from facesim.render.views import render_before_after

    say = progress or (lambda step: None)
    say("simulating days 0-180 and the uncertainty samples")
    data = report_data(sim, n_samples=n_samples, seed=seed)
    images = {}
    with tempfile.TemporaryDirectory(prefix="facesim-report-") as tmp:
        tmp = Path(tmp)
        say("rendering the front view")
        render_before_after(sim, tmp / "front.png", data.picture_days, view="front", overlays=("landmarks",))
        say("rendering the three-quarter view")
        render_before_after(sim, tmp / "three_quarter.png", data.picture_days, view="three-quarter",
                            overlays=("landmarks",))
        say("rendering the muscles and injections")
        render_before_after(sim, tmp / "overlays.png", data.picture_days, ("smile",), "front",
                            ("muscles", "injections"))
        say("plotting the timeline")
        plot_timeline(sim, tmp / "timeline.png", timeline=data.timeline, uncertainty=data.uncertainty)
        for key in ("front", "three_quarter", "overlays", "timeline"):
            images[key] = (tmp / f"{key}.png").read_bytes()
    text = report_html(data, images, plan)
    return write_atomically(Path(path), lambda p: p.write_text(text, encoding="utf-8"))
