"""Losses: hand-computed values, gradients against finite differences, stability, fit_line."""

import math
from typing import NamedTuple

import numpy as np
import pytest

from optim_ref import losses


class _State(NamedTuple):
    step: int


class GD:
    """A local gradient-descent optimizer with the package's contract."""

    def __init__(self, lr):
        self.lr = lr

    def init(self, params):
        return _State(0)

    def step(self, params, grads, state):
        return params - self.lr * grads, _State(state.step + 1)


def numeric_grad(f, z, h=1e-6):
    z = np.asarray(z, dtype=np.float64)
    out = np.empty_like(z)
    for i in np.ndindex(z.shape):
        e = np.zeros_like(z)
        e[i] = h * max(1.0, abs(z[i]))
        out[i] = (f(z + e) - f(z - e)) / (2 * e[i])
    return out


rng = np.random.default_rng(7)
PRED = rng.normal(size=(5, 3))
TARGET = rng.normal(size=(5, 3))
PROBS = rng.uniform(size=(5, 3))
LABELS = np.array([0, 2, 1, 1, 0])

CASES = [
    ("mse", PRED, TARGET),
    ("mae", PRED, TARGET),
    ("huber", PRED, TARGET),
    ("bce", 3 * PRED, PROBS),
    ("bce", 3 * PRED, (PROBS > 0.5).astype(float)),
    ("cross_entropy", 3 * PRED, LABELS),
]


