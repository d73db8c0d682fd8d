"""Science checks of facesim.treatment: time course, dose-response, products, spread."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from facesim.errors import InputError
from facesim.treatment.bont import bont_params, ed50_u, injection_volume_ml, product, site_dose, to_ona_units
from facesim.treatment.shot import PlacedShot
from facesim.treatment.spread import Territory, delivered_dose, dose_shares, spread_sigma_mm
from facesim.treatment.time_course import duration_days, effective_dose, force_factor, force_loss

DAYS = np.arange(0.0, 400.0, 0.5)
# Patient's right side (x < 0); medial is +x. DLI medial to and deep to the DAO.
DAO = Territory("dao_right", (-26.0, -5.0), (-32.0, -35.0), 6.0, "superficial")
DLI = Territory("dli_right", (-12.0, -10.0), (-17.0, -30.0), 5.0, "deep")
CHIN = [DAO, DLI]


def dao_loss(units=3.0, prod="ona", days=DAYS, **kw):
    """Force loss of the DAO after one shot at its centre."""
    inj = PlacedShot(tuple(DAO.centre), units, prod, **kw)
    return 1.0 - force_factor(days, [inj], CHIN)[:, 0]


# --- time course ---------------------------------------------------------------

def test_three_units_dao_time_course():
    """Issue 12's row: >= 50 % of the peak force loss from day 7 through day 90, < 10 % by day 180."""
    loss = dao_loss()
    peak = loss.max()
    assert 0.6 < peak < 0.75                      # typical dose -> ~60-75 % loss
    assert loss[DAYS == 1.0][0] == 0.0            # nothing before the lag
    assert loss[DAYS == 5.0][0] > 0.2 * peak      # visible by day 3-7
    assert loss[DAYS == 14.0][0] > 0.95 * peak    # at its peak by ~2 weeks ...
    window = (DAYS >= 7) & (DAYS <= 90)
    assert (loss[window] >= 0.5 * peak).all()     # ... held on a plateau, declining slowly to month 3
    assert loss[DAYS == 180.0][0] < 0.1 * peak    # worn off by 6 months
    assert 110 <= duration_days(DAYS, loss) <= 140  # calibrated: ~day 125 (3-4 months)


def test_time_course_rises_holds_then_declines_monotonically():
    loss = dao_loss()
    peak_day = DAYS[loss.argmax()]
    assert np.all(np.diff(loss[DAYS <= peak_day]) >= -1e-12)
    assert np.all(np.diff(loss[DAYS >= peak_day]) <= 1e-12)
    p = bont_params()
    plateau = (DAYS >= 14) & (DAYS <= p.plateau_end_d)
    assert loss[plateau].min() > 0.97 * loss.max()


def test_doubling_dose_lengthens_duration_10_to_35_percent():
    d3, d6 = duration_days(DAYS, dao_loss(3.0)), duration_days(DAYS, dao_loss(6.0))
    assert 1.10 <= d6 / d3 <= 1.35


def test_effective_dose_zero_before_injection_and_held_to_the_plateau_end():
    p = bont_params()
    tau = p.decline_tau_d  # 3 U is the reference dose: no dose correction
    d = effective_dose(3.0, np.array([-5.0, 0.0, p.onset_delay_d, p.plateau_end_d, p.plateau_end_d + tau]))
    assert d[0] == d[1] == d[2] == 0.0
    assert d[3] == pytest.approx(3.0 * (1 - np.exp(-(p.plateau_end_d - p.onset_delay_d) / p.rise_tau_d)))
    rise = 1 - np.exp(-(p.plateau_end_d + tau - p.onset_delay_d) / p.rise_tau_d)
    assert d[4] == pytest.approx(3.0 * rise * np.exp(-1))


def test_a_larger_local_dose_declines_later():
    p = bont_params()
    late = np.array([p.plateau_end_d + p.decline_tau_d])
    assert effective_dose(6.0, late)[0] / 6.0 > effective_dose(3.0, late)[0] / 3.0 > effective_dose(0.5, late)[0] / 0.5


