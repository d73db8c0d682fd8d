"""The face: a triangle mesh in mm with named landmarks, regions and a bone-tie map.

Conventions (see DESIGN.md): +x is the patient's LEFT, +y up, +z out of the face.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from facesim.errors import InputError



@dataclass(frozen=True, eq=False)
class Face:
    """A landmarked face surface.

    Attributes
    ----------
    vertices : (n, 3) float array, mm
    faces : (m, 3) int array
        Counter-clockwise seen from outside (normals point out of the face).
    landmarks : dict[str, int]
        Landmark name -> vertex index (e.g. ``cheilion_left``).
    regions : dict[str, (n,) bool array]
        Named vertex regions (``lips``, ``perioral``, ``cheek``, ``forehead``...).
    anchoring : (n,) float array, N/mm^3
        Bone-tie stiffness per unit skin area (high over bone, low over soft tissue).
    mirror : (n,) int array or None
        For a face symmetric by construction, the index of each vertex's mirror
        image (x -> -x); ``None`` for scanned faces.
    name : str
    """

    vertices: np.ndarray
    faces: np.ndarray
    landmarks: dict[str, int]
    regions: dict[str, np.ndarray] = field(default_factory=dict)
    anchoring: np.ndarray | None = None
    mirror: np.ndarray | None = None
    name: str = "face"

    @property
    def n_vertices(self) -> int:
        return len(self.vertices)

    def landmark_index(self, name: str) -> int:
        """Vertex index of landmark ``name``; raises InputError naming the known ones."""
        try:
            return self.landmarks[name]
        except KeyError:
            known = ", ".join(sorted(self.landmarks))
            raise InputError(f"unknown landmark '{name}'; known landmarks: {known}") from None

    def landmark_position(self, name: str) -> np.ndarray:
        """Position of landmark ``name`` at rest, (3,) float array, mm."""
        return self.vertices[self.landmark_index(name)]

    def region(self, name: str) -> np.ndarray:
        """Boolean vertex mask of region ``name``."""
        try:
            return self.regions[name]
        except KeyError:
            known = ", ".join(sorted(self.regions))
            raise InputError(f"unknown region '{name}'; known regions: {known}") from None
