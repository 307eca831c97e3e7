"""The runs behind the real-data figure: optim_ref.mlp on scikit-learn's digits, and their words.

One network (64 pixels -> 32 tanh units -> 10 logits, softmax cross-entropy) from one seed,
mini-batches of 64 (``drop_last=False``, 23 steps an epoch), per optimizer and per schedule
(a constant rate, and one epoch of linear warm-up then cosine decay to zero). The rate of
each is chosen by ``optim_ref.tuning.choose`` on the final validation loss over ``GRID``, so
no rate is picked by hand; the curves are evaluated once per epoch on both parts of the
split. The story (alt text) and the stated numbers are written from these runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

import optim_ref
from optim_ref import mlp, tuning
from optim_ref.data import load_digits, steps_per_epoch
from optim_ref.schedules import CosineAnnealingLR, LinearLR, SequentialLR

HIDDEN, BATCH, INIT_SEED, BATCH_SEED = 32, 64, 0, 0
#: 2 rates per decade, 10^-2.5 .. 10^0.5: one sweep covers SGD's large rates and Adam's small
#: ones (7 rates x 4 optimizers x 2 schedules = 56 short runs: the build's budget)
GRID = np.logspace(-2.5, 0.5, 7)
#: the optimizers' settings other than the rate (torch's defaults; momentum 0.9 as usual)
SETTINGS = {"SGD": {}, "Momentum": {"momentum": 0.9}, "Adam": {}, "AdamW": {}}
SCHEDULES = ("constant", "warmup-cosine")


def warmup_cosine(steps: int, warmup: int) -> SequentialLR:
    """``warmup`` steps of linear warm-up from a tenth of the rate, then cosine decay to 0."""
    return SequentialLR([LinearLR(start_factor=0.1, total_iters=warmup),
                         CosineAnnealingLR(T_max=steps - warmup)], milestones=[warmup])


@dataclass(frozen=True)
class Curve:
    """One chosen run, evaluated once per epoch (``at`` are the step counts)."""

    optimizer: str
    schedule: str
    lr: float
    at: np.ndarray
    train_loss: np.ndarray
    val_loss: np.ndarray
    train_acc: np.ndarray
    val_acc: np.ndarray
    grid_val_loss: np.ndarray  # the final validation loss of every rate of GRID


@dataclass(frozen=True)
class Training:
    steps: int
    per_epoch: int
    n_train: int
    n_val: int
    curves: tuple[Curve, ...]

    def curve(self, optimizer: str, schedule: str) -> Curve:
        return next(c for c in self.curves if (c.optimizer, c.schedule) == (optimizer, schedule))


def _schedule(name: str, steps: int, per_epoch: int):
    return None if name == "constant" else warmup_cosine(steps, per_epoch)


#: the languages of a figure are drawn one after the other in one worker (jobs.py), from one run
@lru_cache(maxsize=1)
def compute(optimizers, steps: int) -> Training:
    """Every optimizer under both schedules, each at the rate the rule chooses."""
    from threadpoolctl import threadpool_limits  # one BLAS thread: small matrices, 2 workers

    split = load_digits()
    per_epoch = steps_per_epoch(split.x_train.shape[0], BATCH)
    at = np.unique(np.r_[np.arange(0, steps + 1, per_epoch), steps])
    p0 = mlp.init_params(64, HIDDEN, 10, seed=INIT_SEED)
    kw = {"loss": "cross_entropy", "n_out": 10}
    curves = []
    with threadpool_limits(1), np.errstate(over="ignore", invalid="ignore"):
        for name in optimizers:
            for sched in SCHEDULES:
                rows = [mlp.checkpoints(
                    getattr(optim_ref, name)(lr=float(lr), **SETTINGS[name]), p0,
                    split.x_train, split.y_train, steps, at, **kw, batch_size=BATCH,
                    seed=BATCH_SEED, schedule=_schedule(sched, steps, per_epoch))
                    for lr in GRID]
                final = np.array([mlp.loss_value(r[-1], split.x_val, split.y_val, **kw)
                                  for r in rows])
                i = tuning.choose(GRID, final)
                best = rows[i]
                curves.append(Curve(
                    name, sched, float(GRID[i]), at,
                    np.array([mlp.loss_value(p, split.x_train, split.y_train, **kw) for p in best]),
                    np.array([mlp.loss_value(p, split.x_val, split.y_val, **kw) for p in best]),
                    np.array([mlp.accuracy(p, split.x_train, split.y_train, 10) for p in best]),
                    np.array([mlp.accuracy(p, split.x_val, split.y_val, 10) for p in best]),
                    final))
    return Training(steps, per_epoch, split.x_train.shape[0], split.x_val.shape[0],
                    tuple(curves))


SCHEDULE_WORDS = {
    "ko": {"constant": "고정 학습률", "warmup-cosine": "워밍업 후 코사인"},
    "en": {"constant": "constant rate", "warmup-cosine": "warm-up then cosine"},
}


def lrs_text(result: Training, schedule: str) -> str:
    return ", ".join(f"{c.optimizer} {c.lr:.3g}" for c in result.curves if c.schedule == schedule)


def rule_text(result: Training, lang: str) -> str:
    """The rule and the rates it chose under the schedule (the caption's ``{rule}``)."""
    lrs = lrs_text(result, "warmup-cosine")
    lo, hi = f"{GRID[0]:.3g}", f"{GRID[-1]:.3g}"  # 10^-2.5 and 10^0.5, as a reader reads them
    if lang == "ko":
        return (f"학습률은 {lo}부터 {hi}까지 로그 눈금 {GRID.size}개 가운데 "
                f"마지막 검증 손실이 가장 낮은 값으로 골랐습니다. "
                f"워밍업 후 코사인에서 고른 학습률: {lrs}.")
    return (f"Each rate is the one of {GRID.size} log-spaced rates from {lo} to {hi} with the "
            f"lowest final validation loss. Rates chosen under warm-up then cosine: {lrs}.")


def story(result: Training, lang: str) -> str:
    """What the panels show, from the runs: the best and worst final validation accuracy."""
    finals = sorted(result.curves, key=lambda c: c.val_acc[-1])
    lo, hi = finals[0], finals[-1]
    w = SCHEDULE_WORDS[lang]
    if lang == "ko":
        return (f"마지막 검증 정확도는 "
                f"{lo.optimizer}({w[lo.schedule]}) {lo.val_acc[-1]:.1%}부터 "
                f"{hi.optimizer}({w[hi.schedule]}) {hi.val_acc[-1]:.1%}까지입니다.")
    return (f"The final validation accuracy "
            f"ranges from {lo.val_acc[-1]:.1%} ({lo.optimizer}, {w[lo.schedule]}) to "
            f"{hi.val_acc[-1]:.1%} ({hi.optimizer}, {w[hi.schedule]}).")
