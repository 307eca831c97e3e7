"""Stochastic gradient descent with torch.optim.SGD's options.

Plain SGD (Robbins & Monro 1951) takes a step against the gradient:

    theta_{t+1} = theta_t - eta * g_t

With ``momentum`` (Polyak 1964, the heavy ball) a velocity ``b`` accumulates the gradients,
and with ``nesterov=True`` the step looks one velocity ahead (Nesterov 1983, in the form of
Sutskever et al. 2013, reformulated as torch does; see ``NAG`` for the lecture's form).
Options follow torch: ``dampening`` scales the new gradient in the velocity, ``weight_decay``
adds an L2 penalty ``lambda * theta`` to the gradient, ``maximize`` climbs instead.
``GD`` is the lecture's plain step alone.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from optim_ref.optimizers._base import Array, Optimizer, as_float_array, check_hyper


class SGDState(NamedTuple):
    step: int
    #: the velocity b (torch's ``momentum_buffer``); None when momentum is 0
    momentum_buffer: Array | None


class SGD(Optimizer):
    """torch.optim.SGD: lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False."""

    State = SGDState

    def __init__(
        self,
        lr=1e-3,
        momentum=0.0,
        dampening=0.0,
        weight_decay=0.0,
        nesterov: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        self.lr = check_hyper("lr", lr, 0.0, label="learning rate")
        self.momentum = check_hyper("momentum", momentum, 0.0, 1.0, label="momentum value")
        self.dampening = check_hyper("dampening", dampening, 0.0, 1.0, label="dampening value")
        self.weight_decay = check_hyper("weight_decay", weight_decay, 0.0,
                                        label="weight_decay value")
        self.nesterov = bool(nesterov)
        self.maximize = bool(maximize)
        if self.nesterov:
            check_hyper("momentum", momentum, 0.0, 1.0, low_open=True,
                        label="momentum for nesterov=True (Nesterov needs a momentum)")
            check_hyper("dampening", dampening, 0.0, 0.0,
                        label="dampening for nesterov=True (Nesterov needs zero dampening)")

    def init(self, params) -> SGDState:
        params = as_float_array(params)
        has_momentum = bool(np.any(np.asarray(self.momentum) != 0))
        return SGDState(step=0, momentum_buffer=np.zeros_like(params) if has_momentum else None)

    def _update(self, params: Array, grads: Array, state: SGDState) -> tuple[Array, SGDState]:
        # --8<-- [start:update]
        lr, mu, tau = self.lr, self.momentum, self.dampening
        g = -grads if self.maximize else grads
        g = g + self.weight_decay * params            # L2 penalty (none at weight_decay = 0)
        b = state.momentum_buffer
        if b is not None:
            tau = np.where(np.equal(mu, 0), 0.0, tau)  # torch: momentum 0 ignores dampening
            # b_1 = g_1 (torch: the first velocity is undamped), b_t = mu b_{t-1} + (1 - tau) g_t
            b = g if state.step == 0 else mu * b + (1 - tau) * g
            # torch's Nesterov reformulation: step along g_t + mu b_t instead of b_t
            g = g + mu * b if self.nesterov else b
        params = params - lr * g                      # theta_{t+1} = theta_t - eta g
        # --8<-- [end:update]
        return params, SGDState(step=state.step + 1, momentum_buffer=b)
