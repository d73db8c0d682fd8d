"""Regions and the bone-tie map of an imported face, by the built-in face's rules.

Each vertex is mapped into the built-in face's design coordinates: x scaled
by the inter-pupillary distance, y piecewise linear through the pupils, nose
tip, stomion and menton. The built-in face's region and tie rules
(procedural_face) then apply unchanged, so the same anatomy and tissue data
serve both faces; the lips and the mouth follow the scan's own lip line.
"""

from __future__ import annotations

import numpy as np

from facesim.face import builtin as pf
from facesim.face.mouth_slit import Mouth

#: Built-in design heights (mm) of the landmarks that anchor the y mapping.
Y_ANCHORS = (("pupils", pf.PUPIL[1]), ("pronasale", 10.5), ("stomion", pf.MOUTH_Y), ("menton", pf.Y_BOTTOM))
NECK_BELOW_MM = 13.0  # tie the neck this far below the menton (design mm)
#: A lip reaches at most this far (design mm) past the corner-stomion-corner line onto the other
#: lip's side (its inner surface curling in); the neck below the mouth is not upper lip.
LIP_PAST_LINE_MM = 2.0
#: The anatomical regions hold only skin a frontal view sees: at most this far (x the
#: inter-pupillary distance; 15 mm on a 62 mm face) behind the front-most surface. The lips' inner
#: surface (up to 9 mm deep on the ICT scan) stays in; the back of a scanned head and neck do not.
FRONT_DEPTH_IPD = 0.25
#: Without tragi, the face ends this far (x the IPD) behind the mouth corners: the ICT scan's tragi
#: lie 0.9 IPD behind its corners, its jaw angles 0.6 IPD.
BEHIND_CORNERS_IPD = 0.9
#: Regions the frontal rule limits (the others describe the mesh, not the anatomy).
FRONTAL_REGIONS = ("upper_lip", "lower_lip", "lips", "perioral", "nose", "eyes", "iris", "forehead", "cheek",
                   "chin", "jaw")


def _sigmoid(v):
    return 0.5 * (1.0 + np.tanh(v))


def design_map(vertices: np.ndarray, landmarks: dict[str, int]):
    """A function mapping points (k, 3) mm to the built-in design frame, returning (x, y) arrays (mm)."""
    v = vertices
    pl, pr = v[landmarks["pupil_left"]], v[landmarks["pupil_right"]]
    mid = 0.5 * (pl + pr)
    sx = pf.PUPIL[0] / (0.5 * np.linalg.norm(pl - pr))
    heights = {"pupils": mid[1]}
    for name in ("pronasale", "stomion", "menton"):
        if name in landmarks:
            heights[name] = v[landmarks[name], 1]
    src = [heights[k] for k, _ in Y_ANCHORS if k in heights]
    dst = [d for k, d in Y_ANCHORS if k in heights]
    top_down = len(src) >= 2 and np.all(np.diff(src) < 0)
    src, dst = np.array(src[::-1]), np.array(dst[::-1])  # increasing

    def to_design(points: np.ndarray):
        x = (points[:, 0] - mid[0]) * sx
        if not top_down:  # anchors out of order: fall back to the IPD scale
            return x, pf.PUPIL[1] + (points[:, 1] - mid[1]) * sx
        py = points[:, 1]
        y = np.interp(py, src, dst)
        top, bottom = py > src[-1], py < src[0]
        y[top] = dst[-1] + (py[top] - src[-1]) * (dst[-1] - dst[-2]) / (src[-1] - src[-2])
        y[bottom] = dst[0] + (py[bottom] - src[0]) * (dst[1] - dst[0]) / (src[1] - src[0])
        return x, y

    return to_design


def _in_the_face(v: np.ndarray, landmarks: dict[str, int], depth: np.ndarray) -> np.ndarray:
    """(n,) bool: skin of the face itself, within FRONT_DEPTH_IPD of the front-most surface and in
    front of the ears (the tragi's coronal plane, or BEHIND_CORNERS_IPD behind the mouth corners)."""
    ipd = np.linalg.norm(v[landmarks["pupil_left"]] - v[landmarks["pupil_right"]])
    if "tragus_left" in landmarks and "tragus_right" in landmarks:
        back = 0.5 * (v[landmarks["tragus_left"], 2] + v[landmarks["tragus_right"], 2])
    else:
        back = min(v[landmarks["cheilion_left"], 2], v[landmarks["cheilion_right"], 2]) - BEHIND_CORNERS_IPD * ipd
    return (depth <= FRONT_DEPTH_IPD * ipd) & (v[:, 2] >= back)


