"""The report: milestones, uncertainty, plan files and a valid self-contained HTML page."""

import base64
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from facesim.errors import InputError
from facesim.report.content import assumption_rows
from facesim.report.milestones import milestones
from facesim.report.page import environment, report_html
from facesim.report.plan_file import load_plan, scenario_with_plan
from facesim.report.report_data import report_data
from facesim.report.write import write_report
from facesim.scenario.case import load_scenario
from facesim.simulation.bands import bont_uncertainty
from facesim.simulation.timeline import ScenarioSimulation

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"
PNG_1PX = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==")


@pytest.fixture(scope="module")
def right_dao(coarse_model):
    return ScenarioSimulation(coarse_model, load_scenario(SCENARIOS / "b_overtoned_dao_rest.toml"))


class Structure(HTMLParser):
    """Collects tags, checks nesting of the non-void elements, and keeps the text."""

    VOID = {"meta", "img", "br", "hr", "link", "input"}

    def __init__(self):
        super().__init__()
        self.stack, self.tags, self.images, self.text, self.errors = [], [], [], [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag == "img":
            self.images.append(dict(attrs))
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
        else:
            self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)


def parse(text: str) -> Structure:
    p = Structure()
    p.feed(text)
    p.close()
    assert not p.errors and not p.stack, (p.errors, p.stack)
    return p


def test_milestones_of_a_simple_curve():
    days = np.arange(0.0, 101.0)
    asym = np.where(days < 10, 4.0 - 0.3 * days, 1.0 + 0.04 * (days - 10))  # down to 1 mm, back up
    m = milestones(days, np.minimum(asym, 4.0), threshold_mm=3.0)
    assert m.start_mm == 4.0 and m.best_mm == pytest.approx(1.0)
    assert m.peak_day == 10 and m.first_visible_day == 3  # 25 % of the 3 mm improvement
    assert m.below_threshold_day == 4 and m.noticeable_again_day == 60
    assert m.worn_off_day == 78  # improvement < 0.3 mm from day 78 on (3 - 0.04 * 68 = 0.28)


def test_milestones_without_improvement():
    m = milestones(np.arange(10.0), np.full(10, 2.0), threshold_mm=3.0)
    assert not m.improves and m.peak_day is None and m.below_threshold_day == 0


def test_right_dao_milestones_match_the_clinic_course(right_dao):
    data = report_data(right_dao, n_samples=8)
    m = data.milestones
    assert 2 <= m.first_visible_day <= 7          # visible after 3-7 days
    assert 7 <= m.peak_day <= 28                  # best around 2 weeks
    assert 60 <= m.worn_off_day <= 180            # gone after 3-6 months
    assert m.start_mm > 3.0 > m.best_mm
    assert data.picture_days[0] == 0 and data.picture_days[1] == m.peak_day


def test_uncertainty_is_seeded_and_brackets_the_nominal_curve(right_dao):
    days = np.arange(0.0, 181.0, 2.0)
    a = bont_uncertainty(right_dao, days, n=12, seed=1)
    b = bont_uncertainty(right_dao, days, n=12, seed=1)
    assert np.array_equal(a.curves["asymmetry"], b.curves["asymmetry"])
    lo, hi = a.band("rest height")
    assert np.all(lo <= hi + 1e-12) and np.any(hi - lo > 0.2)
    assert "ed50_factor" in a.description and "10–90 %" in a.description


def test_assumptions_quote_their_sources():
    rows = {k: (v, c) for k, v, c in assumption_rows()}
    assert rows["bont.onset_delay_d"][0] == "2.0" and "BoNT-A pharmacodynamics" in rows["bont.onset_delay_d"][1]
    assert "CALIBRATED" in rows["bont.decline_tau_d"][1]
    assert rows["bont.ed50_u.buccinator"][1].startswith("ASSUMPTION")   # an entry's own source
    assert "ED50_U" in rows["bont.ed50_u.dao"][1]                         # the table's source
    assert rows["bont.spread.volume_exponent"][0] == "0.3333333333333333"
    assert "Hexsel" in rows["safety.placement.keep_out_mm"][1] and rows["threshold_mm.lay_detection"][0] == "3.0"
    assert all(source.strip() for _, _, source in assumption_rows())


