"""RMSprop (Tieleman & Hinton 2012, Coursera "Neural Networks for Machine Learning",
lecture 6.5).

Divide the gradient by a running root mean square of its recent magnitudes:

    E[g^2]_t = alpha * E[g^2]_{t-1} + (1 - alpha) * g_t^2
    theta_t  = theta_{t-1} - eta * g_t / (sqrt(E[g^2]_t) + eps)

The lecture gives the idea without eps; torch adds eps outside the square root. Options as
torch (Graves 2013, "Generating Sequences With Recurrent Neural Networks", section 4):
``centered`` subtracts the squared mean gradient, dividing by an estimate of the standard
deviation instead; ``momentum`` accumulates the normalised steps in a buffer b;
``weight_decay`` is an L2 penalty.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from optim_ref.optimizers._base import Array, Optimizer, as_float_array, check_hyper


class RMSpropState(NamedTuple):
    step: int
    #: E[g^2], the running mean of squared gradients
    square_avg: Array
    #: E[g], the running mean gradient; None unless centered
    grad_avg: Array | None
    #: b, the momentum buffer; None when momentum is 0
    momentum_buffer: Array | None


class RMSprop(Optimizer):
    """torch.optim.RMSprop: lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0,
    centered=False."""

    State = RMSpropState

    def __init__(
        self,
        lr=1e-2,
        alpha=0.99,
        eps=1e-8,
        weight_decay=0.0,
        momentum=0.0,
        centered: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        self.lr = check_hyper("lr", lr, 0.0, label="learning rate")
        self.alpha = check_hyper("alpha", alpha, 0.0, 1.0, label="alpha value")
        self.eps = check_hyper("eps", eps, 0.0, label="epsilon value")
        self.weight_decay = check_hyper("weight_decay", weight_decay, 0.0,
                                        label="weight_decay value")
        self.momentum = check_hyper("momentum", momentum, 0.0, 1.0, label="momentum value")
        self.centered = bool(centered)
        self.maximize = bool(maximize)

    def init(self, params) -> RMSpropState:
        params = as_float_array(params)
        has_momentum = bool(np.any(np.asarray(self.momentum) != 0))
        return RMSpropState(
            step=0,
            square_avg=np.zeros_like(params),
            grad_avg=np.zeros_like(params) if self.centered else None,
            momentum_buffer=np.zeros_like(params) if has_momentum else None,
        )

    def _update(self, params: Array, grads: Array, state: RMSpropState):
        # --8<-- [start:update]
        lr, alpha, eps, lam, mu = self.lr, self.alpha, self.eps, self.weight_decay, self.momentum
        g = -grads if self.maximize else grads
        g = g + lam * params                                  # L2 penalty (none at lam = 0)
        Eg2 = alpha * state.square_avg + (1 - alpha) * (g * g)  # E[g^2]_t
        Eg = alpha * state.grad_avg + (1 - alpha) * g if self.centered else None  # E[g]_t
        r = np.sqrt(Eg2 - Eg * Eg if self.centered else Eg2) + eps  # r_t, eps outside the root
        b = state.momentum_buffer
        if b is not None:
            b = mu * b + g / r                                # b_t = mu b_{t-1} + g_t / r_t
            params = params - lr * b                          # theta_t = theta_{t-1} - eta b_t
        else:
            params = params - lr * (g / r)                    # theta_t = theta_{t-1} - eta g_t/r_t
        # --8<-- [end:update]
        return params, RMSpropState(state.step + 1, Eg2, Eg, b)
