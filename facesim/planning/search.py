"""The planner's search: every plan of up to two candidate sites, every uncertainty sample, one day.

A muscle's force factor depends only on the total dose it receives, so the
corner coordinates of a two-site plan split into: the baseline, the terms of
the muscles only site a changes (a function of a's dose alone, computed once
per dose level), those only site b changes, and the muscles both change by
more than JOINT_CHANGE, evaluated on the joint grid of the two doses (the
compiled kernel, facesim.planning.kernel).
"""

from __future__ import annotations

import itertools
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Callable

import numpy as np

from facesim.datafiles import bundled
from facesim.face.names import base_name
from facesim.planning.kernel import evaluate_pairs
from facesim.metrics import DEVIATIONS
from facesim.outputs import signals_held
from facesim.treatment.spread import shot_sigma_mm
from facesim.treatment.time_course import effective_dose

#: A site "reaches" a muscle whose force factor it changes by more than this in some sample and level.
REACHED_CHANGE = 0.005
#: Muscles both sites of a plan change by more than this are evaluated on the joint dose grid (exact);
#: below it, the smaller contribution is added as if alone (error measured in tests: < 0.05 mm).
JOINT_CHANGE = 0.02


_STOPS = [0]  # how many times stop_searches was called: a problem set up before the last call is stopped


class SearchStopped(Exception):
    """A search ended early by stop_searches (its caller was interrupted)."""


def stop_searches() -> None:
    """End the searches of every planning problem set up so far at their next site group (they raise
    SearchStopped): a caller interrupted while a search runs on another thread calls this, so that the thread
    does not outlive the run. Problems set up later search normally."""
    _STOPS[0] += 1


def search_generation() -> int:
    """The number of stop_searches calls so far (a PlanningProblem keeps the value it was set up under)."""
    return _STOPS[0]


def planner_threads() -> int:
    """Threads the search runs its site groups on: FACESIM_PLANNER_THREADS, else one per core (at most 4).
    A cohort worker sets 1 (its cluster already runs one process a core)."""
    value = os.environ.get("FACESIM_PLANNER_THREADS", "")
    return max(1, int(value)) if value.isdigit() else max(1, min(4, os.cpu_count() or 1))


@dataclass(frozen=True, eq=False)
class PlanSet:
    """Every evaluated plan at the peak day, as arrays over plans (P).

    sites : (P, 2) int, site index or -1; units : (P, 2) float, U (toxin sites) or mL (filler sites)
    total_u : (P,) toxin units; p_target, p_over, median, q10, q90 : (P,) over samples on the search's day
    p_side : (P,) chance of a side effect at the peak; side_muscle : (P,) int, the most frequent (-1 none)
    """

    sites: np.ndarray
    units: np.ndarray
    total_u: np.ndarray
    p_target: np.ndarray
    p_over: np.ndarray
    median: np.ndarray
    q10: np.ndarray
    q90: np.ndarray
    p_side: np.ndarray
    side_muscle: np.ndarray
    p_window: np.ndarray | None = None  # (P,) below the threshold over (sample, window day) pairs

    def __len__(self) -> int:
        return len(self.total_u)


