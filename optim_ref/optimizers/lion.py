"""Lion, EvoLved Sign Momentum (Chen et al. 2023, "Symbolic Discovery of Optimization
Algorithms", arXiv:2302.06675; NeurIPS 2023). Not in torch.optim.

Found by a program search, Lion steps by the sign of an interpolation between the momentum
and the gradient, so every coordinate moves by exactly lr (plus the decay); the momentum is
updated afterwards, with a second, slower coefficient (Algorithm 2):

    c_t     = beta1 * m_{t-1} + (1 - beta1) * g_t          (interpolate with beta1 ...)
    theta_t = theta_{t-1} - eta_t * (sign(c_t) + lambda * theta_{t-1})
    m_t     = beta2 * m_{t-1} + (1 - beta2) * g_t          (... keep the momentum with beta2)

A sign step has a larger norm than Adam's, so the paper uses a learning rate 3-10x smaller
than AdamW's and a decoupled weight decay lambda 3-10x larger, keeping lr * lambda. Defaults
and names are the paper's: betas=(0.9, 0.99), ``weight_decay`` lambda=0; lr=1e-4 as the
well-kept PyTorch port lion-pytorch, against which (and against Algorithm 2 written out
independently) the tests check it. sign(0) = 0, as in both.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from optim_ref.optimizers._base import Array, Optimizer, as_float_array, check_hyper
from optim_ref.optimizers.adam import check_betas


class LionState(NamedTuple):
    step: int
    #: m, the momentum (lion-pytorch's name)
    exp_avg: Array


class Lion(Optimizer):
    """Lion(lr=1e-4, betas=(0.9, 0.99), weight_decay=0.0), the paper's names and defaults."""

    State = LionState

    def __init__(self, lr=1e-4, betas=(0.9, 0.99), weight_decay=0.0) -> None:
        self.lr = check_hyper("lr", lr, 0.0, label="learning rate")
        self.betas = check_betas(betas)
        self.weight_decay = check_hyper("weight_decay", weight_decay, 0.0,
                                        label="weight_decay value")

    def init(self, params) -> LionState:
        return LionState(step=0, exp_avg=np.zeros_like(as_float_array(params)))

    def _update(self, params: Array, grads: Array, state: LionState):
        # --8<-- [start:update]
        lr, (beta1, beta2), lam, m = self.lr, self.betas, self.weight_decay, state.exp_avg
        c = beta1 * m + (1 - beta1) * grads                  # interpolate with beta1
        params = params * (1 - lr * lam) - lr * np.sign(c)   # sign step, decoupled decay
        m = beta2 * m + (1 - beta2) * grads                  # then the momentum, with beta2
        # --8<-- [end:update]
        return params, LionState(step=state.step + 1, exp_avg=m)
