"""Step-wise and exponential decay: ``StepLR``, ``MultiStepLR``, ``ExponentialLR``.

All three are chainable in torch: ``get_lr`` multiplies the *current* ``group["lr"]`` by
``gamma`` when a decay is due, so the lr after k decays is ``base_lr * gamma * ... * gamma``
(rounded at each product), not ``base_lr * gamma**k`` (their closed form, used only at a
``SequentialLR`` milestone).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from optim_ref.schedules._base import Cursor, Schedule, check_milestones
from optim_ref.validation import check_float, check_int


@dataclass(frozen=True)
class StepLR(Schedule):
    """torch.optim.lr_scheduler.StepLR: multiply the lr by ``gamma`` every ``step_size`` steps."""

    step_size: int
    gamma: float = 0.1

    def __post_init__(self) -> None:
        check_int("step_size", self.step_size, 1)
        check_float("gamma", self.gamma, 0.0, low_open=True)

    def _get_lr(self, c: Cursor) -> float:
        if c.last_epoch == 0 or c.last_epoch % self.step_size != 0:
            return c.lr
        return c.lr * self.gamma

    def _closed_form_lr(self, c: Cursor) -> float:
        return c.base_lr * self.gamma ** (c.last_epoch // self.step_size)


@dataclass(frozen=True)
class MultiStepLR(Schedule):
    """torch.optim.lr_scheduler.MultiStepLR: multiply the lr by ``gamma`` at each milestone."""

    milestones: Sequence[int]
    gamma: float = 0.1

    def __post_init__(self) -> None:
        # a tuple, so that the schedule stays hashable whatever sequence was given
        object.__setattr__(self, "milestones", check_milestones("milestones", self.milestones))
        check_float("gamma", self.gamma, 0.0, low_open=True)

    def _get_lr(self, c: Cursor) -> float:
        # torch keeps a Counter and scales by gamma ** count; milestones here are distinct
        return c.lr * self.gamma if c.last_epoch in self.milestones else c.lr

    def _closed_form_lr(self, c: Cursor) -> float:
        return c.base_lr * self.gamma ** bisect_right(self.milestones, c.last_epoch)


@dataclass(frozen=True)
class ExponentialLR(Schedule):
    """torch.optim.lr_scheduler.ExponentialLR: multiply the lr by ``gamma`` every step."""

    gamma: float

    def __post_init__(self) -> None:
        check_float("gamma", self.gamma, 0.0, low_open=True)

    def _get_lr(self, c: Cursor) -> float:
        return c.lr if c.initial else c.lr * self.gamma

    def _closed_form_lr(self, c: Cursor) -> float:
        return c.base_lr * self.gamma ** c.last_epoch
