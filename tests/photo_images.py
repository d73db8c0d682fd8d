"""Test photos made from skimage.data.astronaut() (a public-domain NASA portrait, frontal, smiling):
the photo, its mirror image, a smile with one corner lifted by a known amount, and images that trip
each quality gate (blank, two faces, rotated, shrunk)."""

from __future__ import annotations

from pathlib import Path

import numpy as np


def astronaut() -> np.ndarray:
    """The 512 x 512 portrait, (h, w, 3) uint8."""
    import skimage.data

    return np.ascontiguousarray(skimage.data.astronaut())


def save(rgb: np.ndarray, path: Path) -> Path:
    """``rgb`` written as a PNG (or JPEG by the suffix) at ``path``."""
    from PIL import Image

    Image.fromarray(np.ascontiguousarray(rgb)).save(path)
    return path


def lifted(rgb: np.ndarray, corner_px, lift_px: float, radius_px: float) -> np.ndarray:
    """``rgb`` with the skin around ``corner_px`` moved UP by ``lift_px`` pixels (a Gaussian bump of
    ``radius_px``, so the displacement is smooth and falls to nothing a few radii away)."""
    import cv2

    h, w = rgb.shape[:2]
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    bump = np.exp(-((xs - corner_px[0]) ** 2 + (ys - corner_px[1]) ** 2) / (2.0 * radius_px ** 2))
    # remap samples the source: each pixel shows what lay lift_px below it, so the content moves up
    return cv2.remap(rgb, xs, (ys + lift_px * bump).astype(np.float32), cv2.INTER_CUBIC,
                     borderMode=cv2.BORDER_REFLECT)


def rotated(rgb: np.ndarray, degrees: float) -> np.ndarray:
    """``rgb`` rotated about the face (counter-clockwise as seen), same size."""
    import cv2

    m = cv2.getRotationMatrix2D((225.0, 120.0), degrees, 1.0)
    return cv2.warpAffine(rgb, m, rgb.shape[1::-1], borderMode=cv2.BORDER_REPLICATE)


def two_faces(rgb: np.ndarray) -> np.ndarray:
    """Two crops of the face side by side."""
    crop = rgb[20:260, 110:340]
    return np.ascontiguousarray(np.concatenate([crop, crop], axis=1))


def shrunk(rgb: np.ndarray, face_px: int = 40) -> np.ndarray:
    """The whole photo shrunk so the face (about 100 px across on the 512 px photo) is ``face_px`` across."""
    import cv2

    size = int(round(512 * face_px / 100))
    return cv2.resize(rgb, (size, size), interpolation=cv2.INTER_AREA)


def eyes_closed(rgb: np.ndarray, found) -> np.ndarray:
    """``rgb`` with each eye painted over with the skin below it and a dark lid line: closed eyes."""
    import cv2

    out = rgb.copy()
    for side, (outer, inner) in {"right": (36, 39), "left": (42, 45)}.items():
        x0, x1 = sorted((int(found.ibug[outer, 0]), int(found.ibug[inner, 0])))
        x0, x1, yc = x0 - 3, x1 + 3, int(found.iris_centre[side][1])
        out[yc - 6:yc + 6, x0:x1] = rgb[yc + 12, (x0 + x1) // 2]
        cv2.line(out, (x0, yc + 1), (x1, yc + 1), (90, 60, 50), 1)
    return out
