"""Adadelta (Zeiler 2012, "ADADELTA: An Adaptive Learning Rate Method", arXiv:1212.5701).

Adagrad's sum becomes a decaying average E[g^2], and the step is given the units of theta by
the decaying average of past squared updates E[Delta_x^2] (Algorithm 1 of the paper):

    E[g^2]_t       = rho * E[g^2]_{t-1} + (1 - rho) * g_t^2
    Delta_x_t      = - RMS[Delta_x]_{t-1} / RMS[g]_t * g_t,    RMS[y] = sqrt(E[y^2] + eps)
    E[Delta_x^2]_t = rho * E[Delta_x^2]_{t-1} + (1 - rho) * Delta_x_t^2
    theta_t        = theta_{t-1} + Delta_x_t

The paper has no learning rate; torch multiplies the step by ``lr`` (default 1.0, which is
the paper's method). ``weight_decay`` is an L2 penalty, as in torch.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from optim_ref.optimizers._base import Array, Optimizer, as_float_array, check_hyper


class AdadeltaState(NamedTuple):
    step: int
    #: E[g^2], the decaying average of squared gradients
    square_avg: Array
    #: E[Delta_x^2], the decaying average of squared updates
    acc_delta: Array


class Adadelta(Optimizer):
    """torch.optim.Adadelta: lr=1.0, rho=0.9, eps=1e-6, weight_decay=0."""

    State = AdadeltaState

    def __init__(self, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0.0, *,
                 maximize: bool = False) -> None:
        self.lr = check_hyper("lr", lr, 0.0, label="learning rate")
        self.rho = check_hyper("rho", rho, 0.0, 1.0, label="rho value")
        self.eps = check_hyper("eps", eps, 0.0, label="epsilon value")
        self.weight_decay = check_hyper("weight_decay", weight_decay, 0.0,
                                        label="weight_decay value")
        self.maximize = bool(maximize)

    def init(self, params) -> AdadeltaState:
        zeros = np.zeros_like(as_float_array(params))
        return AdadeltaState(step=0, square_avg=zeros, acc_delta=zeros.copy())

    def _update(self, params: Array, grads: Array, state: AdadeltaState):
        # --8<-- [start:update]
        lr, rho, eps, lam = self.lr, self.rho, self.eps, self.weight_decay
        g = -grads if self.maximize else grads
        g = g + lam * params                                 # L2 penalty (none at lam = 0)
        Eg2 = rho * state.square_avg + (1 - rho) * (g * g)   # E[g^2]_t
        delta_x = -np.sqrt(state.acc_delta + eps) / np.sqrt(Eg2 + eps) * g  # Delta x_t
        Edx2 = rho * state.acc_delta + (1 - rho) * (delta_x * delta_x)  # E[Delta x^2]_t
        params = params + lr * delta_x                       # torch's lr (the paper: lr = 1)
        # --8<-- [end:update]
        return params, AdadeltaState(step=state.step + 1, square_avg=Eg2, acc_delta=Edx2)
