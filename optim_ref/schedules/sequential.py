"""``SequentialLR``: one schedule after another, switching at milestones (torch's semantics).

torch builds the inner schedulers first (each construction steps the optimizer's lr), then
``SequentialLR`` puts the lr back to ``initial_lr``, takes every inner scheduler one epoch
back and re-runs the first one's initial step. At a milestone the next scheduler starts with
``_update_lr(0)``: its closed form at epoch 0 where it has one (``base_lr`` for most), its
``get_lr`` otherwise; between milestones the active one is stepped as usual, so chainable
schedules continue from whatever lr the previous one left.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from optim_ref.schedules._base import Schedule, check_milestones


class _SequentialCursor:
    def __init__(self, schedule: SequentialLR, group: dict) -> None:
        self.milestones = schedule.milestones
        self.children = [s._attach(group) for s in schedule.schedulers]
        self.last_epoch = 0
        group["lr"] = group["initial_lr"]
        for child in self.children:
            child.undo()
        self.children[bisect_right(self.milestones, 0)].initial_step()

    def step(self) -> None:
        self.last_epoch += 1
        idx = bisect_right(self.milestones, self.last_epoch)
        child = self.children[idx]
        if idx > 0 and self.milestones[idx - 1] == self.last_epoch:
            child.update_lr(0)
        else:
            child.step()


@dataclass(frozen=True)
class SequentialLR(Schedule):
    """torch.optim.lr_scheduler.SequentialLR: ``schedulers[i]`` runs from ``milestones[i - 1]``
    on (warm-up then decay: ``SequentialLR([LinearLR(0.1, total_iters=5),
    CosineAnnealingLR(95)], milestones=[5])``)."""

    schedulers: Sequence[Schedule]
    milestones: Sequence[int]

    def __post_init__(self) -> None:
        schedulers = tuple(self.schedulers)
        if not schedulers:
            raise ValueError("Invalid schedulers: [] (SequentialLR needs at least one schedule)")
        for i, s in enumerate(schedulers):
            if isinstance(s, SequentialLR) or not isinstance(s, Schedule):
                raise ValueError(f"Invalid schedulers[{i}]: {s!r} (each must be one of "
                                 "optim_ref.schedules' schedules other than SequentialLR)")
        milestones = check_milestones("milestones", self.milestones)
        if len(milestones) != len(schedulers) - 1:
            raise ValueError(f"Invalid milestones: {list(milestones)} (with {len(schedulers)} "
                             f"schedulers there must be {len(schedulers) - 1} milestones)")
        object.__setattr__(self, "schedulers", schedulers)
        object.__setattr__(self, "milestones", milestones)

    def _attach(self, group: dict) -> _SequentialCursor:
        return _SequentialCursor(self, group)
