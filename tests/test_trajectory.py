"""run(): shapes, exactness of sweeps, divergence handling, speed-critical vectorisation."""

from typing import NamedTuple

import numpy as np
import pytest

from optim_ref import functions
from optim_ref.trajectory import Run, run


class _State(NamedTuple):
    velocity: np.ndarray
    step: int


class HeavyBall:
    """A tiny local optimizer with the package's contract (momentum=0 is plain GD).

    It keeps state, so a frozen row's state keeps changing: run() must hold its point still.
    """

    def __init__(self, lr, momentum=0.0):
        self.lr, self.momentum = lr, momentum

    def init(self, params):
        return _State(np.zeros_like(np.asarray(params, dtype=float)), 0)

    def step(self, params, grads, state):
        if not np.all(np.isfinite(grads)):
            raise FloatingPointError(f"non-finite gradient at step {state.step + 1}")
        v = self.momentum * state.velocity + grads
        return params - self.lr * v, _State(v, state.step + 1)


def _real_optimizers():
    """The package's optimizers, once they exist; an empty list before."""
    try:
        import optim_ref
        from optim_ref import Adam, Momentum, RMSprop

        if Adam is None:  # placeholder while the optimizers are being written
            return []
    except ImportError:
        return []
    return [Adam(lr=0.05), Momentum(lr=1e-3, momentum=0.9), RMSprop(lr=0.01),
            *(getattr(optim_ref, n)() for n in ("Adadelta", "Adagrad"))]


OPTIMIZERS = [HeavyBall(1e-3), HeavyBall(1e-3, 0.9), *_real_optimizers()]
OPT_IDS = [f"{type(o).__name__}-{i}" for i, o in enumerate(OPTIMIZERS)]


def starts_in(surface, n, seed=0):
    (x0, x1), (y0, y1) = surface.window
    rng = np.random.default_rng(seed)
    return np.stack([rng.uniform(x0, x1, n), rng.uniform(y0, y1, n)], axis=-1)


@pytest.mark.parametrize("opt", OPTIMIZERS, ids=OPT_IDS)
@pytest.mark.parametrize("name", functions.NAMES)
def test_shapes_first_row_and_loss(opt, name):
    f = functions.get(name)
    starts = starts_in(f, 6)
    r = run(opt, f, starts, steps=50)
    assert isinstance(r, Run)
    assert r.path.shape == (6, 51, 2) and r.loss.shape == (6, 51)
    assert r.diverged.shape == (6,) and r.diverged.dtype == bool
    assert r.diverged_at.shape == (6,) and np.issubdtype(r.diverged_at.dtype, np.integer)
    assert (r.batch, r.steps) == (6, 50)
    np.testing.assert_array_equal(r.path[:, 0], starts)
    np.testing.assert_array_equal(r.loss, f.value(r.path))
    assert np.all(np.isfinite(r.path)) and np.all(np.isfinite(r.loss))
    np.testing.assert_array_equal(r.diverged, r.diverged_at >= 0)


def test_gradient_descent_path_is_the_formula():
    f = functions.get("rosenbrock")
    r = run(HeavyBall(1e-3), f, f.start, steps=3)
    p = f.start
    for t in range(1, 4):
        p = p - 1e-3 * f.grad(p)
        np.testing.assert_array_equal(r.path[0, t], p)


def test_single_start_is_a_batch_of_one():
    f = functions.get("quadratic")
    r = run(HeavyBall(0.1), f, f.start, steps=10)
    assert r.path.shape == (1, 11, 2)
    np.testing.assert_array_equal(r.path[0, 0], f.start)
    assert r.loss[0, -1] < r.loss[0, 0]
    assert r.final.shape == (1, 2)


def test_zero_steps():
    f = functions.get("beale")
    r = run(HeavyBall(0.1), f, f.start, steps=0)
    assert r.path.shape == (1, 1, 2) and not r.diverged[0]


