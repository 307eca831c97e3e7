"""A stated, reproducible rule for choosing a learning rate: never a hand-picked one.

The site races optimizers against each other. A race is only fair if each runner gets a
learning rate chosen the same way, so the rule is computed, not tuned by eye:

    For each optimizer, try every rate on a log-spaced grid (one batched run), drop the runs
    that diverge or leave the plotted window, and keep the rate whose run ends with the
    lowest loss. Runs that end within ``TIE`` of that lowest loss tie (on the quadratic every
    momentum rate from 0.004 to 0.16 ends below 1e-16); among them the run that first gets
    within ``REACH`` of it wins (the fastest, which is what a race is about), then the
    smaller rate.

On a surface without a minimum (a saddle) "lowest final loss inside the window" means "gets
furthest down the escape route without running off the picture", which is the behaviour
such a figure wants to show.

The same rule chooses the rates of a network's training (``choose``): there the score is the
final loss on held-out data, the validation loss, and the runs that blew up (a non-finite
loss) are the ineligible ones.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from optim_ref.trajectory import Run, run

#: 5 rates per decade from 1e-4 to 10 (26 values): covers every optimizer's useful range,
#: including Adadelta, whose "learning rate" is a multiplier near 1.
DEFAULT_GRID = np.logspace(-4, 1, 26)
#: final losses this close to the lowest one tie (far below anything a plot can show)
TIE = 1e-12
#: among tied runs, the first to come this close to the lowest final loss wins
#: (on a surface whose minimum is 0: the first to bring the loss below 1e-6)
REACH = 1e-6


@dataclass(frozen=True)
class Choice:
    """The outcome of the rule: the rate, the run it produced, and why."""

    lr: float
    run: Run
    grid: np.ndarray
    eligible: np.ndarray  # (len(grid),) bool: finite and stayed inside the window
    final_loss: np.ndarray  # (len(grid),)
    tied: np.ndarray  # (len(grid),) bool: eligible and within TIE of the lowest final loss
    reach: np.ndarray  # (len(grid),) steps to come within REACH of it (steps + 1: never)


def inside(path: np.ndarray, window) -> np.ndarray:
    """(batch,) whether every point of each path lies inside the plotting window."""
    (x0, x1), (y0, y1) = window
    x, y = path[..., 0], path[..., 1]
    return np.all((x >= x0) & (x <= x1) & (y >= y0) & (y <= y1), axis=-1)


def best_lr(
    make: Callable[..., object],
    function,
    start,
    steps: int,
    grid: np.ndarray = DEFAULT_GRID,
    window=None,
) -> Choice:
    """Apply the rule. ``make(lr=...)`` builds the optimizer; ``lr`` arrives as (n, 1)."""
    grid = np.asarray(grid, dtype=np.float64)
    window = function.window if window is None else window
    starts = np.broadcast_to(np.asarray(start, dtype=np.float64), (grid.size, 2)).copy()
    sweep = run(make(lr=grid[:, None]), function, starts, steps)
    final = sweep.loss[:, -1]
    eligible = ~sweep.diverged & inside(sweep.path, window) & np.isfinite(final)
    reach = np.full(grid.size, steps + 1)
    if eligible.any():
        near = sweep.loss <= final[eligible].min() + REACH
        reach = np.where(near.any(axis=1), near.argmax(axis=1), steps + 1)
    i = choose(grid, final, eligible, reach)
    tied = _tied(final, eligible)
    chosen = run(make(lr=float(grid[i])), function, starts[:1], steps)
    return Choice(float(grid[i]), chosen, grid, eligible, final, tied, reach)


def _tied(final: np.ndarray, ok: np.ndarray) -> np.ndarray:
    """The eligible runs whose final loss is within TIE of the lowest."""
    return ok & (final <= final[ok].min() + TIE) if ok.any() else np.zeros(final.shape, bool)


def choose(grid, final, eligible=None, reach=None) -> int:
    """The rule's pick among runs already made: the index of the lowest finite ``final`` loss
    among the ``eligible`` runs; runs within ``TIE`` of it tie, and the tie goes to the fewest
    ``reach`` steps when given, then to the smaller rate (0 if none is eligible).

    ``grid`` must increase, so that "first" means "smallest rate".
    """
    grid, final = np.asarray(grid, dtype=np.float64), np.asarray(final, dtype=np.float64)
    if grid.ndim != 1 or grid.shape != final.shape or np.any(np.diff(grid) <= 0):
        raise ValueError(f"Invalid grid: {grid.tolist()} (an increasing 1-D grid, one final "
                         f"loss per rate; got {final.shape[0] if final.ndim else 0} losses)")
    ok = np.isfinite(final) if eligible is None else np.asarray(eligible, bool) & np.isfinite(final)
    if not ok.any():
        return 0
    tied = _tied(final, ok)
    steps = np.zeros(grid.size) if reach is None else np.asarray(reach, dtype=np.float64)
    # fewest steps among the tied; argmin takes the first, the smaller rate, on equal steps
    return int(np.argmin(np.where(tied, steps, np.inf)))
