"""Render benchmark: prints its figures (not a test; run `python tests/benchmarks/bench_render.py`).

Target (issue 6): one 1600 x 800 before/after image (two panels, day 0 and day 14,
smile, front view, corner landmarks) renders in under 3 s on the default ~21k-vertex face.
Against the naive way (issue 18): animation frames from one scene (the face moved, the title changed)
vs a new scene per frame; the front and three-quarter pictures from one scene turned vs one scene each.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from facesim.tissue.model import FaceModel
from facesim.scenario.case import load_scenario
from facesim.simulation.timeline import ScenarioSimulation

SCENARIO = Path(__file__).resolve().parents[2] / "scenarios" / "b_overtoned_dao_rest.toml"


def main(n_vertices: int | None = None, repeat: int = 3) -> None:
    from facesim.render.views import render_before_after

    sim = ScenarioSimulation(FaceModel.builtin(n_vertices), load_scenario(SCENARIO))
    print(f"face: {sim.model.face.n_vertices} vertices")
    with tempfile.TemporaryDirectory() as tmp:
        for label, overlays in (("landmarks", ("landmarks",)), ("all overlays", ("landmarks", "muscles", "injections"))):
            times = []
            for k in range(repeat):
                t = time.perf_counter()
                render_before_after(sim, Path(tmp) / f"ba{k}.png", [0, 14], ("smile",), "front", overlays,
                                    panel_size=(800, 800))
                times.append(time.perf_counter() - t)
            print(f"1600x800 before/after ({label}): first {times[0]:.2f} s, best {min(times):.2f} s   (target < 3 s)")
        _reuse_ratios(sim, Path(tmp))


def _reuse_ratios(sim, tmp: Path, n_frames: int = 6) -> None:
    """Print the time per animation frame and per extra view, reusing the scene vs the naive rebuild."""
    from facesim.render.animation import FRAME_PANEL, frame_shapes
    from facesim.render.panels import FacePanel, build_scene, render_panels
    from facesim.render.views import render_before_after, render_views

    shapes = frame_shapes(sim, "months", 14.0)[0][:n_frames]
    panels = [FacePanel(shapes[0], "before"), FacePanel(shapes[0], "after")]
    t = time.perf_counter()
    scene = build_scene(sim.model.face, panels, columns=2, panel_size=FRAME_PANEL)
    for shape in shapes:
        scene.set_shape(1, shape)
        scene.image()
    scene.close()
    reuse = (time.perf_counter() - t) / len(shapes)
    t = time.perf_counter()
    for k, shape in enumerate(shapes):
        render_panels(sim.model.face, [panels[0], FacePanel(shape, "after")], tmp / f"frame{k}.png", columns=2,
                      panel_size=FRAME_PANEL)
    naive = (time.perf_counter() - t) / len(shapes)
    print(f"animation frame: one scene {reuse:.2f} s/frame, a new scene per frame {naive:.2f} s/frame "
          f"(naive / ours = {naive / reuse:.1f}x)")
    days = [0, 14, 120]
    t = time.perf_counter()
    render_views(sim, {"front": tmp / "f.png", "three-quarter": tmp / "t.png"}, days, overlays=("landmarks",))
    ours = time.perf_counter() - t
    t = time.perf_counter()
    for view in ("front", "three-quarter"):
        render_before_after(sim, tmp / f"own-{view}.png", days, view=view, overlays=("landmarks",))
    naive = time.perf_counter() - t
    print(f"front + three-quarter grids (2 expressions x 3 days): one scene turned {ours:.2f} s, one scene each "
          f"{naive:.2f} s (naive / ours = {naive / ours:.1f}x)")


if __name__ == "__main__":
    main()
