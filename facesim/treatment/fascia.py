"""The fascial layers of the face, as BoNT-A spread sees them: which compartment a needle and a muscle are in.

Three layers, below the skin (depths and sheet counts in products.toml ``[bont.spread]``, with sources):

- ``superficial``: the mimetic muscles in the SMAS (DAO, risorius, zygomatici, platysma, orbicularis
  oris). They interdigitate at the modiolus with no fascia between them, so the layer is one
  compartment.
- ``deep``: the deep perioral muscles (DLI, mentalis, levator anguli oris, buccinator). Each lies in
  its own sheath, so each is its own compartment.
- ``subfascial``: the masseter (``subfascial_muscles``), a masticatory muscle under the masseteric
  (parotideomasseteric) fascia as well as in its own sheath.

A superficial needle is in the superficial layer; a deep needle is in the deep muscle whose territory
holds it (the most deeply inside if several do), or else in deep tissue outside every muscle (no sheath,
at the deep layer's depth). Toxin going from the needle's compartment to a muscle in another one crosses
``k = sheets(needle's compartment) + sheets(muscle's)`` fascial boundaries and a depth ``dz``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np

from facesim.datafiles import bundled
from facesim.face.names import base_name

SUPERFICIAL_LAYER = -1  # the needle's compartment: the superficial layer
DEEP_TISSUE = -2        # ... deep, but in no deep muscle's territory


@dataclass(frozen=True)
class Crossing:
    """From each needle's compartment to each muscle, arrays (S, n).

    same : bool, the muscle is in the needle's compartment (no fascia between)
    boundaries : int, fascial boundaries crossed (0 where ``same``)
    dz_mm : float, mm, depth of the muscle's layer minus the needle's
    """

    same: np.ndarray
    boundaries: np.ndarray
    dz_mm: np.ndarray

    def row(self, i: int) -> "Crossing":
        """Needle ``i``'s crossings, arrays (n,)."""
        return Crossing(self.same[i], self.boundaries[i], self.dz_mm[i])


@cache
def _layers() -> tuple[dict[str, float], dict[str, int], frozenset[str]]:
    s = bundled.products().bont.spread
    return dict(s.layer_depth_mm), dict(s.fascial_sheets), frozenset(s.subfascial_muscles)


def territory_layers(territories) -> np.ndarray:
    """Layer of each territory (n,): ``superficial``, ``deep`` or ``subfascial``."""
    _, _, subfascial = _layers()
    return np.array([t.depth if t.depth == "superficial" else
                     ("subfascial" if base_name(t.muscle_id) in subfascial else "deep") for t in territories], dtype=object)


def capsule_distance(sites: np.ndarray, a: np.ndarray, b: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Signed distance (S, n), mm, from each site (S, 2) to each capsule (segment a-b, half-width w): < 0 inside."""
    seg = b - a
    t = np.einsum("snk,nk->sn", sites[:, None, :] - a[None], seg) / np.maximum((seg * seg).sum(1), 1e-300)
    nearest = a[None] + np.clip(t, 0.0, 1.0)[..., None] * seg[None]
    return np.linalg.norm(sites[:, None, :] - nearest, axis=-1) - w[None]


def needle_compartment(sites: np.ndarray, deep_shot: np.ndarray, a, b, w, layers) -> np.ndarray:
    """Compartment of each needle (S,): a territory index, SUPERFICIAL_LAYER or DEEP_TISSUE."""
    d = np.where((layers != "superficial")[None], capsule_distance(sites, a, b, w), np.inf)
    d = np.concatenate([d, np.zeros((len(sites), 1))], axis=1)   # a last column: outside every deep territory
    inner = np.argmin(d, axis=1)
    return np.where(~deep_shot, SUPERFICIAL_LAYER, np.where(inner < len(layers), inner, DEEP_TISSUE))


def crossing(home: np.ndarray, layers) -> Crossing:
    """Boundaries and depths from each needle compartment ``home`` (S,) to each territory of ``layers`` (n,)."""
    depth_mm, sheets, _ = _layers()
    n = len(layers)
    muscle_sheets = np.array([sheets[lay] for lay in layers], int)
    muscle_depth = np.array([depth_mm[lay] for lay in layers], float)
    home_layer = [("superficial" if h == SUPERFICIAL_LAYER else "deep" if h == DEEP_TISSUE else layers[h])
                  for h in home]
    home_sheets = np.array([0 if h < 0 else sheets[lay] for h, lay in zip(home, home_layer)], int)
    home_depth = np.array([depth_mm[lay] for lay in home_layer], float)
    same = np.where(home[:, None] == SUPERFICIAL_LAYER, (layers == "superficial")[None],
                    home[:, None] == np.arange(n)[None])
    boundaries = np.where(same, 0, home_sheets[:, None] + muscle_sheets[None])
    return Crossing(same, boundaries, np.where(same, 0.0, muscle_depth[None] - home_depth[:, None]))


def own_compartment(layers) -> np.ndarray:
    """Which territories share a compartment (n, n) bool: the superficial ones with each other, each deep one alone."""
    sup = layers == "superficial"
    return (sup[:, None] & sup[None]) | np.eye(len(layers), dtype=bool)
