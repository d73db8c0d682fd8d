"""eFACE-style oral-commissure scores (0-100) from the MEEI measures of a rest and a smile photo.

eFACE (Banks et al., Plast Reconstr Surg 2015) grades each item on a slider where 100
is normal; the Auto-eFACE (Miller et al., Plast Reconstr Surg 2021) derives the items
from Emotrics' landmark measures. facesim computes two of them, affected side against
the healthy side (the constants and their sources: facesim/data/measures.toml [eface]):

static, oral commissure at rest
    raw = 100 + 100 * (affected - healthy commissure height at rest) / static_full_scale_mm,
    clipped to 0-200 (< 100: the affected corner lower); score = 100 - |raw - 100|.
dynamic, oral commissure movement with smile
    raw = 100 * (affected CE change) / (healthy CE change), CE the MEEI commissure
    excursion and its change smile minus rest, clipped to 0-200 (> 100: the affected side
    moves more); score = 100 - |raw - 100|. None when the healthy side's change is below
    min_smile_excursion_mm (no smile to compare).

The healthy side is the clinician's, or else the side whose CE grows more in the smile.
"""

from __future__ import annotations

from dataclasses import dataclass

from facesim.assessment.meei import MeeiPhoto
from facesim.datafiles import bundled
from facesim.errors import InputError
from facesim.metrics import EVEN_MM

OTHER = {"left": "right", "right": "left"}


@dataclass(frozen=True)
class EfaceScores:
    """The two oral-commissure items.

    Attributes
    ----------
    healthy_side, affected_side : "left" or "right"
    healthy_side_how : str, who chose the healthy side, in words
    static_raw, static_score : float, the slider value (0-200) and the score (0-100)
    dynamic_raw, dynamic_score : float or None (None: the healthy side did not smile)
    excursion_change_mm : dict side -> float, MEEI CE change smile minus rest, mm
    """

    healthy_side: str
    affected_side: str
    healthy_side_how: str
    static_raw: float
    static_score: float
    dynamic_raw: float | None
    dynamic_score: float | None
    excursion_change_mm: dict


def _score(raw: float) -> float:
    return 100.0 - abs(raw - 100.0)


def _clip(raw: float) -> float:
    return min(max(raw, 0.0), 200.0)


def healthy_side(rest: MeeiPhoto, smile: MeeiPhoto, given: str | None = None) -> tuple[str, str]:
    """(healthy side, how it was chosen): the clinician's ``given``, else the side whose CE grows more."""
    if given is not None:
        if given not in OTHER:
            raise InputError(f"--healthy-side {given!r}; use left or right")
        return given, "given by the clinician"
    change = {s: smile.side(s).commissure_excursion_mm - rest.side(s).commissure_excursion_mm for s in OTHER}
    side = "left" if change["left"] >= change["right"] else "right"
    words = (f"inferred: its commissure excursion grows more in the smile ({change[side]:.1f} mm against "
             f"{change[OTHER[side]]:.1f} mm)")
    if abs(change["left"] - change["right"]) < EVEN_MM:
        words = f"inferred: both sides move alike ({change['left']:.1f} mm); the left is taken as the reference"
    return side, words


def eface_scores(rest: MeeiPhoto, smile: MeeiPhoto, healthy: str | None = None) -> EfaceScores:
    """The static and dynamic oral-commissure scores (see the module notes)."""
    cfg = bundled.measures().eface
    good, how = healthy_side(rest, smile, healthy)
    bad = OTHER[good]
    static_raw = _clip(100.0 + 100.0 * (rest.side(bad).commissure_height_mm - rest.side(good).commissure_height_mm)
                       / cfg.static_full_scale_mm)
    change = {s: smile.side(s).commissure_excursion_mm - rest.side(s).commissure_excursion_mm for s in OTHER}
    dynamic_raw = dynamic = None
    if change[good] >= cfg.min_smile_excursion_mm:
        dynamic_raw = _clip(100.0 * change[bad] / change[good])
        dynamic = _score(dynamic_raw)
    return EfaceScores(healthy_side=good, affected_side=bad, healthy_side_how=how, static_raw=static_raw,
                       static_score=_score(static_raw), dynamic_raw=dynamic_raw, dynamic_score=dynamic,
                       excursion_change_mm=change)
