"""Mini-batches: the sampler (DataLoader semantics), the finite-sum problems' gradients, and
run() with batch_size/seed/schedule against torch's optimizer-plus-scheduler loop."""

import warnings

import numpy as np
import pytest
import torch
from test_schedules import to_torch

from optim_ref import SGD, Adam, Momentum, functions, run
from optim_ref.data import batches, steps_per_epoch
from optim_ref.problems import LinearRegression, LogisticRegression
from optim_ref.schedules import (
    CosineAnnealingLR,
    LinearLR,
    OneCycleLR,
    SequentialLR,
    StepLR,
)
from optim_ref.viz.contour import grid

PROBLEMS = [LinearRegression(), LogisticRegression()]


@pytest.mark.parametrize(("n", "b", "drop_last"), [(10, 3, False), (10, 3, True), (8, 4, False),
                                                   (7, 10, False)])
def test_batches_are_epochs_without_replacement(n, b, drop_last):
    per = steps_per_epoch(n, b, drop_last)
    want = len(torch.utils.data.DataLoader(range(n), batch_size=b, drop_last=drop_last))
    assert per == want
    drawn = batches(n, b, 3 * per, seed=4, drop_last=drop_last)
    assert len(drawn) == 3 * per
    for e in range(3):
        epoch = np.concatenate(drawn[e * per:(e + 1) * per])
        sizes = [len(d) for d in drawn[e * per:(e + 1) * per]]
        assert sizes == [min(b, n - i * b) for i in range(per)]
        assert len(set(epoch.tolist())) == len(epoch)  # no example twice in an epoch
        if not drop_last:
            assert sorted(epoch.tolist()) == list(range(n))
    assert not all(np.array_equal(x, y) for x, y in zip(drawn[:per], drawn[per:2 * per],
                                                          strict=True)) or n <= b


def test_batches_repeat_from_the_seed_and_refuse_empty_epochs():
    a, b = batches(100, 7, 50, seed=11), batches(100, 7, 50, seed=11)
    assert all(np.array_equal(x, y) for x, y in zip(a, b, strict=True))
    assert not np.array_equal(a[0], batches(100, 7, 1, seed=12)[0])
    with pytest.raises(ValueError, match=r"Invalid batch_size: 10 \(with drop_last=True"):
        batches(7, 10, 3, drop_last=True)
    with pytest.raises(ValueError, match=r"Invalid batch_size: 0"):
        batches(7, 0, 3)


