"""Each muscle's line of action follows the anatomy, on the built-in face and on the ICT face."""

from pathlib import Path

import numpy as np
import pytest

from facesim.tissue.model import FaceModel
from facesim.tissue.muscle_motion import muscle_motions

ICT = Path(__file__).resolve().parents[1].parent / "shared" / "ict-facekit"  # skipped when absent


def by_muscle(model, side="left"):
    return {m.muscle_id.rsplit("_", 1)[0]: m for m in muscle_motions(model, side)}


def assert_lines_of_action(model):
    m = by_muscle(model)
    assert 50.0 < m["zygomaticus_major"].angle_deg < 65.0  # up and out
    ris = m["risorius"]  # laterally and somewhat down, toward the masseteric fascia
    assert -25.0 < ris.angle_deg < -3.0 and ris.motion_mm[0] > 1.0
    buc = m["buccinator"]  # backward: the posterior motion dominates, and it presses the cheek back
    assert buc.motion_mm[2] < -2.0 * abs(buc.motion_mm[0]) and abs(buc.motion_mm[1]) < 0.2 * abs(buc.motion_mm[2])
    assert buc.cheek_anterior_mm == min(x.cheek_anterior_mm for x in m.values()) < 0.0  # the most of any muscle
    dao = m["dao"]  # down and slightly lateral
    assert -85.0 < dao.angle_deg < -60.0 and dao.motion_mm[0] > 0
    dli = m["dli"]  # the lower lip down and lateral
    assert dli.landmark == "lower_lip_left" and -88.0 < dli.angle_deg < -60.0 and dli.motion_mm[0] > 0


def test_lines_of_action_on_the_builtin_face(model):
    assert_lines_of_action(model)


def test_motions_mirror_between_sides(coarse_model):
    left, right = by_muscle(coarse_model, "left"), by_muscle(coarse_model, "right")
    for name, m in left.items():
        np.testing.assert_allclose(m.motion_mm, right[name].motion_mm, atol=1e-9)
        assert m.angle_deg == pytest.approx(right[name].angle_deg, abs=1e-6)


@pytest.mark.skipif(not (ICT / "generic_neutral_mesh.obj").is_file(), reason="no ../shared/ict-facekit")
def test_lines_of_action_on_the_ict_face_and_its_facs_shapes():
    from facesim.scan.ict import expression_field, import_ict
    from facesim.tissue.muscle_motion import frontal_motion

    result = import_ict(ICT)
    model = FaceModel(result.face)
    assert_lines_of_action(model)
    m = by_muscle(model)
    for muscle, shape in (("zygomaticus_major", "mouthSmile_L"), ("dao", "mouthFrown_L"), ("dli", "mouthLowerDown_L")):
        target = frontal_motion(model, expression_field(ICT, shape, result), m[muscle].landmark, "left")[0]
        own = m[muscle].motion_mm
        assert own @ target / (np.linalg.norm(own) * np.linalg.norm(target)) > 0.95, (muscle, shape)


def test_the_tool_prints_the_table(tmp_path, capsys):
    import importlib.util

    spec = importlib.util.spec_from_file_location("muscle_motion_tool", Path(__file__).resolve().parents[1]
                                                  / "tools" / "muscle_motion.py")
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    tool.main(["--vertices", "3000", "--ict", str(tmp_path)])
    out = capsys.readouterr().out
    assert "risorius_left" in out and "lower_lip_left" in out
    assert "default smile: before" in out and "ICT face:" in out and "skipped" in out


def expression_sizes(model) -> dict[str, float]:
    """Frontal motion (mm) of the default smile and frown at the left commissure and of lower-lip-down at the
    left lower-lip point, against rest."""
    from facesim.metrics import frontal_coordinates
    from facesim.scenario.case import parse_scenario
    from facesim.simulation.timeline import ScenarioSimulation

    tl = ScenarioSimulation(model, parse_scenario({"patient": {}}, "sizes")).timeline(
        [0.0], ("smile", "frown", "lower_lip_down"))
    rest = frontal_coordinates(tl.landmarks["rest"])[0]
    size = {e: frontal_coordinates(tl.landmarks[e])[0] - rest for e in ("smile", "frown", "lower_lip_down")}
    return {"smile": float(np.linalg.norm(size["smile"][2])), "frown": float(np.linalg.norm(size["frown"][2])),
            "lower_lip_down": float(np.linalg.norm(size["lower_lip_down"][4]))}


@pytest.mark.skipif(not (ICT / "generic_neutral_mesh.obj").is_file(), reason="no ../shared/ict-facekit")
def test_frown_and_lower_lip_down_are_the_ict_shapes_share_of_the_smile(coarse_model):
    """expressions.toml sizes the frown and lower-lip-down as the same share of the ICT-FaceKit's full shapes as
    the default smile: frown / smile and lower-lip-down / smile match the scan's ratios (within 10 %) on the
    built-in face and on the ICT face itself."""
    from facesim.scan.ict import expression_field, import_ict
    from facesim.tissue.muscle_motion import frontal_motion

    result = import_ict(ICT)
    ict_model = FaceModel(result.face)
    full = {shape: frontal_motion(ict_model, expression_field(ICT, f"{shape}_L", result), landmark, "left")[1]
            for shape, landmark in (("mouthSmile", "cheilion_left"), ("mouthFrown", "cheilion_left"),
                                    ("mouthLowerDown", "lower_lip_left"))}
    for model in (coarse_model, ict_model):
        sizes = expression_sizes(model)
        assert sizes["frown"] / sizes["smile"] == pytest.approx(full["mouthFrown"] / full["mouthSmile"], rel=0.1)
        assert sizes["lower_lip_down"] / sizes["smile"] == pytest.approx(
            full["mouthLowerDown"] / full["mouthSmile"], rel=0.1)
