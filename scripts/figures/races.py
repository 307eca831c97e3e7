"""The runs behind a figure, and the words that describe them to a reader who cannot see it.

Learning rates come from the stated rule (optim_ref.tuning.best_lr) unless the registry
fixes one; the alt text ("story") is written from the computed runs, so it says what
actually happens in the animation: who reaches the minimum and when, who overshoots,
who runs out of steps short of it, who settles elsewhere, who diverges.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

import optim_ref
from optim_ref import analysis, functions, tuning
from optim_ref.trajectory import Run
from scripts.core import words
from scripts.figures import labels
from scripts.figures.registry import Figure, base_optimizer


@dataclass(frozen=True)
class Race:
    """Runs of one figure, one per optimizer, in registry order."""

    figure: Figure
    labels: tuple[str, ...]
    lrs: tuple[float, ...]
    runs: tuple[Run, ...]
    #: runners whose beta is tuned (not the default 0.9), by label
    betas: dict[str, float] = field(default_factory=dict)

    @property
    def paths(self) -> np.ndarray:
        return np.concatenate([r.path for r in self.runs])

    @property
    def losses(self) -> np.ndarray:
        return np.concatenate([r.loss for r in self.runs])


#: how a tuned runner is called in figures ("Momentum+polyak" -> "Momentum (Polyak)")
TUNING_LABELS = {"polyak": "Polyak"}


def label(opt: str) -> str:
    name, _, tuned = opt.partition("+")
    return labels.label(name) + (f" ({TUNING_LABELS[tuned]})" if tuned else "")


def surface_of(fig: Figure):
    return _surface(fig.surface, fig.angle)


def _surface(name: str, angle: float):
    return functions.rotated(name, angle) if angle else functions.get(name)


def curvatures(surface) -> tuple[float, float]:
    """The quadratic's Hessian eigenvalues (1 and kappa, whatever its angle)."""
    return (1.0, float(surface.kappa))


def run_key(fig: Figure) -> tuple:
    """What fixes a figure's runs: a race and its loss curves (race-X, race-X-loss) share
    them, so jobs.py renders both in one worker and they are run once."""
    return (fig.surface, fig.angle, fig.start, fig.steps, fig.optimizers, fig.lr)


def compute(fig: Figure) -> Race:
    """Run every optimizer of the figure from the same start with the same budget."""
    lrs, runs, betas = _runs(*run_key(fig))
    return Race(fig, tuple(label(n) for n in fig.optimizers), lrs, runs, betas)


#: the figures of one ``run_key`` (both languages, the race and its loss curves) are drawn one
#: after the other in one worker (jobs.py), from one run
@lru_cache(maxsize=1)
def _runs(surface_name: str, angle: float, start: tuple[float, float] | None, steps: int,
          optimizers: tuple[str, ...], lr: str | float,
          ) -> tuple[tuple[float, ...], tuple[Run, ...], dict[str, float]]:
    surface = _surface(surface_name, angle)
    start = np.asarray(start if start is not None else surface.start, dtype=float)
    lrs, runs, betas = [], [], {}
    for name in optimizers:
        cls = getattr(optim_ref, base_optimizer(name))
        if name.endswith("+polyak"):
            rate, beta = analysis.polyak(curvatures(surface))
            lrs.append(rate)
            betas[label(name)] = beta
            runs.append(optim_ref.run(cls(lr=rate, momentum=beta), surface, start[None], steps))
        elif lr == "rule":
            choice = tuning.best_lr(cls, surface, start, steps)
            lrs.append(choice.lr)
            runs.append(choice.run)
        else:
            lrs.append(float(lr))
            runs.append(optim_ref.run(cls(lr=float(lr)), surface, start[None], steps))
    return tuple(lrs), tuple(runs), betas


def rule_text(fig: Figure, lang: str) -> str:
    if fig.lr != "rule":
        return ""
    rule = words.section("rule")[lang]
    return rule["saddle"] if len(surface_of(fig).minima) == 0 else rule["minimum"]


