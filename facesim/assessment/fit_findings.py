"""What a patient fit says beyond its numbers: the side that pulls more and the muscle behind it,
how many combinations the data pin down, and, in words, what they cannot tell apart."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from facesim.assessment.fit_design import FitDesign
from facesim.face.names import base_name, side_of, sided
from facesim.tissue.model import FaceModel

UNSEEN_FRACTION = 1e-3  # a column below this fraction of the largest is "not seen"
ALIKE_COSINE = 0.98  # two columns this parallel cannot be told apart


@dataclass(frozen=True)
class Finding:
    """The side that pulls more in the fit, and the muscle pair contributing most to it."""

    muscle: str  # without side, e.g. "zygomaticus_major"
    kind: str  # "strength" or "tone"
    side: str  # the side that pulls more ("left" / "right")
    left: float
    right: float
    effect_mm: float  # how far the fitted differences move the corners apart (mm, model frame)

    @property
    def muscle_id(self) -> str:
        return f"{self.muscle}_{self.side}"


def over_pulling(model: FaceModel, d: FitDesign, theta: np.ndarray) -> Finding | None:
    """Which side pulls more, and the muscle pair that contributes most to it.

    Smile: the fitted strengths change the smile's corner height difference and
    excursion difference (each corner's displacement along its average smile
    direction); their sum ``p`` (mm) says which side pulls more. Rest: the
    fitted tones change the corner height difference by ``h`` mm; the lower
    corner's side pulls more (a depressor holds it down).
    The larger of the two (in mm) is the finding; its muscle is the pair (a
    depressor, for rest) whose left-right difference contributes most.
    """
    ids = model.muscle_ids
    n = len(ids)
    cl, cr = d.names.index("cheilion_left"), d.names.index("cheilion_right")
    act = model.expressions.get("smile")
    smile_cols = (model.max_force * act)[:, None, None] * d.basis2  # (n, L, 2) mm per unit strength
    corner = {"left": cl, "right": cr}
    u = {s: smile_cols[:, i].sum(axis=0) / np.linalg.norm(smile_cols[:, i].sum(axis=0)) for s, i in corner.items()}
    tone, strength = theta[:n] - 1.0, theta[n:2 * n] - 1.0
    pairs = sorted({base_name(m) for m in ids if side_of(m) is not None})
    pull, lift, down = {}, {}, set()
    for muscle in pairs:
        kl, kr = ids.index(sided(muscle, "left")), ids.index(sided(muscle, "right"))
        dl, dr = strength[kl] * smile_cols[kl, cl], strength[kr] * smile_cols[kr, cr]
        pull[muscle] = (dl[1] - dr[1]) + (dl @ u["left"] - dr @ u["right"])
        rest = d.tone_cols[:, cl, 1] - d.tone_cols[:, cr, 1]
        lift[muscle] = tone[kl] * rest[kl] + tone[kr] * rest[kr]
        if d.tone_cols[kl, cl, 1] < 0:
            down.add(muscle)
    p, h = sum(pull.values()), sum(lift.values())
    if max(abs(p), abs(h)) == 0:
        return None
    if abs(p) >= abs(h):
        side, kind, sign, table = ("left" if p > 0 else "right"), "strength", np.sign(p), pull
    else:
        side, kind, sign, table = ("right" if h > 0 else "left"), "tone", np.sign(h), lift
        table = {m: v for m, v in table.items() if m in down} or table
    muscle = max(table, key=lambda m: sign * table[m])
    values = theta[:n] if kind == "tone" else theta[n:2 * n]
    return Finding(muscle, kind, side, float(values[ids.index(sided(muscle, "left"))]),
                   float(values[ids.index(sided(muscle, "right"))]), float(max(abs(p), abs(h))))


def fit_rank(a: np.ndarray, norms: np.ndarray, free: np.ndarray) -> int:
    """How many combinations of the seen, free columns of ``a`` (weighted, (k, 2 n + 2)) the data pin down."""
    used = free & (norms > UNSEEN_FRACTION * norms.max())
    sv = np.linalg.svd(a[:, used] / norms[used], compute_uv=False) if used.any() else np.zeros(0)
    return int(np.sum(sv > 1e-2 * sv.max())) if sv.size else 0


def column_labels(ids) -> list[str]:
    """Plain names of the fit's columns for muscle ids ``ids``."""
    return [f"{m} tone" for m in ids] + [f"{m} strength" for m in ids] + ["jaw shift", "jaw cant"]


def unidentifiable(a, norms, free, labels, ids, rest_by_tone) -> tuple[str, ...]:
    """Plain words on what the weighted design ``a`` cannot tell apart (unseen and near-parallel columns)."""
    notes = []
    unseen = [labels[k] for k in range(len(labels) - 1) if norms[k] <= UNSEEN_FRACTION * norms.max()]
    if unseen:
        strengths = sorted({base_name(lab.removesuffix(" strength")) for lab in unseen if "strength" in lab})
        tones = sorted({base_name(lab.removesuffix(" tone")) for lab in unseen if "tone" in lab})
        if strengths:
            notes.append(f"strength of {', '.join(strengths)}: not active in these expressions, left at 1")
        if tones and rest_by_tone:
            notes.append(f"tone of {', '.join(tones)}: no visible effect at rest, left at 1")
    if rest_by_tone:
        notes.append("resting tone: the rest photo shows only the left-right difference, so the fit splits it "
                     "between the sides (it cannot tell a stronger side from a weaker other side)")
    else:
        notes.append("resting tone kept symmetric (the rest asymmetry was judged skeletal)")
    cols = np.flatnonzero(free & (norms > UNSEEN_FRACTION * norms.max()))
    unit = a[:, cols] / norms[cols]
    gram = unit.T @ unit
    alike = []
    for i in range(len(cols)):
        for j in range(i + 1, len(cols)):
            p, q = labels[cols[i]], labels[cols[j]]
            if abs(gram[i, j]) >= ALIKE_COSINE and not (rest_by_tone and p.endswith(" tone")):
                alike.append((abs(gram[i, j]), p, q, gram[i, j] > 0))
    for cos, p, q, same in sorted(alike, reverse=True)[:8]:
        what = "their sum" if same else "their difference"
        notes.append(f"{p} ~ {q}: they move the landmarks alike (|cosine| {cos:.3f}); only {what} is fitted")
    if len(alike) > 8:
        notes.append(f"... and {len(alike) - 8} more pairs alike")
    return tuple(notes)
