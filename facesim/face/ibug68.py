"""The iBUG 68-point (Multi-PIE) landmark scheme and facesim's names for its points: one map.

Indices are 0-based; the subject's RIGHT mouth corner is 48 and the LEFT is 54
(the scheme numbers from the subject's right, i.e. the viewer's left). Photo
input (assessment.landmark_input) and scan import (scan.importer) both read
this map.
"""

from __future__ import annotations

import numpy as np

N_IBUG = 68

#: facesim landmark name -> (iBUG indices, weights or None for a plain mean).
IBUG68: dict[str, tuple[tuple[int, ...], tuple[float, ...] | None]] = {
    "pupil_right": ((36, 37, 38, 39, 40, 41), None),  # the eyelid ring's centroid
    "pupil_left": ((42, 43, 44, 45, 46, 47), None),
    "exocanthion_right": ((36,), None),
    "endocanthion_right": ((39,), None),
    "endocanthion_left": ((42,), None),
    "exocanthion_left": ((45,), None),
    "glabella": ((21, 22), None),  # between the inner brow ends
    "nasion": ((27,), None),
    "pronasale": ((30,), None),
    "subnasale": ((33,), None),
    "alare_right": ((31,), None),
    "alare_left": ((35,), None),
    "cheilion_right": ((48,), None),
    "cheilion_left": ((54,), None),
    "upper_lip_right": ((50,), None),
    "upper_lip_left": ((52,), None),
    "labiale_superius": ((51,), None),
    "lower_lip_left": ((56,), None),
    "lower_lip_right": ((58,), None),
    "labiale_inferius": ((57,), None),
    "stomion_upper": ((62,), None),
    "stomion_lower": ((66,), None),
    "stomion": ((62, 66), None),
    "menton": ((8,), None),
    "pogonion": ((8, 57), (0.6, 0.4)),  # the chin's most anterior point sits above the menton
    "gonion_right": ((4,), None),  # approximate: the jaw-angle region of the contour
    "gonion_left": ((12,), None),
    "tragus_right": ((0,), None),  # approximate: the contour starts beside the ear
    "tragus_left": ((16,), None),
}


def ibug_point(points: np.ndarray, name: str) -> np.ndarray:
    """The facesim landmark ``name`` from iBUG points (68, d): the (weighted) mean of its indices."""
    idx, weights = IBUG68[name]
    return np.average(np.asarray(points, float)[list(idx)], axis=0, weights=weights)


def _mirror() -> np.ndarray:
    pairs = [(i, 16 - i) for i in range(8)]  # jaw contour
    pairs += [(17 + i, 26 - i) for i in range(5)]  # brows
    pairs += [(31, 35), (32, 34)]  # lower nose
    pairs += [(36, 45), (37, 44), (38, 43), (39, 42), (40, 47), (41, 46)]  # eyes
    pairs += [(48, 54), (49, 53), (50, 52), (55, 59), (56, 58)]  # outer lips
    pairs += [(60, 64), (61, 63), (65, 67)]  # inner lips
    mirror = np.arange(N_IBUG)
    for a, b in pairs:
        mirror[a], mirror[b] = b, a
    return mirror


#: ``IBUG_MIRROR[i]`` is the iBUG index of point i's mirror image (48 <-> 54, 36 <-> 45, ...).
IBUG_MIRROR = _mirror()


def pts_rows(text: str) -> list[str] | None:
    """The point lines of an iBUG ``.pts`` file (``version: 1``, ``n_points: 68``, ``{`` rows ``}``), or None
    when ``text`` is not one."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines or not lines[0].lower().startswith("version"):
        return None
    try:
        start, stop = lines.index("{"), lines.index("}")
    except ValueError:
        return None
    return lines[start + 1:stop]
