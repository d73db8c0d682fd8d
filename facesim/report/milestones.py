"""When a treatment's effect shows, peaks and fades, read off an asymmetry curve."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from facesim.datafiles import bundled

VISIBLE_FRACTION = 0.25   # "starts to show": a quarter of the largest improvement
VISIBLE_MIN_MM = 0.3      # ... and at least this much (below the 0.7 mm measurement noise it would not show)
BEST_TOLERANCE = 0.05     # "at its best": within 5 % of the largest improvement (the plateau is flat to the eye)


@dataclass(frozen=True)
class Milestones:
    """When a treatment's effect shows, peaks and fades (days; None = does not happen by the last day).

    Attributes
    ----------
    start_mm : float, mm, asymmetry on the first day
    best_mm : float, mm, smallest asymmetry reached
    first_visible_day : first day the improvement reaches a quarter of its peak (and 0.3 mm)
    peak_day : first day the improvement is within 5 % of its largest ("best from"; the plateau follows)
    below_threshold_day : first day the asymmetry is below the threshold (0 if it starts below)
    noticeable_again_day : first day after that it is back at or above the threshold
    worn_off_day : first day after the peak from which the improvement stays below 10 % of its peak
    threshold_mm : float, mm
    """

    start_mm: float
    best_mm: float
    first_visible_day: float | None
    peak_day: float | None
    below_threshold_day: float | None
    noticeable_again_day: float | None
    worn_off_day: float | None
    threshold_mm: float

    @property
    def improves(self) -> bool:
        return self.peak_day is not None


def milestones(days, asymmetry, threshold_mm: float | None = None) -> Milestones:
    """Milestones of an asymmetry curve (k,) in mm on increasing ``days``."""
    t, a = np.asarray(days, float), np.asarray(asymmetry, float)
    threshold = float(bundled.noticeable_mm() if threshold_mm is None else threshold_mm)
    gain = a[0] - a
    peak = int(np.argmax(gain))
    below = np.flatnonzero(a < threshold)
    below_day = float(t[below[0]]) if below.size else None
    again = None
    if below.size:
        later = np.flatnonzero((a >= threshold) & (t > t[below[0]]))
        again = float(t[later[0]]) if later.size else None
    if gain[peak] <= VISIBLE_MIN_MM:
        return Milestones(float(a[0]), float(a.min()), None, None, below_day, again, None, threshold)
    visible = np.flatnonzero(gain >= max(VISIBLE_FRACTION * gain[peak], VISIBLE_MIN_MM))[0]
    best = int(np.flatnonzero(gain >= (1.0 - BEST_TOLERANCE) * gain[peak])[0])
    still = np.flatnonzero(gain[peak:] >= bundled.products().bont.worn_off_fraction * gain[peak])
    last = peak + still[-1]
    worn = float(t[last + 1]) if last + 1 < t.size else None
    return Milestones(float(a[0]), float(a.min()), float(t[visible]), float(t[best]), below_day, again, worn, threshold)
