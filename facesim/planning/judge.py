"""How one plan is judged from the planner's coordinates: each expression's asymmetry, whether any is
noticeable, and over-correction (the search kernel, facesim.planning.kernel, applies the same rules).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from facesim.datafiles import bundled
from facesim.errors import InputError
from facesim.metrics import (DEVIATIONS, PLAN_EXPRESSIONS, asymmetry_rule, expression_deviations, overcorrection_rule,
                             rest_deviations)


@dataclass(frozen=True, eq=False)
class Tolerance:
    """Per judged expression (PLAN_EXPRESSIONS[1:]), mm: noticeable at or above ``noticeable_mm`` (inf: no
    target), over-corrected beyond ``overcorrection_mm``; ``lay`` (bool) marks those held to the lay
    threshold, whose largest asymmetry is the one reported."""

    noticeable_mm: np.ndarray
    overcorrection_mm: np.ndarray
    lay: np.ndarray


def expression_scales(expressions: dict) -> tuple[tuple[float, float], ...]:
    """Per PLAN_EXPRESSIONS[1:]: (target over the lay threshold, inf for none; over-correction over the
    clinician threshold), from planner.toml [target.expressions]."""
    if set(expressions) != set(PLAN_EXPRESSIONS[1:]):
        raise InputError(f"planner.toml [target.expressions] names {sorted(expressions)}; name exactly "
                         f"{', '.join(PLAN_EXPRESSIONS[1:])}")
    t = bundled.perception().threshold_mm
    return tuple((np.inf if (j := expressions[e]).target is None else getattr(t, j.target) / t.lay_detection,
                  getattr(t, j.overcorrection) / t.clinician_detection) for e in PLAN_EXPRESSIONS[1:])


def overcorrected(met: dict[str, np.ndarray], before: dict[str, np.ndarray], tol: Tolerance) -> np.ndarray:
    """Over-correction per sample (and day): the side that was the weaker by at least half of the limit
    is now the stronger by more than the limit, in any deviation of metrics.DEVIATIONS (the rest's at
    the smallest limit, each expression's at its own; the search kernel applies the same rule)."""
    limits = np.concatenate([np.full(2, tol.overcorrection_mm.min()), np.repeat(tol.overcorrection_mm, 3)])
    out = np.zeros(np.shape(met["asym"]), bool)
    for key, limit in zip(DEVIATIONS, limits):
        out |= overcorrection_rule(met[key], before[key], float(limit))
    return out


def plan_metrics(c: np.ndarray, tol: Tolerance) -> dict[str, np.ndarray]:
    """From (..., PLAN_COORDS) planner coordinates: the deviations (metrics.DEVIATIONS), each expression's
    asymmetry ``<name>_asym``, ``asym`` (the largest of those held to the lay threshold) and
    ``noticeable`` (any expression at or above its threshold), mm (the search kernel: the same rule)."""
    rest_dev, rest_ll = rest_deviations(c)
    out = {"rest_dev": rest_dev, "rest_ll": rest_ll}
    asym = np.zeros(np.shape(rest_dev))
    noticeable = np.zeros(np.shape(rest_dev), bool)
    for e, name in enumerate(PLAN_EXPRESSIONS[1:]):
        dev, exc, ll = expression_deviations(c, e + 1)
        a = asymmetry_rule(rest_dev, dev, exc, rest_ll, ll)
        out.update({f"{name}_dev": dev, f"{name}_exc": exc, f"{name}_ll": ll, f"{name}_asym": a})
        noticeable |= a >= tol.noticeable_mm[e]
        if tol.lay[e]:
            asym = np.maximum(asym, a)
    out.update(asym=asym, noticeable=noticeable)
    return out
