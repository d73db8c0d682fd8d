"""Model of facesim/data/measures.toml: the MEEI (Emotrics) spline, facesim's motion measures, eFACE scores.

Units are in the key names (``_mm``, ``_px2``, ``_mm_per_px``); each value's source is in
its table's ``sources`` (facesim.datafiles.base).
"""

from __future__ import annotations

from facesim.datafiles.base import DataFile, NonNegative, Positive, Sourced


class Meei(Sourced):
    """``[meei]``: Emotrics' lip-contour splines."""

    spline_smoothing_px2: NonNegative
    mm_input_mm_per_px: Positive


class Motion(Sourced):
    """``[motion]``: facesim's own rest-to-smile corner measures."""

    min_travel_for_direction_mm: NonNegative


class Eface(Sourced):
    """``[eface]``: the eFACE-style oral-commissure scores (0-100)."""

    static_full_scale_mm: Positive
    min_smile_excursion_mm: Positive


class MeasuresFile(DataFile):
    """facesim/data/measures.toml."""

    KIND = "measures"
    meei: Meei
    motion: Motion
    eface: Eface
