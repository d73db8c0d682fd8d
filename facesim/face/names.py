"""Sided names, parsed in one place: muscle ids (``dao_right``), site names and landmarks (``cheilion_left``).

A sided name is ``<base>_<side>`` with side ``left`` or ``right`` (the patient's);
anything else (``stomion``, ``orbicularis_oris``) has no side.
"""

from __future__ import annotations

SIDES = ("left", "right")
#: +x is the patient's left: the sign of x on each side.
SIDE_SIGN = {"left": 1.0, "right": -1.0}
_OTHER = {"left": "right", "right": "left"}


def split_sided(name: str) -> tuple[str, str | None]:
    """``"dao_right"`` -> ``("dao", "right")``; a name without a side -> ``(name, None)``."""
    base, sep, side = str(name).rpartition("_")
    if sep and side in SIDES:
        return base, side
    return str(name), None


def base_name(name: str) -> str:
    """``"dao_right"`` -> ``"dao"``: the name without its side."""
    return split_sided(name)[0]


def side_of(name: str) -> str | None:
    """``"dao_right"`` -> ``"right"``; None for a name without a side."""
    return split_sided(name)[1]


def sided(base: str, side: str) -> str:
    """``("dao", "right")`` -> ``"dao_right"``."""
    return f"{base}_{side}"


def other_side(side: str) -> str:
    """``"left"`` <-> ``"right"``."""
    return _OTHER[side]


def mirror_name(name: str) -> str:
    """``"dao_right"`` -> ``"dao_left"`` and back; names without a side are their own mirror."""
    base, side = split_sided(name)
    return name if side is None else sided(base, other_side(side))
