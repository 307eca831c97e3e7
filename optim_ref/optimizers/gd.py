"""Gradient descent, the lecture's plain step (Cauchy 1847; Robbins & Monro 1951 for SGD):

    theta_{t+1} = theta_t - eta * g_t

The same step as ``torch.optim.SGD(lr)`` with its defaults (no momentum, no weight decay);
``SGD`` keeps torch's options, this class only the formula, as ``Momentum`` and ``NAG`` do.
"""

from __future__ import annotations

from typing import NamedTuple

from optim_ref.optimizers._base import Array, Optimizer, check_hyper


class GDState(NamedTuple):
    step: int


class GD(Optimizer):
    """Plain gradient descent: lr=1e-3 (torch SGD's default)."""

    State = GDState

    def __init__(self, lr=1e-3) -> None:
        self.lr = check_hyper("lr", lr, 0.0, label="learning rate")

    def init(self, params) -> GDState:
        return GDState(step=0)  # nothing to remember: the step needs only the gradient

    def _update(self, params: Array, grads: Array, state: GDState):
        # --8<-- [start:update]
        params = params - self.lr * grads     # theta_{t+1} = theta_t - eta g_t
        # --8<-- [end:update]
        return params, GDState(step=state.step + 1)
