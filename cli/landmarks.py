"""`facesim landmarks PHOTO`: the landmarks found on a photo, as editable JSON and an overlay to check."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from facesim.errors import InputError

from .console import escape, streams
from .options import Force, NoMirror, PhotoFace


def landmarks(
    photo: Annotated[Path, typer.Argument(help="A frontal photo (JPEG, PNG, HEIC).")],
    out: Annotated[Optional[Path], typer.Option(
        help="Write the landmarks here as JSON (float pixels; edit a point and give the file to assess).")] = None,
    overlay: Annotated[Optional[Path], typer.Option(
        help="Write a PNG of the photo with the points, iris circles and corner line, to check them.")] = None,
    face: PhotoFace = None,
    no_mirror: NoMirror = False,
    iris_mm: Annotated[Optional[float], typer.Option(help="Visible iris diameter, mm (default 11.77).")] = None,
    force: Force = False,
) -> None:
    """Find the landmarks on a photo (MediaPipe Face Mesh): 68 points, the irises, the head pose."""
    from facesim.assessment.landmark_input import Scale
    from facesim.assessment.photo_input import photo_json, photo_set, read_photo
    from facesim.outputs import check_outputs, check_suffix

    outs = [check_suffix(p, (s,), o) for p, s, o in ((out, ".json", "--out"), (overlay, ".png", "--overlay"))
            if p is not None]
    check_outputs(outs, force)
    found = read_photo(photo, face=face, mirror=not no_mirror)
    measured = photo_set(found, Scale(iris_mm=iris_mm))
    io = streams()
    _print_found(io.data, found, measured)
    if out is not None:
        from facesim.outputs import write_text

        io.wrote(write_text(out, photo_json(found)))
    if overlay is not None:
        io.wrote(_write_overlay(overlay, photo, found))


def _print_found(console, found, measured) -> None:
    yaw, pitch, roll = found.pose_deg
    w, h = found.size
    console.print(f"{escape(found.source)}: {w} x {h} px, mirror averaging {'on' if found.mirrored else 'off'}")
    console.print(f"pupils {found.ipd_px:.1f} px apart, iris diameter {found.iris_diameter_px:.2f} px; "
                  f"{escape(measured.scale_source)}: {measured.mm_per_unit:.4f} mm/px, "
                  f"inter-pupillary distance {measured.ipd_mm:.1f} mm")
    console.print(f"head pose: yaw {yaw:+.1f}, pitch {pitch:+.1f}, roll {roll:+.1f} deg")
    from facesim.metrics import frontal_coordinates

    frontal = frontal_coordinates(measured.metric_points())  # the pupil frame the measures use
    for side, k, row in (("right", 48, 3), ("left", 54, 2)):
        p, m = found.ibug[k], frontal[row]
        console.print(f"patient's {side} mouth corner: ({p[0]:.1f}, {p[1]:.1f}) px; in the pupil frame "
                      f"{m[0]:+.1f} mm across (+ = patient's left), {-m[1]:.1f} mm below the pupil line")


def _write_overlay(path: Path, photo: Path, found) -> Path:
    from facesim.outputs import write_atomically
    from facesim.photo.image import read_rgb
    from facesim.photo.overlay import overlay_image, png_bytes

    data = png_bytes(overlay_image(read_rgb(photo), found))
    if not data:
        raise InputError(f"--overlay: could not encode {path.name} as PNG")
    return write_atomically(path, lambda tmp: tmp.write_bytes(data))
