"""Animations: the smile across the months of a plan, or rest -> smile on one day.

Frames come from one off-screen scene whose face mesh is moved in place (no new
plotter per frame). Each frame shows the face "before" (day 0) on the left and
the animated face on the right, from the same camera. GIF is written with
Pillow (one palette chosen to keep the R / L colours); MP4 with imageio only when an
ffmpeg writer (``imageio-ffmpeg``) is installed,
otherwise it is skipped with a note saying so.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Callable

import numpy as np

from facesim.errors import InputError
from facesim.outputs import write_atomically
from facesim.render.panels import FacePanel, build_scene
from facesim.render.views import VIEWS, day_title, override_prefix, view_azimuth

MODES = ("months", "rest-smile")
FRAME_PANEL = (480, 528)   # per panel; 960 x 528 frames are multiples of 16 (MP4 macro blocks)
FPS = 8


def _imageio():
    try:
        import imageio.v2 as iio
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise ImportError("animations need imageio: pip install imageio") from exc
    return iio


def mp4_available() -> bool:
    """Whether an MP4 writer (imageio-ffmpeg) is installed."""
    return importlib.util.find_spec("imageio_ffmpeg") is not None


def month_days(last_day: float = 180.0, step: float = 5.0, extra=()) -> np.ndarray:
    """Frame days 0..last_day every ``step`` days, plus the treatment days ``extra``."""
    days = np.union1d(np.arange(0.0, last_day + 1e-9, step), [d for d in extra if 0 <= d <= last_day])
    return days


def frame_shapes(sim, mode: str, day: float = 14.0, last_day: float = 180.0, expression: str = "smile"):
    """(shapes, titles) of the animated panel: a list of (n, 3) arrays (mm) and their titles."""
    if mode == "months":
        extra = [s.day for s in sim.scenario.injections if not s.previous]
        days = month_days(last_day, extra=extra)
        return [sim.shape(d, expression) for d in days], [f"{expression}: {day_title(d, False)}" for d in days]
    if mode == "rest-smile":
        rest, smile = sim.shape(day, "rest"), sim.shape(day, expression)
        ramp = 0.5 - 0.5 * np.cos(np.linspace(0.0, np.pi, 12))
        weights = np.concatenate([ramp, np.ones(4), ramp[::-1], np.zeros(4)])
        title = f"day {day:g}: rest to {expression}"
        return [rest + w * (smile - rest) for w in weights], [title] * len(weights)
    raise InputError(f"animation mode {mode!r}; use one of {', '.join(MODES)}")


def render_frames(sim, mode: str = "months", view: str = "front", day: float = 14.0,
                  progress: Callable[[int, int], None] | None = None) -> list[np.ndarray]:
    """The animation frames, each (h, w, 3) uint8: day 0 on the left, the animated face on the right."""
    if view not in VIEWS:
        raise InputError(f"--views: unknown view {view!r}; use one or more of {', '.join(VIEWS)}")
    shapes, titles = frame_shapes(sim, mode, day)
    titles = [override_prefix(sim) + t for t in titles]
    azimuth = view_azimuth(sim, view)
    reference = sim.shape(0.0, "rest" if mode == "rest-smile" and day == 0 else "smile")
    ref_title = "smile: day 0 (before)" if mode == "months" else f"rest: day {day:g}"
    panels = [FacePanel(reference, ref_title, azimuth_deg=azimuth), FacePanel(shapes[0], titles[0], azimuth_deg=azimuth)]
    if mode == "rest-smile":
        panels[0] = FacePanel(shapes[0], ref_title, azimuth_deg=azimuth)
    scene = build_scene(sim.model.face, panels, columns=2, panel_size=FRAME_PANEL)
    frames = []
    try:
        for k, (shape, title) in enumerate(zip(shapes, titles)):
            scene.set_shape(1, shape)
            scene.set_title(1, title)
            frames.append(scene.image())
            if progress:
                progress(k + 1, len(shapes))
    finally:
        scene.close()
    return frames


def _pil_image():
    try:
        from PIL import Image
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise ImportError("GIF animations need Pillow: pip install pillow") from exc
    return Image


def write_gif(path: Path | str, frames: list[np.ndarray], fps: float = FPS) -> Path:
    """Write frames to a looping GIF (whole or not at all).

    One palette for all frames, chosen by maximum coverage from the first, middle and
    last frames: the default (median cut) spends the 256 colours on skin tones and
    turns the small red and blue R / L labels grey.
    """
    Image = _pil_image()
    sample = np.concatenate([frames[0], frames[len(frames) // 2], frames[-1]], axis=0)
    palette = Image.fromarray(sample).quantize(256, method=Image.Quantize.MAXCOVERAGE)
    images = [Image.fromarray(f).quantize(palette=palette, dither=Image.Dither.NONE) for f in frames]

    def write(p: Path) -> None:
        images[0].save(p, format="GIF", save_all=True, append_images=images[1:], duration=round(1000.0 / fps),
                       loop=0, optimize=False)

    return write_atomically(Path(path), write)


def write_mp4(path: Path | str, frames: list[np.ndarray], fps: float = FPS) -> Path:
    """Write frames to an MP4 (H.264) with imageio-ffmpeg (whole or not at all)."""
    iio = _imageio()

    def write(p: Path) -> None:
        with iio.get_writer(p, format="FFMPEG", fps=fps, codec="libx264", quality=7, macro_block_size=16) as w:
            for frame in frames:
                w.append_data(frame)

    return write_atomically(Path(path), write)
