"""BoNT-A products and parameters: product units, ED50s, per-site doses, dilution.

Numbers live in ``facesim/data/products.toml`` (per-site maxima in ``safety.toml``), each with its source
as data. Product units convert to onabotulinumtoxinA-equivalent units (U): ``U = units / units_per_ona_unit``.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, fields
from functools import cache

import numpy as np

from facesim.datafiles import bundled
from facesim.errors import InputError
from facesim.face.names import base_name


DEPTHS = ("superficial", "deep")


@dataclass(frozen=True)
class Product:
    """A BoNT-A product and its factors relative to onabotulinumtoxinA."""

    name: str
    aliases: tuple[str, ...]
    units_per_ona_unit: float
    onset_lag_factor: float
    duration_factor: float
    spread_factor: float
    interchangeable: bool = True
    note: str = ""


@dataclass(frozen=True)
class BontParams:
    """Pharmacodynamic defaults (``[bont]`` of products.toml); ``dataclasses.replace`` to vary."""

    onset_delay_d: float
    rise_tau_d: float
    plateau_end_d: float
    decline_tau_d: float
    duration_ref_u: float
    duration_dose_slope: float
    min_decline_fraction: float
    emax: float
    hill_n: float
    sex_dose_factor: float
    reference_dilution_ml_per_100u: float
    sigma_ref_mm: float
    ref_volume_ml: float
    ref_units: float
    volume_exponent: float
    dose_exponent: float
    fascia_transmission: float
    cross_fascia_sigma_mm: float


def _check_units(units, field: str) -> np.ndarray:
    u = np.asarray(units, float)
    if not np.all(np.isfinite(u)) or np.any(u < 0):
        raise InputError(f"{field} must be finite and >= 0, got {units}")
    return u


def _check_depth(depth: str, field: str) -> None:
    if depth not in DEPTHS:
        raise InputError(f"{field} must be 'superficial' or 'deep', got {depth!r}")


@cache
def _products() -> dict[str, tuple[str, Product]]:
    """Lower-case name or alias -> (its spelling, product)."""
    out = {}
    for name, row in bundled.products().product.items():
        p = Product(name=name, **row.values())
        out.update({key.lower(): (key, p) for key in (name, *p.aliases)})
    return out


def product(name: str | Product) -> Product:
    """Look up a product by name or alias (case-insensitive)."""
    if isinstance(name, Product):
        return name
    table = _products()
    try:
        return table[str(name).strip().lower()][1]
    except KeyError:
        near = difflib.get_close_matches(str(name).strip().lower(), table, n=1, cutoff=0.3)
        hint = f"did you mean {table[near[0]][0]!r}?" if near else f"use one of {sorted(table)}"
        raise InputError(f"product {name!r} is unknown; {hint}") from None


def to_ona_units(units, product_name: str | Product) -> np.ndarray | float:
    """Convert product units to onabotulinumtoxinA-equivalent units (U)."""
    return _check_units(units, "units") / product(product_name).units_per_ona_unit


@cache
def bont_params() -> BontParams:
    """The default pharmacodynamic parameters from products.toml."""
    b = bundled.products().bont
    flat = {**b.values(), **b.spread.values()}
    return BontParams(**{f.name: float(flat[f.name]) for f in fields(BontParams)})


def ed50_u(muscle_id: str, sex: str = "female") -> float:
    """ED50 in U of a muscle (side suffix ignored); men get x sex_dose_factor."""
    if sex not in ("female", "male"):
        raise InputError(f"sex must be 'female' or 'male', got {sex!r}")
    table = bundled.products().bont.ed50_u
    name = base_name(muscle_id)
    if name not in table:
        raise InputError(f"muscle {muscle_id!r} has no ED50 in products.toml; add [bont.ed50_u] {name}")
    return table[name] * (bont_params().sex_dose_factor if sex == "male" else 1.0)


def site_dose(muscle_id: str) -> tuple[tuple[float, float], float]:
    """Typical ``(lo, hi)`` and maximum single-site dose in U for a muscle.

    The one reader of the per-site maximum (safety.toml ``[dose.max_site_u]``): the
    planner's levels, the scenario's high-dose check and the trainer's read it here.
    """
    name = base_name(muscle_id)
    row, top = bundled.products().site_dose.get(name), bundled.safety().dose.max_site_u.get(name)
    if row is None:
        raise InputError(f"muscle {muscle_id!r} has no [site_dose] in products.toml; add one")
    if top is None:
        raise InputError(f"muscle {muscle_id!r} has no maximum in safety.toml [dose.max_site_u]; add {name} = <U>")
    return row.typical_u, top


def site_range(muscle_id: str) -> tuple[float, float]:
    """Practical single-site ``(minimum, maximum)`` dose in U for a muscle (safety.toml [dose])."""
    name = base_name(muscle_id)
    _, top = site_dose(muscle_id)
    low = bundled.safety().dose.min_site_u.get(name)
    if low is None:
        raise InputError(f"muscle {muscle_id!r} has no minimum in safety.toml [dose.min_site_u]; add {name} = <U>")
    return low, top


def injection_volume_ml(units, dilution_ml_per_100u: float | None = None,
                        product_name: str | Product = "onabotulinumtoxinA"):
    """Volume of a shot, mL.

    With ``dilution_ml_per_100u``: ``units`` (the vial's own units, as reconstituted) at that many
    mL per 100 of them. Without: the shot's ona-equivalent units at the reference dilution
    (products.toml ``[bont] reference_dilution_ml_per_100u``, mL per 100 ona-equivalent U), so that
    equal ona-equivalent doses of any product have one volume and spread alike.
    """
    if dilution_ml_per_100u is None:
        return to_ona_units(units, product_name) * bont_params().reference_dilution_ml_per_100u / 100.0
    if not dilution_ml_per_100u > 0:
        raise InputError(f"dilution_ml_per_100u must be > 0, got {dilution_ml_per_100u}")
    return _check_units(units, "units") * dilution_ml_per_100u / 100.0
