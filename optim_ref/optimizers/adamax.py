"""Adamax (Kingma & Ba 2014, arXiv:1412.6980, section 7.1).

Adam's L2 norm of past gradients replaced by the infinity norm: the second moment becomes
an exponentially weighted maximum of |g|, which needs no bias correction (Algorithm 2):

    m_t     = beta1 * m_{t-1} + (1 - beta1) * g_t
    u_t     = max(beta2 * u_{t-1}, |g_t|)
    theta_t = theta_{t-1} - alpha / (1 - beta1^t) * m_t / u_t

The paper has no eps; torch puts it inside the maximum, max(beta2 * u, |g| + eps), which
also keeps u away from zero. ``weight_decay`` is an L2 penalty, as in torch.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from optim_ref.optimizers._base import Array, Optimizer, as_float_array, check_hyper
from optim_ref.optimizers.adam import check_betas


class AdamaxState(NamedTuple):
    step: int
    #: m, the first moment
    exp_avg: Array
    #: u, the exponentially weighted infinity norm
    exp_inf: Array


class Adamax(Optimizer):
    """torch.optim.Adamax: lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0."""

    State = AdamaxState

    def __init__(self, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, *,
                 maximize: bool = False) -> None:
        self.lr = check_hyper("lr", lr, 0.0, label="learning rate")
        self.betas = check_betas(betas)
        self.eps = check_hyper("eps", eps, 0.0, label="epsilon value")
        self.weight_decay = check_hyper("weight_decay", weight_decay, 0.0,
                                        label="weight_decay value")
        self.maximize = bool(maximize)

    def init(self, params) -> AdamaxState:
        zeros = np.zeros_like(as_float_array(params))
        return AdamaxState(step=0, exp_avg=zeros, exp_inf=zeros.copy())

    def _update(self, params: Array, grads: Array, state: AdamaxState):
        # --8<-- [start:update]
        lr, (beta1, beta2), eps, lam = self.lr, self.betas, self.eps, self.weight_decay
        t = state.step + 1
        g = -grads if self.maximize else grads
        g = g + lam * params                                 # L2 penalty (none at lam = 0)
        m = beta1 * state.exp_avg + (1 - beta1) * g          # m_t
        u = np.maximum(beta2 * state.exp_inf, np.abs(g) + eps)  # u_t; torch: eps inside the max
        params = params - lr / (1 - np.power(beta1, t)) * (m / u)
        # --8<-- [end:update]
        return params, AdamaxState(step=t, exp_avg=m, exp_inf=u)
