"""The face model: face, tissue, muscles and the response basis, built once.

Every shape is a weighted sum of basis fields (no new solve):
``u = sum_m F_m * B_m``, with muscle forces ``F_m`` in N and ``B_m`` the
displacement (mm) per newton of muscle m.
"""

from __future__ import annotations

import numpy as np

from facesim.anatomy.muscles import Anatomy, place_muscles
from facesim.anatomy.expressions import ExpressionSet
from facesim.face.mesh import Face
from facesim.face.stencil import landmark_stencils
from facesim.anatomy.patient import Patient
from facesim.tissue.calibration import smile_calibration
from facesim.tissue.system import TissueParameters, TissueSystem


class FaceModel:
    """A face ready to simulate.

    Attributes
    ----------
    face : Face
    tissue : TissueSystem (factorized)
    muscles : list[PlacedMuscle], in ``muscle_ids`` order
    basis : (n_muscles, n, 3) float array, mm/N
    max_force : (n_muscles,) float array, N
    expressions : ExpressionSet
    calibration : SmileCalibration or None
        The face's tissue-stiffness factor, fitted on its landmarks so the default smile is the
        normal one (facesim.tissue.calibration); None when built with ``calibrate=False``.
    """

    def __init__(self, face: Face, anatomy: Anatomy | None = None, tissue: TissueParameters | None = None,
                 calibrate: bool = True):
        self.face = face
        self.anatomy = anatomy or Anatomy.default()
        self.tissue = TissueSystem(face, tissue)
        self.muscles = place_muscles(face, self.anatomy, self.tissue.areas)
        self.muscle_ids = self.anatomy.muscle_ids
        self.max_force = np.array([m.spec.max_force_n for m in self.muscles])
        self.expressions = ExpressionSet.default(self.anatomy.names, self.muscle_ids)
        basis = self.solve_loads([m.unit_load for m in self.muscles])
        self.calibration = smile_calibration(self, basis) if calibrate else None
        if self.calibration is not None:
            self.tissue = self.tissue.rescaled(self.calibration.stiffness_scale)
            basis /= self.calibration.stiffness_scale  # in place: the basis is its own array
        self.basis = basis
        self._landmark_cache: dict[tuple[str, ...], tuple[np.ndarray, np.ndarray]] = {}
        self._weights_cache: dict[tuple[str, ...], object] = {}

    @classmethod
    def builtin(cls, n_vertices: int | None = None) -> "FaceModel":
        """The model on the built-in procedural face (about ``n_vertices`` vertices)."""
        from facesim.face.builtin import DEFAULT_N_VERTICES, build_face

        return cls(build_face(n_vertices or DEFAULT_N_VERTICES))

    def solve_loads(self, loads) -> np.ndarray:
        """Displacement fields (k, n, 3) in mm for vertex loads (k, n, 3) in N (or a sequence of k (n, 3)
        loads), C-contiguous: a weighted sum of the fields (a displacement) is one matrix-vector product.

        One three-column solve per load: on a 300k-vertex face 22 of them take 1.3 s against 1.5 s for one
        66-column solve, and neither the right-hand sides nor the fields are transposed (two 150 MB copies).
        """
        loads = list(loads)
        fields = np.empty((len(loads), *np.shape(loads[0])))
        for field, load in zip(fields, loads):
            self.tissue.solve(np.ascontiguousarray(load, dtype=float), out=field)  # written in place
        return fields

    def index(self, muscle_id: str) -> int:
        """Basis index of ``muscle_id``."""
        return self.muscle_ids.index(muscle_id)

    def muscle_forces(self, activation, strength, tone, factor=1.0) -> np.ndarray:
        """The force formula, defined once: muscle forces (..., n_muscles) in N =
        max force x BoNT-A force factor x (resting tone x tone multiplier + activation x strength
        multiplier). Every argument broadcasts over (..., n_muscles)."""
        return self.max_force * factor * (self.expressions.tone * tone + activation * strength)

    def forces(self, patient: Patient, expression: str) -> np.ndarray:
        """Muscle forces (n_muscles,) in N of ``patient`` in ``expression`` (no toxin)."""
        strength, tone = patient.multipliers(self.muscle_ids)
        return self.muscle_forces(self.expressions.get(expression), strength, tone)

    def displacement(self, forces: np.ndarray, vertices: np.ndarray | slice = slice(None)) -> np.ndarray:
        """Displacement (..., k, 3) in mm at ``vertices`` for forces (..., n_muscles) in N."""
        return np.tensordot(forces, self.basis[:, vertices, :], axes=([-1], [0]))

    def shape(self, patient: Patient, expression: str) -> np.ndarray:
        """Deformed vertex positions (n, 3) in mm."""
        return self.face.vertices + self.displacement(self.forces(patient, expression))

    def landmark_weights(self, names: tuple[str, ...]):
        """Sparse (L, n) averaging weights of landmarks ``names`` (small skin patches, see
        landmark_stencil); ``weights @ field`` reads any vertex field at them. Cached."""
        names = tuple(names)
        if names not in self._weights_cache:
            self._weights_cache[names] = landmark_stencils(self.face, names, self.tissue.areas)
        return self._weights_cache[names]

    def landmark_basis(self, names: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
        """Rest positions (L, 3) mm and basis (n_muscles, L, 3) mm/N of landmarks ``names`` (cached)."""
        names = tuple(names)
        if names not in self._landmark_cache:
            weights = self.landmark_weights(names)
            rest = weights @ self.face.vertices
            basis = np.stack([weights @ b for b in self.basis])
            self._landmark_cache[names] = (rest, basis)
        return self._landmark_cache[names]

    def landmark_positions(self, forces: np.ndarray, names: tuple[str, ...]) -> np.ndarray:
        """Positions (..., len(names), 3) in mm of landmarks under forces (..., n_muscles)."""
        rest, basis = self.landmark_basis(names)
        return rest + np.tensordot(forces, basis, axes=([-1], [0]))
