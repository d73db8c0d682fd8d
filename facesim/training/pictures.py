"""Pictures for training mode: the case at rest and smiling, and both plans before/after side by side.

Imports the renderer (pyvista) only when called.
"""

from __future__ import annotations

from pathlib import Path

from facesim.training.score import Outcome

COMPARE_DAYS = (0.0, 14.0)


def case_picture(sim, path: Path | str) -> Path:
    """The untreated case on day 0: rest and smile side by side."""
    from facesim.render.panels import render_panels
    from facesim.render.views import face_panel

    panels = [face_panel(sim, 0.0, e, overlays=("landmarks",), title=e) for e in ("rest", "smile")]
    return render_panels(sim.model.face, panels, path, columns=2)


def compare_picture(yours: Outcome, reference: Outcome, path: Path | str, days=COMPARE_DAYS) -> Path:
    """One grid: rows rest and smile; columns your plan on ``days``, then the reference plan on ``days``."""
    from facesim.render.panels import render_panels
    from facesim.render.views import before_after_panels

    days = [float(d) for d in days]
    mine = before_after_panels(yours.sim, days, overlays=("landmarks", "injections"))
    ref = before_after_panels(reference.sim, days, overlays=("landmarks", "injections"))
    panels = []
    for row in range(2):
        for who, group in (("yours", mine), ("reference", ref)):
            for p in group[row * len(days):(row + 1) * len(days)]:
                p.title = f"{who} - {p.title}"
                panels.append(p)
    return render_panels(yours.sim.model.face, panels, path, columns=2 * len(days))
