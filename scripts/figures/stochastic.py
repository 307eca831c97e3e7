"""The runs of the stochastic figures (SGD and mini-batches, momentum under noise, schedules).

Every figure of these pages is computed here on one seeded problem, ``PROBLEM``: a linear
regression with 400 points and noise large enough that mini-batch gradients disagree, so the
noise ball around the minimum is visible. The words for alt text are made from the same runs
(``*_story``), and the page tests read these functions, so a number on a page is the run's.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

import optim_ref
from optim_ref import schedules
from optim_ref.data import batches
from optim_ref.problems import LinearRegression

#: the data set of every stochastic figure: y = 1.5 x - 1 + N(0, 1), x uniform on [0, 3]
PROBLEM = LinearRegression(n_examples=400, noise=1.0, seed=0)
#: the batch sizes of the paths figure; None is the full batch (plain gradient descent)
BATCH_SIZES = (1, 8, 64, None)
#: the sampler's seed of the single runs
SEED = 1
#: the seeds of the spread measurement (momentum under noise)
SPREAD_SEEDS = tuple(range(200))
#: momentum coefficient of the noise comparison
BETA = 0.9


def minimum() -> np.ndarray:
    return np.asarray(PROBLEM.minima[0], dtype=float)


def _start() -> np.ndarray:
    return np.asarray(PROBLEM.start, dtype=float)


def distance(path: np.ndarray) -> np.ndarray:
    """Distance of each point of a path (..., 2) from the minimum."""
    return np.linalg.norm(path - minimum(), axis=-1)


@dataclass(frozen=True)
class BatchPaths:
    batch_sizes: tuple[int | None, ...]
    paths: tuple[np.ndarray, ...]  # (steps + 1, 2) each
    mean_distance: tuple[float, ...]  # over the second half of the steps


def batch_paths(lr: float, steps: int) -> BatchPaths:
    """SGD at one learning rate, one path per batch size, the same sampler seed."""
    paths, dist = [], []
    for size in BATCH_SIZES:
        r = optim_ref.run(optim_ref.SGD(lr=lr), PROBLEM, _start(), steps, batch_size=size,
                          seed=SEED)
        paths.append(r.path[0])
        dist.append(float(distance(r.path[0, steps // 2:]).mean()))
    return BatchPaths(BATCH_SIZES, tuple(paths), tuple(dist))


def decay_schedule(steps: int) -> schedules.CosineAnnealingLR:
    return schedules.CosineAnnealingLR(T_max=steps)


@dataclass(frozen=True)
class Decay:
    paths: tuple[np.ndarray, np.ndarray]  # constant, decayed: (steps + 1, 2)
    excess: tuple[np.ndarray, np.ndarray]  # loss - minimum loss, (steps + 1,)
    final_distance: tuple[float, float]


def decay(lr: float, steps: int) -> Decay:
    """Batch size 1 with a constant lr and with cosine annealing from the same lr to 0."""
    runs = [optim_ref.run(optim_ref.SGD(lr=lr), PROBLEM, _start(), steps, batch_size=1,
                          seed=SEED, schedule=sched)
            for sched in (None, decay_schedule(steps))]
    return Decay(tuple(r.path[0] for r in runs), tuple(r.loss[0] - PROBLEM.min_value for r in runs),
                 tuple(float(distance(r.path[0, -1])) for r in runs))


def spread_optimizers(lr: float) -> tuple[tuple[str, object], ...]:
    """SGD at lr, Momentum at lr with beta, and SGD at the effective step lr / (1 - beta)."""
    return (("SGD", optim_ref.SGD(lr=lr)),
            ("Momentum", optim_ref.Momentum(lr=lr, momentum=BETA)),
            ("SGD-effective", optim_ref.SGD(lr=lr / (1 - BETA))))


def final_points(optimizer, steps: int, seeds=SPREAD_SEEDS, batch_size: int = 1) -> np.ndarray:
    """Where runs started at the minimum are after ``steps`` steps, one run per seed (S, 2).

    All seeds step together: each row gets its own sampler's batches
    (``optim_ref.data.batches``), and ``batch_grad`` takes one batch per row.
    """
    drawn = np.stack([np.stack(batches(PROBLEM.n, batch_size, steps, seed=s)) for s in seeds],
                     axis=1)  # (steps, S, batch_size)
    p = np.repeat(minimum()[None], len(seeds), axis=0)
    state = optimizer.init(p)
    for k in range(steps):
        p, state = optimizer.step(p, PROBLEM.batch_grad(p, drawn[k]), state)
    return p


@dataclass(frozen=True)
class Spread:
    labels: tuple[str, ...]
    lrs: tuple[float, ...]
    points: tuple[np.ndarray, ...]  # (S, 2)
    msd: tuple[float, ...]  # mean squared distance from the minimum


#: the languages of a figure are drawn one after the other in one worker (jobs.py), from one run
@lru_cache(maxsize=1)
def spread(lr: float, steps: int) -> Spread:
    labels, lrs, points = [], [], []
    for label, opt in spread_optimizers(lr):
        labels.append(label)
        lrs.append(float(np.asarray(opt.lr)))
        points.append(final_points(opt, steps))
    msd = tuple(float(np.mean(np.sum((pt - minimum()) ** 2, axis=1))) for pt in points)
    return Spread(tuple(labels), tuple(lrs), tuple(points), msd)


def shapes(steps: int) -> tuple[schedules.Schedule, ...]:
    """The schedules of the shapes figure, over ``steps`` steps, with torch's arguments."""
    warm = steps // 10
    return (
        schedules.StepLR(step_size=steps // 4, gamma=0.5),
        schedules.MultiStepLR(milestones=[steps // 2, 3 * steps // 4], gamma=0.1),
        schedules.ExponentialLR(gamma=0.98),
        schedules.CosineAnnealingLR(T_max=steps),
        schedules.CosineAnnealingWarmRestarts(T_0=steps // 4),
        schedules.LinearLR(start_factor=1.0, end_factor=0.1, total_iters=steps),
        schedules.OneCycleLR(max_lr=0.1, total_steps=steps),
        schedules.SequentialLR(
            [schedules.LinearLR(start_factor=0.1, total_iters=warm),
             schedules.CosineAnnealingLR(T_max=steps - warm)], milestones=[warm]),
    )


def fmt(x: float) -> str:
    return f"{x:.3g}"


def batch_story(result: BatchPaths, lang: str) -> str:
    parts = []
    for size, d in zip(result.batch_sizes, result.mean_distance, strict=True):
        name = {"ko": "전체 배치", "en": "full batch"}[lang] if size is None else (
            {"ko": f"배치 크기 {size}", "en": f"batch size {size}"}[lang])
        parts.append(f"{name} {fmt(d)}")
    if lang == "ko":
        return "뒤쪽 절반 걸음 동안 최솟값까지의 평균 거리: " + ", ".join(parts) + "."
    return "Mean distance from the minimum over the second half of the steps: " + \
        ", ".join(parts) + "."


def decay_story(result: Decay, lang: str) -> str:
    const, dec = (fmt(d) for d in result.final_distance)
    if lang == "ko":
        return (f"마지막 걸음에서 최솟값까지의 거리는 고정 학습률이 {const}, "
                f"코사인으로 줄인 학습률이 {dec}입니다.")
    return (f"At the last step the constant rate is {const} from the minimum and the "
            f"cosine-decayed rate {dec}.")


def spread_story(result: Spread, lang: str) -> str:
    s, m, e = (fmt(v) for v in result.msd)
    if lang == "ko":
        return (f"최솟값으로부터의 평균 제곱 거리: SGD(학습률 {fmt(result.lrs[0])}) {s}, "
                f"Momentum(학습률 {fmt(result.lrs[1])}, β = {BETA}) {m}, "
                f"SGD(학습률 {fmt(result.lrs[2])}) {e}.")
    return (f"Mean squared distance from the minimum: SGD (lr {fmt(result.lrs[0])}) {s}, "
            f"Momentum (lr {fmt(result.lrs[1])}, β = {BETA}) {m}, "
            f"SGD (lr {fmt(result.lrs[2])}) {e}.")


def shapes_story(steps: int, base_lr: float, lang: str) -> str:
    final = [fmt(s.lrs(base_lr, steps)[-1]) for s in shapes(steps)]
    names = [type(s).__name__ for s in shapes(steps)]
    pairs = ", ".join(f"{n} {v}" for n, v in zip(names, final, strict=True))
    if lang == "ko":
        return f"{steps}번째 걸음의 학습률: {pairs}."
    return f"Learning rate at step {steps}: {pairs}."
