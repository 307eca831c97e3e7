"""The MLP on scikit-learn's digits, trained with mini-batches, against torch: the same initial
weights and index batches in nn.Linear + F.cross_entropy + torch.optim (+ lr_scheduler) give
the same loss curve to 1e-9 relative over 220 steps, in float64."""

import warnings

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from test_schedules import to_torch
from torch import nn

from optim_ref import SGD, Adam, AdamW, Momentum, mlp
from optim_ref.data import batches, load_digits
from optim_ref.schedules import CosineAnnealingLR, LinearLR, OneCycleLR, SequentialLR

STEPS, BATCH, HIDDEN = 220, 64, 32
SPLIT = load_digits()
WARM_COSINE = SequentialLR([LinearLR(0.1, total_iters=20), CosineAnnealingLR(T_max=200)],
                           milestones=[20])

OPTIMIZERS = {
    "SGD": (SGD(lr=0.5), lambda p: torch.optim.SGD(p, lr=0.5)),
    "Momentum": (Momentum(lr=0.1, momentum=0.9),
                 lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9)),
    "Adam": (Adam(lr=1e-2), lambda p: torch.optim.Adam(p, lr=1e-2)),
    "AdamW": (AdamW(lr=1e-2, weight_decay=0.05),
              lambda p: torch.optim.AdamW(p, lr=1e-2, weight_decay=0.05)),
}


def torch_curve(params, make_opt, schedule, idx_batches):
    layers = mlp.unpack(params, 64, 10)
    net = nn.Sequential(nn.Linear(64, HIDDEN), nn.Tanh(), nn.Linear(HIDDEN, 10)).double()
    with torch.no_grad():
        net[0].weight.copy_(torch.from_numpy(layers.W1.T.copy()))
        net[0].bias.copy_(torch.from_numpy(layers.b1.copy()))
        net[2].weight.copy_(torch.from_numpy(layers.W2.T.copy()))
        net[2].bias.copy_(torch.from_numpy(layers.b2.copy()))
    x, y = torch.from_numpy(SPLIT.x_train), torch.from_numpy(SPLIT.y_train)
    opt = make_opt(net.parameters())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sched = None if schedule is None else to_torch(schedule, opt)
        curve = []
        for idx in idx_batches:
            with torch.no_grad():
                curve.append(F.cross_entropy(net(x), y).item())
            opt.zero_grad()
            i = torch.from_numpy(idx)
            F.cross_entropy(net(x[i]), y[i]).backward()
            opt.step()
            if sched is not None:
                sched.step()
        with torch.no_grad():
            curve.append(F.cross_entropy(net(x), y).item())
    return np.array(curve)


CASES = [(name, s) for name in OPTIMIZERS for s in (None, WARM_COSINE)] + [
    ("Momentum", OneCycleLR(max_lr=0.3, total_steps=STEPS)),   # cycles momentum
    ("Adam", OneCycleLR(max_lr=0.02, total_steps=STEPS)),      # cycles betas[0]
]


#: the one case ``make test-fast`` runs (Adam under one-cycle, which cycles betas[0] too: an
#: adaptive step and a schedule); the other nine curves, most of the module's time, run in
#: ``make test``
FAST_CASE = CASES[-1]


@pytest.mark.parametrize(("name", "schedule"), [
    pytest.param(n, s, id=f"{n}-{type(s).__name__}",
                 marks=() if (n, s) == FAST_CASE else pytest.mark.slow) for n, s in CASES])
def test_minibatch_curve_equals_torch(name, schedule):
    ours, make_torch = OPTIMIZERS[name]
    p0 = mlp.init_params(64, HIDDEN, 10, seed=3)
    drawn = batches(SPLIT.x_train.shape[0], BATCH, STEPS, seed=5)
    params, history = mlp.train(ours, p0, SPLIT.x_train, SPLIT.y_train, STEPS,
                                loss="cross_entropy", n_out=10, batch_size=BATCH, seed=5,
                                schedule=schedule)
    want = torch_curve(p0, make_torch, schedule, drawn)
    assert history.shape == (STEPS + 1,)
    np.testing.assert_allclose(history, want, rtol=1e-9, atol=0)
    assert history[-1] < 0.5 * history[0]  # it learned: not a curve that stays put
    assert mlp.accuracy(params, SPLIT.x_val, SPLIT.y_val, n_out=10) > 0.8


