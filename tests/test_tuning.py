"""optim_ref.tuning.best_lr: the lowest final loss wins; ties go to the fastest, then the
smaller rate."""

import numpy as np

import optim_ref
from optim_ref import functions, tuning


def _first_below(loss: np.ndarray, threshold: float) -> int:
    return int(np.flatnonzero(loss < threshold)[0])


def test_a_clear_winner_is_the_lowest_final_loss():
    # on Rosenbrock no two rates end equally low: the tie-break has nothing to decide
    fn = functions.get("rosenbrock")
    choice = tuning.best_lr(optim_ref.SGD, fn, fn.start, 400)
    best = choice.final_loss[choice.eligible].min()
    assert choice.run.loss[0, -1] == best
    assert choice.tied.sum() == 1


def test_tied_rates_go_to_the_one_that_gets_there_first():
    fn = functions.get("quadratic")
    choice = tuning.best_lr(optim_ref.Momentum, fn, fn.start, 400)
    tied = choice.grid[choice.tied]
    # every rate from 0.004 to 0.16 ends below 1e-16 with beta = 0.9: they all tie
    assert tied.min() < 0.004 and tied.max() > 0.15
    band = (choice.grid > 0.0039) & (choice.grid < 0.16)
    assert np.all(choice.tied[band]) and np.all(choice.final_loss[band] < 1e-16)
    assert np.all(choice.final_loss[choice.tied] <= choice.final_loss.min() + tuning.TIE)
    # the winner is the tied rate with the fewest steps to loss < 1e-6, recomputed run by run
    steps = {lr: _first_below(optim_ref.run(optim_ref.Momentum(lr=lr), fn, fn.start[None],
                                            400).loss[0], 1e-6 + choice.final_loss.min())
             for lr in tied}
    fastest = min(steps.values())
    assert choice.lr == min(lr for lr, s in steps.items() if s == fastest)
    assert choice.lr != tied.min(), "the old rule (smaller rate) would have picked this"
    assert _first_below(choice.run.loss[0], 1e-6) == fastest


def test_equal_steps_go_to_the_smaller_rate():
    # a function whose loss does not depend on the rate at all: every rate ties on everything
    class Flat(functions.Quadratic):
        def grad(self, xy):
            return np.zeros_like(np.asarray(xy, dtype=float))

    fn = Flat()
    choice = tuning.best_lr(optim_ref.SGD, fn, fn.start, 10)
    assert choice.tied.all()
    assert choice.lr == choice.grid[0]


def test_when_every_run_fails_the_smallest_rate_is_returned():
    fn = functions.get("quadratic")
    choice = tuning.best_lr(optim_ref.SGD, fn, fn.start, 50, grid=np.array([5.0, 10.0]))
    assert not choice.eligible.any() and not choice.tied.any()
    assert choice.lr == 5.0
