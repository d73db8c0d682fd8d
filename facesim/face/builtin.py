"""The built-in face: a procedural, left-right symmetric face surface.

The surface is a depth map z = depth(x, y) over a face-shaped outline in the
frontal plane, meshed row by row with near-equilateral triangles in 3D. The
patient's left half (x >= 0) is meshed and mirrored, so the mesh, its landmarks
and every operator built on it are exactly symmetric. The row at the stomion
height is cut between the commissures (the mouth slit), so the upper and lower
lips are separate surfaces that meet only at the corners.

All lengths are in mm; +x is the patient's LEFT, +y up, +z out of the face.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy.interpolate import PchipInterpolator
from scipy.sparse.csgraph import connected_components

from facesim.face.mesh import Face

# --- design dimensions (mm), a mid-sized adult face -------------------------
MOUTH_Y = -20.0  # stomion height; the slit row
CHEILION_X = 27.0  # half mouth width (mouth width 54 mm, clinical-parameters.md)
Y_BOTTOM = -62.0  # menton
BELOW_MENTON_MM = 10.0  # the chin and jaw regions reach this far under the menton (a scan's neck is neither)
Y_TOP = 105.0  # top of the forehead (hairline)
PUPIL = (31.0, 44.5)  # inter-pupillary distance 62 mm
DEFAULT_N_VERTICES = 21000

_OUTLINE = PchipInterpolator(
    [-62, -58, -50, -40, -28, -15, 0, 20, 40, 60, 80, 95, 105],
    [16, 28, 40, 50, 58, 63, 67, 70, 71, 69, 63, 55, 47],
)
_NOSE_HEIGHT = PchipInterpolator(  # dorsum height above the base surface, by y
    [-4, 0, 3, 7, 11, 16, 24, 34, 44, 50, 56, 62],
    [0, 1.5, 7, 15, 18.5, 17, 13, 9, 5, 3.2, 1.5, 0],
)
_NOSE_WIDTH = PchipInterpolator(  # dorsum gaussian width (sigma) by y
    [-4, 4, 11, 20, 35, 50, 62],
    [5, 6.5, 7.5, 6, 5, 6, 8],
)


def half_width(y: np.ndarray) -> np.ndarray:
    """Half-width of the face outline at height ``y`` (mm)."""
    return _OUTLINE(np.clip(y, Y_BOTTOM, Y_TOP))


def _gauss(x, y, x0, y0, sx, sy):
    return np.exp(-0.5 * (((x - x0) / sx) ** 2 + ((y - y0) / sy) ** 2))


def _pair(x, y, x0, y0, sx, sy):
    """A gaussian bump placed on both sides (at +x0 and -x0)."""
    return _gauss(x, y, x0, y0, sx, sy) + _gauss(x, y, -x0, y0, sx, sy)


def _segment_distance(x, y, p, q):
    """Distance in the frontal plane from (x, y) to the segment p-q."""
    px, py = p
    dx, dy = q[0] - px, q[1] - py
    t = np.clip(((x - px) * dx + (y - py) * dy) / (dx * dx + dy * dy), 0.0, 1.0)
    return np.hypot(x - px - t * dx, y - py - t * dy)


def lip_taper(x: np.ndarray) -> np.ndarray:
    """Lip fullness across the mouth: 1 at the midline, 0 at the commissures."""
    return np.clip(1.0 - np.abs(x / CHEILION_X) ** 2.5, 0.0, 1.0) ** 0.75


def nose_height(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Height of the nose above the surrounding face (mm)."""
    yy = np.clip(y, -4, 62)
    dorsum = _NOSE_HEIGHT(yy) * np.exp(-0.5 * (x / _NOSE_WIDTH(yy)) ** 2)
    dorsum = np.where((y < -4) | (y > 62), 0.0, dorsum)
    # Tip lobule: a rounded tip with two faint domes.
    tip = 2.6 * _gauss(x, y, 0, 9.5, 5.0, 4.0) + 0.6 * _pair(x, y, 3.2, 9.0, 2.6, 2.6)
    # Alae: rounded lobes (a flattened super-gaussian) joined to the tip by the
    # lateral crura, an alar crease around their upper and lateral side, and a
    # shallow nostril notch below.
    ax = np.abs(x)
    r = np.hypot((ax - 12.5) / 4.8, (y - 4.0) / 3.8)
    alae = 4.2 * np.exp(-0.5 * r**3) + 1.4 * _pair(x, y, 7.0, 6.0, 3.5, 3.0)
    crease = 0.9 * np.exp(-0.5 * ((r - 1.3) / 0.3) ** 2) * _sigmoid((ax - 11.0) / 1.5)
    nostril = 0.6 * _pair(x, y, 7.0, 2.4, 2.4, 1.4)
    return dorsum + tip + alae - crease - nostril