def test_inco_starts_sooner_daxi_lasts_longer():
    early = np.array([3.0])
    assert effective_dose(3.0, early, "inco")[0] > effective_dose(3.0, early, "ona")[0]
    # same ona-equivalent dose: 6 daxi U = 3 ona U
    assert duration_days(DAYS, dao_loss(6.0, "daxi")) > 1.2 * duration_days(DAYS, dao_loss(3.0))


def test_injection_day_shifts_course():
    a, b = dao_loss(days=DAYS), dao_loss(days=DAYS + 30.0, day=30.0)
    np.testing.assert_allclose(a, b, atol=1e-12)


# --- dose-response ---------------------------------------------------------------

def test_zero_units_give_no_loss_exactly():
    assert np.all(dao_loss(0.0) == 0.0)
    assert np.all(force_loss(0.0, 1.5) == 0.0)


@given(st.floats(0, 50), st.floats(0, 50))
def test_loss_monotone_in_dose(a, b):
    lo, hi = sorted((a, b))
    assert force_loss(lo, 1.5) <= force_loss(hi, 1.5)
    assert 0.0 <= force_loss(hi, 1.5) <= 0.9


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.one_of(st.just(0.0), st.floats(0.01, 20)), st.floats(0, 60)), min_size=1, max_size=6))
def test_repeat_injections_never_exceed_emax(shots):
    injs = [PlacedShot(tuple(DAO.centre), u, "ona", day=d) for u, d in shots]
    g = force_factor(np.arange(0.0, 120.0), injs, CHIN)
    assert np.all(g >= 1.0 - bont_params().emax - 1e-12) and np.all(g <= 1.0)


def test_touch_up_adds_effect_but_stays_below_emax():
    first = PlacedShot(tuple(DAO.centre), 3.0)
    touch = PlacedShot(tuple(DAO.centre), 2.0, day=14.0)
    one = 1 - force_factor(DAYS, [first], CHIN)[:, 0]
    two = 1 - force_factor(DAYS, [first, touch], CHIN)[:, 0]
    assert np.all(two >= one - 1e-15) and two.max() > one.max() and two.max() < 0.9


def test_male_needs_more():
    assert ed50_u("dao_left", "male") == pytest.approx(1.3 * ed50_u("dao_right"))
    inj = [PlacedShot(tuple(DAO.centre), 3.0)]
    assert force_factor([14.0], inj, CHIN, sex="male")[0, 0] > force_factor([14.0], inj, CHIN)[0, 0]


# --- products ----------------------------------------------------------------------

def test_equivalent_products_give_identical_result():
    ref = dao_loss(3.0, "ona")
    for name in ("Botox", "prabo", "leti", "letibotulinumtoxinA"):
        np.testing.assert_array_equal(dao_loss(3.0, name), ref)
    inco = dao_loss(3.0, "inco")       # same size and duration, only sooner
    assert inco.max() == pytest.approx(ref.max(), rel=5e-3)
    assert duration_days(DAYS, inco) == pytest.approx(duration_days(DAYS, ref), abs=2)


def test_abo_converts_by_2_5():
    assert to_ona_units(7.5, "Dysport") == pytest.approx(3.0)
    np.testing.assert_allclose(dao_loss(7.5, "abo"), dao_loss(3.0, "ona"), rtol=1e-12)


def test_daxi_flagged_not_interchangeable():
    daxi = product("DAXI")
    assert daxi.name == "daxibotulinumtoxinA" and not daxi.interchangeable and daxi.note
    assert to_ona_units(6.0, daxi) == pytest.approx(3.0)


def test_unknown_product_suggests_nearest():
    with pytest.raises(InputError, match="onabotulinumtoxinA"):
        product("onabotulinumtoxin")
    with pytest.raises(InputError, match="dysport"):
        product("dysprot")


def test_negative_units_rejected():
    with pytest.raises(InputError, match="units"):
        PlacedShot((0.0, 0.0), -1.0)
    with pytest.raises(InputError, match="units"):
        to_ona_units(-2.0, "ona")
    with pytest.raises(InputError, match="depth"):
        PlacedShot((0.0, 0.0), 1.0, depth="intradermal")