def test_huge_lr_diverges_is_frozen_and_finite():
    f = functions.get("rosenbrock")
    starts = np.array([[-1.5, 2.0], [0.5, 0.5], [1.0, 1.0]])  # the last sits at the minimum
    r = run(HeavyBall(1.0, 0.9), f, starts, steps=40)
    assert r.diverged.tolist() == [True, True, False]
    assert np.all(np.isfinite(r.path)) and np.all(np.isfinite(r.loss))
    np.testing.assert_array_equal(r.path[2], np.broadcast_to([1.0, 1.0], (41, 2)))
    for i in (0, 1):
        k = r.diverged_at[i]
        assert 1 <= k <= 40
        # frozen from k on at the last accepted point, which was still moving before
        np.testing.assert_array_equal(r.path[i, k:], np.broadcast_to(r.path[i, k - 1], (41 - k, 2)))
        np.testing.assert_array_equal(r.loss[i, k:], r.loss[i, k - 1])
        assert k == 1 or np.any(r.path[i, k - 1] != r.path[i, k - 2])
    assert r.diverged_at[2] == -1


def test_diverged_at_is_the_first_rejected_step():
    """Recompute by hand: the run stops where its own next point would leave the box."""
    f = functions.get("quadratic")  # window [-3,3]x[-2,2] -> box [-30,30]x[-20,20]
    lr = 0.3  # y multiplies by 1 - 0.3 * 10 = -2 each step, x by 0.7
    r = run(HeavyBall(lr), f, [1.0, 1.0], steps=12)
    ys = [(-2.0) ** t for t in range(13)]
    k = next(t for t, y in enumerate(ys) if abs(y) > 20)  # 2^5 = 32 > 20 -> k = 5
    assert r.diverged_at[0] == k == 5
    np.testing.assert_allclose(r.path[0, :k, 1], ys[:k])
    np.testing.assert_array_equal(r.path[0, k:], np.broadcast_to(r.path[0, k - 1], (13 - k, 2)))


def test_leaving_the_box_diverges_though_finite():
    """The saddle falls forever along y with finite values: the 10x box stops it."""
    f = functions.get("saddle")  # window [-2,2]^2 -> box [-20,20]^2
    r = run(HeavyBall(0.5), f, [[0.0, 1.0], [1.0, 0.0]], steps=100)
    assert r.diverged.tolist() == [True, False]
    k = r.diverged_at[0]
    assert k == 8  # y = 1.5**t first exceeds 20 at t = 8
    assert np.abs(r.path[0, :, 1]).max() <= 20.0
    assert np.all(np.isfinite(r.path)) and np.all(np.isfinite(r.loss))


def test_start_outside_the_box_is_frozen_at_step_zero():
    f = functions.get("quadratic")
    r = run(HeavyBall(0.1), f, [[100.0, 0.0], [1.0, 0.0]], steps=5)
    assert r.diverged_at.tolist() == [0, -1]
    np.testing.assert_array_equal(r.path[0], np.broadcast_to([100.0, 0.0], (6, 2)))


def test_overflow_never_reaches_the_output():
    """Beale's y^3 term overflows long before a huge lr's step is rejected by size alone."""
    f = functions.get("beale")
    starts = starts_in(f, 64, seed=3)
    r = run(HeavyBall(10.0, 0.9), f, starts, steps=30)
    assert r.diverged.all()
    assert np.all(np.isfinite(r.path)) and np.all(np.isfinite(r.loss))


def test_nan_gradient_is_caught_before_step():
    """A surface whose gradient is NaN somewhere: the optimizer's error is never raised."""

    class Holey(functions.Quadratic):
        def grad(self, xy):
            g = super().grad(xy)
            return np.where(np.asarray(xy)[..., :1] < 0.5, np.nan, g)

    r = run(HeavyBall(0.1), Holey(), [[2.0, 0.0], [0.2, 0.0]], steps=30)
    assert r.diverged_at.tolist()[1] == 0
    assert r.diverged[0] and 1 <= r.diverged_at[0] <= 30
    assert r.path[0, -1, 0] >= 0.5  # frozen at its last point with a finite gradient
    assert np.all(np.isfinite(r.path))


