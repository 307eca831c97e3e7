"""Learning-rate schedules with torch.optim.lr_scheduler's names, arguments and defaults.

    sched = SequentialLR([LinearLR(0.1, total_iters=10), CosineAnnealingLR(T_max=190)],
                         milestones=[10])
    sched.lrs(0.1, 200)        # float64 array: the lr of steps 1..200
    run(Adam(lr=0.1), surface, start, 200, schedule=sched)

Each ``lrs(base_lr, steps)`` equals what ``optimizer.param_groups[0]["lr"]`` holds before each
``optimizer.step()`` in torch's loop with ``scheduler.step()`` after every optimizer step.
"""

from optim_ref.schedules._base import Schedule
from optim_ref.schedules.apply import per_step
from optim_ref.schedules.cosine import CosineAnnealingLR, CosineAnnealingWarmRestarts
from optim_ref.schedules.decay import ExponentialLR, MultiStepLR, StepLR
from optim_ref.schedules.sequential import SequentialLR
from optim_ref.schedules.warmup import LinearLR, OneCycleLR

__all__ = [
    "Schedule", "StepLR", "MultiStepLR", "ExponentialLR", "CosineAnnealingLR",
    "CosineAnnealingWarmRestarts", "LinearLR", "OneCycleLR", "SequentialLR", "per_step",
]
