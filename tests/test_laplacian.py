import numpy as np
import scipy.sparse as sp

from facesim.geometry.laplacian import cotangent_laplacian, triangle_areas, vertex_areas
from facesim.face.builtin import build_face


def grid(n=6, jitter=0.0, seed=0):
    rng = np.random.default_rng(seed)
    xs, ys = np.meshgrid(np.arange(n, dtype=float), np.arange(n, dtype=float))
    v = np.column_stack([xs.ravel(), ys.ravel(), np.zeros(n * n)])
    inner = (v[:, 0] > 0) & (v[:, 0] < n - 1) & (v[:, 1] > 0) & (v[:, 1] < n - 1)
    v[inner, :2] += jitter * rng.uniform(-0.3, 0.3, (inner.sum(), 2))
    f = []
    for i in range(n - 1):
        for j in range(n - 1):
            a, b, c, d = i * n + j, i * n + j + 1, (i + 1) * n + j, (i + 1) * n + j + 1
            f += [(a, b, d), (a, d, c)]
    return v, np.array(f), inner


def test_right_triangle_exact():
    v = np.array([[0.0, 0, 0], [1, 0, 0], [0, 1, 0]])
    L = cotangent_laplacian(v, np.array([[0, 1, 2]])).toarray()
    # cot(90 deg) = 0 on the hypotenuse; cot(45 deg) = 1 on the legs: w = 1/2.
    expected = np.array([[1.0, -0.5, -0.5], [-0.5, 0.5, 0.0], [-0.5, 0.0, 0.5]])
    np.testing.assert_allclose(L, expected, atol=1e-12)
    np.testing.assert_allclose(triangle_areas(v, np.array([[0, 1, 2]])), [0.5])


def test_rows_sum_to_zero_symmetric_psd():
    face = build_face(2000)
    L = cotangent_laplacian(face.vertices, face.faces)
    np.testing.assert_allclose(np.asarray(L.sum(axis=1)).ravel(), 0.0, atol=1e-10)
    assert abs(L - L.T).max() < 1e-12
    x = np.random.default_rng(1).normal(size=(face.n_vertices, 4))
    assert np.all(np.einsum("ik,ik->k", x, L @ x) > 0)


def test_linear_precision_on_flat_jittered_grid():
    v, f, inner = grid(8, jitter=1.0)
    L = cotangent_laplacian(v, f)
    u = 2.0 * v[:, 0] - 3.0 * v[:, 1] + 0.5
    np.testing.assert_allclose((L @ u)[inner], 0.0, atol=1e-10)


def test_vertex_areas_sum_to_surface_area():
    v, f, _ = grid(5)
    assert np.isclose(vertex_areas(v, f).sum(), 16.0)
    assert sp.issparse(cotangent_laplacian(v, f))
