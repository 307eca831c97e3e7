"""A schedule applied to an optimizer: one validated optimizer per step, through ``replace``.

Steps stay pure: instead of changing ``param_groups[0]["lr"]`` in place as torch does, step k
uses ``optimizer.replace(lr=lrs[k - 1])``. A schedule that cycles momentum (``OneCycleLR``)
also replaces ``momentum``, or ``betas[0]`` for Adam-like optimizers, as torch's OneCycleLR
does (it checks ``betas`` first); an optimizer with neither is refused, as torch refuses it.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from optim_ref.schedules._base import Schedule


def _per_element(schedule: Schedule, lr: Any, steps: int, which: str) -> np.ndarray | None:
    """The schedule's lrs (or momenta), shape ``(steps, *np.shape(lr))``: a sweep over an
    array of base lrs gets one schedule per element."""
    lr = np.asarray(lr, dtype=np.float64)
    rows = [getattr(schedule, which)(float(b), steps) for b in lr.ravel()]
    if rows[0] is None:
        return None
    return np.stack(rows, axis=-1).reshape((steps, *lr.shape))


def per_step(optimizer: Any, schedule: Schedule | None, steps: int) -> list[Any]:
    """The optimizer each of the steps 1..steps uses: ``optimizer`` itself without a schedule.

    The base lr is ``optimizer.lr`` (torch's ``initial_lr``); OneCycleLR ignores it.
    """
    if schedule is None:
        return [optimizer] * steps
    if not isinstance(schedule, Schedule):
        raise ValueError(f"Invalid schedule: {schedule!r} (schedule must be one of "
                         "optim_ref.schedules' schedules, or None)")
    hyper = optimizer.hyperparameters()
    lrs = _per_element(schedule, hyper["lr"], steps, "lrs")
    momenta = _per_element(schedule, hyper["lr"], steps, "momenta")
    scalar = np.ndim(hyper["lr"]) == 0
    if momenta is not None and "betas" not in hyper and "momentum" not in hyper:
        raise ValueError(
            f"Invalid schedule: {schedule!r} cycles momentum, and {type(optimizer).__name__} "
            "has neither momentum nor betas (as torch: pass cycle_momentum=False)")
    out = []
    for k in range(steps):
        changes: dict[str, Any] = {"lr": float(lrs[k]) if scalar else lrs[k]}
        if momenta is not None:
            m = float(momenta[k]) if scalar else momenta[k]
            if "betas" in hyper:
                changes["betas"] = (m, *hyper["betas"][1:])
            else:
                changes["momentum"] = m
        out.append(optimizer.replace(**changes))
    return out
