"""Scenario files: parsed once into frozen dataclasses; one clear message per problem."""

import dataclasses

import pytest

from facesim.errors import InputError
from facesim.scenario.case import DEFAULT_DAYS, load_scenario, parse_scenario
from facesim.scenario.names import landmark_offset_xyz

GOOD = """
title = "t"
[patient]
sex = "male"
vertices = 3000
[patient.strength]
zygomaticus_major_left = 1.3
[patient.tone]
dao_right = 8.0
[patient.static]
jaw_shift_mm = [2.0, 0.0, 0.0]
[history]
chewing_side = "right"
[[history.previous_injection]]
day = -30
site = "dao_left"
units = 2.0
[[injection]]
site = "dao_right"
units = 3.0
dilution_ml_per_100u = 2.0
[[injection]]
landmark = "cheilion_right"
offset_mm = [4.0, -20.0, 0.0]
units = 5.0
product = "dysport"
volume_ml = 0.1
day = 14
[[filler]]
site = "cheilion_right"
offset_mm = [2.0, -5.0, 0.0]
volume_ml = 0.5
[[exercise]]
muscles = ["zygomaticus_major_right"]
[[habit_correction]]
muscles = ["dao_right"]
[[corner_lift]]
side = "left"
lift_mm = 1.0
[followup]
days = [14, 0, 7]
expressions = ["smile"]
"""


def write(tmp_path, text, name="case.toml"):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_good_file_parses_into_frozen_dataclasses(tmp_path):
    s = load_scenario(write(tmp_path, GOOD))
    assert s.patient.sex == "male" and s.patient.vertices == 3000
    assert s.patient.tone["dao_right"] == 8.0 and s.patient.jaw_shift_mm == (2.0, 0.0, 0.0)
    prev, planned, abo = s.injections
    assert prev.previous and prev.day == -30 and not planned.previous
    assert planned.volume_ml == pytest.approx(0.06)                 # 3 U at 2 mL / 100 U
    assert abo.product == "abobotulinumtoxinA" and abo.units_ona == pytest.approx(2.0)
    assert abo.site.offset_xyz_mm == (-4.0, -20.0, 0.0)             # lateral on the right is -x
    assert s.fillers[0].offset_mm == (-2.0, -5.0, 0.0)
    assert s.habit_corrections[0].initial_tone == 8.0                # the patient's habit tone
    assert s.days == (0.0, 7.0, 14.0) and s.expressions == ("rest", "smile")
    assert any("toxin does not change it" in f for f in s.flags)
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.title = "x"


def test_defaults(tmp_path):
    s = load_scenario(write(tmp_path, "[patient]\n"))
    assert s.days == DEFAULT_DAYS and s.injections == () and s.flags == []


def test_offsets_mirror_per_side():
    assert landmark_offset_xyz("cheilion_left", (3, 1, 0)) == (3, 1, 0)
    assert landmark_offset_xyz("cheilion_right", (3, 1, 0)) == (-3, 1, 0)


def test_red_flags_are_flagged(tmp_path):
    s = load_scenario(write(tmp_path, "[history]\nsudden_onset = true\n"))
    assert any("Refer before any cosmetic treatment: See a doctor within days" in f for f in s.flags)


BAD = [
    # (what to add, words the message must contain)
    ('[patient.strength]\nzygomaticus_majr_left = 1.2\n', ["patient.strength", "zygomaticus_major_left"]),
    ('[patient.tone]\ndao_rigth = 2.0\n', ["patient.tone", "dao_right"]),
    ('[[injection]]\nsite = "dao_right"\nunits = 2\nproduct = "botoxx"\n', ["injection[0].product", "botox"]),
    ('[[injection]]\nsite = "dao_right"\nunits = 0\n', ["injection[0].units", "> 0"]),
    ('[[injection]]\nsite = "dao_right"\nunits = -1\n', ["injection[0].units"]),
    ('[[injection]]\nsite = "dao_right"\nunits = 2\nday = -3\n', ["injection[0].day", "previous_injection"]),
    ('[[injection]]\nlandmark = "chelion_right"\nunits = 2\n', ["injection[0].landmark", "cheilion_right"]),
    ('[[injection]]\nsite = "dao_right"\nunits = 8\n', ["injection[0].units", "maximum", "allow_high_dose"]),
    ('[[injection]]\nsite = "dao_rihgt"\nunits = 2\n', ["injection[0].site", "dao_right"]),
    ('[[injection]]\nsite = "dao_right"\nunits = 2\ndepth = "medium"\n', ["injection[0].depth"]),
    ('[[injection]]\nsite = "dao_right"\nunits = 2\nunit = 3\n', ["injection[0].unit", "units"]),
    ('[[injection]]\nunits = 2\n', ["injection[0]", "site"]),
    ('[[filler]]\nsite = "cheilion_right"\nvolume_ml = 9.0\n', ["filler[0]", "maximum"]),
    ('[[filler]]\nsite = "cheilon_right"\nvolume_ml = 0.5\n', ["filler[0].site", "cheilion_right"]),
    ('[[exercise]]\nmuscles = ["zygomatic_right"]\n', ["exercise[0].muscles", "unknown muscle"]),
    ('[[corner_lift]]\nside = "rigth"\nlift_mm = 2\n', ["corner_lift[0].side", "right"]),
    ('[[habit_correction]]\nmuscles = ["masseter_right"]\n', ["habit_correction[0]", "patient.tone"]),
    ('[history]\nsudden_onset = "yes"\n', ["history.sudden_onset", "true or false"]),
    ('[[history.previous_injection]]\nday = -20\nsite = "nowhere"\nunits = 2\n', ["previous_injection[0].site"]),
    ('[followup]\nexpressions = ["smiel"]\n', ["followup.expressions", "smile"]),
    ('[followup]\ndays = "soon"\n', ["followup.days"]),
    ('[patient]\nsex = "f"\n', ["patient.sex", "female"]),
    ('[patient]\nmesh = "scan.obj"\n', ["patient.mesh", "builtin"]),
    ('tittle = "x"\n', ["tittle", "title"]),
]


@pytest.mark.parametrize("text, words", BAD, ids=[b[1][0] for b in BAD])
def test_each_problem_gives_one_message_naming_file_key_and_fix(tmp_path, text, words):
    path = write(tmp_path, text)
    with pytest.raises(InputError) as info:
        load_scenario(path)
    message = str(info.value)
    assert message.startswith(str(path)), message
    assert "\n" not in message
    for w in words:
        assert w in message, (w, message)


def test_high_dose_allowed_with_a_warning(tmp_path):
    text = '[[injection]]\nsite = "dao_right"\nunits = 8\n'
    s = load_scenario(write(tmp_path, text), allow_high_dose=True)
    assert len(s.warnings) == 1 and "per-site maximum" in s.warnings[0]
    s2 = load_scenario(write(tmp_path, "allow_high_dose = true\n" + text, "b.toml"))
    assert s2.allow_high_dose and s2.warnings


def test_not_toml_and_missing_file(tmp_path):
    with pytest.raises(InputError, match="not valid TOML"):
        load_scenario(write(tmp_path, "title = \n"))
    with pytest.raises(InputError, match="no such scenario file"):
        load_scenario(tmp_path / "nope.toml")


def test_parse_scenario_accepts_a_dict():
    s = parse_scenario({"injection": [{"site": "mentalis_left", "units": 4}]}, "inline")
    assert s.injections[0].site.name == "mentalis_left" and s.title == "inline"
