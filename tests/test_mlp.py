"""The one-hidden-layer network: shapes, backprop against finite differences, training."""

from typing import NamedTuple

import numpy as np
import pytest

from optim_ref import mlp


class _State(NamedTuple):
    velocity: np.ndarray
    step: int


class HeavyBall:
    """A local momentum optimizer with the package's contract."""

    def __init__(self, lr, momentum=0.9):
        self.lr, self.momentum = lr, momentum

    def init(self, params):
        return _State(np.zeros_like(params), 0)

    def step(self, params, grads, state):
        v = self.momentum * state.velocity + grads
        return params - self.lr * v, _State(v, state.step + 1)


def numeric_grad(f, p, h=1e-6):
    out = np.empty_like(p)
    for i in range(p.size):
        e = np.zeros_like(p)
        e[i] = h
        out[i] = (f(p + e) - f(p - e)) / (2 * h)
    return out


@pytest.mark.parametrize("activation", mlp.ACTIVATIONS)
@pytest.mark.parametrize("n_in,n_hidden,n_out", [(1, 5, 1), (3, 4, 2), (2, 7, 3)])
def test_backprop_matches_central_differences(activation, n_in, n_hidden, n_out):
    rng = np.random.default_rng(n_in * 100 + n_hidden)
    params = mlp.init_params(n_in, n_hidden, n_out, seed=rng, activation=activation)
    x = rng.normal(size=(9, n_in))
    y = rng.normal(size=(9, n_out))
    if activation == "relu":  # keep pre-activations away from the kink at 0
        layers = mlp.unpack(params, n_in, n_out)
        pre = x @ layers.W1 + layers.b1
        assert np.abs(pre).min() > 1e-4
    loss, grad = mlp.loss_and_grad(params, x, y, activation)
    assert grad.shape == params.shape
    num = numeric_grad(lambda p: mlp.loss_and_grad(p, x, y, activation)[0], params)
    np.testing.assert_allclose(grad, num, rtol=1e-6, atol=1e-9)
    assert loss == pytest.approx(np.mean((mlp.forward(params, x, n_out, activation) - y) ** 2))


def test_gradient_check_catches_a_wrong_backprop():
    """The check above has teeth: backprop with tanh' = 1 - h (not 1 - h^2) fails it."""
    rng = np.random.default_rng(0)
    params = mlp.init_params(2, 4, 1, seed=1)
    x, y = rng.normal(size=(6, 2)), rng.normal(size=(6, 1))
    W1, b1, W2, b2 = mlp.unpack(params, 2, 1)
    h = np.tanh(x @ W1 + b1)
    d_out = 2.0 * (h @ W2 + b2 - y) / y.size
    d_pre = (d_out @ W2.T) * (1.0 - h)  # the mistake
    wrong = mlp.pack(x.T @ d_pre, d_pre.sum(0), h.T @ d_out, d_out.sum(0))
    num = numeric_grad(lambda p: mlp.loss_and_grad(p, x, y)[0], params)
    np.testing.assert_allclose(mlp.loss_and_grad(params, x, y)[1], num, rtol=1e-6, atol=1e-9)
    with pytest.raises(AssertionError):
        np.testing.assert_allclose(wrong, num, rtol=1e-6, atol=1e-9)


def test_shapes_and_layout():
    assert mlp.n_params(3, 4, 2) == 3 * 4 + 4 + 4 * 2 + 2
    p = np.arange(mlp.n_params(3, 4, 2), dtype=float)
    layers = mlp.unpack(p, 3, 2)
    assert [a.shape for a in layers] == [(3, 4), (4,), (4, 2), (2,)]
    assert layers.W1[0, 1] == 1.0 and layers.b1[0] == 12.0 and layers.b2[-1] == p[-1]
    np.testing.assert_array_equal(mlp.pack(*layers), p)
    assert mlp.hidden_width(p.size, 3, 2) == 4
    with pytest.raises(ValueError, match="fits no network"):
        mlp.unpack(p[:-1], 3, 2)

    params = mlp.init_params(1, 8, 1, seed=0)
    x = np.linspace(-1, 1, 5)
    assert mlp.forward(params, x).shape == (5,)
    assert mlp.forward(params, x[:, None]).shape == (5, 1)
    p2 = mlp.init_params(3, 8, 2, seed=0, activation="relu")
    assert mlp.forward(p2, np.zeros((4, 3)), n_out=2, activation="relu").shape == (4, 2)


