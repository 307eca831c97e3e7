"""Schedules that start low: ``LinearLR`` (a linear warm-up or decay of a factor of the lr)
and ``OneCycleLR`` (Smith & Topin 2017, "Super-Convergence", arXiv:1708.07120).

``LinearLR`` is chainable in torch: from step 1 on it multiplies the current lr by the ratio
of consecutive factors, so its lrs are the closed form ``base_lr * factor(t)`` only up to
rounding. ``OneCycleLR`` is not chainable and ignores the optimizer's lr: it overwrites
``initial_lr`` with ``max_lr / div_factor`` and interpolates between the group's
``initial_lr``, ``max_lr`` and ``min_lr``. With ``cycle_momentum=True`` (torch's default) it
also sets the optimizer's momentum (``momentum``, or ``betas[0]`` for Adam-like optimizers)
every step, inversely to the lr; :meth:`Schedule.momenta` gives those values and
``optim_ref.run`` applies them, refusing optimizers that have neither, as torch does.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from optim_ref.schedules._base import Cursor, Schedule
from optim_ref.validation import check_float, check_int


@dataclass(frozen=True)
class LinearLR(Schedule):
    """torch.optim.lr_scheduler.LinearLR: the lr's factor goes linearly from ``start_factor``
    to ``end_factor`` over ``total_iters`` steps, then stays."""

    start_factor: float = 1.0 / 3
    end_factor: float = 1.0
    total_iters: int = 5

    def __post_init__(self) -> None:
        check_float("start_factor", self.start_factor, 0.0, 1.0, low_open=True)
        check_float("end_factor", self.end_factor, 0.0, 1.0)
        check_int("total_iters", self.total_iters, 1)

    def _get_lr(self, c: Cursor) -> float:
        e, a, b = c.last_epoch, self.start_factor, self.end_factor
        if e == 0:
            return c.lr * a
        if c.initial or e > self.total_iters:
            return c.lr
        return c.lr * (1.0 + (b - a) / (self.total_iters * a + (e - 1) * (b - a)))

    def _closed_form_lr(self, c: Cursor) -> float:
        a, b = self.start_factor, self.end_factor
        return c.base_lr * (a + (b - a) * min(self.total_iters, c.last_epoch) / self.total_iters)


def _anneal_cos(start: float, end: float, pct: float) -> float:
    return end + (start - end) / 2.0 * (math.cos(math.pi * pct) + 1)


def _anneal_linear(start: float, end: float, pct: float) -> float:
    return (end - start) * pct + start


class _OneCycleCursor(Cursor):
    """Construction writes the cycle's lrs (and momenta) into the group first, as torch does."""

    def __init__(self, schedule: OneCycleLR, group: dict) -> None:
        group["initial_lr"] = schedule.max_lr / schedule.div_factor
        group["max_lr"] = schedule.max_lr
        group["min_lr"] = group["initial_lr"] / schedule.final_div_factor
        if schedule.cycle_momentum:
            group["momentum"] = group["max_momentum"] = schedule.max_momentum
            group["base_momentum"] = schedule.base_momentum
        super().__init__(schedule, group)


