"""The overlay a clinician checks the found landmarks on: the photo with the 68 points, both iris
circles, the measured corner line and the pupil line, R / L on the patient's sides (drawn with OpenCV).

The patient's right is the viewer's LEFT on a frontal photo, so "R" is drawn on the left of the image.
"""

from __future__ import annotations

import numpy as np

from facesim.photo.landmarks import PhotoLandmarks

POINT_BGR = (0, 255, 255)  # yellow points
IRIS_BGR = (255, 200, 0)  # light-blue iris circles
CORNER_BGR = (0, 0, 255)  # red corner line and corners
PUPIL_BGR = (0, 200, 0)  # green pupil line
TEXT_BGR = (255, 255, 255)


def overlay_image(rgb: np.ndarray, found: PhotoLandmarks) -> np.ndarray:
    """An (h, w, 3) uint8 RGB copy of ``rgb`` with ``found`` drawn on it (see the module notes)."""
    import cv2

    img = cv2.cvtColor(np.ascontiguousarray(rgb, dtype=np.uint8), cv2.COLOR_RGB2BGR)
    h, w = img.shape[:2]
    scale = max(1, round(max(h, w) / 512))  # line width, px: grows with the photo
    sub = 16  # fixed-point drawing: 4 fractional bits, so float landmarks are drawn where they are

    def fix(p) -> tuple[int, int]:
        return int(round(p[0] * sub)), int(round(p[1] * sub))

    r, c = found.iris_centre, found.iris_radius
    cv2.line(img, fix(r["right"]), fix(r["left"]), PUPIL_BGR, scale, cv2.LINE_AA, 4)
    for side in ("right", "left"):
        cv2.circle(img, fix(r[side]), int(round(c[side] * sub)), IRIS_BGR, scale, cv2.LINE_AA, 4)
        cv2.circle(img, fix(r[side]), 1 * sub, IRIS_BGR, -1, cv2.LINE_AA, 4)
    for p in found.ibug:
        cv2.circle(img, fix(p), max(1, scale) * sub, POINT_BGR, -1, cv2.LINE_AA, 4)
    right, left = found.ibug[48], found.ibug[54]
    cv2.line(img, fix(right), fix(left), CORNER_BGR, scale, cv2.LINE_AA, 4)
    for p in (right, left):
        cv2.circle(img, fix(p), 3 * scale * sub, CORNER_BGR, scale, cv2.LINE_AA, 4)
    _labels(cv2, img, found, scale)
    return cv2.cvtColor(img, cv2.COLOR_BGR2RGB)


def _labels(cv2, img: np.ndarray, found: PhotoLandmarks, scale: int) -> None:
    """"R" beside the patient's right side of the face (the viewer's left), "L" beside the left."""
    xs, ys = found.ibug[:, 0], found.ibug[:, 1]
    gap = 0.15 * (xs.max() - xs.min())
    y = int(ys.mean())
    size = max(0.5, 0.004 * (xs.max() - xs.min()))
    for text, x in (("R", xs.min() - gap), ("L", xs.max() + gap * 0.4)):
        x = int(np.clip(x, 0, img.shape[1] - 20))
        cv2.putText(img, text, (x, y), cv2.FONT_HERSHEY_SIMPLEX, size, (0, 0, 0), 3 * scale, cv2.LINE_AA)
        cv2.putText(img, text, (x, y), cv2.FONT_HERSHEY_SIMPLEX, size, TEXT_BGR, scale, cv2.LINE_AA)


def png_bytes(rgb: np.ndarray) -> bytes:
    """``rgb`` encoded as PNG."""
    import cv2

    ok, buf = cv2.imencode(".png", cv2.cvtColor(np.ascontiguousarray(rgb), cv2.COLOR_RGB2BGR))
    return buf.tobytes()