def lrs_text(race: Race) -> str:
    if len(race.runs) == 1:
        return f"{race.lrs[0]:.3g}"
    betas = race.betas
    return ", ".join(f"{name} {lr:.3g}" + (f" (β {betas[name]:.3g})" if name in betas else "")
                     for name, lr in zip(race.labels, race.lrs, strict=True))


def _fmt_point(p: np.ndarray) -> str:
    return f"({p[0]:.2f}, {p[1]:.2f})"


def describe_run(run: Run, label: str, surface, lang: str) -> str:
    """One sentence on one run: where it ended and how it got there."""
    path, loss = run.path[0], run.loss[0]
    topic = label + labels.topic_ko(label)
    end = path[-1]
    if run.diverged[0]:
        step = int(run.diverged_at[0])
        return (f"{topic} {step}걸음째에 발산합니다." if lang == "ko"
                else f"{label} diverges at step {step}.")
    minima = surface.minima
    (x0, x1), (y0, y1) = surface.window
    tol = 0.02 * float(np.hypot(x1 - x0, y1 - y0))
    # "Swings" when the climbs add up to a tenth of the descent: a few ulps of noise or one
    # tiny bump do not count, an overshoot past the valley floor does.
    steps = np.diff(loss)
    descent = float(loss[0] - loss.min())
    swings = bool(descent > 0 and steps[steps > 0].sum() > 0.1 * descent)
    if len(minima):
        dist = np.linalg.norm(path[:, None, :] - minima[None], axis=-1).min(axis=1)
        if dist[-1] <= tol:
            step = int(np.flatnonzero(dist <= tol)[0])
            if lang == "ko":
                how = " 중간에 최솟값을 지나쳤다가 되돌아오며" if swings else ""
                return f"{topic}{how} {step}걸음째에 최솟값 {_fmt_point(end)} 근처에 닿습니다."
            how = ", overshooting and swinging back on the way" if swings else ""
            return f"{label} reaches the minimum near {_fmt_point(end)} by step {step}{how}."
        n = loss.size - 1
        # "settles": the last tenth of the steps moved it less than a thousandth of the
        # window; otherwise it was still moving when the budget ended
        tail = path[-1 - max(1, n // 10):]
        settled = float(np.linalg.norm(np.diff(tail, axis=0), axis=1).sum()) < tol / 20
        if lang == "ko":
            how = "이리저리 흔들리다가 " if swings else ""
            if settled:
                return (f"{topic} {how}최솟값이 아닌 {_fmt_point(end)}에 머뭅니다"
                        f"(손실 {loss[-1]:.3g}).")
            return (f"{topic} {how}최솟값에 닿기 전에 {n}걸음을 다 써서 {_fmt_point(end)}에서 "
                    f"끝납니다(손실 {loss[-1]:.3g}).")
        how = "swings back and forth, then " if swings else ""
        if settled:
            return (f"{label} {how}settles at {_fmt_point(end)}, which is not the minimum "
                    f"(loss {loss[-1]:.3g}).")
        return (f"{label} {how}runs out of its {n} steps at {_fmt_point(end)}, short of the "
                f"minimum (loss {loss[-1]:.3g}).")
    if lang == "ko":
        return f"{topic} 안장점에서 벗어나 {_fmt_point(end)}까지 내려갑니다(손실 {loss[-1]:.3g})."
    return f"{label} escapes the saddle and slides down to {_fmt_point(end)} (loss {loss[-1]:.3g})."


def story(race: Race, lang: str) -> str:
    surface = surface_of(race.figure)
    start = race.runs[0].path[0, 0]
    head = (f"출발점은 {_fmt_point(start)}입니다. " if lang == "ko"
            else f"All start at {_fmt_point(start)}. ")
    return head + " ".join(
        describe_run(r, label, surface, lang)
        for r, label in zip(race.runs, race.labels, strict=True)
    )