class PlanSearch:
    """One search of a PlanningProblem on one day; its per-site terms are computed once and kept here.

    Parameters
    ----------
    problem : PlanningProblem
    day : float, days, the day the plans are judged on
    full : bool, False for a window day: only the share of samples below the threshold (p_target) is
        computed; the quantiles, over-correction and side-effect chances are left at zero
    """

    def __init__(self, problem, day: float, full: bool = True):
        self.problem = problem
        self.settings, self.sites, self.samples = problem.settings, problem.sites, problem.samples
        self.model = problem.model
        self._day = float(day)
        self._terms: dict[int, tuple] = {}
        self._table = problem.hill_table
        self._full = bool(full)

    def run(self, progress: Callable[[int, int], None] | None = None) -> PlanSet:
        """Evaluate every candidate plan for every sample on the search's day."""
        n = len(self.sites)
        groups = [()] + [(i,) for i in range(n)]
        if self.settings.max_sites >= 2:
            groups += list(itertools.combinations(range(n), 2))
        for i in range(n):
            self._site_terms(i)  # once per site, before the groups share them
        parts = []
        # The compiled kernel releases the GIL, so site groups run on threads. Ctrl-C / SIGTERM wait for the
        # day's groups (a few tenths of a second): an exception raised by a signal inside the pool's locks
        # broke them ("release unlocked lock", found by tests/test_interrupts.py).
        with signals_held(), ThreadPoolExecutor(planner_threads()) as pool:
            for g, part in enumerate(pool.map(self._search_group, groups)):
                parts.append(part)
                if progress:
                    progress(g + 1, len(groups))
        return PlanSet(*(np.concatenate([p[i] for p in parts]) for i in range(10)))

    def _site_terms(self, i: int):
        """Site i at every dose level: reached muscles, doses, losses, coordinate terms, strong mask."""
        if i not in self._terms and self.sites[i].filler is not None:
            site, k_n = self.sites[i], self.samples.size
            apparent = float(site.filler.course(np.array([self._day]))[0][0])  # mL seen per mL injected
            terms = np.ascontiguousarray(np.broadcast_to(
                (site.levels * apparent)[:, None, None] * site.field_c, (len(site.levels), k_n, site.field_c.size)))
            none = np.zeros((len(site.levels), k_n, 0))
            self._terms[i] = (np.zeros(0, int), none, none, terms, np.zeros(0, bool), none)
        if i not in self._terms:
            r = self.problem.response([self._day])
            site = self.sites[i]
            levels = site.levels
            sig = shot_sigma_mm(levels[:, None], "onabotulinumtoxinA", spread_scale=self.samples.spread[None, :])  # (L, K)
            delivered = self.problem.table.delivered(i, np.broadcast_to(levels[:, None], sig.shape), sig)  # (L, K, M)
            dose = effective_dose(delivered, r.days[0], "onabotulinumtoxinA",
                                  **self.problem.course_samples((1, -1, 1)))  # on the search's day, (L, K, M)
            loss = self.problem._loss(dose[:, :, None, :] + r.d0[None])[:, :, 0, :]
            dg = r.g0[None, :, 0, :] - (1.0 - loss)  # force factor lost beyond the baseline
            change = dg.max(axis=(0, 1))
            reached = np.flatnonzero(change > REACHED_CHANGE)
            terms = -np.matmul(dg[..., reached].transpose(1, 0, 2), r.w_c[:, 0, reached, :]).transpose(1, 0, 2)
            self._terms[i] = tuple(np.ascontiguousarray(a) for a in (
                reached, dose[..., reached], loss[..., reached], terms, change[reached] > JOINT_CHANGE, dg[..., reached]))
        return self._terms[i]

    def _search_group(self, combo: tuple[int, ...]):
        """Every dose combination of the sites ``combo`` (0, 1 or 2 sites), every sample."""
        if self.problem.generation != search_generation():
            raise SearchStopped("the search was stopped")
        s = self.settings
        r = self.problem.response([self._day])
        k_n = self.samples.size
        watched = self._watched(combo)
        sides = [self._site_terms(i) for i in combo] + [None] * (2 - len(combo))
        if sides[1] is None or sides[0] is None:
            shared = np.zeros(0, int)
        else:
            shared = np.intersect1d(sides[0][0][sides[0][4]], sides[1][0][sides[1][4]])
        args = []
        for term in sides:
            if term is None:  # an empty partner: one level with no effect
                args.append((np.zeros((1, k_n, r.base_c.shape[-1])), np.zeros((1, k_n, len(shared))), np.zeros((1, k_n, len(shared))),
                             np.full((1, k_n), -1)))
                continue
            reached, dose, loss, terms, _, dg = term
            own = ~np.isin(reached, shared)
            cols = np.searchsorted(reached, shared)
            side, side_id = self._side(loss[..., own], reached[own], watched)
            args.append((terms, dose[..., cols], dg[..., cols], np.where(side, side_id, -1)))
        (ta, da, ga, side_a), (tb, db, gb, side_b) = args
        levels_a = self.sites[combo[0]].levels if combo else np.zeros(1)
        levels_b = self.sites[combo[1]].levels if len(combo) == 2 else np.zeros(1)
        toxin = [site is not None and self.sites[site].filler is None for site in (*combo, None, None)[:2]]
        total = levels_a[:, None] * toxin[0] + levels_b[None, :] * toxin[1]
        plan_a, plan_b = np.nonzero(total <= s.max_total_u + 1e-9)
        k = self.samples
        base = r.baseline
        tol = s.tolerance
        quant, n_target, n_over, n_side, side_muscle = evaluate_pairs(
            plan_a, plan_b, r.base_c[:, 0], ta, tb, da, db, ga, gb,
            np.ascontiguousarray(r.d0[:, 0, shared]), np.ascontiguousarray(r.g0[:, 0, shared]),
            np.ascontiguousarray(r.w_c[:, 0, shared, :]), 1.0 / (k.ed50[:, None] * self.problem.ed50[None, shared]),
            *self._table,
            shared.astype(np.int64), watched[shared], side_a.astype(np.int64), side_b.astype(np.int64),
            s.side_effect_loss, np.stack([base[key][:, 0] for key in DEVIATIONS], 1),
            tol.noticeable_mm, tol.overcorrection_mm, tol.lay, len(self.model.muscle_ids), self._full)
        n_plans = len(plan_a)
        sites = np.full((n_plans, 2), -1)
        units = np.zeros((n_plans, 2))
        for j, (site, levels, idx) in enumerate(zip(combo, (levels_a, levels_b), (plan_a, plan_b))):
            sites[:, j] = site
            units[:, j] = levels[idx]
        return (sites, units, total[plan_a, plan_b], n_target / k_n, n_over / k_n, quant[:, 1], quant[:, 0], quant[:, 2],
                n_side / k_n, side_muscle)

    def _watched(self, combo) -> np.ndarray:
        """(M,) bool: muscles whose loss is a side effect for this site combination."""
        names = bundled.planner().side_effects
        targets = {self.sites[i].muscle_id for i in combo}
        return np.array([base_name(m) in names and m not in targets for m in self.model.muscle_ids])

    def _side(self, loss: np.ndarray, muscles: np.ndarray, watched: np.ndarray):
        """Side effect per (..., K) and the muscle, from losses (..., K, r) of ``muscles``."""
        cols = watched[muscles]
        if not cols.any():
            return np.zeros(loss.shape[:-1], bool), np.full(loss.shape[:-1], -1)
        over = loss[..., cols] - self.settings.side_effect_loss
        return over.max(axis=-1) > 0, muscles[cols][over.argmax(axis=-1)]


