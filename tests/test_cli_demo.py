import numpy as np
from typer.testing import CliRunner

from facesim import __version__
from facesim_cli.main import app

runner = CliRunner()


def test_version_and_help():
    assert __version__ in runner.invoke(app, ["--version"]).output
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0 and "demo" in result.output and "mesh" in result.output


def test_demo_writes_a_picture_and_refuses_to_overwrite(tmp_path):
    import imageio.v3 as iio

    out = tmp_path / "demo.png"
    result = runner.invoke(app, ["demo", "--out", str(out), "--vertices", "3000"])
    assert result.exit_code == 0, result.output
    assert "over-toned right DAO" in result.output and str(out) in result.output.replace("\n", "")
    image = iio.imread(out)
    assert image.shape[0] > 500 and image.std() > 20  # not blank
    again = runner.invoke(app, ["demo", "--out", str(out), "--vertices", "3000"])
    assert again.exit_code == 2
    assert "--force" in again.output and len(again.output.strip().splitlines()) == 1
    assert "Traceback" not in again.output


def test_demo_picture_shows_the_dropped_right_corner_on_the_viewers_left(tmp_path):
    """The asymmetric patient's rest panel differs from the symmetric one on the viewer's left half."""
    import imageio.v3 as iio

    out = tmp_path / "demo.png"
    assert runner.invoke(app, ["demo", "--out", str(out), "--vertices", "3000"]).exit_code == 0
    image = iio.imread(out).astype(float)
    h, w = image.shape[0] // 2, image.shape[1] // 2
    symmetric_rest, asymmetric_rest = image[:h, :w], image[h:2 * h, :w]
    diff = np.abs(symmetric_rest - asymmetric_rest).sum(axis=2)
    diff[: int(0.15 * h)] = 0  # ignore the titles
    viewer_left, viewer_right = diff[:, : w // 2].sum(), diff[:, w // 2:].sum()
    assert viewer_left > 2 * viewer_right


def test_mesh_export_round_trip(tmp_path):
    from facesim.face.files import load_face

    out = tmp_path / "face.ply"
    result = runner.invoke(app, ["mesh", "export-builtin", "--out", str(out), "--vertices", "2000"])
    assert result.exit_code == 0, result.output
    face = load_face(out)
    assert face.n_vertices >= 2000 and face.landmark_position("cheilion_left")[0] > 0
