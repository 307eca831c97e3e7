"""Cosine annealing (Loshchilov & Hutter 2016, SGDR, arXiv:1608.03983), as torch steps it.

``CosineAnnealingLR`` follows SGDR's curve ``eta_min + (base_lr - eta_min)(1 + cos(pi t/T_max))/2``
*recursively* in torch: each step multiplies ``lr - eta_min`` by the ratio of consecutive
``1 + cos`` terms, with a separate additive step where that ratio would divide by zero. Past
``T_max`` the recursion keeps following the cosine back up (no restart, no clamp).

``CosineAnnealingWarmRestarts`` is not recursive: torch computes each lr from ``base_lr``,
``T_cur`` (steps since the last restart) and ``T_i`` (the current period, multiplied by
``T_mult`` at each restart).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from optim_ref.schedules._base import Cursor, Schedule
from optim_ref.validation import check_float, check_int


@dataclass(frozen=True)
class CosineAnnealingLR(Schedule):
    """torch.optim.lr_scheduler.CosineAnnealingLR: from the base lr down to ``eta_min`` in
    ``T_max`` steps along half a cosine."""

    T_max: int
    eta_min: float = 0.0

    def __post_init__(self) -> None:
        check_int("T_max", self.T_max, 1)
        check_float("eta_min", self.eta_min, 0.0)

    def _get_lr(self, c: Cursor) -> float:
        e, T, eta_min = c.last_epoch, self.T_max, self.eta_min
        if c.initial:
            return c.lr
        if c.step_count == 1 and e > 0:
            return eta_min + (c.base_lr - eta_min) * (1 + math.cos(e * math.pi / T)) / 2
        if (e - 1 - T) % (2 * T) == 0:
            # at the bottom the ratio below would be 0/0: torch steps back up additively
            return c.lr + (c.base_lr - eta_min) * (1 - math.cos(math.pi / T)) / 2
        return ((1 + math.cos(math.pi * e / T)) / (1 + math.cos(math.pi * (e - 1) / T))
                * (c.lr - eta_min) + eta_min)

    def _closed_form_lr(self, c: Cursor) -> float:
        return (self.eta_min + (c.base_lr - self.eta_min)
                * (1 + math.cos(math.pi * c.last_epoch / self.T_max)) / 2)


class _RestartsCursor(Cursor):
    """Adds torch's ``T_cur`` and ``T_i``, which its own ``step`` advances (no step count)."""

    def __init__(self, schedule: CosineAnnealingWarmRestarts, group: dict) -> None:
        self.T_i, self.T_cur = schedule.T_0, -1
        super().__init__(schedule, group)

    def step(self) -> None:
        T_0 = self.schedule.T_0
        if self.last_epoch < 0:
            self.last_epoch, self.T_i, self.T_cur = 0, T_0, 0
        else:
            self.last_epoch += 1
            self.T_cur += 1
            if self.T_cur >= self.T_i:  # a restart: back to base_lr, a period T_mult longer
                self.T_cur %= self.T_i
                self.T_i *= self.schedule.T_mult
        self.group["lr"] = self.schedule._get_lr(self)


@dataclass(frozen=True)
class CosineAnnealingWarmRestarts(Schedule):
    """torch.optim.lr_scheduler.CosineAnnealingWarmRestarts: cosine annealing over ``T_0``
    steps, then a jump back to the base lr and a period ``T_mult`` times longer each time."""

    T_0: int
    T_mult: int = 1
    eta_min: float = 0.0

    _cursor = _RestartsCursor

    def __post_init__(self) -> None:
        check_int("T_0", self.T_0, 1)
        check_int("T_mult", self.T_mult, 1)
        check_float("eta_min", self.eta_min, 0.0)

    def _get_lr(self, c: _RestartsCursor) -> float:
        return (self.eta_min + (c.base_lr - self.eta_min)
                * (1 + math.cos(math.pi * c.T_cur / c.T_i)) / 2)