@pytest.mark.parametrize("name,pred,target", CASES, ids=[c[0] for c in CASES])
def test_gradient_matches_central_differences(name, pred, target):
    loss = losses.get(name)
    g = loss.grad(pred, target)
    assert g.shape == pred.shape
    np.testing.assert_allclose(g, numeric_grad(lambda z: loss.value(z, target), pred),
                               rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("delta", [0.3, 1.0, 5.0])
def test_huber_gradient_for_several_deltas(delta):
    loss = losses.get("huber", delta=delta)
    np.testing.assert_allclose(
        loss.grad(PRED, TARGET),
        numeric_grad(lambda z: loss.value(z, TARGET), PRED), rtol=1e-6, atol=1e-9)


def test_hand_computed_values():
    p, t = np.array([1.0, 2.0, 4.0]), np.array([1.0, 0.0, 1.0])  # residuals 0, 2, 3
    assert losses.mse(p, t) == pytest.approx((0 + 4 + 9) / 3)
    np.testing.assert_allclose(losses.mse_grad(p, t), [0.0, 4 / 3, 2.0])
    assert losses.mae(p, t) == pytest.approx(5 / 3)
    np.testing.assert_allclose(losses.mae_grad(p, t), [0.0, 1 / 3, 1 / 3])
    # delta = 1: 0, 1 * (2 - 0.5), 1 * (3 - 0.5)
    assert losses.huber(p, t) == pytest.approx((1.5 + 2.5) / 3)
    np.testing.assert_allclose(losses.huber_grad(p, t), [0.0, 1 / 3, 1 / 3])
    # delta = 2.5: 0, 4 / 2, 2.5 * (3 - 1.25)
    assert losses.huber(p, t, delta=2.5) == pytest.approx((2.0 + 4.375) / 3)
    np.testing.assert_allclose(losses.huber_grad(p, t, delta=2.5), [0.0, 2 / 3, 2.5 / 3])
    # huber with a huge delta is half the MSE; with a tiny delta, ~ delta * MAE
    assert losses.huber(p, t, delta=1e6) == pytest.approx(losses.mse(p, t) / 2)

    # bce: logit 0 -> p = 1/2 -> log 2 whatever the target
    assert losses.bce([0.0, 0.0], [1.0, 0.0]) == pytest.approx(math.log(2))
    np.testing.assert_allclose(losses.bce_grad([0.0, 0.0], [1.0, 0.0]), [-0.25, 0.25])
    s = 1 / (1 + math.exp(-2.0))
    assert losses.bce([2.0], [1.0]) == pytest.approx(-math.log(s))
    assert losses.bce([2.0], [0.0]) == pytest.approx(-math.log(1 - s))

    # softmax cross-entropy: equal logits over C classes -> log C
    assert losses.cross_entropy(np.zeros((2, 4)), [1, 3]) == pytest.approx(math.log(4))
    z = np.array([[1.0, 2.0, 3.0]])
    lse = math.log(math.e + math.e**2 + math.e**3)
    assert losses.cross_entropy(z, [0]) == pytest.approx(lse - 1.0)
    g = losses.cross_entropy_grad(z, [0])
    np.testing.assert_allclose(g, np.exp(z - lse) - [[1.0, 0.0, 0.0]])
    np.testing.assert_allclose(g.sum(), 0.0, atol=1e-15)


def test_cross_entropy_only_asks_the_target_to_beat_the_rest():
    z = rng.normal(size=(4, 5))
    y = np.array([0, 1, 2, 3])
    assert losses.cross_entropy(z + 1000.0, y) == pytest.approx(losses.cross_entropy(z, y))
    z2 = np.array([[10.0, 0.0, 0.0]])
    assert losses.cross_entropy(z2, [0]) < 1e-4  # a clear win is (nearly) free


def test_stable_at_large_logits():
    with np.errstate(over="raise", invalid="raise", divide="raise"):  # underflow to 0 is fine
        big = np.array([1e4, -1e4, 800.0, -800.0])
        for target in (np.array([1.0, 0.0, 1.0, 0.0]), np.array([0.0, 1.0, 0.0, 1.0])):
            v = losses.bce(big, target)
            g = losses.bce_grad(big, target)
            assert np.isfinite(v) and np.all(np.isfinite(g))
        assert losses.bce(big, [1.0, 0.0, 1.0, 0.0]) == pytest.approx(0.0, abs=1e-300)
        assert losses.bce(big, [0.0, 1.0, 0.0, 1.0]) == pytest.approx((2e4 + 1600) / 4)
        np.testing.assert_allclose(losses.bce_grad(big, [0.0, 1.0, 0.0, 1.0]), 0.25 * np.sign(big))

        z = np.array([[1e4, 0.0, -1e4], [800.0, 801.0, -800.0]])
        v = losses.cross_entropy(z, [2, 0])
        assert v == pytest.approx((2e4 + (1.0 + math.log1p(math.exp(-1.0)))) / 2)
        g = losses.cross_entropy_grad(z, [2, 0])
        assert np.all(np.isfinite(g))
        np.testing.assert_allclose(g.sum(axis=1), 0.0, atol=1e-15)
        assert losses.sigmoid(-1e4) == 0.0 and losses.sigmoid(1e4) == 1.0


def test_matches_torch():
    import torch  # a test dependency: missing, this fails rather than skips

    F = torch.nn.functional
    P, T = torch.tensor(PRED), torch.tensor(TARGET)
    assert losses.mse(PRED, TARGET) == pytest.approx(F.mse_loss(P, T).item(), rel=1e-12)
    assert losses.mae(PRED, TARGET) == pytest.approx(F.l1_loss(P, T).item(), rel=1e-12)
    for d in (0.3, 1.0):
        assert losses.huber(PRED, TARGET, d) == pytest.approx(
            F.huber_loss(P, T, delta=d).item(), rel=1e-12)
    Z = 30 * PRED
    assert losses.bce(Z, PROBS) == pytest.approx(
        F.binary_cross_entropy_with_logits(torch.tensor(Z), torch.tensor(PROBS)).item(),
        rel=1e-12)
    assert losses.cross_entropy(Z, LABELS) == pytest.approx(
        F.cross_entropy(torch.tensor(Z), torch.tensor(LABELS)).item(), rel=1e-12)


def test_get_and_errors():
    assert losses.NAMES == ("mse", "mae", "huber", "bce", "cross_entropy")
    assert losses.get("huber", delta=2.0).value([3.0], [0.0]) == pytest.approx(4.0)
    assert losses.get("mse")([3.0], [0.0]) == 9.0
    with pytest.raises(KeyError, match="valid names: mse, mae, huber"):
        losses.get("l2")
    with pytest.raises(ValueError, match="delta"):
        losses.get("huber", delta=0.0)
    with pytest.raises(TypeError):
        losses.get("mse", delta=1.0)
    with pytest.raises(ValueError, match="shape"):
        losses.mse(np.zeros(3), np.zeros(4))
    with pytest.raises(ValueError, match="labels"):
        losses.cross_entropy(np.zeros((2, 3)), [0, 3])
    with pytest.raises(ValueError, match="integer"):
        losses.cross_entropy(np.zeros((2, 3)), [0.0, 1.0])


def outlier_data():
    """40 points on y = 2x + 1 with a little noise; 5 of them at the right pushed far down."""
    r = np.random.default_rng(1)
    x = np.linspace(-2.0, 2.0, 40)
    y = 2.0 * x + 1.0 + 0.1 * r.normal(size=40)
    y[-5:] -= 15.0
    return x, y


def _optimizers():
    opts = [("gd", GD(0.05), 4000)]
    try:
        from optim_ref import Adam
        if Adam is not None:
            opts.append(("adam", Adam(lr=0.05), 3000))
    except ImportError:
        pass
    return opts


@pytest.mark.parametrize("label,opt,steps", _optimizers(), ids=[o[0] for o in _optimizers()])
def test_fit_line_mse_is_pulled_by_outliers(label, opt, steps):
    x, y = outlier_data()
    fits = {name: losses.fit_line(x, y, name, opt, steps=steps) for name in ("mse", "mae", "huber")}
    slope_err = {k: abs(v[0] - 2.0) for k, v in fits.items()}
    assert slope_err["mse"] > 1.0  # visibly wrong
    assert slope_err["mae"] < 0.3 and slope_err["huber"] < 0.5
    assert slope_err["mse"] > 3 * max(slope_err["mae"], slope_err["huber"])
    # and under MSE the fit is the least-squares line
    np.testing.assert_allclose(fits["mse"], np.polyfit(x, y, 1), atol=1e-6)


def test_fit_line_accepts_a_loss_object():
    x, y = outlier_data()
    a_small = losses.fit_line(x, y, losses.get("huber", delta=0.1), GD(0.05), steps=4000)
    a_large = losses.fit_line(x, y, losses.get("huber", delta=100.0), GD(0.05), steps=4000)
    assert abs(a_small[0] - 2.0) < abs(a_large[0] - 2.0)
