"""RAdam (Liu et al. 2019, "On the Variance of the Adaptive Learning Rate and Beyond",
arXiv:1908.03265; ICLR 2020).

Early in training v_t averages only a few squared gradients, so the adaptive rate
1/sqrt(v_hat_t) has a large variance; warm-up hides this by keeping lr small. RAdam measures
it instead: rho_t, the length of the simple moving average that v_t approximates, tells
whether the variance is finite yet. While it is not, RAdam steps with momentum alone; once
it is, it multiplies Adam's step by a rectification r_t <= 1 that makes the variance of the
adaptive rate constant (Algorithm 2):

    m_t     = beta1 * m_{t-1} + (1 - beta1) * g_t,    m_hat_t = m_t / (1 - beta1^t)
    v_t     = beta2 * v_{t-1} + (1 - beta2) * g_t^2
    rho_inf = 2 / (1 - beta2) - 1
    rho_t   = rho_inf - 2 t beta2^t / (1 - beta2^t)
    if rho_t > 5:  r_t = sqrt((rho_t - 4)(rho_t - 2) rho_inf / ((rho_inf - 4)(rho_inf - 2) rho_t))
                   theta_t = theta_{t-1}
                             - alpha * r_t * m_hat_t * sqrt(1 - beta2^t) / (sqrt(v_t) + eps)
    else:          theta_t = theta_{t-1} - alpha * m_hat_t

Differences from the paper, as torch: the threshold is rho_t > 5 (the paper's Algorithm 2
says rho_t > 4; at 4 the rectification is zero anyway); eps is added to sqrt(v_t) (the paper
has no eps); ``weight_decay`` is an L2 penalty, or AdamW's decay of the weights with
``decoupled_weight_decay=True``.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from optim_ref.optimizers._base import Array, Optimizer, as_float_array, check_hyper
from optim_ref.optimizers.adam import check_betas


class RAdamState(NamedTuple):
    step: int
    #: m, the first moment
    exp_avg: Array
    #: v, the second moment
    exp_avg_sq: Array


class RAdam(Optimizer):
    """torch.optim.RAdam: lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
    decoupled_weight_decay=False."""

    State = RAdamState

    def __init__(
        self,
        lr=1e-3,
        betas=(0.9, 0.999),
        eps=1e-8,
        weight_decay=0.0,
        decoupled_weight_decay: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        self.lr = check_hyper("lr", lr, 0.0, label="learning rate")
        self.betas = check_betas(betas)
        self.eps = check_hyper("eps", eps, 0.0, label="epsilon value")
        self.weight_decay = check_hyper("weight_decay", weight_decay, 0.0,
                                        label="weight_decay value")
        self.decoupled_weight_decay = bool(decoupled_weight_decay)
        self.maximize = bool(maximize)

    def init(self, params) -> RAdamState:
        params = as_float_array(params)
        return RAdamState(step=0, exp_avg=np.zeros_like(params), exp_avg_sq=np.zeros_like(params))

    def _decayed(self, params: Array, grads: Array) -> tuple[Array, Array]:
        """(params, g) after maximize and the weight decay: AdamW's, or an L2 penalty."""
        lr, lam = self.lr, self.weight_decay
        g = -grads if self.maximize else grads
        if np.any(lam) and self.decoupled_weight_decay:
            params = params * (1 - lr * lam)                 # AdamW's decay
        elif np.any(lam):
            g = g + lam * params                             # L2 penalty folded into the gradient
        return params, g

    def _update(self, params: Array, grads: Array, state: RAdamState):
        # --8<-- [start:update]
        lr, (beta1, beta2), eps, t = self.lr, self.betas, self.eps, state.step + 1
        params, g = self._decayed(params, grads)             # maximize, then the weight decay
        m = state.exp_avg + (1 - beta1) * (g - state.exp_avg)       # m_t (torch's lerp)
        v = beta2 * state.exp_avg_sq + (1 - beta2) * (g * g)        # v_t
        m_hat = m / (1 - np.power(beta1, t))
        rho_inf = 2 / (1 - beta2) - 1                        # the longest average v can be
        beta2_t = np.power(beta2, t)                        # np.power: a batch row = its run alone
        rho_t = rho_inf - 2 * t * beta2_t / (1 - beta2_t)    # the length v_t stands for now
        tractable = rho_t > 5                                # variance of 1/sqrt(v_hat) finite
        with np.errstate(invalid="ignore", divide="ignore"):  # r_t is only read where tractable
            r_t = np.sqrt((rho_t - 4) * (rho_t - 2) * rho_inf
                          / ((rho_inf - 4) * (rho_inf - 2) * rho_t))
        adaptive = np.sqrt(1 - beta2_t) / (np.sqrt(v) + eps)      # 1/sqrt(v_hat_t), eps'd
        params = params - np.where(tractable, m_hat * lr * adaptive * r_t, m_hat * lr)
        # --8<-- [end:update]
        return params, RAdamState(step=t, exp_avg=m, exp_avg_sq=v)
