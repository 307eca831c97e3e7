"""ASGD, averaged stochastic gradient descent (Polyak & Juditsky 1992, "Acceleration of
Stochastic Approximation by Averaging", SIAM J. Control Optim. 30(4)), in the form of
Bottou 2010 ("Large-Scale Machine Learning with Stochastic Gradient Descent", section 4.3)
that torch implements.

Plain SGD with a slowly decaying step, plus a running average of the iterates from step t0
on: the average ax, not the last iterate, is the estimate of the minimiser, and it converges
at the best rate even when the single iterates jitter:

    theta_t = theta_{t-1} * (1 - lambda * eta_t) - eta_t * g_t     (lambda: a decay term)
    ax_t    = ax_{t-1} + mu_t * (theta_t - ax_{t-1})              (ax_t = theta_t while mu_t = 1)
    eta_{t+1} = lr / (1 + lambda * lr * t)^alpha,   mu_{t+1} = 1 / max(1, t - t0)

As torch: eta_1 = lr and mu_1 = 1, so ax follows theta until step t0 + 1 and averages after;
``weight_decay`` is an L2 penalty added to the gradient. optim_ref returns theta, as torch;
the average is the state's ``ax``.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from optim_ref.optimizers._base import Array, Optimizer, as_float_array, check_hyper


class ASGDState(NamedTuple):
    step: int
    #: eta_t, this step's step size (lr at the start)
    eta: Array
    #: mu_t, this step's averaging weight (1 until the averaging starts)
    mu: Array
    #: ax, the running average of the iterates
    ax: Array


class ASGD(Optimizer):
    """torch.optim.ASGD: lr=1e-2, lambd=1e-4, alpha=0.75, t0=1e6, weight_decay=0."""

    State = ASGDState

    def __init__(self, lr=1e-2, lambd=1e-4, alpha=0.75, t0=1e6, weight_decay=0.0, *,
                 maximize: bool = False) -> None:
        self.lr = check_hyper("lr", lr, 0.0, label="learning rate")
        # torch checks only lr and weight_decay; negative values of these three make no sense
        self.lambd = check_hyper("lambd", lambd, 0.0, label="lambd value")
        self.alpha = check_hyper("alpha", alpha, 0.0, label="alpha value")
        self.t0 = check_hyper("t0", t0, 0.0, label="t0 value")
        self.weight_decay = check_hyper("weight_decay", weight_decay, 0.0,
                                        label="weight_decay value")
        self.maximize = bool(maximize)

    def init(self, params) -> ASGDState:
        params = as_float_array(params)
        shape = np.broadcast_shapes(*(np.shape(h) for h in
                                      (self.lr, self.lambd, self.alpha, self.t0)))
        return ASGDState(step=0, eta=np.broadcast_to(np.asarray(self.lr, np.float64), shape).copy(),
                         mu=np.ones(shape), ax=np.zeros_like(params))

    def _update(self, params: Array, grads: Array, state: ASGDState):
        # --8<-- [start:update]
        lr, lambd, alpha, t0, lam = self.lr, self.lambd, self.alpha, self.t0, self.weight_decay
        eta, mu, t = state.eta, state.mu, state.step + 1
        g = -grads if self.maximize else grads
        if np.any(lam):
            g = g + lam * params                             # L2 penalty folded into the gradient
        params = params * (1 - lambd * eta) - eta * g        # SGD step with the decay term
        ax = np.where(mu == 1, params, state.ax + (params - state.ax) * mu)  # running average
        eta = lr / np.power(1 + lambd * lr * t, alpha)       # eta_{t+1}
        mu = 1 / np.maximum(1, t - t0)                       # mu_{t+1}: 1 until t0, then 1/(t - t0)
        # --8<-- [end:update]
        return params, ASGDState(step=t, eta=np.asarray(eta, np.float64),
                                 mu=np.asarray(mu, np.float64), ax=ax)