def depth(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Height of the face surface z(x, y) in mm (anterior is +z)."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    # Base: an elliptic head section, widest at the cheekbones, the forehead
    # sloping back above the brow.
    a = 1.1 * half_width(y) + 6.0
    profile = -0.0055 * np.maximum(y - 60.0, 0.0) ** 2 - 0.03 * np.maximum(-40.0 - y, 0.0) ** 2
    z = profile + 0.8 * a * (np.sqrt(np.clip(1.0 - (x / a) ** 2, 0.0, None)) - 1.0)
    # Upper face: brow ridge, eye sockets, eyeballs with lids, cheekbones, temples.
    z += 4.5 * _pair(x, y, 28.0, 57.0, 15.0, 4.5) + 2.5 * _gauss(x, y, 0, 56.0, 9.0, 5.0)
    z -= 11.5 * _pair(x, y, PUPIL[0], 46.0, 11.5, 7.5)
    z += 8.0 * _pair(x, y, PUPIL[0], PUPIL[1], 7.0, 4.8)
    # Upper-lid fold just above the eye opening, lower lid bulge below it.
    z += 1.2 * _pair(x, y, PUPIL[0], 50.5, 8.0, 1.3) + 0.6 * _pair(x, y, PUPIL[0], 39.0, 8.0, 1.3)
    z += 6.0 * _pair(x, y, 43.0, 24.0, 12.0, 9.0) + 3.0 * _pair(x, y, 36.0, -4.0, 12.0, 12.0)
    z -= 3.0 * _pair(x, y, 62.0, 52.0, 8.0, 10.0)
    z += nose_height(x, y)
    # Nasolabial folds: shallow grooves from the alae to beside the commissures.
    for s in (1.0, -1.0):
        d = _segment_distance(x, y, (s * 17.0, 2.0), (s * 32.0, -25.0))
        z -= 1.3 * np.exp(-0.5 * (d / 2.5) ** 2)
    # Mouth: the dental arch, philtrum, both vermilions, labiomental fold, chin.
    z += 6.5 * _gauss(x, y, 0, -19.0, 24.0, 16.0)
    z += -0.9 * _gauss(x, y, 0, -6.5, 2.4, 4.0) + 0.6 * _pair(x, y, 4.5, -6.5, 1.5, 4.0)
    t = lip_taper(x)
    bow = 1.0 * _pair(x, y * 0.0, 5.5, 0.0, 2.8, 1.0)  # Cupid's bow peaks
    hu = 7.5 * t + bow * t  # upper vermilion height
    hl = 9.0 * t  # lower vermilion height
    yu = MOUTH_Y + 0.5 * hu
    yl = MOUTH_Y - 0.48 * hl
    upper = 3.0 * t**1.3 * np.exp(-0.5 * ((y - yu) / (0.3 * hu + 0.6)) ** 2)
    lower = 3.2 * t**1.3 * np.exp(-0.5 * ((y - yl) / (0.3 * hl + 0.6)) ** 2)
    roll = 0.4 * t * np.exp(-0.5 * ((y - MOUTH_Y - hu - 0.6) / 0.8) ** 2)  # white roll
    stomion = 1.0 * t * np.exp(-0.5 * ((y - MOUTH_Y) / 1.1) ** 2)  # the mouth line
    z += upper + lower + roll - stomion
    z -= 3.2 * _gauss(x, y, 0, -34.0, 14.0, 3.2)
    z += 7.0 * _gauss(x, y, 0, -48.5, 13.0, 8.0)
    z += 3.0 * _pair(x, y, 60.0, -35.0, 8.0, 10.0)
    return z


def _row_x(y: float, spacing: float, split_x: float | None) -> np.ndarray:
    """Points x >= 0 on the row at height y, evenly spaced by 3D arc length.

    The first point is on the midline (x = 0) and the last on the outline; when
    ``split_x`` is given it is a node of the row (the commissure).
    """
    w = float(half_width(y))
    xs = np.linspace(0.0, w, 600)
    zs = depth(xs, np.full_like(xs, y))
    arc = np.concatenate([[0.0], np.cumsum(np.hypot(np.diff(xs), np.diff(zs)))])
    cuts = [0.0, w] if split_x is None else [0.0, split_x, w]
    points = [np.zeros(1)]
    for x0, x1 in zip(cuts[:-1], cuts[1:]):
        s0, s1 = np.interp([x0, x1], xs, arc)
        n = max(1, int(round((s1 - s0) / spacing)))
        points.append(np.interp(np.linspace(s0, s1, n + 1)[1:], arc, xs))
    return np.concatenate(points)


def _zipper(lower_ids, lower_u, upper_ids, upper_u):
    """Triangulate the strip between two rows (ids sorted by x, u = x / half-width)."""
    tris = []
    i = j = 0
    p, q = len(lower_ids) - 1, len(upper_ids) - 1
    while i < p or j < q:
        if j == q or (i < p and lower_u[i + 1] <= upper_u[j + 1]):
            tris.append((lower_ids[i], lower_ids[i + 1], upper_ids[j]))
            i += 1
        else:
            tris.append((lower_ids[i], upper_ids[j + 1], upper_ids[j]))
            j += 1
    return tris


def _half_mesh(spacing: float):
    """Mesh the patient's left half (x >= 0). Returns xy (k, 2), triangles, ids."""
    row_step = spacing * np.sqrt(3.0) / 2.0
    n_below = max(2, int(round((MOUTH_Y - Y_BOTTOM) / row_step)))
    n_above = max(3, int(round((Y_TOP - MOUTH_Y) / row_step)))
    rows_y = np.concatenate(
        [np.linspace(Y_BOTTOM, MOUTH_Y, n_below + 1)[:-1], np.linspace(MOUTH_Y, Y_TOP, n_above + 1)]
    )
    mouth_row = n_below
    xy, up_ids, down_ids, row_u = [], [], [], []
    slit_pairs = []  # (upper-lip copy, lower-lip copy) on the mouth row
    for r, y in enumerate(rows_y):
        xs = _row_x(y, spacing, CHEILION_X if r == mouth_row else None)
        ids = np.arange(len(xy), len(xy) + len(xs))
        xy.extend((x, y) for x in xs)
        down = ids.copy()
        if r == mouth_row:
            inside = np.flatnonzero(xs < CHEILION_X - 1e-9)
            dup = np.arange(len(xy), len(xy) + len(inside))
            xy.extend((xs[k], y) for k in inside)
            down[inside] = dup
            slit_pairs.extend(zip(ids[inside], dup))
        up_ids.append(ids)
        down_ids.append(down)
        row_u.append(xs / xs[-1])
    tris = []
    for r in range(len(rows_y) - 1):
        tris += _zipper(up_ids[r], row_u[r], down_ids[r + 1], row_u[r + 1])
    return np.array(xy), np.array(tris), mouth_row, rows_y, up_ids, np.array(slit_pairs)


def _mirror_half(xy_half, tris_half):
    """Mirror the left half onto the right; returns xy, faces and the mirror map."""
    on_mid = xy_half[:, 0] == 0.0
    n_half = len(xy_half)
    off = np.flatnonzero(~on_mid)
    mirror_of_half = np.arange(n_half)
    mirror_of_half[off] = n_half + np.arange(len(off))
    xy = np.vstack([xy_half, xy_half[off] * np.array([-1.0, 1.0])])
    mirror = np.empty(len(xy), dtype=np.int64)
    mirror[:n_half] = mirror_of_half
    mirror[n_half:] = off
    mirrored = mirror_of_half[tris_half][:, [0, 2, 1]]
    faces = np.vstack([tris_half, mirrored])
    return xy, faces, mirror


def _nearest(xy, target, candidates):
    cand = np.flatnonzero(candidates)
    d = np.hypot(xy[cand, 0] - target[0], xy[cand, 1] - target[1])
    return int(cand[np.argmin(d)])


def _outer_boundary(faces: np.ndarray, n: int, inside_vertex: int) -> np.ndarray:
    """Vertices on the outer boundary loop: the loop of once-used edges through
    ``inside_vertex`` (a vertex known to be on the outline). The mouth slit's loop,
    commissures included, is not part of it."""
    edges = np.sort(np.vstack([faces[:, [0, 1]], faces[:, [1, 2]], faces[:, [2, 0]]]), axis=1)
    uniq, counts = np.unique(edges, axis=0, return_counts=True)
    once = uniq[counts == 1]
    graph = sp.coo_matrix((np.ones(len(once)), (once[:, 0], once[:, 1])), shape=(n, n))
    _, label = connected_components(graph, directed=False)
    on_edge = np.zeros(n, dtype=bool)
    on_edge[once.ravel()] = True
    return on_edge & (label == label[inside_vertex])


def _sigmoid(v):
    return 0.5 * (1.0 + np.tanh(v))


def _mouth_sides(y: np.ndarray, mirror: np.ndarray, slit_pairs: np.ndarray) -> tuple[np.ndarray, ...]:
    """(n,) bool masks (upper_copy, lower_copy, above, below): the mouth row's upper- and lower-lip
    copies on both halves, and the vertices above / below the mouth (y: (n,) mm)."""
    copies = np.zeros((2, len(y)), dtype=bool)
    for k in (0, 1):
        copies[k, slit_pairs[:, k]] = True
        copies[k, mirror[slit_pairs[:, k]]] = True
    upper_copy, lower_copy = copies
    return upper_copy, lower_copy, (y > MOUTH_Y) | upper_copy, (y < MOUTH_Y) | lower_copy


def _landmarks(xy: np.ndarray, mirror: np.ndarray, boundary: np.ndarray, sides: tuple[np.ndarray, ...]) -> dict:
    """Landmark name -> vertex id, placed on the left side and mirrored (xy: (n, 2) mm design frame;
    sides: :func:`_mouth_sides`)."""
    upper_copy, lower_copy, above, below = sides
    x, y = xy[:, 0], xy[:, 1]
    mouth = np.isclose(y, MOUTH_Y)
    midline = x == 0.0
    anywhere = np.ones(len(xy), bool)
    left = {
        "cheilion": _nearest(xy, (CHEILION_X, MOUTH_Y), mouth),
        "pupil": _nearest(xy, PUPIL, anywhere),
        "endocanthion": _nearest(xy, (17.0, 45.5), anywhere),
        "exocanthion": _nearest(xy, (45.0, 46.0), anywhere),
        "alare": _nearest(xy, (15.5, 4.5), anywhere),
        "zygion": _nearest(xy, (50.0, 26.0), anywhere),
        "gonion": _nearest(xy, (float(half_width(-36.0)) - 3.0, -36.0), anywhere),
        "tragus": _nearest(xy, (float(half_width(22.0)), 22.0), boundary),
        "upper_lip": _nearest(xy, (13.5, -14.5), above),
        "lower_lip": _nearest(xy, (13.5, -26.0), below),
    }
    landmarks = {}
    for name, idx in left.items():
        landmarks[f"{name}_left"] = idx
        landmarks[f"{name}_right"] = int(mirror[idx])
    stomion_upper = _nearest(xy, (0.0, MOUTH_Y), mouth & midline & upper_copy)
    stomion_lower = _nearest(xy, (0.0, MOUTH_Y), mouth & midline & lower_copy)
    landmarks.update(
        stomion=stomion_upper,
        stomion_upper=stomion_upper,
        stomion_lower=stomion_lower,
        labiale_superius=_nearest(xy, (0.0, -12.5), midline & above),
        labiale_inferius=_nearest(xy, (0.0, -28.5), midline & below),
        subnasale=_nearest(xy, (0.0, 0.5), midline),
        pronasale=_nearest(xy, (0.0, 10.5), midline),
        nasion=_nearest(xy, (0.0, 50.0), midline),
        glabella=_nearest(xy, (0.0, 56.0), midline),
        pogonion=_nearest(xy, (0.0, -49.0), midline),
        menton=_nearest(xy, (0.0, Y_BOTTOM), midline),
    )
    return landmarks


def _regions(x: np.ndarray, y: np.ndarray, boundary: np.ndarray, sides: tuple[np.ndarray, ...]) -> dict:
    """Named vertex regions of the built-in face (x, y: (n,) mm design frame; sides: :func:`_mouth_sides`)."""
    upper_copy, lower_copy, above, below = sides
    mouth = np.isclose(y, MOUTH_Y)
    slit = lower_copy | upper_copy
    ax = np.abs(x)
    taper = lip_taper(ax)
    bow = 1.0 * (_gauss(ax, 0.0, 5.5, 0.0, 2.8, 1.0) + _gauss(ax, 0.0, -5.5, 0.0, 2.8, 1.0))
    upper_lip = (ax < CHEILION_X) & (y <= MOUTH_Y + (7.5 + bow) * taper + 0.3) & above
    lower_lip = (ax < CHEILION_X) & (y >= MOUTH_Y - 9.0 * taper - 0.3) & below
    return design_regions(x, y, upper_lip, lower_lip, above | (mouth & ~slit), below | (mouth & ~slit), slit,
                          boundary)


def _build(spacing: float) -> Face:
    xy_half, tris_half, mouth_row, rows_y, up_ids, slit_pairs = _half_mesh(spacing)
    xy, faces, mirror = _mirror_half(xy_half, tris_half)
    x, y = xy[:, 0], xy[:, 1]
    sides = _mouth_sides(y, mirror, slit_pairs)
    boundary = _outer_boundary(faces, len(xy), int(np.argmax(y)))
    return Face(vertices=np.column_stack([x, y, depth(x, y)]), faces=faces.astype(np.int64),
                landmarks=_landmarks(xy, mirror, boundary, sides), regions=_regions(x, y, boundary, sides),
                anchoring=design_tie(x, y, boundary), mirror=mirror, name="builtin")


def design_regions(x, y, upper_lip, lower_lip, above, below, slit, boundary, mouth_x=None, mouth_y=None) -> dict:
    """Named vertex regions from positions in the built-in face's design frame (mm).

    Used for the built-in face and, after mapping a scan onto this frame, for
    imported faces. The lips, sides of the mouth, slit and boundary come from the
    mesh; the rest from the design coordinates ``x``, ``y`` ((n,) arrays).
    ``mouth_x``/``mouth_y``: coordinates that put the stomion at (0, MOUTH_Y), if
    ``x``/``y`` do not already.
    """
    ax = np.abs(x)
    nose = nose_height(x, y) > 1.5
    # Eyes: an almond-shaped palpebral fissure between the canthi (x 17..45).
    s = np.clip((ax - PUPIL[0]) / 14.0, -1.0, 1.0)
    lid_mid = 45.5 + 0.5 * s
    eyes = (
        (np.abs(ax - PUPIL[0]) < 14.0)
        & (y < lid_mid + 4.2 * (1.0 - s**2) ** 0.8 * (1.0 - 0.25 * s))
        & (y > lid_mid - 5.6 * (1.0 - s**2) ** 0.9)
    )
    iris = eyes & ((ax - PUPIL[0]) ** 2 + (y - PUPIL[1]) ** 2 < 5.6**2)
    mx = x if mouth_x is None else mouth_x
    my = y if mouth_y is None else mouth_y
    perioral = ((mx / 42.0) ** 2 + ((my - MOUTH_Y) / 24.0) ** 2 < 1.0) & ~nose
    return {
        "upper_lip": upper_lip,
        "lower_lip": lower_lip,
        "lips": upper_lip | lower_lip,
        "perioral": perioral,
        "nose": nose,
        "eyes": eyes,
        "iris": iris,
        "forehead": y > 60.0,
        "cheek": (ax > 22.0) & (ax < 62.0) & (y > -25.0) & (y < 36.0) & ~nose & ~perioral,
        "chin": (y < -33.0) & (y > Y_BOTTOM - BELOW_MENTON_MM) & (ax < 26.0),
        "jaw": (y < -10.0) & (y > Y_BOTTOM - BELOW_MENTON_MM) & (ax > 40.0),
        "boundary": boundary,
        "mouth_slit": slit,
        "above_mouth": above,
        "below_mouth": below,
    }


def design_tie(x, y, boundary, width_stretch: float = 1.0, extra=()) -> np.ndarray:
    """Bone tie in [0, 1] from design coordinates: 1 over bone (forehead, nose dorsum, orbit
    rims, zygomatic arch, the face edge), 0 over the mobile lower face; ``extra``: more (n,)
    terms (e.g. behind the ears of a scan), combined by maximum."""
    w = half_width(y) * width_stretch
    return np.maximum.reduce(
        [
            _sigmoid((y - 34.0) / 4.0),
            _sigmoid((np.abs(x) / w - 0.86) / 0.03),
            np.where(y > 8.0, np.clip(nose_height(x, y) / 4.0, 0.0, 1.0), 0.0),
            boundary.astype(float),
            *extra,
        ]
    )


def build_face(n_vertices: int = DEFAULT_N_VERTICES) -> Face:
    """Build the built-in symmetric face with about ``n_vertices`` vertices.

    Parameters
    ----------
    n_vertices : int
        Target resolution; the result has at least this many vertices and
        usually within a few per cent more. At least 200.

    Returns
    -------
    Face
        Deterministic for a given ``n_vertices``; ``face.mirror`` maps each
        vertex to its mirror image.
    """
    if n_vertices < 200:
        raise ValueError("n_vertices must be at least 200")
    spacing = np.sqrt(26000.0 / n_vertices) * 1.4  # first guess from the face area
    face = _build(spacing)
    for _ in range(6):
        ratio = face.n_vertices / n_vertices
        if 1.0 <= ratio < 1.06:
            break
        spacing *= np.sqrt(ratio) * (0.99 if ratio < 1.0 else 1.0)
        face = _build(spacing)
    return face
