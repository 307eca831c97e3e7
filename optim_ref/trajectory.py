"""Trajectories: many optimizer runs on a 2-D surface at once, safe against divergence.

    r = run(Adam(lr=0.1), functions.get("rosenbrock"), starts, steps=500)
    r.path          # (batch, steps + 1, 2); r.path[:, 0] == starts
    r.loss          # (batch, steps + 1);    r.loss == function.value(r.path)
    r.diverged      # (batch,) bool
    r.diverged_at   # (batch,) int: the first frozen step, or -1

All work is vectorised over the batch: one ``opt.step`` call moves every run, so an
optimizer built with ``lr`` of shape ``(batch, 1)`` runs a learning-rate sweep.

Divergence. Before each step, ``run`` checks every run's point: its loss and gradient must be
finite and it must lie in the surface's window scaled by 10 about its centre. A run whose
new point fails is frozen at its last good point for the rest of the path, so no NaN or inf
ever reaches the output, and ``step``'s error on a non-finite gradient is never hit (frozen
runs get a zero gradient and their parameters are held fixed). ``diverged_at[i] = k`` means
the point proposed at step ``k`` was rejected: ``path[i, k:]`` all equal ``path[i, k - 1]``.
A start outside the box is frozen from step 0 (``diverged_at = 0``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from optim_ref.functions import Surface

Array = np.ndarray

#: a run diverges when it leaves the surface's window scaled by this factor
BOX_SCALE = 10.0


@dataclass(frozen=True, eq=False)
class Run:
    """The result of :func:`run`: arrays only, all finite."""

    path: Array  # (batch, steps + 1, 2)
    loss: Array  # (batch, steps + 1)
    diverged: Array  # (batch,) bool
    diverged_at: Array  # (batch,) int, -1 where the run never diverged

    @property
    def batch(self) -> int:
        return self.path.shape[0]

    @property
    def steps(self) -> int:
        return self.path.shape[1] - 1

    @property
    def final(self) -> Array:
        """The last point of each run, ``(batch, 2)``."""
        return self.path[:, -1]


def _good(function: Surface, p: Array, lo: Array, hi: Array) -> tuple[Array, Array, Array]:
    """Loss, gradient and a mask of the rows whose point may be kept and stepped from."""
    val = function.value(p)
    g = function.grad(p)
    ok = np.isfinite(val) & np.isfinite(g[:, 0]) & np.isfinite(g[:, 1])
    ok &= (p[:, 0] >= lo[0]) & (p[:, 0] <= hi[0]) & (p[:, 1] >= lo[1]) & (p[:, 1] <= hi[1])
    return val, g, ok


def run(optimizer: Any, function: Surface, starts: Any, steps: int) -> Run:
    """Run ``optimizer`` on ``function`` from each row of ``starts`` for ``steps`` steps.

    ``starts`` has shape ``(batch, 2)`` (a single ``(2,)`` point is a batch of one). If the
    optimizer's hyperparameters have a batch axis (``lr`` of shape ``(n, 1)``) and ``starts``
    has one row, that start is shared by all ``n`` runs.
    """
    steps = int(steps)
    if steps < 0:
        raise ValueError(f"Invalid steps: {steps} (steps must be >= 0)")
    p = np.array(starts, dtype=np.float64)
    if p.ndim == 1:
        p = p[None, :]
    if p.ndim != 2 or p.shape[1] != 2:
        raise ValueError(f"starts must have shape (batch, 2) or (2,), got {np.shape(starts)}")
    if not np.all(np.isfinite(p)):
        raise ValueError("starts must be finite")

    # A step from rest shows the batch the optimizer's hyperparameters broadcast to.
    try:
        shape = np.shape(optimizer.step(p, np.zeros_like(p), optimizer.init(p))[0])
    except ValueError as err:
        raise ValueError(
            f"the optimizer's hyperparameters do not broadcast against starts of shape "
            f"{p.shape}: {err}"
        ) from err
    if shape != p.shape:
        if p.shape[0] != 1 or len(shape) != 2 or shape[1] != 2:
            raise ValueError(
                f"the optimizer's hyperparameters turn params of shape {p.shape} into "
                f"{shape}; give starts of shape {shape} (or a single start)"
            )
        p = np.repeat(p, shape[0], axis=0)

    lo, hi = (np.array(b) for b in zip(*function.box(BOX_SCALE), strict=True))
    batch = p.shape[0]
    path = np.empty((batch, steps + 1, 2))
    loss = np.empty((batch, steps + 1))
    diverged_at = np.full(batch, -1, dtype=np.int64)

    with np.errstate(all="ignore"):  # overflow in frozen or rejected rows is expected
        val, g, alive = _good(function, p, lo, hi)
        if not np.all(np.isfinite(val)):
            bad = np.flatnonzero(~np.isfinite(val)).tolist()
            raise ValueError(f"the loss is not finite at the start(s) of row(s) {bad}")
        diverged_at[~alive] = 0
        g = np.where(alive[:, None], g, 0.0)
        path[:, 0], loss[:, 0] = p, val
        state = optimizer.init(p)

        for t in range(1, steps + 1):
            proposed, state = optimizer.step(p, g, state)
            new_val, new_g, ok = _good(function, proposed, lo, hi)
            rejected = alive & ~ok
            diverged_at[rejected] = t
            alive = alive & ok
            keep = alive[:, None]
            p = np.where(keep, proposed, p)
            val = np.where(alive, new_val, val)
            g = np.where(keep, new_g, 0.0)
            path[:, t], loss[:, t] = p, val

    return Run(path=path, loss=loss, diverged=diverged_at >= 0, diverged_at=diverged_at)


__all__ = ["BOX_SCALE", "Run", "run"]
