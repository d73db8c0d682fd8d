"""Fitting muscle placement to the ICT-FaceKit FACS shapes (a real scan, ../shared/ict-facekit)."""

from __future__ import annotations

import tomllib
from pathlib import Path

import numpy as np
import pytest
from facesim_cli.main import app
from typer.testing import CliRunner

from facesim.anatomy.muscles import Anatomy, MuscleSpec, PointSpec
from facesim.scan.facs_fit import (
    FitBounds,
    fit_anatomy_to_facs,
    muscle_parameters,
    parameter_bounds,
    with_parameters,
)
from facesim.errors import InputError
from facesim.scan.anatomy_file import anatomy_toml
from facesim.tissue.model import FaceModel

ICT = Path(__file__).resolve().parents[1].parent / "shared" / "ict-facekit"  # skipped when absent
needs_ict = pytest.mark.skipif(not (ICT / "generic_neutral_mesh.obj").is_file(), reason="no ../shared/ict-facekit")
EVALUATIONS = 25  # per muscle: enough to move, short enough for the test suite


@pytest.fixture(scope="module")
def ict():
    from facesim.scan.ict import import_ict

    result = import_ict(ICT)
    return result, FaceModel(result.face)


@pytest.fixture(scope="module")
def calibration(ict):
    result, model = ict
    return fit_anatomy_to_facs(model, result, ICT, max_evaluations=EVALUATIONS)


def test_parameters_round_trip_and_bounds_keep_the_origin_behind_the_skin():
    spec = MuscleSpec("dao", "dao", "linear", 2.0, falloff_mm=5.0,
                      insertion=PointSpec("cheilion_{side}", (1.0, -3.0, 0.0)),
                      origin=PointSpec("cheilion_{side}", (11.0, -40.0, -12.0)))
    x = muscle_parameters(spec)
    assert with_parameters(spec, x) == spec
    box = parameter_bounds(spec, FitBounds(origin_mm=10.0, origin_max_anterior_mm=-3.0))
    assert np.all(box[:, 0] <= x) and np.all(x <= box[:, 1])
    assert box[2, 1] == -3.0  # origin anterior: -12 + 10 capped behind the skin
    assert tuple(box[5]) == (2.0, 10.0)
    with pytest.raises(InputError, match="behind the skin"):
        parameter_bounds(spec, FitBounds(origin_max_anterior_mm=-30.0))


def test_anatomy_file_round_trips():
    anatomy = Anatomy.default()
    text = anatomy_toml(anatomy, ["a header", ""])
    assert text.startswith("# a header\n#\n")
    assert Anatomy.from_dict(tomllib.loads(text), "round trip") == anatomy


@needs_ict
def test_start_scores_are_those_of_compare_fields(ict, calibration):
    from facesim.scan.ict import compare_fields

    result, model = ict
    reference = {c.shape: c for c in compare_fields(model, result, ICT)}
    for fit in calibration.fits:
        for score in fit.before:
            c = reference[score.shape]
            assert score.angle_frontal_deg == pytest.approx(c.angle_frontal_deg, abs=1e-9)
            assert score.angle_3d_deg == pytest.approx(c.angle_3d_deg, abs=1e-9)
            assert score.field_cosine == pytest.approx(c.field_cosine, abs=1e-12)


@needs_ict
def test_fit_does_not_worsen_any_muscle_and_improves_the_sum(calibration):
    assert {f.name for f in calibration.fits} == {"zygomaticus_major", "dao", "dli"}
    for fit in calibration.fits:
        assert fit.objective_after <= fit.objective_before + 1e-12, fit.name
        assert len(fit.before) == 2  # both sides count
        assert fit.after[0].field_cosine == pytest.approx(fit.after[1].field_cosine, abs=0.02)  # ICT is near-symmetric
    assert calibration.objective_after < calibration.objective_before


@needs_ict
def test_fitted_parameters_stay_within_bounds(calibration):
    for fit in calibration.fits:
        assert np.all(fit.bounds[:, 0] - 1e-9 <= fit.fitted) and np.all(fit.fitted <= fit.bounds[:, 1] + 1e-9)
        assert fit.fitted[2] <= FitBounds().origin_max_anterior_mm
        spec = calibration.anatomy.muscles[calibration.anatomy.names.index(fit.name)]
        np.testing.assert_array_equal(muscle_parameters(spec), fit.fitted)
    untouched = set(calibration.start.names) - {f.name for f in calibration.fits}
    for name in untouched:
        i = calibration.start.names.index(name)
        assert calibration.anatomy.muscles[i] == calibration.start.muscles[i]


@needs_ict
def test_cli_writes_an_anatomy_and_refuses_to_overwrite(tmp_path):
    runner = CliRunner()
    out = tmp_path / "fitted.toml"
    args = ["mesh", "calibrate-ict", str(ICT), "--out", str(out), "--evaluations", "7", "--no-check-builtin"]
    ran = runner.invoke(app, args)
    assert ran.exit_code == 0, ran.output
    assert "mouthFrown_L" in ran.output and "total objective" in ran.output
    fitted = Anatomy.from_file(out)
    assert fitted.names == Anatomy.default().names
    assert out.read_text().startswith("# Anatomy fitted to ICT-FaceKit FACS shapes")
    before = out.read_text()
    again = runner.invoke(app, args)
    assert again.exit_code == 2
    assert again.output.strip().count("\n") == 0 and "--force" in again.output
    assert out.read_text() == before
