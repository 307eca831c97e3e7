"""Momentum: the lecture's heavy ball (Polyak 1964).

A velocity ``a`` remembers past gradients, so steady directions speed up and oscillating
ones cancel:

    a_{t+1} = beta * a_t + g(w_t)
    w_{t+1} = w_t - lr * a_{t+1}

This is exactly ``torch.optim.SGD(lr, momentum=beta)`` (no dampening). Polyak writes the
same ball as ``w_{t+1} = w_t - alpha g(w_t) + beta (w_t - w_{t-1})``, with alpha = lr.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from optim_ref.optimizers._base import Array, Optimizer, as_float_array, check_hyper


class MomentumState(NamedTuple):
    step: int
    #: the lecture's a (torch's ``momentum_buffer``), zero at the start
    velocity: Array


class Momentum(Optimizer):
    """Heavy-ball momentum: lr=1e-3 (torch SGD's default), momentum=0.9 (the lecture's beta)."""

    State = MomentumState

    def __init__(self, lr=1e-3, momentum=0.9) -> None:
        self.lr = check_hyper("lr", lr, 0.0, label="learning rate")
        self.momentum = check_hyper("momentum", momentum, 0.0, 1.0, label="momentum value")

    def init(self, params) -> MomentumState:
        return MomentumState(step=0, velocity=np.zeros_like(as_float_array(params)))

    def _update(self, params: Array, grads: Array, state: MomentumState):
        # --8<-- [start:update]
        lr, beta = self.lr, self.momentum
        a = beta * state.velocity + grads     # a_{t+1} = beta a_t + g(w_t)
        params = params - lr * a              # w_{t+1} = w_t - lr a_{t+1}
        # --8<-- [end:update]
        return params, MomentumState(step=state.step + 1, velocity=a)
