"""The planner's search: every plan of up to two candidate sites, every uncertainty sample, a few days.

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
from facesim.planning.kernel import evaluate_pairs, linear_deviation_map
from facesim.metrics import DEVIATIONS, PLAN_COORDS
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
    total_u : (P,) toxin units; p_target, p_over, median, q10, q90 : (P,) over the samples (and days) of the
    search that made the set (the peak day's for PlanningProblem.search)
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


def fold_days(a: np.ndarray) -> np.ndarray:
    """(K, T, ...) -> (T K, ...): the days folded into the sample axis, day-major (row t K + k is sample k on
    day t), so that one kernel call counts every (sample, day) pair."""
    return np.moveaxis(a, 1, 0).reshape(a.shape[0] * a.shape[1], *a.shape[2:])


class PlanSearch:
    """One search of a PlanningProblem on a few days; its per-site terms are computed once and kept here.

    The days are folded into the sample axis (fold_days): the kernel sees T K rows, and ``p_target`` is
    the share of the T K (sample, day) pairs below the threshold.

    Parameters
    ----------
    problem : PlanningProblem
    days : sequence of float, days, the days the plans are judged on
    full : bool, False for the window days: only the share of (sample, day) pairs below the threshold
        (p_target) is computed; the quantiles, over-correction and side effects are left at zero
    """

    def __init__(self, problem, days, full: bool = True):
        self.problem = problem
        self.settings, self.sites, self.samples = problem.settings, problem.sites, problem.samples
        self.model = problem.model
        self._days = tuple(float(d) for d in np.atleast_1d(days))
        self._terms: dict[int, tuple] = {}
        self._table = problem.hill_table
        self._full = bool(full)
        self._lin = linear_deviation_map()
        self._folded: dict[str, np.ndarray] = {}
        names = bundled.planner().side_effects
        self._side_effect_muscles = np.array([base_name(m) in names for m in self.model.muscle_ids])  # (M,)

    def _fold(self) -> dict[str, np.ndarray]:
        """The patient's response on the search's days, folded (fold_days) once for every site group."""
        if not self._folded:
            r = self.problem.response(self._days)
            w = fold_days(r.w_c)  # (Q, M, C)
            base = fold_days(r.base_c)
            self._folded.update(base=base, base_l=base @ self._lin, w=w, w_l=w @ self._lin, d0=fold_days(r.d0),
                                g0=fold_days(r.g0),
                                baseline=np.stack([fold_days(r.baseline[key]) for key in DEVIATIONS], 1))
        return self._folded

    @property
    def rows(self) -> int:
        """Rows of the folded sample axis: samples x days."""
        return self.samples.size * len(self._days)

    def run(self, progress: Callable[[int, int], None] | None = None) -> PlanSet:
        """Evaluate every candidate plan for every sample on the search's days."""
        n = len(self.sites)
        groups = [()] + [(i,) for i in range(n)]
        if self.settings.max_sites >= 2:
            groups += list(itertools.combinations(range(n), 2))
        parts = []
        # The compiled kernel releases the GIL, so site groups run on threads (and the sites' terms before
        # them: numpy's array arithmetic releases it too). Ctrl-C / SIGTERM wait for the pass's groups (a few
        # tenths of a second): an exception raised by a signal inside the pool's locks broke them ("release
        # unlocked lock", found by tests/test_interrupts.py).
        with signals_held(), ThreadPoolExecutor(planner_threads()) as pool:
            self._fold()  # built once, before the threads read it
            list(pool.map(self._site_terms, range(n)))  # once per site, before the groups share them
            for g, part in enumerate(pool.map(self._search_group, groups)):
                parts.append(part)
                if progress:
                    progress(g + 1, len(groups))
        return PlanSet(*(np.concatenate([p[i] for p in parts]) for i in range(10)))

    def _site_terms(self, i: int):
        """Site i at every dose level, on the folded (day, sample) rows Q, row-major (a row's levels side by
        side, as the kernel reads them): reached muscles, doses (Q, L, r), losses, coordinate terms (Q, L, C),
        their linear deviations (Q, L, 8), strong mask, force factor lost (Q, L, r)."""
        if i not in self._terms:
            site = self.sites[i]
            self._terms[i] = self._filler_terms(site) if site.filler is not None else self._toxin_terms(i)
        return self._terms[i]

    def _filler_terms(self, site):
        days = np.asarray(self._days)
        apparent = np.repeat(site.filler.course(days)[0], self.samples.size)  # (Q,) mL seen per mL injected
        terms = (apparent[:, None, None] * site.levels[None, :, None]) * site.field_c  # (Q, L, C)
        none = np.zeros((self.rows, len(site.levels), 0))
        return (np.zeros(0, int), none, none, terms, terms @ self._lin, np.zeros(0, bool), none)

    def _toxin_terms(self, i: int):
        r = self.problem.response(self._days)
        site = self.sites[i]
        levels = site.levels
        sig = shot_sigma_mm(levels[:, None], "onabotulinumtoxinA", spread_scale=self.samples.spread[None, :])  # (L, K)
        delivered = self.problem.table.delivered(i, np.broadcast_to(levels[:, None], sig.shape), sig)  # (L, K, M)
        # The effective dose never exceeds the delivered one and the loss rises with the dose, so a muscle
        # with no earlier toxin whose loss at the delivered dose stays below REACHED_CHANGE is reached on
        # no day: only the others go through the time course.
        bound = self.problem._loss(delivered[:, :, None, :]).max(axis=(0, 1, 2))
        m = np.flatnonzero((r.d0.max(axis=(0, 1)) > 0) | (bound > REACHED_CHANGE))
        dose = effective_dose(delivered[:, :, None, m], r.days[None, None, :, None], "onabotulinumtoxinA",
                              **self.problem.course_samples((1, -1, 1, 1)))  # (L, K, T, m)
        loss = self.problem._loss(dose + r.d0[None, ..., m], m)
        dg = r.g0[None, ..., m] - (1.0 - loss)  # force factor lost beyond the baseline
        change = dg.max(axis=(0, 1, 2))
        keep = change > REACHED_CHANGE
        reached, dose, loss, dg, change = m[keep], dose[..., keep], loss[..., keep], dg[..., keep], change[keep]
        terms = -(dg[..., None, :] @ r.w_c[:, :, reached, :])[..., 0, :]  # (L, K, T, C)
        fold = lambda a: fold_days(np.moveaxis(a, 0, 2))  # (L, K, T, x) -> (Q, L, x), the kernel's rows
        terms = fold(terms)
        return (reached, fold(dose), fold(loss), terms, terms @ self._lin, change > JOINT_CHANGE, fold(dg))

    def _search_group(self, combo: tuple[int, ...]):
        """Every dose combination of the sites ``combo`` (0, 1 or 2 sites), every sample and day."""
        if self.problem.generation != search_generation():
            raise SearchStopped("the search was stopped")
        s = self.settings
        q_n = self.rows
        watched = self._watched(combo)
        sides = [self._site_terms(i) for i in combo] + [None] * (2 - len(combo))
        if sides[1] is None or sides[0] is None:
            shared = np.zeros(0, int)
        else:
            shared = np.intersect1d(sides[0][0][sides[0][5]], sides[1][0][sides[1][5]])
        args = []
        for term in sides:
            if term is None:  # an empty partner: one level with no effect
                zeros = lambda n: np.zeros((q_n, 1, n))
                args.append((zeros(PLAN_COORDS), zeros(self._lin.shape[1]), zeros(len(shared)),
                             zeros(len(shared)), np.full((q_n, 1), -1)))
                continue
            reached, dose, loss, terms, lin, _, dg = term
            cols = np.searchsorted(reached, shared)
            if self._full:
                own = ~np.isin(reached, shared)
                side, side_id = self._side(loss[..., own], reached[own], watched)
                who = np.where(side, side_id, -1)
            else:  # window days count the rows below the threshold only: no side effects
                who = np.full(terms.shape[:2], -1)
            args.append((terms, lin, dose[..., cols], dg[..., cols], who))
        (ta, la, da, ga, side_a), (tb, lb, db, gb, side_b) = args
        levels_a = self.sites[combo[0]].levels if combo else np.zeros(1)
        levels_b = self.sites[combo[1]].levels if len(combo) == 2 else np.zeros(1)
        toxin = [site is not None and self.sites[site].filler is None for site in (*combo, None, None)[:2]]
        total = levels_a[:, None] * toxin[0] + levels_b[None, :] * toxin[1]
        plan_a, plan_b = np.nonzero(total <= s.max_total_u + 1e-9)
        k, f = self.samples, self._fold()
        tol = s.tolerance
        asym, n_target, n_over, n_side, side_muscle = evaluate_pairs(
            plan_a, plan_b, f["base"], f["base_l"], ta, tb, la, lb, da, db, ga, gb,
            f["d0"][:, shared], f["g0"][:, shared], f["w"][:, shared], f["w_l"][:, shared],
            1.0 / (k.ed50[:, None] * self.problem.ed50[None, shared]), *self._table,
            shared.astype(np.int64), watched[shared], side_a.astype(np.int64), side_b.astype(np.int64),
            s.side_effect_loss, f["baseline"], tol.noticeable_mm, tol.overcorrection_mm, tol.lay,
            len(self.model.muscle_ids), self._full)
        n_plans = len(plan_a)
        quant = np.quantile(asym, (0.1, 0.5, 0.9), axis=1).T if self._full else np.zeros((n_plans, 3))
        sites = np.full((n_plans, 2), -1)
        units = np.zeros((n_plans, 2))
        for j, (site, levels, idx) in enumerate(zip(combo, (levels_a, levels_b), (plan_a, plan_b))):
            sites[:, j] = site
            units[:, j] = levels[idx]
        return (sites, units, total[plan_a, plan_b], n_target / q_n, n_over / q_n, quant[:, 1], quant[:, 0],
                quant[:, 2], n_side / q_n, side_muscle)

    def _watched(self, combo) -> np.ndarray:
        """(M,) bool: muscles whose loss is a side effect for this site combination."""
        targets = {self.sites[i].muscle_id for i in combo}
        return self._side_effect_muscles & np.array([m not in targets for m in self.model.muscle_ids])

    def _side(self, loss: np.ndarray, muscles: np.ndarray, watched: np.ndarray):
        """Side effect per (..., K) and the muscle, from losses (..., K, r) of ``muscles``."""
        cols = watched[muscles]
        if not cols.any():
            return np.zeros(loss.shape[:-1], bool), np.full(loss.shape[:-1], -1)
        over = loss[..., cols] - self.settings.side_effect_loss
        return over.max(axis=-1) > 0, muscles[cols][over.argmax(axis=-1)]


