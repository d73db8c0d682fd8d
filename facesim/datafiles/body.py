"""Models of the body data files: anatomy (muscles), expressions (activations), tissue (stiffness).

Units are in the key names (``_mm``, ``_n`` newtons, ``_n_per_mm``); each file's header
comment describes its model, and each value's source is in its table's
``source``/``sources`` (facesim.datafiles.base).
"""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from pydantic import model_validator

from facesim.datafiles.base import (DataFile, Depth, Fraction, Frozen, Number, Positive, Range, Sourced, Table,
                                    bounded)

# --------------------------------------------------------------------------- anatomy.toml


class Point(Frozen):
    """A landmark (``{side}`` becomes left or right) plus ``offset_mm = [lateral, superior, anterior]``."""

    landmark: str
    offset_mm: tuple[Number, Number, Number]


class TerritoryEntry(Frozen):
    """A muscle belly for BoNT-A spread: ``length_fraction`` (0, 1], or ``start`` and ``end`` points."""

    half_width_mm: Positive
    depth: Depth
    length_fraction: Annotated[Number, bounded(0.0, 1.0)] | None = None
    start: Point | None = None
    end: Point | None = None

    @model_validator(mode="after")
    def _one_extent(self):
        if (self.length_fraction is None) == (self.start is None or self.end is None):
            raise ValueError("give either length_fraction or both start and end")
        return self


class MuscleEntry(Sourced):
    """One ``[[muscle]]``, placed on both sides (see the header of anatomy.toml)."""

    #: Placement geometry: fitted (facesim mesh calibrate-ict) or placed from anatomy, as the header says.
    UNSOURCED = frozenset({"falloff_mm", "semi_axes_mm", "midline_taper_mm"})
    NEEDS: ClassVar[dict[str, tuple[str, ...]]] = {"linear": ("insertion", "origin", "falloff_mm"), 
                                                 "sphincter": ("centre", "semi_axes_mm", "midline_taper_mm")}

    name: str
    label: str | None = None
    kind: Literal["linear", "sphincter"]
    max_force_n: Positive
    falloff_mm: Positive | None = None
    region: str | None = None
    insertion: Point | None = None
    origin: Point | None = None
    centre: Point | None = None
    semi_axes_mm: tuple[Positive, Positive] | None = None
    midline_taper_mm: Positive | None = None
    territory: TerritoryEntry | None = None

    @model_validator(mode="after")
    def _kind_has_its_keys(self):
        for key in self.NEEDS[self.kind]:
            if getattr(self, key) is None:
                raise ValueError(f"a {self.kind} muscle needs '{key}'; add it (see the header of anatomy.toml)")
        return self


class AnatomyFile(DataFile):
    """facesim/data/anatomy.toml (or a fitted anatomy file of the same form)."""

    KIND = "anatomy"
    reference_ipd_mm: Positive
    muscle: tuple[MuscleEntry, ...]

    @model_validator(mode="after")
    def _named_once(self):
        names = [m.name for m in self.muscle]
        if not names:
            raise ValueError("no [[muscle]] entries; add at least one")
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise ValueError(f"muscle {twice[0]!r} is given twice; give each muscle once")
        return self


# --------------------------------------------------------------------------- expressions.toml


class Expression(Sourced):
    """``[expression.<name>]``: voluntary activation per muscle (fraction of max_force_n)."""

    description: str
    activation: Table[str, Fraction]


class ExpressionsFile(DataFile, Sourced):
    """facesim/data/expressions.toml: resting tone (fractions of max_force_n) and the expressions."""

    KIND = "expressions"
    tone: Table[str, Fraction]
    expression: Table[str, Expression]

    @model_validator(mode="after")
    def _rest_and_smile(self):
        missing = [e for e in ("rest", "smile") if e not in self.expression]
        if missing:
            raise ValueError(f"expression {missing[0]!r} is required; add [expression.{missing[0]}]")
        return self


# --------------------------------------------------------------------------- tissue.toml


class Skin(Sourced):
    """``[skin]``: membrane stiffness of skin + SMAS (N/mm)."""

    membrane_stiffness_n_per_mm: Positive


class Anchoring(Sourced):
    """``[anchoring]``: bone tie per unit skin area (N/mm^3), soft tissue and over bone."""

    soft_n_per_mm3: Positive
    bone_n_per_mm3: Positive


class Calibration(Sourced):
    """``[calibration]``: the normative smile every face's tissue stiffness is scaled to (mm), and the
    band of stiffness factors a sound face falls in."""

    smile_excursion_mm: Positive
    stiffness_factor_range: Range


class TissueFile(DataFile):
    """facesim/data/tissue.toml."""

    KIND = "tissue"
    skin: Skin
    anchoring: Anchoring
    calibration: Calibration
