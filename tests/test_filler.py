"""HA filler: volume course (swelling, degradation, hyaluronidase) and the 1 mL field."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from facesim.errors import InputError
from facesim.treatment.filler import (
    FillerClass,
    FillerInjection,
    displaced_volume_mm3,
    filler_unit_field,
    filler_volume_course,
)
from facesim.tissue.model import FaceModel

CLASSES = ("lip", "mid", "deep")


@pytest.fixture(scope="module")
def coarse():
    return FaceModel.builtin(3000)


# --- volume course -----------------------------------------------------------


@pytest.mark.parametrize("name", CLASSES)
def test_retained_follows_half_life(name):
    cls = FillerClass.get(name)
    days = np.array([0.0, cls.half_life_days, 2 * cls.half_life_days])
    _, retained = filler_volume_course(days, 1.0, name)
    degradable = (retained - cls.floor) / (1.0 - cls.floor)
    np.testing.assert_allclose(degradable, [1.0, 0.5, 0.25], rtol=1e-12)


@pytest.mark.parametrize("name", CLASSES)
def test_swelling_peaks_in_first_three_days(name):
    days = np.linspace(0.0, 60.0, 6001)
    apparent, retained = filler_volume_course(days, 1.0, name)
    swelling = apparent / retained - 1.0
    peak_day = days[np.argmax(swelling)]
    assert 0.0 < peak_day <= 3.0
    assert swelling.max() == pytest.approx(FillerClass.get(name).swelling_s0, rel=1e-6)
    assert swelling[days >= 28.0].max() < 0.01  # oedema gone by 4 weeks
    assert days[np.argmax(apparent)] <= 3.0


@given(
    volume=st.floats(0.0, 2.0),
    day=st.floats(-30.0, 300.0),
    name=st.sampled_from(CLASSES),
)
@settings(max_examples=50, deadline=None)
def test_zero_before_injection_and_bounded(volume, day, name):
    days = np.linspace(-60.0, 720.0, 400)
    apparent, retained = filler_volume_course(days, volume, name, day_injected=day)
    assert np.all(apparent[days < day] == 0.0) and np.all(retained[days < day] == 0.0)
    assert np.all(retained <= volume + 1e-12)
    assert np.all(apparent >= retained)
    assert np.all(np.diff(retained[days >= day]) <= 1e-15)  # degradation never refills


@pytest.mark.parametrize("name", CLASSES)
def test_hyaluronidase_removes_90_percent_within_2_days(name):
    th = 60.0
    days = np.array([th - 1e-9, th + 2.0 / 24, th + 1.0, th + 2.0, th + 30.0])
    _, without = filler_volume_course(days, 1.0, name, day_injected=0.0)
    apparent, retained = filler_volume_course(days, 1.0, name, day_injected=0.0, hyaluronidase_day=th)
    removed = 1.0 - retained / without
    assert removed[0] == 0.0
    assert 0.4 < removed[1] < 0.9  # mostly dissolved within hours, not a step
    assert removed[3] >= 0.9 - 1e-12
    assert removed[4] == pytest.approx(0.9)  # 10 % left, degrading at the product's rate
    # procedure oedema: apparent above retained at first, gone after a few weeks
    assert apparent[2] > retained[2]
    assert apparent[4] == pytest.approx(retained[4], rel=1e-5)


def test_course_is_linear_in_volume():
    days = np.linspace(0, 400, 50)
    a1, r1 = filler_volume_course(days, 0.5, "mid", 3.0, 100.0)
    a2, r2 = filler_volume_course(days, 1.5, "mid", 3.0, 100.0)
    np.testing.assert_allclose(a2, 3 * a1)
    np.testing.assert_allclose(r2, 3 * r1)


# --- displacement field -------------------------------------------------------


@pytest.mark.parametrize("site, name", [("cheilion_left", "mid"), ("lower_lip_right", "lip"), ("pogonion", "deep")])
def test_displaced_volume_matches_retained(coarse, site, name):
    inj = FillerInjection(site, 1.2, name)
    unit = inj.unit_field(coarse)
    assert displaced_volume_mm3(coarse, unit) == pytest.approx(1000.0, rel=1e-9)
    days = np.array([0.0, 30.0, 180.0])
    _, retained = inj.course(days)
    for v in retained:
        assert displaced_volume_mm3(coarse, v * unit) == pytest.approx(1000.0 * v, rel=0.10)


def test_commissure_field_is_local_and_outward(coarse):
    face = coarse.face
    inj = FillerInjection("cheilion_left", 1.0, "mid")
    unit = inj.unit_field(coarse)
    mag = np.linalg.norm(unit, axis=1)
    dist = np.linalg.norm(face.vertices - inj.position(face), axis=1)
    assert mag[dist >= 30.0].max() < 0.10 * mag.max()  # measured 7.0 % (9.5 % outward only)
    assert unit[face.landmark_index("cheilion_left"), 2] > 0  # out of the face
    # the mirror site gives the mirror field
    mirrored = FillerInjection("cheilion_right", 1.0, "mid").unit_field(coarse)[face.mirror]
    np.testing.assert_allclose(mirrored * [-1, 1, 1], unit, atol=1e-9 * mag.max())


def frontal_motion_of_corners(model, field):
    """(right, left) commissure motion (2, 2) mm in the frontal frame of the pupils (the metrics' reading)."""
    from facesim.geometry.frontal import to_frontal_vectors

    at = model.landmark_weights(("cheilion_right", "cheilion_left")) @ field
    face = model.face
    return to_frontal_vectors(at, face.landmark_position("pupil_left"), face.landmark_position("pupil_right"))


def test_filler_below_the_corner_supports_and_lifts_it(coarse):
    """1 mL of mid filler 5 mm below the right commissure lifts that corner (measured 0.79 mm; it moved it
    0.14 mm down when the bolus pushed only outward) and barely moves the other one (0.01 mm)."""
    inj = FillerInjection("cheilion_right", 1.0, "mid", offset_mm=(0.0, -5.0, 0.0))
    right, left = frontal_motion_of_corners(coarse, inj.unit_field(coarse))
    assert 0.5 <= right[1] <= 1.2
    assert np.linalg.norm(left) < 0.1 * right[1]
    cls = inj.filler_class
    outward = filler_unit_field(coarse, inj.position(coarse.face), cls.default_depth_mm, cls.default_spread_mm, 0.0)
    assert frontal_motion_of_corners(coarse, outward)[0][1] < 0.0  # outward only: no lift
    lifts = [frontal_motion_of_corners(coarse, filler_unit_field(coarse, inj.position(coarse.face), 5.0, 3.0, k))[0][1]
             for k in (0.5, 1.0, 1.5)]  # the assumption's range: 0.3-1.3 mm
    assert 0.2 < lifts[0] < lifts[1] < lifts[2] < 1.5


def test_the_slide_moves_tissue_without_adding_volume(coarse):
    site = coarse.face.landmark_position("cheilion_left") + [0.0, -5.0, 0.0]
    with_slide, outward = (filler_unit_field(coarse, site, 5.0, 3.0, k) for k in (1.0, 0.0))
    assert displaced_volume_mm3(coarse, with_slide) == pytest.approx(1000.0, rel=1e-9)
    assert np.abs(with_slide - outward).max() > 0.3


def test_filler_field_below_the_corner_is_mirror_symmetric(coarse):
    face = coarse.face
    left = FillerInjection("cheilion_left", 1.0, "mid", offset_mm=(0.0, -5.0, 0.0)).unit_field(coarse)
    right = FillerInjection("cheilion_right", 1.0, "mid", offset_mm=(0.0, -5.0, 0.0)).unit_field(coarse)
    np.testing.assert_allclose(right[face.mirror] * [-1, 1, 1], left, atol=1e-9 * np.abs(left).max())


@pytest.mark.parametrize("site, name", [("lower_lip_left", "lip"), ("pogonion", "deep")])
def test_other_sites_fade_by_40mm(coarse, site, name):
    inj = FillerInjection(site, 1.0, name)
    unit = inj.unit_field(coarse)
    mag = np.linalg.norm(unit, axis=1)
    dist = np.linalg.norm(coarse.face.vertices - inj.position(coarse.face), axis=1)
    assert mag[dist >= 40.0].max() < 0.10 * mag.max()  # measured 2.2 % (lip), 3.8 % (chin)


def test_deeper_bolus_spreads_wider(coarse):
    site = coarse.face.landmark_position("cheilion_left")
    shallow = np.linalg.norm(filler_unit_field(coarse, site, 1.0, 3.0), axis=1).max()
    deep = np.linalg.norm(filler_unit_field(coarse, site, 12.0, 3.0), axis=1).max()
    assert deep < shallow  # same volume over a wider patch: a lower peak


# --- bad input ---------------------------------------------------------------


def test_bad_inputs_raise_input_error(coarse):
    with pytest.raises(InputError, match="volume_ml"):
        filler_volume_course([0.0], -1.0, "mid")
    with pytest.raises(InputError, match="did you mean 'mid'"):
        filler_volume_course([0.0], 1.0, "midd")
    with pytest.raises(InputError, match="did you mean 'lip'"):
        FillerInjection("cheilion_left", 1.0, "lips")
    with pytest.raises(InputError, match="volume_ml"):
        FillerInjection("cheilion_left", -0.1)
    with pytest.raises(InputError, match="maximum"):
        FillerInjection("cheilion_left", 2.5, "mid")
    with pytest.raises(InputError, match="hyaluronidase_day"):
        filler_volume_course([0.0], 1.0, "mid", day_injected=10.0, hyaluronidase_day=5.0)
    with pytest.raises(InputError, match="spread_mm"):
        filler_unit_field(coarse, coarse.face.landmark_position("stomion"), 3.0, 0.0)
    with pytest.raises(InputError, match="from the skin"):
        filler_unit_field(coarse, [0.0, 0.0, 200.0], 3.0, 3.0)
    with pytest.raises(InputError, match="unknown landmark"):
        FillerInjection("cheilion_middle", 1.0).unit_field(coarse)


def test_data_file_is_not_mutated():
    before = FillerClass.get("lip")
    filler_volume_course(np.arange(10.0), 1.0, "lip", hyaluronidase_day=3.0)
    assert FillerClass.get("lip") == before
