"""NAdam (Dozat 2016, ICLR workshop, "Incorporating Nesterov Momentum into Adam").

Adam with Nesterov's look-ahead: the step uses next step's momentum on m_t and the current
one on g_t, each corrected by the product of the momentum coefficients so far:

    mu_t    = beta1 * (1 - 0.5 * 0.96^(t * psi))          (momentum schedule, psi = 1/250)
    m_t     = beta1 * m_{t-1} + (1 - beta1) * g_t
    v_t     = beta2 * v_{t-1} + (1 - beta2) * g_t^2
    m_bar_t = mu_{t+1} * m_t / (1 - prod_{i<=t+1} mu_i) + (1 - mu_t) * g_t / (1 - prod_{i<=t} mu_i)
    theta_t = theta_{t-1} - alpha * m_bar_t / (sqrt(v_t / (1 - beta2^t)) + eps)

As torch: the schedule's 1/250 is ``momentum_decay`` (psi, default 0.004), m is averaged with
the constant beta1 (Dozat's Algorithm 2 uses mu_t there), v is bias-corrected inside the
square root, eps outside; ``weight_decay`` is an L2 penalty, or AdamW's decay with
``decoupled_weight_decay=True``.

torch keeps prod mu_i in its default dtype, float32 unless ``torch.set_default_dtype(
torch.float64)``; optim_ref keeps it in float64, so the two agree to 1e-12 only then.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from optim_ref.optimizers._base import Array, Optimizer, as_float_array, check_hyper
from optim_ref.optimizers.adam import check_betas


class NAdamState(NamedTuple):
    step: int
    #: m, the first moment
    exp_avg: Array
    #: v, the second moment
    exp_avg_sq: Array
    #: prod_{i<=t} mu_i, the product of the momentum schedule so far (1 at the start)
    mu_product: Array


class NAdam(Optimizer):
    """torch.optim.NAdam: lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
    momentum_decay=4e-3, decoupled_weight_decay=False."""

    State = NAdamState

    def __init__(
        self,
        lr=2e-3,
        betas=(0.9, 0.999),
        eps=1e-8,
        weight_decay=0.0,
        momentum_decay=4e-3,
        decoupled_weight_decay: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        self.lr = check_hyper("lr", lr, 0.0, label="learning rate")
        self.betas = check_betas(betas)
        self.eps = check_hyper("eps", eps, 0.0, label="epsilon value")
        self.weight_decay = check_hyper("weight_decay", weight_decay, 0.0,
                                        label="weight_decay value")
        self.momentum_decay = check_hyper("momentum_decay", momentum_decay, 0.0,
                                          label="momentum_decay value")
        self.decoupled_weight_decay = bool(decoupled_weight_decay)
        self.maximize = bool(maximize)

    def init(self, params) -> NAdamState:
        params = as_float_array(params)
        shape = np.broadcast_shapes(np.shape(self.betas[0]), np.shape(self.momentum_decay))
        return NAdamState(step=0, exp_avg=np.zeros_like(params),
                          exp_avg_sq=np.zeros_like(params), mu_product=np.ones(shape))

    def _update(self, params: Array, grads: Array, state: NAdamState):
        # --8<-- [start:update]
        lr, (beta1, beta2), eps, lam = self.lr, self.betas, self.eps, self.weight_decay
        t, psi = state.step + 1, self.momentum_decay         # torch's psi = Dozat's 1/250
        g = -grads if self.maximize else grads
        if self.decoupled_weight_decay:
            params = params * (1 - lr * lam)                 # AdamW's decay
        else:
            g = g + lam * params                             # L2 penalty folded into the gradient
        mu = beta1 * (1 - 0.5 * np.power(0.96, t * psi))     # mu_t
        mu_next = beta1 * (1 - 0.5 * np.power(0.96, (t + 1) * psi))  # mu_{t+1}
        mu_prod = state.mu_product * mu                      # prod_{i<=t} mu_i
        m = beta1 * state.exp_avg + (1 - beta1) * g          # torch: constant beta1, not mu_t
        v = beta2 * state.exp_avg_sq + (1 - beta2) * (g * g)
        m_bar = mu_next * m / (1 - mu_prod * mu_next) + (1 - mu) * g / (1 - mu_prod)
        params = params - lr * m_bar / (np.sqrt(v / (1 - np.power(beta2, t))) + eps)
        # --8<-- [end:update]
        return params, NAdamState(step=t, exp_avg=m, exp_avg_sq=v, mu_product=mu_prod)
