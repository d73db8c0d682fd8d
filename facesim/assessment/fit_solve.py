"""The calibration's solve: one bounded linear least-squares problem (scipy.optimize.lsq_linear),
with a gentle ridge toward the population average (multipliers 1, no jaw offset)."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from scipy.optimize import lsq_linear

BOUNDS = {"tone": (0.0, 20.0), "strength": (0.0, 4.0), "jaw_x": (-25.0, 25.0), "jaw_cant": (-15.0, 15.0)}
RIDGE = 0.1  # ridge weight: a unit change costs 0.1 x its mm effect
#: Prior spread of each multiplier kind around 1 (ASSUMPTION: strength varies by tens of per cent between
#: people; an over-toned DAO can sit several times the average, as in the demo's 8x) and the landmark noise
#: it is weighed against (0.5 mm, between the 0.7 mm same-session reproducibility and the 0.3 mm of a
#: careful annotation, clinical-parameters.md "Measurement noise").
PRIOR_SD = {"tone": 3.0, "strength": 0.5, "jaw_x": 10.0, "jaw_cant": 5.0}
NOISE_MM = 0.5


class Solution(NamedTuple):
    """theta (2 n + 2,): tones, strengths, jaw shift (model mm), jaw cant (deg); free (2 n + 2,) bool:
    the columns solved for; norms (2 n + 2,): each weighted column's length (mm per unit)."""

    theta: np.ndarray
    free: np.ndarray
    norms: np.ndarray


def solve_multipliers(a: np.ndarray, b: np.ndarray, w: np.ndarray, n: int, static: bool, k_scale: float,
                      ridge: float = RIDGE) -> Solution:
    """Solve ``w a theta ~ w b`` within BOUNDS, each column pulled toward its prior.

    Parameters
    ----------
    a : (k, 2 n + 2) float array, mm per unit; b : (k,) float array, mm; w : (k,) row weights
    n : int, the number of muscles
    static : bool, solve for the jaw shift and cant too (else they stay 0)
    k_scale : float, model mm per patient mm (scales the landmark noise)
    ridge : float, strength of the pull toward the prior (fraction of each column's mm effect)
    """
    n_par = 2 * n + 2
    free = np.ones(n_par, dtype=bool)
    free[-2:] = static
    norms = np.linalg.norm(a * w[:, None], axis=0)
    prior = np.concatenate([np.ones(2 * n), [0.0, 0.0]])
    kinds = ["tone"] * n + ["strength"] * n + ["jaw_x", "jaw_cant"]
    sd = np.array([PRIOR_SD[k] for k in kinds])
    reg = np.hypot(ridge * norms, NOISE_MM * k_scale / sd)
    lo = np.array([BOUNDS[k][0] for k in kinds])
    hi = np.array([BOUNDS[k][1] for k in kinds])
    a_aug = np.vstack([(a * w[:, None])[:, free], np.diag(reg[free])])
    b_aug = np.concatenate([b * w, reg[free] * prior[free]])
    sol = lsq_linear(a_aug, b_aug, bounds=(lo[free], hi[free]), method="bvls")
    theta = prior.copy()
    theta[free] = np.clip(sol.x, lo[free], hi[free])
    return Solution(theta, free, norms)
