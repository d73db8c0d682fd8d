"""Expressions as data: resting tone and voluntary activation per muscle."""

from __future__ import annotations

from dataclasses import dataclass
from difflib import get_close_matches

import numpy as np

from facesim.datafiles import bundled
from facesim.errors import DataError, InputError
from facesim.face.names import SIDES, sided


def _expand(table: dict, muscle_names: tuple[str, ...], muscle_ids: tuple[str, ...], where: str) -> np.ndarray:
    """Per-id array from a table keyed by muscle name (both sides) or by id (one side)."""
    values = np.zeros(len(muscle_ids))
    index = {mid: k for k, mid in enumerate(muscle_ids)}
    for key, value in table.items():
        if key in muscle_names:
            targets = [sided(key, side) for side in SIDES]
        elif key in index:
            targets = [key]
        else:
            hint = get_close_matches(key, list(muscle_names) + list(muscle_ids), n=1)
            fix = f"; did you mean '{hint[0]}'?" if hint else ""
            raise DataError(f"{where}: unknown muscle '{key}'{fix}")
        if not 0.0 <= float(value) <= 1.0:
            raise DataError(f"{where}.{key} = {value}; activations are fractions in [0, 1]")
        for t in targets:
            values[index[t]] = float(value)
    return values


@dataclass(frozen=True, eq=False)
class ExpressionSet:
    """Tone and activations in basis order.

    Attributes
    ----------
    tone : (n_muscles,) float array, fraction of max force
    activation : dict[str, (n_muscles,) float array], fraction of max force
    descriptions : dict[str, str]
    """

    tone: np.ndarray
    activation: dict[str, np.ndarray]
    descriptions: dict[str, str]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(self.activation)

    def get(self, name: str) -> np.ndarray:
        try:
            return self.activation[name]
        except KeyError:
            raise InputError(
                f"unknown expression '{name}'; use one of: {', '.join(self.activation)}"
            ) from None

    @classmethod
    def default(cls, muscle_names: tuple[str, ...], muscle_ids: tuple[str, ...]) -> "ExpressionSet":
        data = bundled.expressions()
        source = "facesim/data/expressions.toml"
        tone = _expand(data.tone, muscle_names, muscle_ids, f"{source}: tone")
        activation, descriptions = {}, {}
        for name, entry in data.expression.items():
            where = f"{source}: expression.{name}.activation"
            activation[name] = _expand(entry.activation, muscle_names, muscle_ids, where)
            descriptions[name] = entry.description
        return cls(tone, activation, descriptions)
