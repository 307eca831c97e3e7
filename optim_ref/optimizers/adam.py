"""Adam (Kingma & Ba 2014, "Adam: A Method for Stochastic Optimization", arXiv:1412.6980)
and AMSGrad (Reddi, Kale & Kumar 2018, ICLR, "On the Convergence of Adam and Beyond").

Adam keeps decaying averages of the gradient (m, the first moment) and of its square (v, the
second moment), corrects both for their start at zero, and steps by their ratio (Algorithm 1):

    m_t     = beta1 * m_{t-1} + (1 - beta1) * g_t
    v_t     = beta2 * v_{t-1} + (1 - beta2) * g_t^2
    m_hat_t = m_t / (1 - beta1^t),    v_hat_t = v_t / (1 - beta2^t)
    theta_t = theta_{t-1} - alpha * m_hat_t / (sqrt(v_hat_t) + eps)

eps is added outside the square root, after the bias correction, as in Algorithm 1 and torch
(torch computes sqrt(v_hat_t) as sqrt(v_t) / sqrt(1 - beta2^t); the two differ by rounding).
AMSGrad normalises by the largest second moment seen so far, v_max_t = max(v_max_{t-1}, v_t),
so a past large gradient keeps damping the step. In Reddi et al. (no bias correction) the
effective step never grows; torch, and so this module, divides v_max by 1 - beta2^t, and
while that factor falls towards 1 the step can still grow slowly.
``weight_decay`` is an L2 penalty added to the gradient, or, with
``decoupled_weight_decay=True``, AdamW's decay of the weights (see ``AdamW``).

The update is written line for line like the formulas above, out of place: it never writes
into its inputs, and costs what numpy's temporaries cost.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from optim_ref.optimizers._base import Array, Optimizer, as_float_array, check_hyper


class AdamState(NamedTuple):
    step: int
    #: m, the first moment (decaying mean of gradients)
    exp_avg: Array
    #: v, the second moment (decaying mean of squared gradients)
    exp_avg_sq: Array
    #: v_max, AMSGrad's running maximum of v; None unless amsgrad
    max_exp_avg_sq: Array | None


def check_betas(betas) -> tuple:
    beta1, beta2 = betas
    check_hyper("betas[0]", beta1, 0.0, 1.0, high_open=True, label="beta parameter at index 0")
    check_hyper("betas[1]", beta2, 0.0, 1.0, high_open=True, label="beta parameter at index 1")
    return (beta1, beta2)


class Adam(Optimizer):
    """torch.optim.Adam: lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False."""

    State = AdamState

    def __init__(
        self,
        lr=1e-3,
        betas=(0.9, 0.999),
        eps=1e-8,
        weight_decay=0.0,
        amsgrad: bool = False,
        *,
        maximize: bool = False,
        decoupled_weight_decay: bool = False,
    ) -> None:
        self.lr = check_hyper("lr", lr, 0.0, label="learning rate")
        self.betas = check_betas(betas)
        self.eps = check_hyper("eps", eps, 0.0, label="epsilon value")
        self.weight_decay = check_hyper("weight_decay", weight_decay, 0.0,
                                        label="weight_decay value")
        self.amsgrad = bool(amsgrad)
        self.maximize = bool(maximize)
        self.decoupled_weight_decay = bool(decoupled_weight_decay)

    def init(self, params) -> AdamState:
        params = as_float_array(params)
        return AdamState(
            step=0,
            exp_avg=np.zeros_like(params),
            exp_avg_sq=np.zeros_like(params),
            max_exp_avg_sq=np.zeros_like(params) if self.amsgrad else None,
        )

    def _update(self, params: Array, grads: Array, state: AdamState):
        # --8<-- [start:update]
        # --8<-- [start:weight_decay]
        lr, (beta1, beta2), eps, lam = self.lr, self.betas, self.eps, self.weight_decay
        g = -grads if self.maximize else grads
        if self.decoupled_weight_decay:
            params = params * (1 - lr * lam)               # AdamW: shrink the weights, not g
        else:
            g = g + lam * params                           # L2 penalty folded into the gradient
        # --8<-- [end:weight_decay]
        t = state.step + 1
        m = beta1 * state.exp_avg + (1 - beta1) * g        # m_t
        v = beta2 * state.exp_avg_sq + (1 - beta2) * (g * g)  # v_t
        v_max = np.maximum(state.max_exp_avg_sq, v) if self.amsgrad else None  # AMSGrad
        m_hat = m / (1 - np.power(beta1, t))
        v_hat = (v_max if self.amsgrad else v) / (1 - np.power(beta2, t))
        params = params - lr * m_hat / (np.sqrt(v_hat) + eps)
        # --8<-- [end:update]
        return params, AdamState(step=t, exp_avg=m, exp_avg_sq=v, max_exp_avg_sq=v_max)


class AMSGrad(Adam):
    """AMSGrad (Reddi et al. 2018) under its own name: ``Adam(amsgrad=True)``."""

    def __init__(
        self,
        lr=1e-3,
        betas=(0.9, 0.999),
        eps=1e-8,
        weight_decay=0.0,
        *,
        maximize: bool = False,
        decoupled_weight_decay: bool = False,
    ) -> None:
        super().__init__(lr, betas, eps, weight_decay, amsgrad=True, maximize=maximize,
                         decoupled_weight_decay=decoupled_weight_decay)

    def hyperparameters(self) -> dict:
        return {k: v for k, v in super().hyperparameters().items() if k != "amsgrad"}
