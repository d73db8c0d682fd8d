"""eFACE-style oral-commissure scores: exact small cases, the healthy side given or inferred, mirroring."""

import numpy as np
import pytest

from facesim.assessment.eface import eface_scores
from facesim.assessment.meei import MeeiPhoto, MeeiSide
from facesim.datafiles import bundled
from facesim.errors import InputError


def side(ce, height):
    z = np.zeros(2)
    return MeeiSide(ce, 100.0, 0.0, height, 0.0, 0.0, z, z, z)


def photo(ce_r, ce_l, h_r=-60.0, h_l=-60.0):
    return MeeiPhoto(right=side(ce_r, h_r), left=side(ce_l, h_l), lower_lip_midpoint=np.zeros(2), pulled_toward="left")


def test_scores_by_hand():
    full = bundled.measures().eface.static_full_scale_mm  # 9 mm
    rest, smile = photo(28.0, 28.0, h_r=-62.25, h_l=-60.0), photo(32.0, 36.0)  # right 2.25 mm lower; CE +4 / +8
    e = eface_scores(rest, smile)
    assert (e.healthy_side, e.affected_side) == ("left", "right") and e.healthy_side_how.startswith("inferred")
    assert e.static_raw == pytest.approx(100 - 100 * 2.25 / full) and e.static_score == pytest.approx(e.static_raw)
    assert e.dynamic_raw == pytest.approx(50.0) and e.dynamic_score == pytest.approx(50.0)
    # the clinician names the other side healthy: the "affected" left moves twice as much -> 200 - 200 = 0
    e = eface_scores(rest, smile, "right")
    assert e.healthy_side_how == "given by the clinician"
    assert e.dynamic_raw == pytest.approx(200.0) and e.dynamic_score == pytest.approx(0.0)
    assert e.static_raw == pytest.approx(100 + 100 * 2.25 / full) and e.static_score == pytest.approx(100 - 25)


def test_no_smile_has_no_dynamic_score_and_a_level_rest_scores_100():
    e = eface_scores(photo(28.0, 28.0), photo(29.0, 30.0))  # the better side's CE grows 2 mm < 3 mm
    assert e.dynamic_score is None and e.static_score == pytest.approx(100.0)


def test_mirrored_patient_gives_the_same_scores_on_the_other_side():
    a = eface_scores(photo(28.0, 27.0, -62.0, -60.0), photo(31.0, 36.0))
    b = eface_scores(photo(27.0, 28.0, -60.0, -62.0), photo(36.0, 31.0))
    assert (a.healthy_side, b.healthy_side) == ("left", "right")
    assert (a.static_score, a.dynamic_score) == pytest.approx((b.static_score, b.dynamic_score))


def test_a_bad_healthy_side_is_refused():
    with pytest.raises(InputError, match="--healthy-side 'middle'; use left or right"):
        eface_scores(photo(1, 1), photo(5, 5), "middle")
