"""Face landmarks found on a photograph by MediaPipe's Face Mesh (478 points with the irises).

MediaPipe (Apache-2.0) is imported only when a photo is read; without it a clear InputError says
how to install it. Points are in image pixels: x to the viewer's right (the patient's LEFT on a
frontal photo), y down, z toward the camera negative (MediaPipe's depth, in the same pixel scale).
"""

from __future__ import annotations

import threading

import numpy as np

from facesim.errors import InputError

N_MESH_POINTS = 478  # 468 face-mesh points + 5 per iris (refine_landmarks)
MAX_FACES = 4  # faces looked for in one photo (more than one is refused unless one is chosen)


def _face_mesh():
    try:
        from mediapipe.python.solutions import face_mesh
    except ImportError:
        raise InputError("reading photos needs mediapipe 0.10.21: pip install -e '.[photo]'") from None
    return face_mesh


_LOCAL = threading.local()


def _mesh_graph():
    """This thread's Face Mesh graph, made once: in static-image mode each photo is read afresh, and
    opening the graph costs more than reading a photo (about 15 ms of the two mirror passes' 20 ms)."""
    graph = getattr(_LOCAL, "graph", None)
    if graph is None:
        graph = _LOCAL.graph = _face_mesh().FaceMesh(static_image_mode=True, max_num_faces=MAX_FACES,
                                                     refine_landmarks=True, min_detection_confidence=0.5)
    return graph


def face_mesh_points(rgb: np.ndarray) -> list[np.ndarray]:
    """Every face MediaPipe finds in ``rgb`` ((h, w, 3) uint8): a list of (478, 3) float arrays, pixels."""
    rgb = np.ascontiguousarray(rgb, dtype=np.uint8)
    if rgb.ndim != 3 or rgb.shape[2] != 3:
        raise InputError(f"a photo must be an RGB image; got an array of shape {rgb.shape}")
    h, w = rgb.shape[:2]
    found = _mesh_graph().process(rgb).multi_face_landmarks or []
    scale = np.array([w, h, w], float)
    return [np.array([(p.x, p.y, p.z) for p in face.landmark], float) * scale for face in found]
