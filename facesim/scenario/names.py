"""What a scenario's names mean: muscle ids, landmarks and landmark offsets, checked with a "did you mean"."""

from __future__ import annotations

from difflib import get_close_matches
from functools import cache

from facesim.errors import InputError
from facesim.face.names import SIDE_SIGN, side_of


@cache
def muscle_ids() -> tuple[str, ...]:
    """The muscle ids of the default anatomy (``dao_right``, ...)."""
    from facesim.anatomy.muscles import Anatomy

    return Anatomy.default().muscle_ids


@cache
def builtin_landmarks() -> tuple[str, ...]:
    """The landmark names of the built-in face."""
    from facesim.face.builtin import build_face

    return tuple(sorted(build_face(300).landmarks))


def check_muscle(name, where: str) -> str:
    """``name`` if it is a muscle id, else InputError suggesting the nearest id."""
    ids = muscle_ids()
    if name not in ids:
        hint = get_close_matches(str(name), ids, n=1, cutoff=0.4)
        fix = f"did you mean '{hint[0]}'?" if hint else "use <muscle>_<side>, e.g. dao_right"
        raise InputError(f"{where}: unknown muscle '{name}'; {fix}")
    return name


def check_landmark(name, where: str) -> str:
    """``name`` if the built-in face has that landmark, else InputError suggesting the nearest."""
    known = builtin_landmarks()
    if name not in known:
        hint = get_close_matches(str(name), known, n=1, cutoff=0.4)
        fix = f"did you mean '{hint[0]}'?" if hint else f"use one of {', '.join(known)}"
        raise InputError(f"{where} = {name!r}: unknown landmark; {fix}")
    return name


def landmark_offset_xyz(landmark: str, offset) -> tuple[float, float, float]:
    """[lateral, superior, anterior] (mm) at a landmark -> (x, y, z) mm.

    Lateral points away from the midline on a sided landmark (``cheilion_right``:
    toward -x); on a midline landmark it points to the patient's left (+x).
    """
    lateral, superior, anterior = offset
    return (SIDE_SIGN.get(side_of(landmark), 1.0) * lateral, superior, anterior)


def prefixed(where: str, build):
    """Call ``build()``; an InputError from a lower layer gets ``where`` in front."""
    try:
        return build()
    except InputError as exc:
        raise InputError(f"{where}: {exc}") from None