@pytest.mark.parametrize("problem", PROBLEMS, ids=lambda p: p.name)
def test_problem_gradients_minimum_and_batch_mean(problem):
    rng = np.random.default_rng(0)
    pts = np.stack([rng.uniform(*problem.window[0], 20), rng.uniform(*problem.window[1], 20)], 1)
    h = 1e-6
    for k in range(2):
        e = np.zeros(2)
        e[k] = h
        fd = (problem.value(pts + e) - problem.value(pts - e)) / (2 * h)
        np.testing.assert_allclose(problem.grad(pts)[:, k], fd, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(problem.grad(problem.minima[0]), 0.0, atol=1e-12)
    assert problem.value(problem.minima[0]) == problem.min_value
    assert np.all(problem.value(pts) >= problem.min_value)
    # the mean of the per-batch gradients over an epoch of equal batches is the full gradient
    parts = np.array_split(rng.permutation(problem.n), 8)
    mean = np.mean([problem.batch_grad(pts, idx) for idx in parts], axis=0)
    np.testing.assert_allclose(mean, problem.grad(pts), rtol=1e-12, atol=1e-14)
    xx, yy, zz = grid(problem, 40)  # the drawing code contours it over its window
    assert zz.shape == (40, 40) and np.all(np.isfinite(zz))
    assert problem == type(problem)() and hash(problem) == hash(type(problem)())


def test_problem_arguments_are_checked():
    with pytest.raises(ValueError, match=r"Invalid n_examples: 1"):
        LinearRegression(n_examples=1)
    with pytest.raises(ValueError, match=r"Invalid noise: -1"):
        LinearRegression(noise=-1.0)
    with pytest.raises(ValueError, match=r"no finite minimum"):
        LogisticRegression(n_examples=4, slope=50.0)
    with pytest.raises(ValueError, match=r"idx must be a non-empty 1-D array"):
        LinearRegression().batch_grad(np.zeros(2), np.array([], dtype=int))


def test_stochastic_run_repeats_bit_for_bit_and_differs_by_seed():
    prob = LinearRegression()
    kw = {"batch_size": 8, "seed": 3}
    a = run(Momentum(lr=0.02), prob, prob.start, 150, **kw)
    b = run(Momentum(lr=0.02), prob, prob.start, 150, **kw)
    np.testing.assert_array_equal(a.path, b.path)
    c = run(Momentum(lr=0.02), prob, prob.start, 150, batch_size=8, seed=4)
    assert not np.array_equal(a.path, c.path)
    full = run(Momentum(lr=0.02), prob, prob.start, 150)
    # the full batch as one mini-batch is plain gradient descent, up to summation order
    np.testing.assert_allclose(run(Momentum(lr=0.02), prob, prob.start, 150,
                                   batch_size=prob.n).path, full.path, rtol=1e-12, atol=1e-12)
    assert not np.allclose(a.path, full.path, rtol=1e-6)  # batches of 8 are noisy
    np.testing.assert_allclose(a.loss, prob.value(a.path))


def test_batched_starts_with_batches_and_divergence():
    prob = LinearRegression()
    starts = np.array([prob.start, prob.minima[0], [prob.start[0], prob.start[1] - 1]])
    r = run(SGD(lr=np.array([[0.01], [0.05], [2.0]])), prob, starts, 60, batch_size=16, seed=0,
            schedule=StepLR(20, 0.5))
    assert r.path.shape == (3, 61, 2)
    assert r.diverged.tolist() == [False, False, True]  # lr 2 blows up on this bowl
    assert np.all(np.isfinite(r.path))
    one = run(SGD(lr=0.05), prob, starts[1], 60, batch_size=16, seed=0, schedule=StepLR(20, 0.5))
    np.testing.assert_array_equal(one.path[0], r.path[1])


def test_run_refuses_what_it_cannot_do():
    with pytest.raises(ValueError, match=r"batch_size needs a finite-sum problem"):
        run(SGD(lr=0.1), functions.get("quadratic"), [1.0, 1.0], 5, batch_size=4)
    with pytest.raises(ValueError, match=r"batch_grad needs batch_size"):
        run(SGD(lr=0.1), LinearRegression(), [1.0, 1.0], 5, batch_grad=lambda p, i: p)
    with pytest.raises(ValueError, match=r"Invalid schedule: 0.1"):
        run(SGD(lr=0.1), LinearRegression(), [1.0, 1.0], 5, schedule=0.1)


def _torch_path(problem, make_opt, schedule, start, drawn):
    x, y = torch.from_numpy(problem.x), torch.from_numpy(problem.y)
    p = torch.tensor(start, dtype=torch.float64, requires_grad=True)
    opt = make_opt([p])
    path = [p.detach().clone().numpy()]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sched = None if schedule is None else to_torch(schedule, opt)
        for idx in drawn:
            opt.zero_grad()
            i = torch.from_numpy(idx)
            z = p[0] * x[i] + p[1]
            if isinstance(problem, LinearRegression):
                loss = torch.nn.functional.mse_loss(z, y[i])
            else:
                loss = torch.nn.functional.binary_cross_entropy_with_logits(z, y[i])
            loss.backward()
            opt.step()
            if sched is not None:
                sched.step()
            path.append(p.detach().clone().numpy())
    return np.array(path)


SCHEDULES = [
    None,
    StepLR(step_size=25, gamma=0.5),
    SequentialLR([LinearLR(0.2, total_iters=10), CosineAnnealingLR(T_max=110, eta_min=1e-3)],
                 milestones=[10]),
    OneCycleLR(max_lr=0.1, total_steps=120),
]
TORCH_OPTS = [
    (SGD(lr=0.05), lambda p: torch.optim.SGD(p, lr=0.05)),
    (Momentum(lr=0.02, momentum=0.9), lambda p: torch.optim.SGD(p, lr=0.02, momentum=0.9)),
    (Adam(lr=0.05), lambda p: torch.optim.Adam(p, lr=0.05)),
]


@pytest.mark.parametrize("problem", PROBLEMS, ids=lambda p: p.name)
@pytest.mark.parametrize("schedule", SCHEDULES, ids=lambda s: type(s).__name__)
@pytest.mark.parametrize("pair", TORCH_OPTS, ids=lambda p: type(p[0]).__name__)
def test_run_with_schedule_and_batches_equals_torch(problem, schedule, pair):
    ours, make_torch = pair
    drawn = batches(problem.n, 10, 120, seed=7, drop_last=True)
    r = run(ours, problem, problem.start, 120, batch_size=10, seed=7, drop_last=True,
            schedule=schedule)
    want = _torch_path(problem, make_torch, schedule, problem.start, drawn)
    assert not r.diverged[0]
    np.testing.assert_allclose(r.path[0], want, rtol=1e-10, atol=1e-12)
