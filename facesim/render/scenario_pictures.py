"""The pictures ``facesim render`` makes of a scenario: before/after per view, the timeline plot, an animation.

:func:`picture_files` names the files (so they can be checked before anything
is rendered); :func:`render_scenario` renders them to paths given in that order.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from facesim.render.animation import render_frames, write_gif, write_mp4
from facesim.render.photo_strip import photo_animation_frames, render_photo_strip
from facesim.render.timeline_plot import plot_timeline
from facesim.render.views import render_views


def picture_files(views, animate: bool, mode: str, mp4: bool, photo: bool = False) -> list[str]:
    """File names ``facesim render`` writes, in order: ``before_after_<view>.png`` each, ``timeline.png``,
    then with ``animate`` the GIF (and the MP4) of ``mode`` ("months" or "rest-smile"), then with
    ``photo`` ``before_after_photo.png`` (the days on the patient's own photo) and, with ``animate``,
    ``photo_months.gif`` (the photo over the months)."""
    names = [f"before_after_{v}.png" for v in views] + ["timeline.png"]
    if animate:
        stem = "smile_months" if mode == "months" else "rest_to_smile"
        names += [f"{stem}.gif"] + ([f"{stem}.mp4"] if mp4 else [])
    return names + (["before_after_photo.png"] + (["photo_months.gif"] if animate else []) if photo else [])


def render_scenario(sim, paths: list[Path], days: list[float], views: tuple[str, ...], overlays: tuple[str, ...],
                    animate: bool = False, mode: str = "months", mp4: bool = False,
                    progress: Callable[..., None] | None = None, photo=None) -> list[Path]:
    """Render the pictures of :func:`picture_files` (same arguments) to ``paths``, in that order.

    ``days`` (days since the first treatment) are shown side by side, the first
    as "before"; the rest-to-smile animation uses the second day (or the only
    one). ``photo`` (facesim.render.photo_strip.PhotoInput) adds the days on the patient's photo, last.
    ``progress(step, done=None, total=None)`` is called before each stage
    and for each animation frame, if given.
    """
    say = progress or (lambda step, done=None, total=None: None)
    say("rendering before/after pictures")
    render_views(sim, dict(zip(views, paths)), days, overlays=overlays)
    plot_timeline(sim, paths[len(views)])
    if animate:
        anim_day = days[1] if len(days) > 1 else days[0]
        frames = render_frames(sim, mode, views[0], anim_day,
                               progress=lambda done, total: say("animation frames", done, total))
        write_gif(paths[len(views) + 1], frames)
        if mp4:
            write_mp4(paths[len(views) + 2], frames)
    if photo is not None:
        say("warping the patient's photo")
        first = len(paths) - (2 if animate else 1)
        render_photo_strip(sim, photo, paths[first], days)
        if animate:
            write_gif(paths[first + 1], photo_animation_frames(
                sim, photo, progress=lambda done, total: say("photo frames", done, total)))
    return list(paths)
