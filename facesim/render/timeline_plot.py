"""The corner balance over the months (matplotlib, Agg backend, no display needed).

Two stacked plots on days 0-180: the commissure height deviation (at rest and
in the smile) and the smile excursion difference, each left minus right, with

- the noticeable-threshold band: |difference| below 2 mm (clinicians notice
  from here) and below 3 mm (most lay viewers notice from here),
- the 10-90 % band of the BoNT-A parameter sample (facesim.simulation.bands.bont_uncertainty),
- the treatments marked on the time axis.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from facesim.datafiles import bundled
from facesim.outputs import write_atomically
from facesim.simulation.bands import FOLLOW_UP_DAYS, bont_uncertainty, curves_of

COLOURS = {"rest height": "#1f77b4", "smile height": "#d62728", "smile excursion": "#9467bd"}
LABELS = {"rest height": "at rest", "smile height": "smiling", "smile excursion": "smile travel"}
STYLES = {"rest height": {"lw": 3.5, "ls": "-"}, "smile height": {"lw": 1.8, "ls": "--"},
          "smile excursion": {"lw": 2.0, "ls": "-"}}  # rest drawn wide so an identical smile curve stays visible


def _pyplot():
    try:
        import matplotlib
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise ImportError("the timeline plot needs matplotlib: pip install matplotlib") from exc
    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    return plt


def treatment_marks(scenario) -> list[tuple[float, str]]:
    """(day, short label) of each treatment event in the scenario, previous injections before day 0 left out."""
    marks = []
    for shot in scenario.injections:
        if shot.day >= 0:
            marks.append((shot.day, f"{shot.units:g} U {shot.site.describe()}"))
    for f in scenario.fillers:
        marks.append((f.day, f"filler {f.volume_ml:g} mL"))
        if f.hyaluronidase_day is not None:
            marks.append((f.hyaluronidase_day, "hyaluronidase"))
    for lift in scenario.corner_lifts:
        marks.append((lift.day, f"lift {lift.side} {lift.lift_mm:g} mm"))
    for ex in scenario.exercises:
        marks.append((ex.start_day, "exercise starts"))
        if ex.stop_day is not None:
            marks.append((ex.stop_day, "exercise stops"))
    for habit in scenario.habit_corrections:
        marks.append((habit.start_day, "habit stops"))
    merged: dict[float, list[str]] = {}
    for day, label in marks:
        merged.setdefault(float(day), []).append(label)
    return [(day, " + ".join(dict.fromkeys(labels))) for day, labels in sorted(merged.items())]


def _draw_curves(ax, names, ylabel: str, days: np.ndarray, curves: dict, unc, lay: float, clinician: float) -> None:
    """One plot: the noticeable bands (``lay``, ``clinician``: mm), the curves ``names`` (mm over
    ``days``) with their 10-90 % bands from ``unc`` (or None), and the side notes."""
    ax.axhspan(-lay, lay, color="#2ca02c", alpha=0.10, lw=0, label=f"below {lay:g} mm: most people do not notice")
    ax.axhspan(-clinician, clinician, color="#2ca02c", alpha=0.12, lw=0,
               label=f"below {clinician:g} mm: clinicians do not notice")
    for y in (-lay, lay):
        ax.axhline(y, color="#2ca02c", lw=0.8, ls="--")
    ax.axhline(0.0, color="0.5", lw=0.6)
    lo_all, hi_all = [lay, -lay], [lay, -lay]
    for name in names:
        if name not in curves:
            continue
        if unc is not None and name in unc.curves:
            lo, hi = unc.band(name)
            ax.fill_between(days, lo, hi, color=COLOURS[name], alpha=0.18, lw=0,
                            label=f"{LABELS[name]}: 10–90 % range")
            lo_all.append(float(lo.min()))
            hi_all.append(float(hi.max()))
        ax.plot(days, curves[name], color=COLOURS[name], label=LABELS[name], **STYLES[name])
        lo_all.append(float(curves[name].min()))
        hi_all.append(float(curves[name].max()))
    pad = 0.15 * (max(hi_all) - min(lo_all))
    ax.set_ylim(min(lo_all) - pad, max(hi_all) + pad)
    ax.set_ylabel(ylabel)
    ax.grid(True, alpha=0.25)
    ax.text(1.005, 1.0, "left higher /\nmoves more", transform=ax.transAxes, va="top", fontsize=7, color="0.4")
    ax.text(1.005, 0.0, "right higher /\nmoves more", transform=ax.transAxes, va="bottom", fontsize=7,
            color="0.4")


def _mark_treatments(axes, scenario, days: np.ndarray) -> None:
    """A dotted line on every plot at each treatment day within ``days``, labelled on the top plot."""
    for day, label in treatment_marks(scenario):
        if days[0] <= day <= days[-1]:
            for ax in axes:
                ax.axvline(day, color="black", lw=1.0, ls=":")
            axes[0].annotate(f"▼ {label}", (day, 1.0), xycoords=("data", "axes fraction"), xytext=(2, 2),
                             textcoords="offset points", fontsize=7, va="bottom", rotation=0)


def _finish(fig, axes, days: np.ndarray, title: str) -> None:
    """One legend for both plots (each label once), the day axis and the title."""
    handles, labels = [], []
    for ax in axes:
        for h, label in zip(*ax.get_legend_handles_labels()):
            if label not in labels:
                handles.append(h)
                labels.append(label)
    fig.legend(handles, labels, loc="outside lower center", ncol=3, fontsize=8, frameon=False)
    axes[1].set_xlabel("days after the first treatment")
    axes[1].set_xlim(days[0], days[-1])
    ticks = [d for d in (0, 7, 14, 30, 60, 90, 120, 150, 180) if days[0] <= d <= days[-1]]
    axes[1].set_xticks(ticks)
    fig.suptitle(f"{title}\nmouth-corner balance over time (simplified model)", fontsize=10)


def plot_timeline(sim, path: Path | str, days=None, timeline=None, uncertainty=None, size_in=(9.0, 7.0),
                  dpi: int = 110) -> Path:
    """Write the timeline plot of a ScenarioSimulation to a PNG (whole or not at all).

    ``timeline`` and ``uncertainty`` (facesim.simulation.bands) are computed if not given
    (days 0-180 daily; the default BoNT-A sample).
    """
    plt = _pyplot()
    days = np.asarray(FOLLOW_UP_DAYS if days is None else days, float)
    tl = timeline if timeline is not None else sim.timeline(days)
    days = tl.days
    unc = uncertainty if uncertainty is not None else (bont_uncertainty(sim, days) if sim.injections else None)
    curves = curves_of(tl)
    lay, clinician = bundled.noticeable_mm(), bundled.perception().threshold_mm.clinician_detection
    fig, axes = plt.subplots(2, 1, figsize=size_in, sharex=True, constrained_layout=True)
    _draw_curves(axes[0], ("rest height", "smile height"), "corner height, left − right (mm)", days, curves, unc,
                 lay, clinician)
    _draw_curves(axes[1], ("smile excursion",), "smile travel, left − right (mm)", days, curves, unc,
                 lay, clinician)
    _mark_treatments(axes, sim.scenario, days)
    override = "\nCLINICIAN OVERRIDE: red flags, refer first; not a treatment recommendation"
    _finish(fig, axes, days, sim.scenario.title + (override if sim.scenario.override_label else ""))
    try:
        return write_atomically(Path(path), lambda p: fig.savefig(p, dpi=dpi, format="png"))
    finally:
        plt.close(fig)
