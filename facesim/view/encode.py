"""Arrays for the page: int16 quantisation, gzip and base64 (the page inflates them with DecompressionStream).

A quantised field keeps ``scale`` (its unit per int16 step); the page reads ``value = q * scale``. The
error of a field is at most half a step, ``max|field| / 65534``: 0.0015 mm for a 100 mm face.
"""

from __future__ import annotations

import base64
import gzip

import numpy as np

INT16_MAX = 32767


def packed(array: np.ndarray, dtype: str) -> dict:
    """``array`` as little-endian ``dtype`` bytes, gzipped and base64: {dtype, shape, data}."""
    a = np.ascontiguousarray(np.asarray(array).astype("<" + np.dtype(dtype).str[1:]))
    data = base64.b64encode(gzip.compress(a.tobytes(), compresslevel=9, mtime=0)).decode("ascii")
    return {"dtype": np.dtype(dtype).name, "shape": list(a.shape), "data": data}


def quantised(fields: np.ndarray) -> dict:
    """Fields (k, n, 3) in mm (or mm/N) as int16 with one scale per field: {scales, ... packed}."""
    f = np.asarray(fields, float)
    top = np.abs(f.reshape(f.shape[0], -1)).max(axis=1) if f.size else np.zeros(f.shape[0])
    scales = np.where(top > 0, top / INT16_MAX, 1.0)
    q = np.rint(f / scales[:, None, None]).astype(np.int16)
    return {"scales": [float(s) for s in scales], **packed(q, "int16")}


def dequantised(block: dict) -> np.ndarray:
    """What the page reads back from :func:`quantised` (for tests): float fields (k, n, 3)."""
    raw = gzip.decompress(base64.b64decode(block["data"]))
    q = np.frombuffer(raw, "<i2").reshape(block["shape"]).astype(float)
    return q * np.asarray(block["scales"])[:, None, None]
