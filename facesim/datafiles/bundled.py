"""The bundled data files (facesim/data/*.toml), each parsed once into its frozen model.

One loader per kind, cached::

    from facesim.datafiles import bundled

    bundled.products().bont.emax                      # 0.9
    bundled.products().bont.source_of("emax")         # '"BoNT-A pharmacodynamics": Emax 0.90 ...'
    bundled.safety().placement.keep_out_mm            # 15.0 mm

:func:`noticeable_mm` is the one accessor of the noticeable threshold. A copy of a file
is read (uncached) with :func:`facesim.datafiles.load_data`.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import TypeVar

from facesim.datafiles.base import DataFile
from facesim.datafiles.body import AnatomyFile, ExpressionsFile, TissueFile
from facesim.datafiles.clinic import (AftercareFile, PerceptionFile, PlannerFile, SafetyFile, TrainingFile,
                                      TriageFile)
from facesim.datafiles.load import read_toml, validate
from facesim.datafiles.measures import MeasuresFile
from facesim.datafiles.photo import PhotoFile
from facesim.datafiles.treatment import CorrectionsFile, FillersFile, ProductsFile, SitesFile, UncertaintyFile

F = TypeVar("F", bound=DataFile)

#: Every kind of data file, by its name in facesim/data.
KINDS: dict[str, type[DataFile]] = {m.KIND: m for m in (
    AftercareFile, AnatomyFile, CorrectionsFile, ExpressionsFile, FillersFile, MeasuresFile, PerceptionFile,
    PhotoFile, PlannerFile, ProductsFile, SafetyFile, SitesFile, TissueFile, TrainingFile, TriageFile, UncertaintyFile)}


def _load(model: type[F]) -> F:
    """Parse and validate the bundled ``facesim/data/<KIND>.toml``."""
    with resources.as_file(resources.files("facesim") / "data" / f"{model.KIND}.toml") as path:
        return validate(model, read_toml(path), f"facesim/data/{model.KIND}.toml")


@cache
def aftercare() -> AftercareFile:
    """General aftercare guidance for the patient page."""
    return _load(AftercareFile)


@cache
def anatomy() -> AnatomyFile:
    """The perioral muscles as written (placed on a face by facesim.anatomy.muscles)."""
    return _load(AnatomyFile)


@cache
def corrections() -> CorrectionsFile:
    """Re-education, habit correction and corner-lift constants (days)."""
    return _load(CorrectionsFile)


@cache
def expressions() -> ExpressionsFile:
    """Resting tone and the expressions' activations (fractions of max force)."""
    return _load(ExpressionsFile)


@cache
def fillers() -> FillersFile:
    """HA filler classes and hyaluronidase."""
    return _load(FillersFile)


@cache
def measures() -> MeasuresFile:
    """The MEEI spline smoothing, the motion measures' minimum travel, the eFACE-style scores."""
    return _load(MeasuresFile)


@cache
def perception() -> PerceptionFile:
    """When a left-right difference shows (mm), the normal smile, the balance score."""
    return _load(PerceptionFile)


@cache
def photo() -> PhotoFile:
    """The quality gates a photo must pass (face size, head pose, open eyes) and how far a pair may differ."""
    return _load(PhotoFile)


@cache
def planner() -> PlannerFile:
    """The planner's search space and targets."""
    return _load(PlannerFile)


@cache
def products() -> ProductsFile:
    """BoNT-A products, pharmacodynamics, ED50s and typical site doses."""
    return _load(ProductsFile)


@cache
def safety() -> SafetyFile:
    """The clinical safety thresholds: keep-out, DLI share, side effect, over-correction, dose limits."""
    return _load(SafetyFile)


@cache
def sites() -> SitesFile:
    """The named BoNT-A injection sites."""
    return _load(SitesFile)


@cache
def tissue() -> TissueFile:
    """Skin membrane and anchoring stiffness."""
    return _load(TissueFile)


@cache
def training() -> TrainingFile:
    """Training mode: score weights, feedback words, generated-case ranges."""
    return _load(TrainingFile)


@cache
def triage() -> TriageFile:
    """Thresholds and evidence scores for sorting the cause of an asymmetry."""
    return _load(TriageFile)


@cache
def uncertainty() -> UncertaintyFile:
    """Ranges of the sampled model parameters."""
    return _load(UncertaintyFile)


def noticeable_mm() -> float:
    """The noticeable threshold, mm: lay viewers notice a corner difference from this size on.

    The one accessor of perception.toml ``[threshold_mm] lay_detection`` (3 mm): the
    planner's target, the verdicts, the report's milestones and the plots' band read it here.
    """
    return perception().threshold_mm.lay_detection
