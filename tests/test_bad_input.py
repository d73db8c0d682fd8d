"""Bad input is one line naming the field and the fix, exit code 2, no traceback, nothing written (issue 14).

Each row is one of the issue's reproducers: the command line and words the one line must hold.
"""

import numpy as np
import pytest
from typer.testing import CliRunner

from facesim_cli.main import app

runner = CliRunner()
CASE = '[patient]\nmesh = "builtin"\nvertices = 3000\n'
DATA = __import__("pathlib").Path(__file__).parent / "data"
REST, SMILE = str(DATA / "rest_emotrics.txt"), str(DATA / "smile_emotrics.txt")


@pytest.fixture
def files(tmp_path):
    (tmp_path / "ok.toml").write_text(CASE)
    (tmp_path / "nonutf.toml").write_bytes(b"\xff\xfe[patient]\n")
    (tmp_path / "deep.toml").write_text("a = " + "[" * 5000 + "]" * 5000 + "\n")
    (tmp_path / "big.json").write_text('{"pupil_left": [' + "9" * 5000 + ', 0]}')
    (tmp_path / "bad.ply").write_text("garbage")
    (tmp_path / "bad.landmarks.json").write_text('{"landmarks": {"a": {"x": 1}}}')
    (tmp_path / "mesh.toml").write_text('[patient]\nmesh = "bad.ply"\n')
    return tmp_path


ROWS = [
    (["simulate", "{t}/nonutf.toml"], "not UTF-8"),
    (["simulate", "{t}/deep.toml"], "nested too deeply"),
    (["simulate", "{t}/" + "a" * 300 + ".toml"], "File name too long"),
    (["simulate", "{t}/ok.toml", "--out", "{t}/" + "b" * 300], "longer than the system holds"),
    (["simulate", "{t}/mesh.toml"], "not a readable mesh"),
    (["simulate", "{t}/ok.toml", "--days", "nan"], "outside days -730 to 730"),
    (["simulate", "{t}/ok.toml", "--days", "inf"], "outside days -730 to 730"),
    (["simulate", "{t}/ok.toml", "--days", "-5,2000"], "outside days -730 to 730"),
    (["simulate", "{t}/ok.toml", "--vertices", "100000000000"], "--vertices"),
    (["plan", "{t}/ok.toml", "--seed", "-1"], "--seed"),
    (["plan", "{t}/ok.toml", "--step", "inf"], "--step"),
    (["plan", "{t}/ok.toml", "--step", "1e-9"], "--step"),
    (["plan", "{t}/ok.toml", "--samples", "100000000"], "--samples"),
    (["plan", "{t}/ok.toml", "--max-site-units", "0.25"], "no candidate site"),
    (["plan", "{t}/ok.toml", "--out", "/proc/nope"], "cannot write in /proc"),
    (["plan", "{t}/ok.toml", "--out", "/dev/null"], "not a folder"),
    (["assess", "--rest", REST, "--smile", SMILE, "--history", "{t}"], "not a regular file"),
    (["assess", "--rest", REST, "--smile", SMILE, "--history", "{t}/nope.toml"], "no such TOML file"),
    (["assess", "--rest", "/dev/zero", "--smile", SMILE], "not a regular file"),
    (["assess", "--rest", "{t}/big.json", "--smile", SMILE], "not a landmark file"),
    (["assess", "--rest", REST, "--smile", SMILE, "--scale-mm-per-px", "1e-9"], "inter-pupillary distance"),
    (["demo", "--out", "{t}/demo.txt"], "end the name in .png"),
    (["mesh", "export-builtin", "--out", "{t}/y.foo"], "end the name in .ply"),
]


@pytest.mark.parametrize("args, words", ROWS, ids=[f"{a[0]} {w}" for a, w in ROWS])
def test_each_reproducer_is_one_clean_line(files, args, words):
    before = sorted(p.name for p in files.iterdir())
    r = runner.invoke(app, [a.format(t=files) for a in args])
    assert r.exit_code == 2, r.output
    assert r.exception is None or isinstance(r.exception, SystemExit)  # no traceback
    assert len(r.output.strip().splitlines()) == 1 and words in r.output
    assert sorted(p.name for p in files.iterdir()) == before  # nothing written


