"""The quality gates a photo's landmarks must pass before they are measured, and a rest/smile pair's.

Each refusal is one InputError line naming the photo, what was measured and the limit; the limits
and their reasons are facesim/data/photo.toml. (Not an image: facesim.photo.image.read_rgb; no face
and more than one face: facesim.photo.landmarks.)
"""

from __future__ import annotations

from facesim.datafiles import bundled
from facesim.errors import InputError
from facesim.photo.landmarks import PhotoLandmarks

POSE_NAMES = ("turned (yaw)", "nodded (pitch)", "tilted (roll)")


def check_photo(found: PhotoLandmarks) -> PhotoLandmarks:
    """``found`` when it passes every gate of ``[gates]``; otherwise InputError naming the first it fails."""
    g = bundled.photo().gates
    src = found.source
    if found.ipd_px < g.min_ipd_px:
        raise InputError(f"{src}: the face is too small ({found.ipd_px:.0f} px between the pupils, at least "
                         f"{g.min_ipd_px:g} px needed); take the photo closer or at a higher resolution")
    limits = (g.max_yaw_deg, g.max_pitch_deg, g.max_roll_deg)
    for words, angle, limit in zip(POSE_NAMES, found.pose_deg, limits):
        if abs(angle) > limit:
            raise InputError(f"{src}: the head is {words} {angle:+.0f} deg (at most {limit:g} deg); "
                             "take a frontal photo with the head level, looking at the camera")
    for side, value in found.eye_openness.items():
        if value < g.min_eye_openness:
            raise InputError(f"{src}: the patient's {side} eye looks closed (lid gap {value:.2f} of the iris "
                             f"diameter, at least {g.min_eye_openness:g}); take the photo with both eyes open")
    return found


def check_pair(rest: PhotoLandmarks, smile: PhotoLandmarks) -> None:
    """Refuse a rest and a smile photo taken too differently to compare (``[pair]``: scale, pose)."""
    p = bundled.photo().pair
    ratio = max(rest.ipd_px, smile.ipd_px) / min(rest.ipd_px, smile.ipd_px)
    if ratio > p.max_scale_ratio:
        raise InputError(f"{rest.source} and {smile.source}: the face is {ratio:.2f} times larger on one (at most "
                         f"{p.max_scale_ratio:g}); take both photos from the same distance")
    for words, a, b in zip(POSE_NAMES, rest.pose_deg, smile.pose_deg):
        if abs(a - b) > p.max_pose_change_deg:
            raise InputError(f"{rest.source} and {smile.source}: the head is {words} {b - a:+.0f} deg more on the "
                             f"smile photo (at most {p.max_pose_change_deg:g} deg); take both with the same pose")
