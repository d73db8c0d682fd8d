"""The data layer: every bundled file validates, mistakes are one line, sources are data, thresholds are read."""

from importlib import resources
from pathlib import Path

import pytest

from facesim.datafiles import bundled, load_data, read_toml, validate
from facesim.datafiles.base import Sourced
from facesim.datafiles.treatment import ProductsFile
from facesim.errors import DataError
from facesim.metrics import verdict
from facesim.planning.planner import PlannerSettings
from facesim.scenario.case import parse_scenario
from facesim.simulation.timeline import ScenarioSimulation
from facesim.treatment.bont import site_dose

DATA = Path(str(resources.files("facesim") / "data"))


def tables(node, path=""):
    """Every Sourced table below a model, with its key path."""
    if isinstance(node, Sourced):
        yield path, node
    fields = type(node).model_fields if hasattr(type(node), "model_fields") else {}
    for name in fields:
        value = getattr(node, name)
        children = value.items() if hasattr(value, "items") else enumerate(value) if isinstance(value, tuple) else ()
        for key, child in [(name, value), *((f"{name}.{k}", v) for k, v in children)]:
            if hasattr(type(child), "model_fields") and child is not node:
                yield from tables(child, f"{path}.{key}".lstrip("."))


def test_every_bundled_file_has_a_loader_and_loads():
    assert {p.stem for p in DATA.glob("*.toml")} == set(bundled.KINDS)
    for kind in bundled.KINDS:
        model = getattr(bundled, kind)()
        assert model is getattr(bundled, kind)()  # parsed once
        assert type(model) is bundled.KINDS[kind]


def test_models_are_frozen():
    with pytest.raises(Exception):
        bundled.safety().placement.keep_out_mm = 1.0
    with pytest.raises(TypeError):
        bundled.products().bont.ed50_u["dao"] = 9.0


def test_every_clinical_value_has_a_source():
    count = 0
    for kind in bundled.KINDS:
        for path, table in tables(getattr(bundled, kind)()):
            for key, value, source in table.sourced_values():
                assert source.strip(), f"{kind}.toml [{path}] {key}"
                count += 1
    assert count > 200
    b = bundled.products().bont
    assert b.source_of("ed50_u.buccinator").startswith("ASSUMPTION")
    assert "ED50_U" in b.source_of("ed50_u.dao") and "Carruthers" in b.source_of("sex_dose_factor")
    assert "Hexsel" in bundled.safety().placement.source_of("keep_out_mm")


def copy_with(tmp_path, name: str, old: str, new: str) -> Path:
    """``facesim/data/<name>.toml`` copied to tmp_path with one exact text replaced."""
    text = (DATA / f"{name}.toml").read_text()
    assert text.count(old) == 1, old
    path = tmp_path / f"{name}.toml"
    path.write_text(text.replace(old, new))
    return path


def one_line_error(kind: str, path: Path) -> str:
    with pytest.raises(DataError) as info:
        load_data(kind, path)
    message = str(info.value)
    assert "\n" not in message and "pydantic" not in message.lower() and "validation error" not in message.lower()
    assert message.startswith(f"{path}: ")
    return message.removeprefix(f"{path}: ")


@pytest.mark.parametrize("kind, old, new, expected", [
    ("products", "emax = 0.9\n", "emaxx = 0.9\n", "[bont] emaxx: unknown key; did you mean 'emax'?"),
    ("products", "decline_tau_d = 52.0\n", "", "[bont] decline_tau_d: field required; add it with a number in days"),
    ("products", "[bont.ed50_u]\n", "[bont.ed50_uu]\n", "[bont] ed50_uu: unknown key; did you mean 'ed50_u'?"),
    ("products", "hill_n = 1.5\n", 'hill_n = "1.5"\n',
     "[bont] hill_n: expected a number, got '1.5'; write a number"),
    ("products", "sigma_ref_mm = 4.0\n", "sigma_ref_mm = -4.0\n",
     "[bont.spread] sigma_ref_mm: expected a number > 0, got -4.0; write a number in mm"),
    ("safety", "keep_out_mm = 15.0\n", "", "[placement] keep_out_mm: field required; add it with a number in mm"),
    ("safety", "max_sites = 2\n", "max_sites = 2.0\n", "[dose] max_sites: expected a whole number, got 2.0"),
    ("perception", "lay_detection = 3.0\n", "lay_detection = true\n",
     "[threshold_mm] lay_detection: expected a number, got True; write a number in mm"),
    ("uncertainty", "emax = [0.80, 0.99]\n", "emax = [0.99, 0.80]\n",
     "[uncertainty] emax: expected [low, high] with low <= high, got [0.99, 0.8]"),
    ("anatomy", 'label = "orbicularis oris (half)"\nkind = "sphincter"',
     'label = "orbicularis oris (half)"\nkind = "x"',
     "[muscle[8] (orbicularis_oris)] kind: Input should be 'linear' or 'sphincter', got 'x'"),
    ("sites", 'depth = "deep"             # DLI', 'depth = "deeep"            # DLI',
     "[site.dli] depth: Input should be 'superficial' or 'deep', got 'deeep'"),
    ("sites", "offset_mm = [4.0, -15.0, 0.0]", "offset_mm = [4.0, -15.0]",
     "[site.dli] offset_mm: too few values; write a list of 3 numbers in mm"),
    ("training", "diagnosis = 10\n", "diagnosis = 11\n", "[score]: the parts diagnosis, path, balance_peak"),
])
def test_a_mistake_is_one_line_naming_file_key_and_fix(tmp_path, kind, old, new, expected):
    message = one_line_error(kind, copy_with(tmp_path, kind, old, new))
    assert message.startswith(expected), message


