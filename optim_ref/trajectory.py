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

Mini-batches. On a finite-sum problem (``optim_ref.problems``) ``batch_size=B`` makes each
step use a true stochastic gradient, ``batch_grad(params, idx)`` on the batch ``idx`` that
``optim_ref.data.batches(n, B, seed=seed, drop_last=drop_last)`` draws for that step (one
more batch is drawn for the divergence check of the last point). The loss recorded is still
the full one, ``function.value``. The same seed gives the same run bit for bit.

Schedules. ``schedule=`` (``optim_ref.schedules``) gives step k the optimizer
``optimizer.replace(lr=lrs[k - 1])`` (and OneCycleLR's momentum): see
``optim_ref.schedules.per_step``. The state is initialised by step 1's optimizer, as torch's
scheduler has set the group's lr and momentum before the first ``optimizer.step()``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from optim_ref.data.sampler import batches
from optim_ref.functions import Surface
from optim_ref.noise import gaussian
from optim_ref.schedules import Schedule, per_step

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


def _good(function: Surface, p: Array, g: Array, lo: Array, hi: Array) -> tuple[Array, Array]:
    """Loss, and a mask of the rows whose point (gradient ``g``) may be kept and stepped from."""
    val = function.value(p)
    ok = np.isfinite(val) & np.isfinite(g[:, 0]) & np.isfinite(g[:, 1])
    ok &= (p[:, 0] >= lo[0]) & (p[:, 0] <= hi[0]) & (p[:, 1] >= lo[1]) & (p[:, 1] <= hi[1])
    return val, ok


def _gradients(function: Surface, steps: int, batch_size: int | None, seed: Any,
               drop_last: bool, batch_grad: Callable | None) -> Callable[[Array, int], Array]:
    """``grad(p, k)``: the gradient that step ``k + 1`` uses at ``p`` (full, or of its batch)."""
    if batch_size is None:
        if batch_grad is not None:
            raise ValueError("batch_grad needs batch_size (the sampler's batch size)")
        return lambda p, k: function.grad(p)
    n = getattr(function, "n", None)
    batch_grad = batch_grad or getattr(function, "batch_grad", None)
    if n is None or batch_grad is None:
        raise ValueError(f"batch_size needs a finite-sum problem (with n and batch_grad, see "
                         f"optim_ref.problems); {type(function).__name__} has none")
    drawn = batches(n, batch_size, steps + 1, seed=seed, drop_last=drop_last)
    return lambda p, k: batch_grad(p, drawn[k])


def run(optimizer: Any, function: Surface, starts: Any, steps: int, *,
        schedule: Schedule | None = None, batch_size: int | None = None, seed: Any = 0,
        drop_last: bool = False, batch_grad: Callable | None = None,
        noise: float = 0.0) -> Run:
    """Run ``optimizer`` on ``function`` from each row of ``starts`` for ``steps`` steps.

    ``starts`` has shape ``(batch, 2)`` (a single ``(2,)`` point is a batch of one). If the
    optimizer's hyperparameters have a batch axis (``lr`` of shape ``(n, 1)``) and ``starts``
    has one row, that start is shared by all ``n`` runs. ``batch_size`` (with ``seed`` and
    ``drop_last``) switches to mini-batch gradients; ``batch_grad(params, idx)`` replaces the
    problem's own. ``schedule`` changes the lr every step. ``noise`` (sigma) adds
    ``sigma * xi_t`` to the gradient step ``t`` uses, ``xi_t`` from the counter-based
    generator ``optim_ref.noise.gaussian(seed, t)``: the explorer's noise, the same in its
    JavaScript, shared by every row.
    """
    steps = int(steps)
    if steps < 0:
        raise ValueError(f"Invalid steps: {steps} (steps must be >= 0)")
    if not (np.isfinite(noise) and noise >= 0):
        raise ValueError(f"Invalid noise: {noise} (noise must be a finite sigma >= 0)")
    xi = gaussian(seed, np.arange(1, steps + 1)) if noise else None
    grad = _gradients(function, steps, batch_size, seed, drop_last, batch_grad)
    optimizers = per_step(optimizer, schedule, steps)
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
        g = grad(p, 0)
        val, alive = _good(function, p, g, lo, hi)
        if not np.all(np.isfinite(val)):
            bad = np.flatnonzero(~np.isfinite(val)).tolist()
            raise ValueError(f"the loss is not finite at the start(s) of row(s) {bad}")
        diverged_at[~alive] = 0
        g = np.where(alive[:, None], g, 0.0)
        path[:, 0], loss[:, 0] = p, val
        state = (optimizers[0] if steps else optimizer).init(p)

        for t in range(1, steps + 1):
            if xi is not None:
                g = np.where(alive[:, None], g + noise * xi[t - 1], 0.0)
            proposed, state = optimizers[t - 1].step(p, g, state)
            new_g = grad(proposed, t)
            new_val, ok = _good(function, proposed, new_g, lo, hi)
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