def face_regions(vertices: np.ndarray, landmarks: dict[str, int], mouth: Mouth, above: np.ndarray,
                 below: np.ndarray, boundary: np.ndarray, depth: np.ndarray | None = None
                 ) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Named regions and the tie map (n,) in [0, 1] of an imported face.

    Parameters
    ----------
    vertices : (n, 3) float array, mm, facesim's frame
    landmarks : name -> vertex index (pupils, cheilions, stomion needed; pronasale, menton,
        labiale superius/inferius and tragi used when present)
    mouth : the lip opening (see mouth_slit)
    above, below : (n,) bool arrays, the sides of the mouth
    boundary : (n,) bool array, the mesh border without the mouth opening
    depth : (n,) float array or None, mm behind the front-most surface (geometry.visibility);
        the anatomical regions keep only vertices within FRONT_DEPTH_IPD of the front
    """
    to_design = design_map(vertices, landmarks)
    x, y = to_design(vertices)
    v = vertices
    cr, cl = v[landmarks["cheilion_right"]], v[landmarks["cheilion_left"]]
    st = v[landmarks["stomion"]]
    # Height above the lip line (design mm): the line runs corner - stomion - corner.
    line_x = np.array([cr[0], st[0], cl[0]])
    order = np.argsort(line_x)
    line_y = np.interp(v[:, 0], line_x[order], np.array([cr[1], st[1], cl[1]])[order])
    _, line_design = to_design(np.column_stack([v[:, 0], line_y, v[:, 2]]))
    h = y - line_design
    # Across the mouth: 0 at the stomion, +-CHEILION_X at the corners.
    half = np.where(v[:, 0] >= st[0], cl[0] - st[0], st[0] - cr[0])
    xm = pf.CHEILION_X * (v[:, 0] - st[0]) / np.maximum(half, 1e-9)
    taper = pf.lip_taper(np.abs(xm))
    bow = pf._gauss(np.abs(xm), 0.0, 5.5, 0.0, 2.8, 1.0) + pf._gauss(np.abs(xm), 0.0, -5.5, 0.0, 2.8, 1.0)
    _, yd = to_design(v[[landmarks.get("labiale_superius", landmarks["stomion"]),
                          landmarks.get("labiale_inferius", landmarks["stomion"])]])
    _, st_d = to_design(st[None])
    k_up = (yd[0] - st_d[0]) / 7.8 if "labiale_superius" in landmarks else 1.0
    k_lo = (st_d[0] - yd[1]) / 9.0 if "labiale_inferius" in landmarks else 1.0
    k_up = float(np.clip(k_up, 0.5, 2.0))
    k_lo = float(np.clip(k_lo, 0.5, 2.0))
    in_mouth = np.abs(xm) < pf.CHEILION_X
    upper_lip = in_mouth & (h <= (7.5 + bow) * taper * k_up + 0.3) & (h >= -LIP_PAST_LINE_MM) & above
    lower_lip = in_mouth & (h >= -9.0 * taper * k_lo - 0.3) & (h <= LIP_PAST_LINE_MM) & below
    ym = y - (y[landmarks["stomion"]] - pf.MOUTH_Y)  # design height with the stomion at MOUTH_Y
    xs = x - x[landmarks["stomion"]]
    slit = np.zeros(len(v), dtype=bool)
    slit[mouth.upper] = True
    slit[mouth.lower] = True
    regions = pf.design_regions(x, y, upper_lip, lower_lip, above.copy(), below.copy(), slit, boundary.copy(), xs, ym)
    if depth is not None:
        seen = _in_the_face(v, landmarks, depth)
        for name in FRONTAL_REGIONS:
            regions[name] = regions[name] & seen
    return regions, _tie(v, landmarks, to_design, x, y, boundary)


def _tie(v: np.ndarray, landmarks: dict[str, int], to_design, x: np.ndarray, y: np.ndarray,
         boundary: np.ndarray) -> np.ndarray:
    """The bone-tie map (n,) in [0, 1]: the built-in rules, the face's width stretched to the tragi, and
    tied behind the ears and down the neck."""
    # Width of the face at each height: the built-in outline, stretched to the tragi.
    stretch = 1.0
    behind = np.zeros(len(v))
    if "tragus_left" in landmarks and "tragus_right" in landmarks:
        tl, tr = v[landmarks["tragus_left"]], v[landmarks["tragus_right"]]
        tx, ty = to_design(np.vstack([tl, tr]))
        stretch = float(np.clip(0.5 * (abs(tx[0]) + abs(tx[1])) / pf.half_width(np.mean(ty)), 0.7, 1.5))
        z_ear = 0.5 * (tl[2] + tr[2])
        mm_per_design = np.linalg.norm(v[landmarks["pupil_left"]] - v[landmarks["pupil_right"]]) / (2 * pf.PUPIL[0])
        behind = _sigmoid((z_ear - v[:, 2]) / (4.0 * mm_per_design))
    return pf.design_tie(x, y, boundary, stretch, (behind, _sigmoid((pf.Y_BOTTOM - NECK_BELOW_MM - y) / 3.0)))