def test_digits_split_is_fixed_stratified_and_scaled():
    a, b = load_digits(), load_digits()
    for u, v in zip(a, b, strict=True):
        np.testing.assert_array_equal(u, v)
    assert a.x_train.shape == (1437, 64) and a.x_val.shape == (360, 64)
    assert a.x_train.min() == 0.0 and a.x_train.max() == 1.0
    assert a.y_train.dtype == np.int64
    # stratified: every class within one example of its share in the validation part
    counts = np.bincount(a.y_val, minlength=10)
    full = np.bincount(np.concatenate([a.y_train, a.y_val]), minlength=10)
    assert np.all(np.abs(counts - full * 360 / 1797) <= 1)
    c = load_digits(seed=1)
    assert not np.array_equal(a.y_val, c.y_val)
    with pytest.raises(ValueError, match=r"Invalid validation fraction: 1.0"):
        load_digits(validation=1.0)


def test_cross_entropy_gradient_matches_finite_differences():
    rng = np.random.default_rng(0)
    p = mlp.init_params(64, 8, 10, seed=1)
    x, y = SPLIT.x_train[:20], SPLIT.y_train[:20]
    _, g = mlp.loss_and_grad(p, x, y, loss="cross_entropy", n_out=10)
    for i in rng.choice(p.size, 12, replace=False):
        e = np.zeros_like(p)
        e[i] = 1e-6
        fd = (mlp.loss_value(p + e, x, y, loss="cross_entropy", n_out=10)
              - mlp.loss_value(p - e, x, y, loss="cross_entropy", n_out=10)) / 2e-6
        assert g[i] == pytest.approx(fd, rel=1e-5, abs=1e-9)


def test_cross_entropy_needs_labels_and_n_out():
    p = mlp.init_params(64, 8, 10)
    with pytest.raises(ValueError, match=r"n_out, the number of classes"):
        mlp.loss_and_grad(p, SPLIT.x_train[:4], SPLIT.y_train[:4], loss="cross_entropy")
    with pytest.raises(ValueError, match=r"unknown loss 'hinge'"):
        mlp.loss_and_grad(p, SPLIT.x_train[:4], SPLIT.y_train[:4], loss="hinge", n_out=10)


def test_checkpoints_are_the_parameters_train_reaches():
    """checkpoints(at=k) is train's parameters after k steps, for every k asked, bit for bit:
    the one loop both read; the recorded rows evaluate to train's loss history."""
    p0 = mlp.init_params(64, 8, 10, seed=2)
    kw = {"loss": "cross_entropy", "n_out": 10, "batch_size": 50, "seed": 4,
          "schedule": WARM_COSINE}
    at = [0, 1, 7, 30]
    rows = mlp.checkpoints(Adam(lr=1e-2), p0, SPLIT.x_train, SPLIT.y_train, 30, at, **kw)
    assert rows.shape == (4, p0.size)
    np.testing.assert_array_equal(rows[0], p0)
    _, history = mlp.train(Adam(lr=1e-2), p0, SPLIT.x_train, SPLIT.y_train, 30, **kw)
    for k, row in zip(at, rows, strict=True):
        params_k, _ = mlp.train(Adam(lr=1e-2), p0, SPLIT.x_train, SPLIT.y_train, k, **kw)
        np.testing.assert_array_equal(row, params_k)
        assert mlp.loss_value(row, SPLIT.x_train, SPLIT.y_train, loss="cross_entropy",
                              n_out=10) == history[k]
    # another seed draws other batches: other parameters
    other = mlp.checkpoints(Adam(lr=1e-2), p0, SPLIT.x_train, SPLIT.y_train, 30, [30],
                            **{**kw, "seed": 5})
    assert not np.array_equal(other[0], rows[-1])


@pytest.mark.parametrize("at", [[], [3, 1], [0, 31], [-1, 2], [2, 2]])
def test_checkpoints_refuse_steps_outside_the_run(at):
    p0 = mlp.init_params(64, 4, 10)
    with pytest.raises(ValueError, match=r"Invalid at: .* \(increasing step counts in \[0, 30\]\)"):
        mlp.checkpoints(SGD(lr=0.1), p0, SPLIT.x_train, SPLIT.y_train, 30, at,
                        loss="cross_entropy", n_out=10)


def test_iterate_is_lazy_and_yields_steps_plus_one():
    p0 = mlp.init_params(64, 4, 10)
    it = mlp.iterate(SGD(lr=0.1), p0, SPLIT.x_train, SPLIT.y_train, 5, loss="cross_entropy",
                     n_out=10, batch_size=32)
    first = next(it)
    np.testing.assert_array_equal(first, p0)
    assert first is not p0  # a copy: the caller's vector is never the loop's
    assert len([first, *it]) == 6
