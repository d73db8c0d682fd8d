"""Pictures: non-blank, change where the face changed, on the patient's treated side."""

from pathlib import Path

import numpy as np
import pytest

from facesim.errors import InputError
from facesim.scenario.case import load_scenario
from facesim.simulation.timeline import ScenarioSimulation

from facesim.render import render_panels
from facesim.render.animation import month_days, render_frames, write_gif
from facesim.render.timeline_plot import plot_timeline, treatment_marks
from facesim.render.views import (before_after_panels, check_choices, face_panel, render_before_after, render_views,
                                  treated_side, view_azimuth)

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"
PANEL = (400, 440)


def read_png(path) -> np.ndarray:
    import matplotlib.image

    return (np.asarray(matplotlib.image.imread(str(path)))[..., :3] * 255).astype(float)


@pytest.fixture(scope="module")
def right_dao(coarse_model):
    """Over-toned right DAO treated with 3 U in the right DAO only."""
    return ScenarioSimulation(coarse_model, load_scenario(SCENARIOS / "b_overtoned_dao_rest.toml"))


def render_one(sim, path, day, expression="rest", **kw):
    panel = face_panel(sim, day, expression, title="", **kw)
    render_panels(sim.model.face, [panel], path, panel_size=PANEL)
    return read_png(path)


def face_box(face, image_shape, part):
    """Rows of the image covering a horizontal band of the face (frontal, parallel camera)."""
    h = image_shape[0]
    v = face.vertices
    centre_y, span = v[:, 1].mean(), np.ptp(v[:, 1])
    half = 0.56 * max(span, (np.ptp(v[:, 0]) + 30.0) * PANEL[1] / PANEL[0])

    def row(y):
        return int(round((0.5 - (y - centre_y) / (2 * half)) * h))

    mouth = face.landmark_position("stomion")[1]
    bands = {"mouth": (mouth + 15.0, mouth - 25.0), "forehead": (v[:, 1].max() - 5.0, v[:, 1].max() - 40.0)}
    top, bottom = bands[part]
    return slice(row(top), row(bottom))


def test_before_after_picture_is_written_and_not_blank(right_dao, tmp_path):
    path = render_before_after(right_dao, tmp_path / "ba.png", [0, 14], view="front",
                               overlays=("landmarks", "muscles", "injections"), panel_size=PANEL)
    img = read_png(path)
    assert img.shape == (2 * PANEL[1], 2 * PANEL[0], 3)
    assert img.std() > 20  # a face on white, not an empty frame
    assert (np.abs(img - 255).sum(-1) > 30).mean() > 0.2  # a good part of it is not background


def test_treatment_changes_the_mouth_not_the_forehead(right_dao, tmp_path):
    before = render_one(right_dao, tmp_path / "before.png", 0.0)
    after = render_one(right_dao, tmp_path / "after.png", 14.0)
    diff = np.abs(after - before).sum(-1)
    face = right_dao.model.face
    mouth, forehead = diff[face_box(face, diff.shape, "mouth")], diff[face_box(face, diff.shape, "forehead")]
    assert (mouth > 30).sum() > 100
    assert (forehead > 30).sum() <= 5


def test_right_side_treatment_changes_the_viewers_left_half(right_dao, tmp_path):
    before = render_one(right_dao, tmp_path / "before.png", 0.0)
    after = render_one(right_dao, tmp_path / "after.png", 14.0)
    changed = np.abs(after - before).sum(-1) > 30
    half = changed.shape[1] // 2
    viewer_left, viewer_right = changed[:, :half].sum(), changed[:, half:].sum()
    assert viewer_left > 100  # the patient's right is on the viewer's left
    assert viewer_right < 0.2 * viewer_left


def test_heat_overlay_is_zero_before_and_largest_at_the_treated_corner(right_dao):
    panels = before_after_panels(right_dao, [0, 14], ("rest",), "front", ("heat",))
    assert np.all(panels[0].heat == 0)
    face = right_dao.model.face
    top = np.argmax(panels[1].heat)
    assert face.vertices[top, 0] < 0  # x < 0: the patient's right
    assert panels[1].heat[face.landmark_index("cheilion_right")] > 5 * panels[1].heat[face.landmark_index("cheilion_left")]


def test_muscle_bands_show_the_weakened_dao_and_injections_their_dose(right_dao):
    panel = face_panel(right_dao, 14.0, "rest", overlays=("muscles", "injections"))
    ids = right_dao.model.muscle_ids
    g = right_dao.force_factor([14.0])[0]
    weakest = min(panel.bands, key=lambda b: b.remaining)
    assert weakest.remaining == pytest.approx(g[ids.index("dao_right")])
    assert weakest.points[:, 0].mean() < 0
    (mark,) = panel.injections
    assert mark.units == pytest.approx(3.0) and 2.0 < mark.spread_mm < 8.0
    assert face_panel(right_dao, 14.0, "rest", overlays=("injections",)).injections
    assert not face_panel(right_dao, 0.0, "rest", overlays=()).injections


def test_three_quarter_view_turns_toward_the_treated_side(right_dao):
    assert treated_side(right_dao) == "right"
    assert view_azimuth(right_dao, "three-quarter") < 0 < view_azimuth(right_dao, "three-quarter-left")
    assert view_azimuth(right_dao, "front") == 0


def test_views_from_one_scene_equal_their_own_renders(right_dao, tmp_path):
    """The report and `render --views` turn one scene per view: each picture equals a render of its own."""
    shared = render_views(right_dao, {"front": tmp_path / "f.png", "three-quarter": tmp_path / "t.png"}, [0, 14],
                          ("rest",), ("landmarks",), panel_size=PANEL)
    for view, path in zip(("front", "three-quarter"), shared):
        own = render_before_after(right_dao, tmp_path / f"own-{view}.png", [0, 14], ("rest",), view, ("landmarks",),
                                  panel_size=PANEL)
        assert np.abs(read_png(path) - read_png(own)).max() <= 1.0, view
    assert np.abs(read_png(shared[0]) - read_png(shared[1])).mean() > 5  # the turned view is another picture


def test_bad_choices_are_input_errors(right_dao):
    with pytest.raises(InputError, match="--overlay"):
        check_choices(["heat", "glow"], ("heat",), "--overlay")
    with pytest.raises(InputError, match="--views"):
        view_azimuth(right_dao, "profile")


def test_timeline_plot_is_written(right_dao, tmp_path):
    path = plot_timeline(right_dao, tmp_path / "t.png", days=np.arange(0.0, 181.0, 3.0))
    img = read_png(path)
    assert img.shape[0] > 400 and img.std() > 10
    assert treatment_marks(right_dao.scenario) == [(0.0, "3 U dao_right")]


def test_animation_frames_change_and_the_gif_is_written(right_dao, tmp_path):
    seen = []
    frames = render_frames(right_dao, "rest-smile", "front", 14.0, progress=lambda k, n: seen.append((k, n)))
    assert seen[-1] == (len(frames), len(frames))
    assert np.abs(frames[0].astype(int) - frames[14].astype(int)).sum() > 0
    path = write_gif(tmp_path / "a.gif", frames[:6])
    import PIL.Image

    with PIL.Image.open(path) as gif:
        assert gif.n_frames >= 2 and gif.size == (frames[0].shape[1], frames[0].shape[0])
    assert list(month_days(20, 10, extra=[3])) == [0, 3, 10, 20]
