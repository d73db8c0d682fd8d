"""Model of facesim/data/photo.toml: the photo quality gates (facesim.photo.gates).

Units are in the key names (``_px``, ``_deg``); each value's source is in its table's ``sources``.
"""

from __future__ import annotations

from facesim.datafiles.base import DataFile, Positive, Sourced


class Gates(Sourced):
    """``[gates]``: one photo's limits."""

    min_ipd_px: Positive
    max_yaw_deg: Positive
    max_pitch_deg: Positive
    max_roll_deg: Positive
    min_eye_openness: Positive


class Pair(Sourced):
    """``[pair]``: how far a rest and a smile photo may differ."""

    max_scale_ratio: Positive
    max_pose_change_deg: Positive


class PhotoFile(DataFile):
    """facesim/data/photo.toml."""

    KIND = "photo"
    gates: Gates
    pair: Pair
