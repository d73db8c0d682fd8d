import numpy as np
import pytest
import trimesh

from facesim.face.names import SIDES
from facesim.face.builtin import build_face

REQUIRED = [
    "cheilion_left", "cheilion_right", "labiale_superius", "labiale_inferius", "stomion",
    "subnasale", "pupil_left", "pupil_right", "endocanthion_left", "endocanthion_right",
    "pogonion", "menton", "pronasale", "tragus_left", "tragus_right",
]


@pytest.fixture(scope="module")
def face():
    return build_face(5000)


@pytest.mark.parametrize("n", [200, 2000, 21000])
def test_builds_at_requested_resolution(n):
    f = build_face(n)
    assert n <= f.n_vertices < 1.1 * n
    assert np.isfinite(f.vertices).all()


def test_default_is_at_least_20k():
    assert build_face().n_vertices >= 20000


def test_deterministic():
    a, b = build_face(2000), build_face(2000)
    assert np.array_equal(a.vertices, b.vertices) and np.array_equal(a.faces, b.faces)


def test_exactly_symmetric(face):
    v, m = face.vertices, face.mirror
    np.testing.assert_array_equal(v[m], v * [-1, 1, 1])
    assert np.array_equal(m[m], np.arange(face.n_vertices))
    mirrored_faces = {tuple(sorted(t)) for t in m[face.faces]}
    assert mirrored_faces == {tuple(sorted(t)) for t in face.faces}


def test_landmarks_named_and_on_their_sides(face):
    for name in REQUIRED:
        face.landmark_index(name)
    for base in ("cheilion", "pupil", "endocanthion", "tragus", "lower_lip"):
        assert face.landmark_position(f"{base}_left")[0] > 0 > face.landmark_position(f"{base}_right")[0]
    # vertical order down the midline
    ys = [face.landmark_position(n)[1] for n in ("nasion", "pronasale", "subnasale", "labiale_superius",
                                                   "stomion", "labiale_inferius", "pogonion", "menton")]
    assert ys == sorted(ys, reverse=True)
    assert face.landmark_position("pronasale")[2] == max(face.vertices[:, 2])  # nose tip is most anterior


def test_normals_point_out_of_the_face(face):
    mesh = trimesh.Trimesh(face.vertices, face.faces, process=False)
    assert mesh.is_winding_consistent
    assert (mesh.face_normals[:, 2] > 0).all()


def test_mouth_slit_separates_the_lips(face):
    up, low = face.landmarks["stomion_upper"], face.landmarks["stomion_lower"]
    assert up != low and np.array_equal(face.vertices[up], face.vertices[low])
    above, below = face.region("above_mouth"), face.region("below_mouth")
    only_above, only_below = above & ~below, below & ~above
    edges = np.vstack([face.faces[:, [0, 1]], face.faces[:, [1, 2]], face.faces[:, [2, 0]]])
    crossing = (only_above[edges[:, 0]] & only_below[edges[:, 1]]) | (only_below[edges[:, 0]] & only_above[edges[:, 1]])
    assert not crossing.any(), "no edge joins the upper and the lower lip"
    assert only_above[face.regions["upper_lip"]].all() and only_below[face.regions["lower_lip"]].all()
    mesh = trimesh.Trimesh(face.vertices, face.faces, process=False)
    assert mesh.euler_number == 0  # a disc with one hole: the mouth


def test_regions_and_anchoring(face):
    for name in ("lips", "perioral", "cheek", "chin", "forehead", "nose", "upper_lip", "lower_lip"):
        assert face.region(name).any(), name
    tie = face.anchoring
    assert tie.min() >= 0 and tie.max() <= 1
    assert tie[face.region("forehead")].mean() > 0.9
    assert tie[face.region("lips")].mean() < 0.05
    assert tie[face.region("boundary")].min() == 1.0
    for side in SIDES:
        assert face.landmarks[f"cheilion_{side}"] in np.flatnonzero(face.region("perioral"))