@dataclass(frozen=True)
class OneCycleLR(Schedule):
    """torch.optim.lr_scheduler.OneCycleLR: up from ``max_lr / div_factor`` to ``max_lr`` in
    the first ``pct_start`` of ``total_steps``, then down to ``initial_lr / final_div_factor``.

    ``total_steps`` or both ``epochs`` and ``steps_per_epoch`` fix the cycle's length; torch's
    loop fails once it steps past it, and so does :meth:`lrs` (``steps <= total_steps``).
    """

    max_lr: float
    total_steps: int | None = None
    epochs: int | None = None
    steps_per_epoch: int | None = None
    pct_start: float = 0.3
    anneal_strategy: str = "cos"
    cycle_momentum: bool = True
    base_momentum: float = 0.85
    max_momentum: float = 0.95
    div_factor: float = 25.0
    final_div_factor: float = 1e4
    three_phase: bool = False

    _cursor = _OneCycleCursor

    def __post_init__(self) -> None:
        check_float("max_lr", self.max_lr, 0.0, low_open=True)
        if self.total_steps is not None:
            check_int("total_steps", self.total_steps, 1)
        elif self.epochs is not None and self.steps_per_epoch is not None:
            check_int("epochs", self.epochs, 1)
            check_int("steps_per_epoch", self.steps_per_epoch, 1)
        else:
            raise ValueError("Invalid total_steps: None (give total_steps, an integer in "
                             "[1, inf), or both epochs and steps_per_epoch)")
        check_float("pct_start", self.pct_start, 0.0, 1.0)
        if self.anneal_strategy not in ("cos", "linear"):
            raise ValueError(f"Invalid anneal_strategy: {self.anneal_strategy!r} "
                             "(anneal_strategy must be 'cos' or 'linear')")
        # momentum 0 would switch SGD's momentum off for a step, which torch's buffer survives
        # and a pure step cannot follow; betas[0] must stay below 1 (Adam refuses 1)
        check_float("base_momentum", self.base_momentum, 0.0, 1.0, low_open=True)
        check_float("max_momentum", self.max_momentum, 0.0, 1.0, low_open=True)
        check_float("div_factor", self.div_factor, 0.0, low_open=True)
        check_float("final_div_factor", self.final_div_factor, 0.0, low_open=True)
        spans = self._phase_spans()
        for i, (start, end) in enumerate(spans):
            # torch divides by a phase's length. An empty first phase is reached at step 0,
            # an empty last one at step total_steps; an empty middle one is never reached.
            if end == start and i in (0, len(spans) - 1):
                raise ValueError(
                    f"Invalid pct_start: {self.pct_start} (with total_steps={self.steps} phase "
                    f"{i + 1} of the cycle spans zero steps and torch would divide by zero; "
                    f"pct_start must be in [0, 1] and leave every phase a length)")

    @property
    def steps(self) -> int:
        """The cycle's length: ``total_steps``, or ``epochs * steps_per_epoch``."""
        return self.total_steps if self.total_steps is not None else (
            self.epochs * self.steps_per_epoch)

    def _phases(self) -> list[tuple[float, str, str, str, str]]:
        """torch's ``_schedule_phases``: (end_step, start_lr, end_lr, start_m, end_m)."""
        T, p = self.steps, self.pct_start
        if self.three_phase:
            return [(float(p * T) - 1, "initial_lr", "max_lr", "max_momentum", "base_momentum"),
                    (float(2 * p * T) - 2, "max_lr", "initial_lr", "base_momentum",
                     "max_momentum"),
                    (T - 1, "initial_lr", "min_lr", "max_momentum", "max_momentum")]
        return [(float(p * T) - 1, "initial_lr", "max_lr", "max_momentum", "base_momentum"),
                (T - 1, "max_lr", "min_lr", "base_momentum", "max_momentum")]

    def _phase_spans(self) -> list[tuple[float, float]]:
        ends = [phase[0] for phase in self._phases()]
        return list(zip([0.0, *ends[:-1]], ends, strict=True))

    def _get_lr(self, c: Cursor) -> float:
        step = c.last_epoch
        if step > self.steps:
            raise ValueError(f"Invalid steps: OneCycleLR was stepped {step} times, past its "
                             f"total_steps={self.steps} (steps must be <= total_steps)")
        anneal = _anneal_cos if self.anneal_strategy == "cos" else _anneal_linear
        phases = self._phases()
        start = 0.0
        for i, (end, lr0, lr1, m0, m1) in enumerate(phases):
            if step <= end or i == len(phases) - 1:
                pct = (step - start) / (end - start)
                if self.cycle_momentum:
                    c.group["momentum"] = anneal(c.group[m0], c.group[m1], pct)
                return anneal(c.group[lr0], c.group[lr1], pct)
            start = end
        raise AssertionError("unreachable: the last phase always matches")
