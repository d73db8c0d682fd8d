"""BoNT-A spread: equivalent doses of any product spread alike (facesim.treatment.spread rule 1)."""

import dataclasses

import pytest

from facesim.treatment.bont import injection_volume_ml, product
from facesim.treatment.shot import Shot
from facesim.treatment.spread import shot_sigma_mm


# --- dilution: equal ona-equivalent doses spread alike ------------------------------------

def test_equivalent_doses_of_any_product_spread_alike():
    assert shot_sigma_mm(5.0, "abo") == pytest.approx(shot_sigma_mm(2.0, "ona"), rel=1e-12)
    assert injection_volume_ml(5.0, None, "abo") == pytest.approx(0.05)      # 2 ona-U at 2.5 mL / 100 U
    assert Shot.at("dao_right", 5.0, product="abobotulinumtoxinA").volume == pytest.approx(0.05)
    assert injection_volume_ml(5.0, 2.5, "abo") == pytest.approx(0.125)      # its own dilution: the real volume


def test_spread_factor_is_the_only_product_difference():
    wider = dataclasses.replace(product("abo"), spread_factor=1.2)
    assert shot_sigma_mm(5.0, wider) == pytest.approx(1.2 * shot_sigma_mm(2.0, "ona"), rel=1e-12)
