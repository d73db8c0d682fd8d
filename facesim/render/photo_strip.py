"""The simulated change on the patient's own photo: before and the chosen days side by side.

Each panel is the photo cropped to the face; a day after the first is the photo warped by the model's
displacement of that day minus day 0 in the photo's expression (facesim.photo.warp), watermarked
"simulation". Every panel carries the day and the patient's R (the viewer's left) and L.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

PANEL_PX = 480  # each panel's side, px
CROP_MARGIN = 0.45  # the face crop: the landmarks' box grown by this share of its size on every side
WATERMARK = "simulation"
RIGHT_RED, LEFT_BLUE = (200, 30, 40), (40, 80, 200)  # the patient's R / L, as on the model pictures


@dataclass(frozen=True)
class PhotoInput:
    """A photo and its landmarks (facesim.photo.landmarks.PhotoLandmarks), gates passed."""

    rgb: np.ndarray
    found: object
    expression: str = "rest"


def read_photo_input(path: Path | str, expression: str = "rest") -> PhotoInput:
    """The photo at ``path`` with its landmarks; InputError (one line) when it is not a usable photo."""
    from facesim.assessment.photo_input import read_photo
    from facesim.photo.image import read_rgb

    return PhotoInput(read_rgb(path, "--photo"), read_photo(path, field="--photo"), expression)


def photo_frames(sim, photo: PhotoInput, days, warp=None) -> list[np.ndarray]:
    """The photo on each of ``days`` (uint8 (h, w, 3)): day 0 as taken, later days warped by the model's
    move since day 0. ``warp`` reuses a facesim.photo.warp.PhotoWarp of this photo and model."""
    from facesim.photo.warp import PhotoWarp

    warp = warp or PhotoWarp(photo.rgb, photo.found, sim.model.face)
    base = sim.shape(0.0, photo.expression)
    return [photo.rgb if float(d) == 0.0 else warp.frame(sim.shape(float(d), photo.expression) - base)
            for d in days]


def face_box(found, size: tuple[int, int]) -> tuple[int, int, int, int]:
    """(x0, y0, x1, y1) px: a square around the face's landmarks, inside the photo."""
    lo, hi = found.ibug.min(0), found.ibug.max(0)
    centre, half = 0.5 * (lo + hi), 0.5 * float(np.max(hi - lo)) * (1.0 + 2.0 * CROP_MARGIN)
    half = min(half, 0.5 * min(size))
    x0 = int(np.clip(centre[0] - half, 0, size[0] - 2 * half))
    y0 = int(np.clip(centre[1] - half, 0, size[1] - 2 * half))
    return x0, y0, x0 + int(2 * half), y0 + int(2 * half)


def _font(size: int):
    from PIL import ImageFont

    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # Pillow < 10.1: one fixed size
        return ImageFont.load_default()


def _watermark(panel):
    """``panel`` (a PIL image) with "simulation" written large and half-transparent across it."""
    from PIL import Image, ImageDraw

    layer = Image.new("RGBA", panel.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    font = _font(PANEL_PX // 8)
    box = draw.textbbox((0, 0), WATERMARK, font=font)
    w, h = box[2] - box[0], box[3] - box[1]
    draw.text(((panel.width - w) / 2, panel.height * 0.72 - h / 2), WATERMARK, font=font, fill=(255, 255, 255, 110),
              stroke_width=2, stroke_fill=(0, 0, 0, 90))
    return Image.alpha_composite(panel.convert("RGBA"), layer).convert("RGB")


def strip_panel(rgb: np.ndarray, box, title: str, simulated: bool):
    """One labelled panel: the crop, its title, R on the viewer's left and L on the right."""
    from PIL import Image, ImageDraw

    x0, y0, x1, y1 = box
    panel = Image.fromarray(np.ascontiguousarray(rgb[y0:y1, x0:x1])).resize((PANEL_PX, PANEL_PX), Image.LANCZOS)
    if simulated:
        panel = _watermark(panel)
    draw = ImageDraw.Draw(panel)
    big, small = _font(PANEL_PX // 12), _font(PANEL_PX // 22)
    draw.rectangle((0, 0, PANEL_PX, PANEL_PX // 10), fill=(255, 255, 255))
    draw.text((10, 6), title, font=small, fill=(0, 0, 0))
    for text, x, colour in (("R", 10, RIGHT_RED), ("L", PANEL_PX - 10 - PANEL_PX // 18, LEFT_BLUE)):
        draw.text((x, PANEL_PX // 2), text, font=big, fill=colour, stroke_width=2, stroke_fill=(255, 255, 255))
    return panel


def panel_title(day: float) -> str:
    """"before (day 0, the photo)" for day 0 (the photo as taken), "day 14 (simulation)" for a later day."""
    words = f"day {float(day):g}"
    return f"before ({words}, the photo)" if float(day) == 0.0 else f"{words} (simulation)"


def strip_image(frames: list[np.ndarray], days, found):
    """The panels side by side with a footer naming the sides (a PIL image)."""
    from PIL import Image, ImageDraw

    box = face_box(found, frames[0].shape[1::-1])
    panels = [strip_panel(f, box, panel_title(d), float(d) != 0.0) for f, d in zip(frames, days)]
    footer = PANEL_PX // 14
    out = Image.new("RGB", (PANEL_PX * len(panels), PANEL_PX + footer), (255, 255, 255))
    for k, panel in enumerate(panels):
        out.paste(panel, (k * PANEL_PX, 0))
    ImageDraw.Draw(out).text((10, PANEL_PX + 6), "R / L: the patient's right / left (R on the viewer's left). "
                             "Simulated panels: a model's estimate, not a prediction.", font=_font(PANEL_PX // 30),
                             fill=(60, 60, 60))
    return out


def render_photo_strip(sim, photo: PhotoInput, path: Path, days) -> Path:
    """Write the before/after strip of ``days`` on ``photo`` to ``path`` (PNG)."""
    strip_image(photo_frames(sim, photo, days), days, photo.found).save(path, format="PNG")
    return Path(path)


def photo_animation_frames(sim, photo: PhotoInput, last_day: float = 180.0,
                           progress=None) -> list[np.ndarray]:
    """GIF frames over the months (facesim.render.animation.month_days): the photo beside its warp on each
    day, (h, w, 3) uint8 each; ``progress(done, total)`` after each frame."""
    from facesim.photo.warp import PhotoWarp
    from facesim.render.animation import month_days

    days = month_days(last_day, extra=[s.day for s in sim.scenario.injections if not s.previous])
    warp = PhotoWarp(photo.rgb, photo.found, sim.model.face)
    frames = []
    for k, day in enumerate(days):
        pair = photo_frames(sim, photo, [0.0, day], warp)
        frames.append(np.asarray(strip_image(pair, [0.0, day], photo.found)))
        if progress:
            progress(k + 1, len(days))
    return frames
