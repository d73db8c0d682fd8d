"""Landmarks written as a photo tool would give them, from known points: iBUG and Emotrics text,
a mirror image, a 68-point set from named points, image pixels (for fixtures and round trips)."""

from __future__ import annotations

import numpy as np

from facesim.errors import InputError
from facesim.face.ibug68 import IBUG_MIRROR, N_IBUG


def ibug_text(points: np.ndarray, comma: bool = False, header: str = "") -> str:
    """Plain 68-point text for a (68, d) array (one point a line)."""
    sep = "," if comma else " "
    body = "\n".join(sep.join(f"{v:.4f}" for v in row) for row in np.asarray(points, float))
    return (header + "\n" if header else "") + body + "\n"


def emotrics_text(points: np.ndarray, iris_left=None, iris_right=None, photo: str = "photo.jpg") -> str:
    """An Emotrics-style text file for (68, 2) pixel points and optional (x, y, r) irises."""
    def block(title, rows):
        return [f"# {title} {{ ", *rows, "# } "]

    lines = block("File name", [photo])
    lines += block("68 facial Landmarks [x,y]", [f"{int(round(x))},{int(round(y))}" for x, y in points])
    for title, iris in (("Left iris [x,y,r]", iris_left), ("Right iris [x,y,r]", iris_right)):
        lines += block(title, [str(int(round(v))) for v in (iris if iris is not None else (-1, -1, -1))])
    lines += block("Face bounding Box [top(x), left(y), width, height]", ["0", "0", "0", "0"])
    return "\r\n".join(lines) + "\r\n"


def mirror_ibug(points: np.ndarray, midline_x: float = 0.0) -> np.ndarray:
    """The mirror image of a (68, d) iBUG array: x -> 2 * midline - x, left/right indices swapped."""
    out = np.array(points, dtype=float)[IBUG_MIRROR].copy()
    out[:, 0] = 2.0 * midline_x - out[:, 0]
    return out


def _mid(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return 0.5 * (a + b)


IBUG_SOURCE_NAMES = ("pupil_left", "pupil_right", "exocanthion_left", "exocanthion_right", "endocanthion_left",
                     "endocanthion_right", "nasion", "pronasale", "subnasale", "alare_left", "alare_right",
                     "cheilion_left", "cheilion_right", "upper_lip_left", "upper_lip_right", "labiale_superius",
                     "lower_lip_left", "lower_lip_right", "labiale_inferius", "stomion_upper", "stomion_lower",
                     "menton", "gonion_left", "gonion_right", "tragus_left", "tragus_right")


def ibug_from_named(named: dict[str, np.ndarray]) -> np.ndarray:
    """A (68, 3) iBUG array in facesim's frame from named points (``IBUG_SOURCE_NAMES``).

    Points with a facesim name take it; the rest are interpolated between them
    (jaw contour, brows, inner lips) so that the array is mirror-consistent,
    and each eye's 6 points average exactly to its pupil. For fixtures and
    round trips (model -> photo-like landmarks -> model).
    """
    p = {k: np.asarray(v, float) for k, v in named.items()}
    missing = [n for n in IBUG_SOURCE_NAMES if n not in p]
    if missing:
        raise InputError(f"ibug_from_named: missing {', '.join(missing)}")
    out = np.zeros((N_IBUG, 3))
    for side, (tragus, gonion, jaw) in (("right", (0, 4, range(1, 8))), ("left", (16, 12, range(15, 8, -1)))):
        t, g, m = p[f"tragus_{side}"], p[f"gonion_{side}"], p["menton"]
        out[tragus], out[gonion] = t, g
        for k, i in enumerate(jaw, start=1):
            out[i] = t + (g - t) * k / 4 if k < 4 else g + (m - g) * (k - 4) / 4 if k > 4 else g
    out[8] = p["menton"]
    up = np.array([0.0, 12.0, 0.0])
    for side, idx, sign in (("right", range(17, 22), 1.0), ("left", range(26, 21, -1), -1.0)):
        exo, endo = p[f"exocanthion_{side}"], p[f"endocanthion_{side}"]
        for k, i in enumerate(idx):
            out[i] = exo + (endo - exo) * k / 4 + up
    out[27], out[30], out[33] = p["nasion"], p["pronasale"], p["subnasale"]
    bridge = p["pronasale"] - p["nasion"]
    out[28], out[29] = p["nasion"] + bridge / 3, p["nasion"] + 2 * bridge / 3
    out[31], out[35] = p["alare_right"], p["alare_left"]
    out[32], out[34] = _mid(out[31], out[33]), _mid(out[35], out[33])
    lid = np.array([0.0, 4.0, 0.0])
    for side, (outer, a, b, inner, c, d) in (("right", (36, 37, 38, 39, 40, 41)), ("left", (45, 44, 43, 42, 47, 46))):
        exo, endo, pupil = p[f"exocanthion_{side}"], p[f"endocanthion_{side}"], p[f"pupil_{side}"]
        out[outer], out[inner] = exo, endo
        out[a], out[b] = exo + (endo - exo) / 3 + lid, exo + 2 * (endo - exo) / 3 + lid
        out[d], out[c] = exo + (endo - exo) / 3 - lid, exo + 2 * (endo - exo) / 3 - lid
        four = [a, b, c, d]
        out[four] += (6 * pupil - out[[outer, inner, *four]].sum(axis=0)) / 4
    out[48], out[54] = p["cheilion_right"], p["cheilion_left"]
    out[50], out[52], out[51] = p["upper_lip_right"], p["upper_lip_left"], p["labiale_superius"]
    out[49], out[53] = _mid(out[48], out[50]), _mid(out[52], out[54])
    out[56], out[58], out[57] = p["lower_lip_left"], p["lower_lip_right"], p["labiale_inferius"]
    out[55], out[59] = _mid(out[54], out[56]), _mid(out[58], out[48])
    out[62], out[66] = p["stomion_upper"], p["stomion_lower"]
    inward = np.array([2.0, 0.0, 0.0])
    out[60], out[64] = out[48] + inward, out[54] - inward
    out[61], out[63] = _mid(out[60], out[62]), _mid(out[62], out[64])
    out[65], out[67] = _mid(out[64], out[66]), _mid(out[66], out[60])
    return out


def facesim_to_image(points: np.ndarray, mm_per_px: float, origin_px=(500.0, 400.0)) -> np.ndarray:
    """Pixels (..., 2) of facesim-frame points (..., 3) mm in an image (x to the viewer's right, y down)."""
    pts = np.asarray(points, float)
    return np.stack([origin_px[0] + pts[..., 0] / mm_per_px, origin_px[1] - pts[..., 1] / mm_per_px], axis=-1)
