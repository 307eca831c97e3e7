"""optim_ref.analysis (the heavy ball per eigendirection) and functions.Rotated."""

import numpy as np
import pytest

import optim_ref
from optim_ref import analysis, functions

QUAD = (1.0, 10.0)


@pytest.mark.parametrize(("eta", "beta"), [(0.18, 0.0), (0.05, 0.5), (0.3, 0.9), (0.23, 0.27),
                                           (0.39, 0.9), (0.01, 0.99)])
def test_the_rate_is_the_spectral_radius_of_the_iteration_matrix(eta, beta):
    radius = max(np.abs(np.linalg.eigvals(analysis.iteration_matrix(eta, beta, lam))).max()
                 for lam in QUAD)
    assert analysis.rate(eta, beta, QUAD) == pytest.approx(radius, abs=1e-12)


def test_the_iteration_matrix_is_what_momentum_does_along_a_direction():
    # on f = lam x^2 / 2 the error (x_t, x_{t-1}) follows the matrix exactly
    lam, eta, beta = 10.0, 0.05, 0.8
    opt, x = optim_ref.Momentum(lr=eta, momentum=beta), np.array([1.0])
    state, prev = opt.init(x), x.copy()
    x, state = opt.step(x, lam * x, state)
    pair = np.array([x[0], prev[0]])
    for _ in range(20):
        x, state = opt.step(x, lam * x, state)
        pair = analysis.iteration_matrix(eta, beta, lam) @ pair
        assert pair[0] == pytest.approx(x[0], rel=1e-12, abs=1e-300)


def test_best_rate_is_gd_at_beta_zero_and_the_sqrt_beta_floor_above_polyaks_beta():
    eta, rate = analysis.best_rate(0.0, QUAD)
    assert eta == pytest.approx(2 / 11, abs=1e-5) and rate == pytest.approx(9 / 11, abs=1e-5)
    eta_p, beta_p = analysis.polyak(QUAD)
    s = np.sqrt(10.0)
    assert (eta_p, beta_p) == pytest.approx((4 / (1 + s) ** 2, ((s - 1) / (s + 1)) ** 2))
    assert analysis.rate(eta_p, beta_p, QUAD) == pytest.approx((s - 1) / (s + 1), abs=1e-6)
    for beta in (0.3, 0.5, 0.9, 0.99):
        assert analysis.best_rate(beta, QUAD)[1] == pytest.approx(np.sqrt(beta), abs=1e-12)
    for beta in (0.1, 0.2):  # below Polyak's beta the floor does not bind
        assert analysis.best_rate(beta, QUAD)[1] > np.sqrt(beta) + 0.1


def test_the_measured_rate_reads_a_geometric_decay_back():
    t = np.arange(300)
    assert analysis.measured_rate(3.0 * 0.9 ** (2 * t)) == pytest.approx(0.9, rel=1e-12)
    with pytest.raises(ValueError, match="too few steps"):
        analysis.measured_rate(np.array([1.0, 1e-30, 0.0]))


def test_a_rotated_surface_is_the_same_function_in_turned_axes():
    base = functions.get("saddle")
    turned = functions.rotated("saddle", 30.0)
    c, s = np.cos(np.radians(30.0)), np.sin(np.radians(30.0))
    rot = np.array([[c, -s], [s, c]])
    xy = np.random.default_rng(0).uniform(-2, 2, (50, 2))
    np.testing.assert_allclose(turned.value(xy @ rot.T), base.value(xy), atol=1e-12)
    np.testing.assert_allclose(turned.grad(xy @ rot.T), base.grad(xy) @ rot.T, atol=1e-12)
    np.testing.assert_allclose(turned.start, rot @ base.start)
    assert turned.minima.shape == (0, 2) and turned.window == base.window
    # plain gradient descent does not care about axes: the same run, turned
    a = optim_ref.run(optim_ref.SGD(lr=0.05), base, base.start[None], 50)
    b = optim_ref.run(optim_ref.SGD(lr=0.05), turned, turned.start[None], 50)
    np.testing.assert_allclose(b.path[0], a.path[0] @ rot.T, atol=1e-12)
    # the quadratic turns by its own angle, its start stays
    q = functions.rotated("quadratic", 30.0)
    assert isinstance(q, functions.Quadratic) and q.angle == 30.0
    np.testing.assert_array_equal(q.start, functions.get("quadratic").start)
    with pytest.raises(ValueError, match="Invalid angle: inf"):
        functions.Rotated(base, float("inf"))