def _face(transform):
    """A plausible face in mm (facesim frame) as an iBUG text, changed by ``transform``."""
    from facesim.assessment.landmark_writing import ibug_from_named
    from facesim.assessment.patient_fit import simulated_landmarks
    from facesim.anatomy.patient import Patient
    from facesim.tissue.model import FaceModel

    named = simulated_landmarks(FaceModel.builtin(n_vertices=2000), Patient(), "rest")
    ibug = transform(ibug_from_named(named))
    return "# units: mm\n# frame: facesim\n" + "\n".join(" ".join(f"{v:.4f}" for v in row) for row in ibug) + "\n"


@pytest.mark.parametrize("name, transform, words", [
    ("upside down", lambda p: p * np.array([1.0, -1.0, 1.0]), "not below the eyes"),
    ("corners swapped", lambda p: np.where(np.isin(np.arange(68), [48, 54])[:, None], p[[54 if i == 48 else 48 if i == 54 else i for i in range(68)]], p), "wrong sides"),
    ("a corner far away", lambda p: np.where((np.arange(68) == 48)[:, None], p + np.array([0, -1e9, 0]), p), "a face is smaller"),
    ("ten times too big", lambda p: p * 10.0, "inter-pupillary distance"),
    # found by the fuzz suite: a lower-lip point swapped with a jaw point gave a 77 mm lower-lip deviation
    ("lower lip swapped with the jaw", lambda p: p[[4 if i == 56 else 56 if i == 4 else i for i in range(68)]],
     "lower_lip_left lies outside the mouth"),
])
def test_landmarks_that_are_not_a_face_are_refused(tmp_path, name, transform, words):
    from facesim.assessment.landmark_input import read_landmarks
    from facesim.errors import InputError

    f = tmp_path / "face.txt"
    f.write_text(_face(transform))
    with pytest.raises(InputError, match=words):
        read_landmarks(f)


@pytest.mark.parametrize("data, words", [
    ({"injection": [{"site": "dao_right", "units": 5.0}] * 10}, "per-site maximum"),  # 50 U in ten entries
    ({"patient": {"tone": {"dao_right": 1e6}}}, "patient.tone.dao_right"),
    ({"patient": {"strength": {"dli_right": 1e3}}}, "patient.strength.dli_right"),
    ({"patient": {"static": {"jaw_shift_mm": [1e300, 0, 0]}}}, "jaw_shift_mm[0]"),
    ({"corner_lift": [{"side": "left", "lift_mm": 2.0}] * 3}, "corner_lift"),
    ({"corner_lift": [{"side": "left", "lift_mm": 2.0}] * 2}, "one corner_lift per side"),
    ({"exercise": [{"muscles": "zygomaticus_major_right"}] * 21}, "exercise"),
    ({"history": {"previous_injection": [{"day": -10, "site": "dao_right", "units": "3"}]}}, "units"),
    ({"history": {"previous_injection": [{"day": -10, "site": "dao_right", "units": 1e6}]}}, "units"),
    ({"history": {"previous_injection": [{"day": -10, "site": "dao_right", "units": 3, "colour": 1}]}}, "colour"),
    ({"followup": {"days": [0, 1e400]}}, "followup.days"),
])
def test_nonsense_in_a_scenario_is_refused(data, words):
    from facesim.errors import InputError
    from facesim.scenario.case import parse_scenario

    with pytest.raises(InputError, match=__import__("re").escape(words)):
        parse_scenario(data, "case.toml")


def test_a_file_that_appears_while_a_run_works_is_not_replaced(tmp_path):
    """Two runs writing to one place without --force: the second to finish refuses instead of replacing."""
    from facesim.errors import OutputExistsError
    from facesim.outputs import check_outputs, write_files

    a, b = tmp_path / "timeline.json", tmp_path / "timeline.csv"
    targets = check_outputs([a, b], force=False)  # this run checked: both absent
    a.write_text('{"other": "run"}')  # another run finishes first
    with pytest.raises(OutputExistsError, match="appeared while this run worked"):
        write_files(targets, [{"x": 1}, [{"day": 0}]])
    assert a.read_text() == '{"other": "run"}' and not b.exists()
    again = check_outputs([a, b], force=True)
    write_files(again, [{"x": 1}, [{"day": 0}]])
    assert '"x": 1' in a.read_text() and b.exists()
