"""Adagrad (Duchi, Hazan & Singer 2011, "Adaptive Subgradient Methods").

Each coordinate divides its step by the root of its own sum of squared gradients, so rarely
moved coordinates keep large steps and busy ones slow down:

    G_t     = G_{t-1} + g_t^2
    theta_t = theta_{t-1} - eta / (sqrt(G_t) + eps) * g_t

Where torch (and so this module) differs from the paper, marked in the code: ``lr_decay``
shrinks eta as eta / (1 + (t - 1) * lr_decay); ``initial_accumulator_value`` starts G there
instead of at 0; ``weight_decay`` is an L2 penalty. eps is the paper's delta, added outside
the square root as in its diagonal update (delta*I + diag(G_t)^(1/2))^(-1).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from optim_ref.optimizers._base import Array, Optimizer, as_float_array, check_hyper


class AdagradState(NamedTuple):
    step: int
    #: G, the running sum of squared gradients (torch's ``sum``)
    sum: Array


class Adagrad(Optimizer):
    """torch.optim.Adagrad: lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0,
    eps=1e-10."""

    State = AdagradState

    def __init__(
        self,
        lr=1e-2,
        lr_decay=0.0,
        weight_decay=0.0,
        initial_accumulator_value=0.0,
        eps=1e-10,
        *,
        maximize: bool = False,
    ) -> None:
        self.lr = check_hyper("lr", lr, 0.0, label="learning rate")
        self.lr_decay = check_hyper("lr_decay", lr_decay, 0.0, label="lr_decay value")
        self.weight_decay = check_hyper("weight_decay", weight_decay, 0.0,
                                        label="weight_decay value")
        self.initial_accumulator_value = check_hyper(
            "initial_accumulator_value", initial_accumulator_value, 0.0,
            label="initial_accumulator_value value")
        self.eps = check_hyper("eps", eps, 0.0, label="epsilon value")
        self.maximize = bool(maximize)

    def init(self, params) -> AdagradState:
        params = as_float_array(params)
        start = np.zeros_like(params) + self.initial_accumulator_value
        return AdagradState(step=0, sum=start.astype(params.dtype, copy=False))

    def _update(self, params: Array, grads: Array, state: AdagradState):
        # --8<-- [start:update]
        lr, eps, lam, t = self.lr, self.eps, self.weight_decay, state.step + 1
        g = -grads if self.maximize else grads
        g = g + lam * params                             # L2 penalty (none at lam = 0)
        G = state.sum + g * g                            # G_t = G_{t-1} + g_t^2
        eta_t = lr / (1 + (t - 1) * self.lr_decay)       # torch's lr_decay (not in the paper)
        params = params - eta_t * (g / (np.sqrt(G) + eps))  # eps outside the square root
        # --8<-- [end:update]
        return params, AdagradState(step=t, sum=G)
