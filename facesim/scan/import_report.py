"""What a scan import found, repaired and assumed (ImportReport), and the rough cost of its model."""

from __future__ import annotations

from dataclasses import dataclass, field

from facesim.geometry.repair import MeshCheck

#: Rough cost of a model per vertex (22 muscle fields x 3 x 8 B, factor fill, working arrays),
#: and its build time (measured: 11k vertices in 2 s on one core; the factorization grows faster than n).
BYTES_PER_VERTEX = 2400
SECONDS_PER_VERTEX = 1.5e-4
LARGE_MESH = 60000  # above this many vertices, decimation is suggested


def model_cost(n_vertices: int) -> tuple[float, float]:
    """Rough memory (MB) and time (s) to build a FaceModel on ``n_vertices`` vertices."""
    return n_vertices * BYTES_PER_VERTEX / 1e6, SECONDS_PER_VERTEX * n_vertices * (n_vertices / 1e4) ** 0.3


@dataclass
class ImportReport:
    """What an import found, repaired and assumed (all in words or numbers, nothing printed)."""

    source: str
    check: MeshCheck
    units: str = "mm"
    mm_per_unit: float = 1.0
    ipd_mm: float = float("nan")
    pose_rms_mm: float = float("nan")
    rotation_deg: float = 0.0
    repairs: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    mouth: str = ""
    derived: list[str] = field(default_factory=list)
    landmarks: list[str] = field(default_factory=list)
    muscles_placed: list[str] = field(default_factory=list)
    muscles_missing: dict[str, str] = field(default_factory=dict)
    n_vertices: int = 0
    n_faces: int = 0
    estimate_mb: float = 0.0
    estimate_s: float = 0.0
    own_asymmetry: str = ""  # filled by scan.acceptance.check_own_asymmetry (needs a model)

    def lines(self) -> list[str]:
        c = self.check
        out = [
            f"mesh: {self.source}: {c.n_vertices} vertices, {c.n_faces} triangles, {c.components} part(s), "
            f"{len(c.boundary_loops)} border loop(s)",
            f"units: {self.units} (x{self.mm_per_unit:g} to mm; inter-pupillary distance {self.ipd_mm:.1f} mm)",
            f"orientation: rotated {self.rotation_deg:.1f} deg onto facesim's axes; landmark fit residual "
            f"{self.pose_rms_mm:.1f} mm",
        ]
        out += [f"problem: {p}" for p in c.problems()]
        out += [f"repaired: {r}" for r in self.repairs]
        out.append(f"mouth: {self.mouth}")
        out.append(f"landmarks: {len(self.landmarks)} ({', '.join(self.landmarks)})")
        if self.derived:
            out.append(f"derived landmarks: {', '.join(self.derived)}")
        out.append(f"muscles placed: {len(self.muscles_placed)}")
        out += [f"muscle not placed: {m}: {why}" for m, why in self.muscles_missing.items()]
        out.append(f"face: {self.n_vertices} vertices, {self.n_faces} triangles; model needs about "
                   f"{self.estimate_mb:.0f} MB and {self.estimate_s:.1f} s to build")
        if self.own_asymmetry:
            out.append(f"own asymmetry: {self.own_asymmetry}")
        out += [f"warning: {w}" for w in self.warnings]
        return out
