"""The runs behind Muon's figure and table on the newer-optimizers page, and their words.

Muon is for weight matrices; as Jordan's post recommends, the rest (biases, the output
layer) goes to AdamW. The digits network of ``training.py`` (64 pixels -> 32 tanh units ->
10 logits, seed 0) has one hidden weight matrix, W1, so each rate of the figure is run
twice, full batch: the first optimizer (AdamW) on every weight, and the second (Muon) on W1
with the first at the figure's ``lr`` on the rest. Training loss and validation accuracy are
recorded at every step; the page's table states the last ones (tests/test_content_newer.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, NamedTuple

import numpy as np

import optim_ref
from optim_ref import mlp
from optim_ref.data import load_digits
from scripts.figures.registry import Figure
from scripts.figures.training import HIDDEN, INIT_SEED

N_IN, N_OUT = 64, 10
KW = {"loss": "cross_entropy", "n_out": N_OUT}


class HiddenSplit(NamedTuple):
    """``matrix`` on W1 (the first n_in x hidden entries of mlp's flat vector), ``rest`` on
    the rest: optax's ``multi_transform`` for this network, as one init/step pair, so that
    ``mlp.iterate`` trains with it unchanged."""

    matrix: Any
    rest: Any
    shape: tuple[int, int] = (N_IN, HIDDEN)

    def init(self, params: np.ndarray):
        n = self.shape[0] * self.shape[1]
        return self.matrix.init(params[:n].reshape(self.shape)), self.rest.init(params[n:])

    def step(self, params: np.ndarray, grad: np.ndarray, state):
        n = self.shape[0] * self.shape[1]
        w1, s_matrix = self.matrix.step(params[:n].reshape(self.shape),
                                        grad[:n].reshape(self.shape), state[0])
        rest, s_rest = self.rest.step(params[n:], grad[n:], state[1])
        return np.concatenate([w1.ravel(), rest]), (s_matrix, s_rest)


@dataclass(frozen=True)
class Run:
    """One run: ``split`` (Muon on W1, AdamW on the rest) or AdamW on every weight, at the
    column's rate ``lr`` (every weight's, or Muon's on W1); one entry per step, 0 to steps."""

    split: bool
    lr: float
    train_loss: np.ndarray
    val_acc: np.ndarray


def optimizer(fig: Figure, lr: float, split: bool):
    base, matrix = (getattr(optim_ref, name) for name in fig.optimizers)
    return HiddenSplit(matrix(lr=lr), base(lr=float(fig.lr))) if split else base(lr=lr)


#: the languages of the figure are drawn one after the other in one worker (jobs.py)
@lru_cache(maxsize=1)
def compute(fig: Figure) -> tuple[Run, ...]:
    """For each rate of the figure, the first optimizer alone, then the split."""
    from threadpoolctl import threadpool_limits  # one BLAS thread: small matrices, 2 workers

    data = load_digits()
    p0 = mlp.init_params(N_IN, HIDDEN, N_OUT, seed=INIT_SEED)
    runs = []
    with threadpool_limits(1):
        for lr in fig.rates:
            for split in (False, True):
                loss, acc = [], []
                for p in mlp.iterate(optimizer(fig, lr, split), p0, data.x_train,
                                     data.y_train, fig.steps, **KW):
                    loss.append(mlp.loss_value(p, data.x_train, data.y_train, **KW))
                    acc.append(mlp.accuracy(p, data.x_val, data.y_val, N_OUT))
                runs.append(Run(split, float(lr), np.array(loss), np.array(acc)))
    return tuple(runs)


def run(runs: tuple[Run, ...], lr: float, split: bool) -> Run:
    return next(r for r in runs if (r.lr, r.split) == (float(lr), split))


def below_from(runs: tuple[Run, ...], lr: float) -> int | None:
    """The first step from which the split's training loss stays below the other's, if any."""
    above = np.flatnonzero(run(runs, lr, True).train_loss >= run(runs, lr, False).train_loss)
    first = 0 if above.size == 0 else int(above[-1]) + 1
    return first if first < run(runs, lr, True).train_loss.size else None


def story(fig: Figure, runs: tuple[Run, ...], lang: str) -> str:
    """What the curves show, per rate: the final training loss and validation accuracy of
    both runs, and from which step the split's loss stays below."""
    base, matrix = fig.optimizers
    parts = []
    for lr in fig.rates:
        a, s, k = run(runs, lr, False), run(runs, lr, True), below_from(runs, lr)
        if lang == "ko":
            since = ("" if k is None else f" W₁을 {matrix}에 맡긴 쪽의 학습 손실이 {k}걸음부터 "
                     "끝까지 더 낮습니다.")
            parts.append(f"학습률 {lr:g}에서 {fig.steps}걸음 뒤의 학습 손실은 모든 가중치를 "
                         f"{base}에 맡기면 {a.train_loss[-1]:.4f}, W₁을 {matrix}에 맡기면 "
                         f"{s.train_loss[-1]:.4f}이고, 검증 정확도는 각각 {a.val_acc[-1]:.1%}, "
                         f"{s.val_acc[-1]:.1%}입니다.{since}")
        else:
            since = ("" if k is None else
                     f" The split's training loss is the lower one from step {k} to the end.")
            parts.append(f"At learning rate {lr:g}, the training loss after {fig.steps} steps "
                         f"is {a.train_loss[-1]:.4f} with {base} alone and "
                         f"{s.train_loss[-1]:.4f} with {matrix} on W₁; the validation accuracy "
                         f"is {a.val_acc[-1]:.1%} and {s.val_acc[-1]:.1%}.{since}")
    return " ".join(parts)


def facts(fig: Figure, lang: str) -> str:
    """The caption's rates: one column each, and the rest's rate under the split."""
    base, matrix = fig.optimizers
    rates = ", ".join(f"{lr:g}" for lr in fig.rates)
    if lang == "ko":
        return (f"열마다 학습률이 다릅니다(왼쪽부터 {rates}). 그 학습률로 모든 가중치를 {base}에 "
                f"맡기거나, W₁을 {matrix}에, 나머지를 {base}(학습률 {float(fig.lr):g})에 맡깁니다.")
    return (f"Each column has its own learning rate (from the left: {rates}): {base} takes every "
            f"weight at it, or {matrix} takes W₁ at it and {base} (learning rate "
            f"{float(fig.lr):g}) the rest.")


def first_step_rms(fig: Figure, lr: float, split: bool) -> float:
    """How far the first step moves W1's entries (root mean square): the size of a step of
    each optimizer at the same rate, from the figure's start."""
    data = load_digits()
    p0 = mlp.init_params(N_IN, HIDDEN, N_OUT, seed=INIT_SEED)
    _, g = mlp.loss_and_grad(p0, data.x_train, data.y_train, **KW)
    opt = optimizer(fig, lr, split)
    p1, _ = opt.step(p0, g, opt.init(p0))
    n = N_IN * HIDDEN
    return float(np.sqrt(np.mean((p1[:n] - p0[:n]) ** 2)))