def test_sweep_equals_separate_runs_exactly():
    f = functions.get("rosenbrock")
    lrs = np.array([1e-4, 5e-4, 1e-3, 2e-3, 5e-3, 1e-1])[:, None]
    starts = np.repeat(f.start[None], len(lrs), axis=0)
    sweep = run(HeavyBall(lrs, 0.9), f, starts, steps=200)
    assert sweep.diverged[-1] and not sweep.diverged[0]
    for i, lr in enumerate(lrs[:, 0]):
        one = run(HeavyBall(lr, 0.9), f, starts[i], steps=200)
        np.testing.assert_array_equal(sweep.path[i], one.path[0])
        np.testing.assert_array_equal(sweep.loss[i], one.loss[0])
        assert sweep.diverged_at[i] == one.diverged_at[0]
    # a single start is shared by every learning rate of the sweep
    shared = run(HeavyBall(lrs, 0.9), f, f.start, steps=200)
    np.testing.assert_array_equal(shared.path, sweep.path)


def test_sweep_with_the_wrong_batch_is_refused():
    f = functions.get("rosenbrock")
    with pytest.raises(ValueError, match="starts"):
        run(HeavyBall(np.full((4, 1), 1e-3)), f, np.zeros((3, 2)), steps=5)


def test_bad_starts_are_refused():
    f = functions.get("rosenbrock")
    for bad in (np.zeros((3, 3)), [np.nan, 0.0], np.zeros((2, 2, 2))):
        with pytest.raises(ValueError):
            run(HeavyBall(0.1), f, bad, steps=5)


def test_real_optimizers_sweep_exactly():
    """The package's own optimizers, in a learning-rate sweep."""
    from optim_ref import Adam

    f = functions.get("beale")
    lrs = np.array([1e-3, 1e-2, 1e-1, 1.0, 1e3])[:, None]
    starts = np.repeat(f.start[None], len(lrs), axis=0)
    sweep = run(Adam(lr=lrs), f, starts, steps=300)
    assert np.all(np.isfinite(sweep.path)) and np.all(np.isfinite(sweep.loss))
    for i, lr in enumerate(lrs[:, 0]):
        one = run(Adam(lr=float(lr)), f, starts[i], steps=300)
        np.testing.assert_array_equal(sweep.path[i], one.path[0])
        assert sweep.diverged_at[i] == one.diverged_at[0]


def test_exported_from_the_package():
    import optim_ref
    from optim_ref import trajectory

    assert optim_ref.run is trajectory.run and optim_ref.Run is trajectory.Run


def test_default_starts_run_cleanly():
    """Every surface's default start gives a finite, non-trivial run (the site's figures)."""
    for name in functions.NAMES:
        f = functions.get(name)
        r = run(HeavyBall(1e-3, 0.9), f, f.start, steps=100)
        assert not r.diverged[0] and r.loss[0, -1] < r.loss[0, 0]


def test_choose_is_the_rule_on_finished_runs():
    from optim_ref import tuning

    grid = np.array([0.01, 0.1, 1.0, 10.0])
    assert tuning.choose(grid, [0.5, 0.2, 0.2, np.nan]) == 1      # tie: the smaller rate
    assert tuning.choose(grid, [0.5, 0.2, 0.1, np.inf]) == 2      # non-finite is ineligible
    assert tuning.choose(grid, [0.5, 0.2, 0.1, 0.0], eligible=[1, 1, 1, 0]) == 2
    assert tuning.choose(grid, [np.nan] * 4) == 0
    with pytest.raises(ValueError, match=r"Invalid grid: \[1.0, 0.1\]"):
        tuning.choose([1.0, 0.1], [0.1, 0.2])
    with pytest.raises(ValueError, match=r"one final loss per rate; got 3 losses"):
        tuning.choose(grid, [0.1, 0.2, 0.3])
