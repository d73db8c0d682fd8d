"""Models of the treatment data files: products, sites, fillers, corrections, uncertainty.

Units are in the key names (``_u`` ona-equivalent units, ``_d``/``_days`` days, ``_mm``,
``_ml``); each file's header comment describes its model, and each value's source is in
its table's ``source``/``sources`` (facesim.datafiles.base).
"""

from __future__ import annotations

from typing import Literal

from pydantic import model_validator

from facesim.datafiles.base import (Count, DataFile, Depth, Flag, Fraction, NonNegative, Number, Positive, Range, Sourced,
                                    Table)

# --------------------------------------------------------------------------- products.toml


class Product(Sourced):
    """A BoNT-A product relative to onabotulinumtoxinA (``[product.<name>]``)."""

    aliases: tuple[str, ...]
    units_per_ona_unit: Positive
    onset_lag_factor: Positive
    duration_factor: Positive
    spread_factor: Positive
    interchangeable: Flag
    note: str = ""


class Spread(Sourced):
    """``[bont.spread]``: sigma = sigma_ref_mm * (V/ref_volume_ml)^volume_exponent * (D/ref_units)^dose_exponent,
    and what a fascia lets through (transmission per boundary, near-field width, layer depths and sheets)."""

    sigma_ref_mm: Positive
    ref_volume_ml: Positive
    ref_units: Positive
    volume_exponent: NonNegative
    dose_exponent: NonNegative
    fascia_transmission: Fraction
    cross_fascia_sigma_mm: Positive
    subfascial_muscles: tuple[str, ...]
    layer_depth_mm: Table[Literal["superficial", "deep", "subfascial"], NonNegative]
    fascial_sheets: Table[Literal["superficial", "deep", "subfascial"], Count]

    @model_validator(mode="after")
    def _every_layer(self):
        for key in ("layer_depth_mm", "fascial_sheets"):
            missing = {"superficial", "deep", "subfascial"} - set(getattr(self, key))
            if missing:
                raise ValueError(f"{key} lacks {sorted(missing)}; give superficial, deep and subfascial")
        return self


class Bont(Sourced):
    """``[bont]``: time course (days) and dose-response of one shot; ED50 per muscle (U)."""

    onset_delay_d: NonNegative
    rise_tau_d: Positive
    plateau_end_d: NonNegative
    decline_tau_d: Positive
    duration_ref_u: Positive
    duration_dose_slope: NonNegative
    min_decline_fraction: Fraction
    emax: Fraction
    hill_n: Positive
    sex_dose_factor: Positive
    reference_dilution_ml_per_100u: Positive
    worn_off_fraction: Fraction
    ed50_u: Table[str, Positive]
    spread: Spread


class SiteDose(Sourced):
    """``[site_dose.<muscle>]``: typical single-site dose ``[lo, hi]`` in U (the maximum is in safety.toml)."""

    typical_u: Range


class ProductsFile(DataFile):
    """facesim/data/products.toml."""

    KIND = "products"
    product: Table[str, Product]
    bont: Bont
    site_dose: Table[str, SiteDose]


# --------------------------------------------------------------------------- sites.toml


class Site(Sourced):
    """``[site.<name>]``: a named injection site, a landmark plus an offset (mm) in the face frame."""

    muscle: str
    landmark: str
    offset_mm: tuple[Number, Number, Number]
    depth: Depth


class SitesFile(DataFile):
    """facesim/data/sites.toml."""

    KIND = "sites"
    site: Table[str, Site]


# --------------------------------------------------------------------------- fillers.toml


class FillerClass(Sourced):
    """``[classes.<name>]``: one HA product class (days, mL, mm)."""

    description: str
    swelling_s0: NonNegative
    swelling_peak_day: NonNegative
    swelling_tau_days: Positive
    half_life_days: Positive
    floor: Fraction
    max_volume_ml: Positive
    default_depth_mm: NonNegative
    default_spread_mm: Positive


class HyaluronidaseData(Sourced):
    """``[hyaluronidase]``: enzymatic reversal (days)."""

    removal_fraction: Fraction
    tau_days: Positive
    complete_days: Positive
    swelling_s0: NonNegative
    swelling_tau_days: Positive
    swelling_peak_day: NonNegative


class FillerFieldData(Sourced):
    """``[field]``: how a bolus displaces the tissue around it (dimensionless)."""

    tangential_push: NonNegative


class FillersFile(DataFile):
    """facesim/data/fillers.toml."""

    KIND = "fillers"
    classes: Table[str, FillerClass]
    hyaluronidase: HyaluronidaseData
    field: FillerFieldData


# --------------------------------------------------------------------------- corrections.toml


class ReEducationData(Sourced):
    """``[re_education]``: saturating strength gain while training (days)."""

    max_gain: NonNegative
    tau_days: Positive
    detraining_tau_days: Positive


class HabitData(Sourced):
    """``[habit]``: tone relaxing toward 1 after a habit stops (days)."""

    tau_days: Positive


class CornerLiftData(Sourced):
    """``[corner_lift]``: settling and swelling after a corner lift (days)."""

    settle_days: Positive
    early_excess: NonNegative
    swelling_tau_days: Positive
    swelling_fraction: NonNegative


class CorrectionsFile(DataFile):
    """facesim/data/corrections.toml."""

    KIND = "corrections"
    re_education: ReEducationData
    habit: HabitData
    corner_lift: CornerLiftData


# --------------------------------------------------------------------------- uncertainty.toml


class Ranges(Sourced):
    """``[uncertainty]``: ``[low, high]`` of each sampled parameter (factors, or days)."""

    spread_factor: Range
    ed50_factor: Range
    decay_factor: Range
    emax: Range
    hill_n: Range
    patient_factor: Range
    onset_delay_d: Range
    rise_tau_d: Range
    plateau_end_d: Range

    @model_validator(mode="after")
    def _positive_for_log_uniform(self):
        for key in ("spread_factor", "ed50_factor"):
            if getattr(self, key)[0] <= 0:
                raise ValueError(f"{key} is drawn log-uniform; give a range above 0")
        return self


class UncertaintyFile(DataFile):
    """facesim/data/uncertainty.toml."""

    KIND = "uncertainty"
    uncertainty: Ranges