def test_html_is_valid_with_pages_images_and_numbers(right_dao):
    data = report_data(right_dao, n_samples=6)
    images = {k: PNG_1PX for k in ("front", "three_quarter", "overlays", "timeline")}
    text = report_html(data, images)
    p = parse(text)
    assert text.startswith("<!DOCTYPE html>")
    assert {"html", "head", "body", "title", "table", "section", "h1", "h2"} <= set(p.tags)
    assert len(p.images) == 4 and all(i["src"].startswith("data:image/png;base64,") for i in p.images)
    assert all(base64.b64decode(i["src"].split(",", 1)[1]) == PNG_1PX for i in p.images)
    words = " ".join(" ".join(p.text).split())
    m = data.milestones
    assert f"around day {m.first_visible_day:.0f}" in words and f"around day {m.peak_day:.0f}" in words
    assert f"{m.start_mm:.2f}" in words and f"{m.worn_off_day:g}" in words
    assert "not a medical device" in words and "perfect symmetry" in words
    assert "confirm" in words and "instructions come first" in words and "in front of a mirror" in words
    assert "dao_right" in words and "3 U onabotulinumtoxinA" in words
    assert "clinical-parameters.md" in words
    assert "http" not in re.sub(r"data:image/png;base64,[^\"]+", "", text)  # nothing to fetch: opens offline


def test_html_escapes_what_it_is_given_and_leaves_out_missing_pictures(right_dao):
    data = report_data(right_dao, n_samples=2)
    plan = SimpleNamespace(recommendation="<script>alert(1)</script>", reason="fewest U & no side effects",
                           chosen=None, staged=None, samples=0)
    text = report_html(data, {"front": PNG_1PX}, plan)
    p = parse(text)
    # the only scripts are the viewer's data and code (facesim.view); what the report is given is escaped
    assert p.tags.count("script") == 2 and "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "fewest U &amp; no side effects" in text
    assert [i["alt"] for i in p.images] == ["before and after, front view"]
    assert environment() is environment()  # templates compiled once


def test_write_report_embeds_real_pictures(right_dao, tmp_path):
    path = write_report(right_dao, tmp_path / "r.html", n_samples=4)
    p = parse(path.read_text())
    assert len(p.images) == 4
    for img in p.images:
        png = base64.b64decode(img["src"].split(",", 1)[1])
        assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10_000
    assert [f.name for f in tmp_path.iterdir()] == ["r.html"]  # no temporary files left


def test_plan_file_replaces_the_planned_injections(tmp_path):
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps({"title": "low start", "injections": [
        {"site": "dao_right", "units": 2, "day": 0}, {"site": "dao_right", "units": 1, "day": 21}]}))
    sc = scenario_with_plan(SCENARIOS / "b_overtoned_dao_rest.toml", plan)
    assert [(s.units, s.day) for s in sc.planned_injections] == [(2.0, 0.0), (1.0, 21.0)]
    assert "low start" in sc.title and sc.patient.tone["dao_right"] == 10.0
    plan.write_text(json.dumps([{"site": "dao_rigth", "units": 2}]))
    with pytest.raises(InputError, match=r"plan\.json.*injection\[0\]"):
        scenario_with_plan(SCENARIOS / "b_overtoned_dao_rest.toml", plan)
    plan.write_text("{")
    with pytest.raises(InputError, match="not valid JSON"):
        load_plan(plan)
    plan.write_text(json.dumps({"shots": []}))
    with pytest.raises(InputError, match="unknown key"):
        load_plan(plan)


def test_the_planners_plan_json_is_a_plan_file(tmp_path):
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps({"patient": "p", "recommendation": "plan", "ranked": [], "chosen": {
        "sites": ["dao_right"], "shots": [{"site": "dao_right", "units": 1.0, "product_units": 2.5,
                                            "product": "abobotulinumtoxinA"}]}}))
    sc = scenario_with_plan(SCENARIOS / "b_overtoned_dao_rest.toml", plan)
    (shot,) = sc.planned_injections
    assert shot.site.name == "dao_right" and shot.units == 2.5 and shot.units_ona == pytest.approx(1.0)
    plan.write_text(json.dumps({"patient": "p", "recommendation": "no_injection", "chosen": None}))
    with pytest.raises(InputError, match="no injections"):
        load_plan(plan)


def test_a_wait_case_page_has_the_previous_toxin_options_and_no_injection_stages(coarse_model):
    """A previous injection and nothing new: the options after a previous toxin, not the stages after one."""
    from facesim.scenario.case import parse_scenario

    sc = parse_scenario({"history": {"previous_injection": [{"day": -21, "site": "dao_right", "units": 4.0}]}}, "wait")
    text = report_html(report_data(ScenarioSimulation(coarse_model, sc), n_samples=2), {})
    assert "If a previous toxin treatment caused the difference" in text and "Wait it out" in text
    assert "limited" in text and "Day 0 to 3" not in text