def test_forward_is_the_formula():
    W1, b1 = np.array([[1.0, -2.0]]), np.array([0.5, 0.0])
    W2, b2 = np.array([[3.0], [1.0]]), np.array([0.25])
    p = mlp.pack(W1, b1, W2, b2)
    x = np.array([0.3, -1.0])
    expected = 3.0 * np.tanh(x + 0.5) + np.tanh(-2.0 * x) + 0.25
    np.testing.assert_allclose(mlp.forward(p, x), expected)
    expected_relu = 3.0 * np.maximum(x + 0.5, 0) + np.maximum(-2.0 * x, 0) + 0.25
    np.testing.assert_allclose(mlp.forward(p, x, activation="relu"), expected_relu)


def test_deterministic_with_a_seed():
    a = mlp.init_params(2, 10, 1, seed=42)
    b = mlp.init_params(2, 10, 1, seed=42)
    c = mlp.init_params(2, 10, 1, seed=43)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    x = np.linspace(-2, 2, 30)
    y = np.sin(2 * x)
    p = mlp.init_params(1, 10, 1, seed=3)
    r1 = mlp.train(HeavyBall(0.02), p, x, y, steps=50)
    r2 = mlp.train(HeavyBall(0.02), p.copy(), x, y, steps=50)
    np.testing.assert_array_equal(r1[0], r2[0])
    np.testing.assert_array_equal(r1[1], r2[1])


@pytest.mark.parametrize("activation", mlp.ACTIVATIONS)
def test_training_fits_a_1d_function(activation):
    x = np.linspace(-np.pi, np.pi, 64)
    y = np.sin(x)
    p0 = mlp.init_params(1, 16, 1, seed=0, activation=activation)
    before = p0.copy()
    params, history = mlp.train(HeavyBall(0.02), p0, x, y, steps=1500, activation=activation)
    np.testing.assert_array_equal(p0, before)  # train does not touch its input
    assert history.shape == (1501,)
    assert history[-1] < 1e-3 * history[0] and history[-1] < 2e-3
    assert history[-1] == pytest.approx(mlp.loss_and_grad(params, x, y, activation)[0])
    assert np.all(np.isfinite(history))


def test_wider_networks_fit_better():
    """Universal approximation, in small: more hidden units, lower error on a wiggly target."""
    x = np.linspace(-3, 3, 100)
    y = np.sin(3 * x) + 0.5 * x
    final = {}
    for width in (2, 32):
        p = mlp.init_params(1, width, 1, seed=0)
        final[width] = mlp.train(HeavyBall(0.02), p, x, y, steps=3000)[1][-1]
    assert final[32] < 0.5 * final[2]


def test_trains_with_the_package_optimizers():
    from optim_ref import Adam

    x = np.linspace(-np.pi, np.pi, 64)
    p = mlp.init_params(1, 16, 1, seed=0)
    _, history = mlp.train(Adam(lr=0.01), p, x, np.sin(x), steps=1000)
    assert history[-1] < 0.01 * history[0]


def test_bad_input():
    with pytest.raises(ValueError, match="activation"):
        mlp.init_params(1, 4, 1, activation="sigmoid")
    p = mlp.init_params(2, 4, 1)
    with pytest.raises(ValueError, match="rows"):
        mlp.loss_and_grad(p, np.zeros((5, 2)), np.zeros(4))