def test_site_dose_table():
    (lo, hi), mx = site_dose("dao_left")
    assert (lo, hi, mx) == (2.0, 4.0, 5.0)
    assert site_dose("mentalis")[1] == 10.0


# --- spread ------------------------------------------------------------------------

def test_spread_sigma_reference_and_scaling():
    assert spread_sigma_mm(3.0, 0.1) == pytest.approx(4.0)
    assert spread_sigma_mm(3.0, 0.8) == pytest.approx(8.0)
    assert spread_sigma_mm(3.0 * 64, 0.1) == pytest.approx(8.0)
    assert injection_volume_ml(4.0) == pytest.approx(0.1)


def test_kernel_matches_disc_exactly():
    disc = Territory("x", (0.0, 0.0), (0.0, 0.0), 5.0)   # zero-length capsule = disc
    assert dose_shares((0.0, 0.0), 4.0, [disc])[0] == pytest.approx(1 - np.exp(-25 / 32), rel=1e-10)


@pytest.mark.parametrize("sigma", [1.0, 4.0, 9.0])
def test_kernel_conserves_dose_over_a_tiling(sigma):
    strips = [Territory(f"s{i}", (-1e4, 6.0 * i), (1e4, 6.0 * i), 3.0) for i in range(-25, 26)]
    assert dose_shares((0.7, 1.3), sigma, strips).sum() == pytest.approx(1.0, abs=1e-9)


@settings(max_examples=40, deadline=None)
@given(st.floats(-40, 40), st.floats(-50, 20), st.floats(1.0, 12.0), st.sampled_from(["superficial", "deep"]))
def test_shares_never_exceed_one(x, y, sigma, depth):
    s = dose_shares((x, y), sigma, CHIN, depth)
    assert np.all(s >= 0) and s.sum() <= 1.0 + 1e-12


def test_shot_at_centre_delivers_full_units():
    for terr in CHIN:
        dose = delivered_dose(3.0, terr.centre, 4.0, CHIN, terr.depth)
        assert dose[CHIN.index(terr)] == pytest.approx(3.0)


def test_shot_15_mm_away_gives_less():
    on = dose_shares(DAO.centre, 4.0, CHIN)[0]
    off = dose_shares(DAO.centre + [-15.0, 0.0], 4.0, CHIN)[0]   # 15 mm lateral
    assert off < on
    assert delivered_dose(3.0, DAO.centre + [-15.0, 0.0], 4.0, CHIN)[0] < 3.0


def test_medial_misplacement_reaches_dli():
    sigma = spread_sigma_mm(3.0, injection_volume_ml(3.0))
    good = dose_shares(DAO.centre, sigma, CHIN)
    medial = dose_shares(DAO.centre + [10.0, 0.0], sigma, CHIN)    # +x is medial on the right
    assert medial[1] > good[1] and medial[0] < good[0]
    # and the DLI loses force it did not lose before
    g_good = force_factor([14.0], [PlacedShot(tuple(DAO.centre), 3.0)], CHIN)[0]
    g_bad = force_factor([14.0], [PlacedShot(tuple(DAO.centre + [10.0, 0.0]), 3.0)], CHIN)[0]
    assert g_good[1] > 0.95 and g_bad[1] < 0.7


def test_deep_shot_reaches_deep_dli_more_and_the_superficial_dao_less():
    site = DAO.centre + [6.0, 0.0]               # over the DAO's medial edge, where the DLI lies deep to it
    sup = delivered_dose(3.0, site, 4.0, CHIN, "superficial")
    deep = delivered_dose(3.0, site, 4.0, CHIN, "deep")
    assert deep[1] > sup[1] and deep[0] < sup[0]  # the fascia between them holds the toxin on the needle's side


def test_duration_days_edge_cases():
    assert duration_days(DAYS, np.zeros_like(DAYS)) == 0.0
    assert duration_days(DAYS, np.ones_like(DAYS)) == np.inf
    two = np.stack([dao_loss(3.0), dao_loss(6.0)], axis=1)
    assert duration_days(DAYS, two).shape == (2,)
