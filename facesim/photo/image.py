"""Photographs read as RGB pixel arrays: JPEG, PNG, TIFF, WebP, and HEIC/HEIF when pillow-heif is installed.

The camera's EXIF orientation is applied, so an image is what the photographer saw. Arrays are (h, w, 3)
uint8, row 0 at the top; x to the viewer's right, which on a frontal photo is the patient's LEFT.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from facesim.errors import InputError

HEIC_SUFFIXES = (".heic", ".heif")


def _register_heif() -> bool:
    """Teach Pillow to open HEIC/HEIF (iPhone photos); False when pillow-heif is not installed."""
    try:
        from pillow_heif import register_heif_opener
    except ImportError:
        return False
    register_heif_opener()
    return True


def read_rgb(path: Path | str, field: str = "photo") -> np.ndarray:
    """The photo at ``path`` as an (h, w, 3) uint8 RGB array, EXIF orientation applied.

    Raises an InputError naming ``field`` and the fix when the file is missing or is not an image.
    """
    from PIL import Image, ImageOps, UnidentifiedImageError

    path = Path(path)
    if not path.is_file():
        raise InputError(f"{field}: no file {path}; give the path of a JPEG, PNG or HEIC photo")
    if path.suffix.lower() in HEIC_SUFFIXES and not _register_heif():
        raise InputError(f"{field}: {path.name} is HEIC; install pillow-heif (pip install -e '.[photo]') "
                         "or export the photo as JPEG")
    try:
        with Image.open(path) as image:
            image = ImageOps.exif_transpose(image)
            rgb = np.asarray(image.convert("RGB"), dtype=np.uint8)
    except (UnidentifiedImageError, OSError, ValueError) as err:
        raise InputError(f"{field}: {path.name} is not an image Pillow can read ({type(err).__name__}); "
                         "give a JPEG, PNG or HEIC photo") from None
    if min(rgb.shape[:2]) < 2:
        raise InputError(f"{field}: {path.name} is {rgb.shape[1]} x {rgb.shape[0]} pixels; give a real photo")
    return np.ascontiguousarray(rgb)


def is_photo_path(path: Path | str) -> bool:
    """True when ``path`` names an image file by its suffix (a photo rather than a landmark file)."""
    return Path(path).suffix.lower() in (".jpg", ".jpeg", ".png", ".tif", ".tiff", ".webp", ".bmp",
                                         *HEIC_SUFFIXES)