def test_a_missing_table_names_its_unit():
    data = read_toml(DATA / "products.toml")
    del data["bont"]["ed50_u"]
    with pytest.raises(DataError) as info:
        validate(ProductsFile, data, "facesim/data/products.toml")
    assert str(info.value) == ("facesim/data/products.toml: [bont] ed50_u: field required; "
                               "add it with a table of numbers in U")


def test_a_value_without_a_source_is_refused(tmp_path):
    path = copy_with(tmp_path, "products", "rise_tau_d = '\"BoNT-A pharmacodynamics\": ~85-95 % of peak by 10-14 d "
                     "(range 2-5)'\n", "")
    assert one_line_error("products", path).startswith("[bont]: rise_tau_d has no source; add rise_tau_d = ")
    path = copy_with(tmp_path, "safety", "[placement.sources]\nkeep_out_mm", "[placement.sources]\nkeep_outmm")
    assert one_line_error("safety", path).startswith(
        "[placement]: sources.keep_outmm: no such value; did you mean 'keep_out_mm'?")


def test_files_that_are_not_toml_or_not_utf8(tmp_path):
    path = tmp_path / "products.toml"
    path.write_bytes((DATA / "products.toml").read_bytes() + b"\n# caf\xe9\n")
    assert "not UTF-8" in one_line_error("products", path)
    path.write_text("[bont\n")
    assert "not valid TOML" in one_line_error("products", path)
    bad = tmp_path / "scenario.toml"
    bad.write_bytes(b"title = 'caf\xe9'\n")
    with pytest.raises(DataError, match=r"scenario\.toml: not UTF-8 text \(invalid .* at byte 12\); save it as UTF-8"):
        read_toml(bad)


# --- thresholds are read from the data files --------------------------------------------------------


def edited(tmp_path, monkeypatch, kind: str, old: str, new: str):
    """Make ``bundled.<kind>()`` return an edited copy of the bundled file."""
    model = load_data(kind, copy_with(tmp_path, kind, old, new))
    monkeypatch.setattr(bundled, kind, lambda: model)
    return model


def test_planner_limits_come_from_safety_and_perception(tmp_path, monkeypatch):
    edited(tmp_path, monkeypatch, "safety", "max_total_u = 20.0", "max_total_u = 12.5")
    s = PlannerSettings.default()
    assert (s.max_total_u, s.max_sites, s.side_effect_loss, s.overcorrection_mm) == (12.5, 2, 0.3, 2.0)
    assert s.threshold_mm == bundled.noticeable_mm() == 3.0
    edited(tmp_path, monkeypatch, "perception", "lay_detection = 3.0", "lay_detection = 3.5")
    assert PlannerSettings.default().threshold_mm == 3.5 and verdict(3.2) == "noticeable to a trained eye"


def test_per_site_maximum_comes_from_safety(tmp_path, monkeypatch):
    assert site_dose("dao_right") == ((2.0, 4.0), 5.0)
    edited(tmp_path, monkeypatch, "safety", "dao = 5.0", "dao = 6.5")
    assert site_dose("dao_left") == ((2.0, 4.0), 6.5)


def test_timeline_safety_warnings_use_safety_toml(coarse_model, tmp_path, monkeypatch):
    scenario = parse_scenario({"injection": [{"site": "dao_right", "units": 3.0}]}, "test.toml")

    def warnings():
        return ScenarioSimulation(coarse_model, scenario).warnings

    assert not any("commissure" in w for w in warnings())  # the DAO site is 25 mm from the corner
    edited(tmp_path, monkeypatch, "safety", "keep_out_mm = 15.0", "keep_out_mm = 40.0")
    assert any("keep perioral toxin >= 40 mm away" in w for w in warnings())
