"""NAG: Nesterov's accelerated gradient (Nesterov 1983; Sutskever et al. 2013).

The lecture's form takes the gradient at the look-ahead point, where the velocity is about
to carry the weights:

    a_{t+1} = beta * a_t + g(w_t - lr * beta * a_t)
    w_{t+1} = w_t - lr * a_{t+1}

``step`` is only ever handed the gradient at ``params``, so NAG keeps ``params`` at the
look-ahead point itself, theta_t = w_t - lr * beta * a_t (the change of variables torch
uses; ``torch.optim.SGD(lr, momentum=beta, nesterov=True)`` is exactly this optimizer):

    a_{t+1}     = beta * a_t + g(theta_t)
    theta_{t+1} = theta_t - lr * (g(theta_t) + beta * a_{t+1})

Which point is which: ``params`` is theta, the point where gradients are taken.
``NAG.lecture_point(params, state)`` returns the lecture's w = theta + lr * beta * a. Both
start at the same place (a_0 = 0); the first step moves theta by lr * (1 + beta) * g and w
by lr * g.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from optim_ref.optimizers._base import Array, Optimizer, as_float_array, check_hyper


class NAGState(NamedTuple):
    step: int
    #: the lecture's a (torch's ``momentum_buffer``), zero at the start
    velocity: Array


class NAG(Optimizer):
    """Nesterov momentum, params at the look-ahead point: lr=1e-3, momentum=0.9."""

    State = NAGState

    def __init__(self, lr=1e-3, momentum=0.9) -> None:
        self.lr = check_hyper("lr", lr, 0.0, label="learning rate")
        self.momentum = check_hyper("momentum", momentum, 0.0, 1.0, label="momentum value")

    def init(self, params) -> NAGState:
        return NAGState(step=0, velocity=np.zeros_like(as_float_array(params)))

    def _update(self, params: Array, grads: Array, state: NAGState):
        # --8<-- [start:update]
        lr, beta = self.lr, self.momentum
        # grads = g(theta_t), the lecture's look-ahead gradient g(w_t - lr beta a_t)
        a = beta * state.velocity + grads            # a_{t+1} = beta a_t + g(theta_t)
        # torch's reformulation: theta_{t+1} = theta_t - lr (g + beta a_{t+1}),
        # i.e. the lecture's w_{t+1} = w_t - lr a_{t+1} seen from the look-ahead point
        params = params - lr * (grads + beta * a)
        # --8<-- [end:update]
        return params, NAGState(step=state.step + 1, velocity=a)

    def lecture_point(self, params, state: NAGState) -> Array:
        """The lecture's w_t = theta_t + lr * beta * a_t, for pages that show w, not theta."""
        return as_float_array(params) + self.lr * self.momentum * state.velocity
