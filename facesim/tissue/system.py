"""Quasi-static skin response: (k_s L + diag(k_b A)) u = f, factorized once."""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from facesim.datafiles import bundled
from facesim.face.mesh import Face
from facesim.geometry.laplacian import cotangent_laplacian, vertex_areas


@dataclass(frozen=True)
class TissueParameters:
    """Stiffness constants (see facesim/data/tissue.toml for sources).

    membrane_stiffness : float, N/mm
    soft_anchoring, bone_anchoring : float, N/mm^3
    """

    membrane_stiffness: float
    soft_anchoring: float
    bone_anchoring: float

    @classmethod
    def default(cls) -> "TissueParameters":
        data = bundled.tissue()
        return cls(
            membrane_stiffness=float(data.skin.membrane_stiffness_n_per_mm),
            soft_anchoring=float(data.anchoring.soft_n_per_mm3),
            bone_anchoring=float(data.anchoring.bone_n_per_mm3),
        )

    def anchoring(self, tie: np.ndarray) -> np.ndarray:
        """Per-area bone-tie stiffness k_b (N/mm^3) from a tie map in [0, 1]."""
        ratio = self.bone_anchoring / self.soft_anchoring
        return self.soft_anchoring * ratio ** np.clip(tie, 0.0, 1.0)


#: FACESIM_SOLVER=superlu forces the fallback (used by the tests that compare the two).
SOLVER_ENV = "FACESIM_SOLVER"


class SparseCholesky:
    """K = L L^T of a symmetric positive definite sparse matrix (cholespy: a self-contained supernodal
    Cholesky); about 20x faster than SuperLU's LU per solve on the face systems, the same answers to 1e-9 mm."""

    name = "cholesky (cholespy)"

    def __init__(self, matrix: sp.spmatrix):
        import cholespy

        coo = sp.coo_matrix(matrix)
        self._n = coo.shape[0]
        self._solver = cholespy.CholeskySolverD(self._n, coo.row.astype(np.int32), coo.col.astype(np.int32),
                                                coo.data.astype(np.float64), cholespy.MatrixType.COO)

    def solve(self, b: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        """x with K x = b; written into ``out`` (C-contiguous, b's shape) when given."""
        b = np.ascontiguousarray(b, dtype=np.float64)
        x = np.empty_like(b) if out is None else out
        self._solver.solve(b, x)
        return x


class SuperLU:
    """The fallback: SuperLU's LU with a symmetric ordering (scipy), when cholespy is not installed."""

    name = "LU (SuperLU)"

    def __init__(self, matrix: sp.spmatrix):
        self._lu = spla.splu(sp.csc_matrix(matrix), permc_spec="MMD_AT_PLUS_A")

    def solve(self, b: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        """x with K x = b; copied into ``out`` when given."""
        x = self._lu.solve(np.ascontiguousarray(b, dtype=float))
        if out is None:
            return x
        out[...] = x
        return out


def factorize(matrix: sp.spmatrix):
    """The sparse Cholesky of ``matrix`` (SPD), or SuperLU when cholespy is missing or FACESIM_SOLVER=superlu."""
    if os.environ.get(SOLVER_ENV, "").lower() != "superlu":
        try:
            return SparseCholesky(matrix)
        except ImportError:
            pass
    return SuperLU(matrix)


class TissueSystem:
    """The factorized tissue matrix of one face; ``solve`` reuses the factorization.

    Attributes
    ----------
    matrix : (n, n) sparse CSC, N/mm
        K = c (k_s L + diag(k_b A)), symmetric positive definite.
    stiffness_scale : float
        c, the face's calibration of the whole tissue stiffness (1 = the constants of tissue.toml;
        see facesim.tissue.calibration and :meth:`rescaled`).
    areas : (n,) float array, mm^2
    """

    def __init__(self, face: Face, params: TissueParameters | None = None):
        self.params = params or TissueParameters.default()
        self.areas = vertex_areas(face.vertices, face.faces)
        self.laplacian = cotangent_laplacian(face.vertices, face.faces)
        tie = face.anchoring if face.anchoring is not None else np.zeros(face.n_vertices)
        k_b = self.params.anchoring(tie) * self.areas
        self.matrix = (self.params.membrane_stiffness * self.laplacian + sp.diags(k_b)).tocsc()
        self.stiffness_scale = 1.0
        self._unscaled = self.matrix  # what _factor factorizes (rescaled copies share both)
        self._factor = factorize(self.matrix)

    def __getstate__(self) -> dict:
        """Pickled without the factorization (a compiled object); it is redone on the first solve."""
        return {**self.__dict__, "_factor": None}

    def rescaled(self, factor: float) -> "TissueSystem":
        """The same system with every stiffness times ``factor`` (> 0), reusing the factorization."""
        if not (np.isfinite(factor) and factor > 0):
            raise ValueError(f"stiffness factor {factor!r}; give a finite number > 0")
        out = object.__new__(TissueSystem)  # not copy.copy: that goes through __getstate__ (no factor)
        out.__dict__.update(self.__dict__)
        out.matrix = (factor * self.matrix).tocsc()
        out.stiffness_scale = self.stiffness_scale * float(factor)
        return out

    def solve(self, forces: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        """Displacements (mm) for vertex forces (N); forces shaped (n,) or (n, k); written into ``out``
        (C-contiguous, the forces' shape) when given."""
        if self._factor is None:
            self._factor = factorize(self._unscaled)
        x = self._factor.solve(forces, out)
        x /= self.stiffness_scale
        return x
