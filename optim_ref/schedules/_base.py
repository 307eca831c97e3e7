"""What every schedule shares: torch's stepping protocol, replayed on one scalar learning rate.

A schedule here holds only its arguments (a frozen dataclass: equal schedules compare and hash
equal, as figure cache keys need). ``lrs(base_lr, steps)`` replays what torch does to
``optimizer.param_groups[0]`` in the loop

    scheduler = Scheduler(optimizer, ...)           # construction already takes a step
    for k in range(steps):
        optimizer.step()                            # uses the lr recorded as lrs[k]
        scheduler.step()

Why a replay and not the closed-form formulas: torch's ``scheduler.step()`` calls the
*recursive* ``get_lr`` (the new lr computed from the current ``group["lr"]``), which rounds
differently from the closed form and, for ``CosineAnnealingLR``, is not even the same
function past ``T_max``; ``SequentialLR`` switches to the closed form at its milestones
(``_update_lr(0)``). A :class:`Cursor` mirrors ``torch.optim.lr_scheduler.LRScheduler``'s live
state (``last_epoch``, ``_step_count``, ``base_lrs``, the initial step) so each schedule writes
only torch's ``get_lr`` and, where torch has one, ``_get_closed_form_lr``, with the same
operations in the same order. ``last_epoch`` (resuming from a checkpoint) is left out: it
restores a run, it does not shape one.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from optim_ref.validation import check_float, check_int


def check_milestones(name: str, milestones: Any, low: int = 1) -> tuple[int, ...]:
    """Strictly increasing integers ``>= low``, as torch's docs ask (``bisect`` relies on it)."""
    values = tuple(check_int(f"{name}[{i}]", m, low) for i, m in enumerate(milestones))
    for i in range(1, len(values)):
        if values[i] <= values[i - 1]:
            raise ValueError(f"Invalid {name}: {list(values)} ({name} must be strictly "
                             f"increasing; {name}[{i}]={values[i]} <= {values[i - 1]})")
    return values


class Cursor:
    """torch's ``LRScheduler`` state for one schedule attached to one param group (a dict).

    Construction does what torch's ``__init__`` does: ``group.setdefault("initial_lr", lr)``,
    ``base_lr`` from it, ``last_epoch = -1``, then the initial step (``_is_initial`` set).
    """

    def __init__(self, schedule: Schedule, group: dict) -> None:
        self.schedule, self.group = schedule, group
        group.setdefault("initial_lr", group["lr"])
        self.base_lr = group["initial_lr"]
        self.last_epoch = -1
        self.step_count = 0
        self.initial = False
        self.initial_step()

    def initial_step(self) -> None:
        """torch's ``_initial_step``: reset the step count, step once in initial mode."""
        self.step_count = 0
        self.initial = True
        try:
            self.step()
        finally:
            self.initial = False

    def step(self) -> None:
        """torch's ``scheduler.step()``: count, advance ``last_epoch``, recursive ``get_lr``."""
        self.step_count += 1
        self.update_lr(None)

    def update_lr(self, epoch: int | None) -> None:
        """torch's ``_update_lr``: with an epoch, the closed form where the schedule has one."""
        if epoch is None:
            self.last_epoch += 1
            lr = self.schedule._get_lr(self)
        else:
            self.last_epoch = epoch
            closed = getattr(self.schedule, "_closed_form_lr", None)
            lr = closed(self) if closed is not None else self.schedule._get_lr(self)
        self.group["lr"] = lr

    def undo(self) -> None:
        """What ``SequentialLR.recursive_undo`` does to each scheduler: one epoch back."""
        self.last_epoch -= 1

    @property
    def lr(self) -> float:
        return self.group["lr"]


class Schedule:
    """Base class: ``lrs`` and ``momenta`` replay torch's loop; subclasses write ``_get_lr``."""

    #: the Cursor type that holds this schedule's live state
    _cursor: type[Cursor] = Cursor

    def _get_lr(self, c: Cursor) -> float:
        raise NotImplementedError

    def _attach(self, group: dict) -> Cursor:
        """What constructing the torch scheduler on an optimizer with ``group`` does."""
        return self._cursor(self, group)

    def _replay(self, base_lr: float, steps: int) -> tuple[np.ndarray, np.ndarray | None]:
        base_lr = check_float("base_lr", base_lr, 0.0)
        steps = check_int("steps", steps, 0)
        group = {"lr": base_lr}
        cursor = self._attach(group)
        lrs = np.empty(steps)
        momenta = np.empty(steps)
        for k in range(steps):
            lrs[k] = group["lr"]
            momenta[k] = group.get("momentum", math.nan)
            cursor.step()  # torch's loop steps the scheduler after every optimizer step
        return lrs, (momenta if "momentum" in group else None)

    def lrs(self, base_lr: float, steps: int) -> np.ndarray:
        """The lr in effect at steps 1..steps: ``param_groups[0]["lr"]`` before each
        ``optimizer.step()``, for an optimizer built with ``lr=base_lr``."""
        return self._replay(base_lr, steps)[0]

    def momenta(self, base_lr: float, steps: int) -> np.ndarray | None:
        """The momentum (SGD's ``momentum``, Adam's ``betas[0]``) the schedule sets at steps
        1..steps, or None if it leaves momentum alone (only ``OneCycleLR`` cycles it)."""
        return self._replay(base_lr, steps)[1]
