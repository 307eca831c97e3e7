"""Adafactor (Shazeer & Stern 2018, "Adafactor: Adaptive Learning Rates with Sublinear Memory
Cost", arXiv:1804.04235; ICML 2018), as torch.optim.Adafactor.

Adam's second moment costs as much memory as the weights. For an n x m matrix Adafactor
keeps only the decaying means of g^2 over each row (n numbers) and each column (m numbers)
and rebuilds the full estimate as their rank-1 product, the best one in the generalised
Kullback-Leibler sense: n + m numbers instead of n m. A vector keeps its full g^2 average.
There is no first moment; the decay of the averages rises towards 1, the step is relative
to the size of the weights, and it is clipped (the paper's full algorithm, as torch):

    beta2_hat_t = 1 - t^c                                       (c = beta2_decay = -0.8)
    R_t = beta2_hat_t R_{t-1} + (1 - beta2_hat_t) mean_cols(g_t^2)   (one per row, n x 1)
    C_t = beta2_hat_t C_{t-1} + (1 - beta2_hat_t) mean_rows(g_t^2)   (one per column, 1 x m)
    V_t = R_t C_t / mean(R_t)                                   (rank-1 estimate of E[g^2])
    U_t = g_t / sqrt(V_t),   U_hat_t = U_t / max(1, RMS(U_t) / d)     (update clipping)
    rho_t = min(lr, 1/sqrt(t)),   alpha_t = max(eps2, RMS(theta_{t-1})) rho_t
    theta_t = theta_{t-1} - alpha_t U_hat_t

As torch: tensors of 2 or more dimensions are factored over their last two (the leading
ones index a stack of matrices), 0-D and 1-D ones are not; rows and columns keep means
where the paper keeps sums (V is the same); where the paper adds eps1 = 1e-30 to g^2,
torch clamps mean(R) at eps1 and V at eps1^2, with eps1 the dtype's machine epsilon unless
given (eps=(eps1, eps2)); ``weight_decay`` decays the weights by lr * lambda before the step;
lr is the cap on the relative step size rho_t (the paper's 1e-2). Hyperparameters are
scalars (one parameter tensor per optimizer), as the RMS couples all its entries.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from optim_ref.optimizers._base import Array, Optimizer, as_float_array, check_hyper
from optim_ref.optimizers._whole import check_scalar


class AdafactorState(NamedTuple):
    step: int
    #: R, the row means of g^2 (shape [..., n, 1]); None for 0-D and 1-D parameters
    row_var: Array | None
    #: C, the column means of g^2 (shape [..., 1, m]); None for 0-D and 1-D parameters
    col_var: Array | None
    #: the full mean of g^2 of a 0-D or 1-D parameter; None when factored
    variance: Array | None


def rms(x: Array) -> float:
    """Root mean square of every entry: ||x||_2 / sqrt(numel)."""
    return float(np.linalg.norm(np.ravel(x))) / np.size(x) ** 0.5


class Adafactor(Optimizer):
    """torch.optim.Adafactor: lr=1e-2, beta2_decay=-0.8, eps=(None, 1e-3), d=1.0,
    weight_decay=0.0."""

    State = AdafactorState

    def __init__(self, lr=1e-2, beta2_decay=-0.8, eps=(None, 1e-3), d=1.0, weight_decay=0.0,
                 *, maximize: bool = False) -> None:
        name = type(self).__name__
        self.lr = check_hyper("lr", check_scalar(name, "lr", lr), 0.0, label="learning rate")
        self.beta2_decay = check_hyper("beta2_decay", check_scalar(name, "beta2_decay",
                                                                   beta2_decay),
                                       None, 0.0, label="beta2_decay value")
        eps1, eps2 = check_scalar(name, "eps", tuple(eps))
        if eps1 is not None:
            check_hyper("eps[0]", eps1, 0.0, label="epsilon1 value")
        check_hyper("eps[1]", eps2, 0.0, label="epsilon2 value")
        self.eps = (eps1, eps2)
        self.d = check_hyper("d", check_scalar(name, "d", d), 1.0,
                             label="clipping threshold d")
        self.weight_decay = check_hyper("weight_decay", check_scalar(name, "weight_decay",
                                                                     weight_decay),
                                        0.0, label="weight_decay value")
        self.maximize = bool(maximize)

    def init(self, params) -> AdafactorState:
        params = as_float_array(params)
        if params.ndim < 2:
            return AdafactorState(0, None, None, np.zeros_like(params))
        row = np.zeros(params.shape[:-1] + (1,), params.dtype)
        col = np.zeros(params.shape[:-2] + (1, params.shape[-1]), params.dtype)
        return AdafactorState(0, row, col, None)

    rms = staticmethod(rms)

    def _second_moment(self, params: Array, grads: Array, state: AdafactorState):
        """V_hat_t, the estimate of E[g^2] (floored at eps1^2), and the new R, C, V."""
        # --8<-- [start:second_moment]
        w = (state.step + 1) ** self.beta2_decay           # 1 - beta2_hat_t = t^-0.8
        eps1 = np.finfo(params.dtype).eps if self.eps[0] is None else self.eps[0]
        R, C, V = state.row_var, state.col_var, state.variance
        if grads.ndim >= 2:                                # factored: n + m numbers
            R = R + w * (np.mean(grads * grads, axis=-1, keepdims=True) - R)  # row means of g^2
            C = C + w * (np.mean(grads * grads, axis=-2, keepdims=True) - C)  # column means
            V_hat = (R @ C) / np.maximum(np.mean(R, axis=-2, keepdims=True), eps1)
        else:                                              # a vector: the full average
            V = V + w * (grads * grads - V)
            V_hat = V
        V_hat = np.maximum(V_hat, eps1 * eps1)
        # --8<-- [end:second_moment]
        return V_hat, R, C, V

    def _update(self, params: Array, grads: Array, state: AdafactorState):
        # --8<-- [start:update]
        lr, d, lam, t = self.lr, self.d, self.weight_decay, state.step + 1
        g = -grads if self.maximize else grads
        rho = min(lr, 1 / t**0.5)                          # relative step size
        alpha = max(self.eps[1], self.rms(params)) * rho   # relative to the weights' RMS
        if lam != 0:
            params = params * (1 - lr * lam)               # torch's decoupled decay
        V_hat, R, C, V = self._second_moment(params, g, state)  # the estimate of E[g^2]
        U = g / np.sqrt(V_hat)
        params = params - alpha / max(1.0, self.rms(U) / d) * U  # clipped: RMS(U_hat) <= d
        # --8<-- [end:update]
        return params, AdafactorState(t, R, C, V)
