"""Rprop (Riedmiller & Braun 1993, "A Direct Adaptive Method for Faster Backpropagation
Learning: The RPROP Algorithm", IEEE ICNN).

Rprop ignores the size of the gradient and keeps one step size per weight: it grows by
eta_plus while the gradient keeps its sign and shrinks by eta_minus when the sign flips
(the last step jumped over a minimum), within [step_min, step_max]; the weight moves by its
step size against the sign of the gradient:

    s_t     = sign(g_t * g_{t-1})
    Delta_t = clip(Delta_{t-1} * (eta_plus if s_t > 0, eta_minus if s_t < 0, 1 if s_t = 0),
                   step_min, step_max)
    g_t     = 0 where s_t < 0          (after a flip: no move now, and no flip test next step)
    theta_t = theta_{t-1} - sign(g_t) * Delta_t

The zeroed gradient is stored as g_{t-1} for the next step. This is the variant without
weight backtracking (Igel & Huesken 2000 call it Rprop-), as torch; torch's lr is the
initial step size Delta_0 (the paper's Delta_0 = 0.1), etas=(eta_minus, eta_plus) and
step_sizes=(step_min, step_max).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from optim_ref.optimizers._base import Array, Optimizer, as_float_array, check_hyper


class RpropState(NamedTuple):
    step: int
    #: g_{t-1}, the previous gradient (zero where its sign flipped)
    prev: Array
    #: Delta, the step size of each weight
    step_size: Array


class Rprop(Optimizer):
    """torch.optim.Rprop: lr=1e-2, etas=(0.5, 1.2), step_sizes=(1e-6, 50)."""

    State = RpropState

    def __init__(self, lr=1e-2, etas=(0.5, 1.2), step_sizes=(1e-6, 50), *,
                 maximize: bool = False) -> None:
        self.lr = check_hyper("lr", lr, 0.0, label="learning rate")
        eta_minus, eta_plus = etas
        check_hyper("etas[0]", eta_minus, 0.0, 1.0, low_open=True, high_open=True,
                    label="eta_minus value")
        check_hyper("etas[1]", eta_plus, 1.0, None, low_open=True, label="eta_plus value")
        self.etas = (eta_minus, eta_plus)
        step_min, step_max = step_sizes
        check_hyper("step_sizes[0]", step_min, 0.0, label="minimal step size")
        check_hyper("step_sizes[1]", step_max, 0.0, label="maximal step size")
        if np.any(np.asarray(step_min) > np.asarray(step_max)):
            raise ValueError(f"Invalid step_sizes: {step_sizes} (step_sizes[0] must be "
                             "<= step_sizes[1])")
        self.step_sizes = (step_min, step_max)
        self.maximize = bool(maximize)

    def init(self, params) -> RpropState:
        params = as_float_array(params)
        shape = self._broadcast_shape(params.shape)          # lr is the first step size
        return RpropState(step=0, prev=np.zeros_like(params),
                          step_size=np.broadcast_to(np.asarray(self.lr, dtype=params.dtype),
                                                    shape).copy())

    def _update(self, params: Array, grads: Array, state: RpropState):
        # --8<-- [start:update]
        (eta_minus, eta_plus), (step_min, step_max) = self.etas, self.step_sizes
        g = -grads if self.maximize else grads
        s = np.sign(g * state.prev)                  # +1 same sign, -1 flipped, 0 if either is 0
        factor = np.where(s > 0, eta_plus, np.where(s < 0, eta_minus, 1.0))
        step_size = np.clip(state.step_size * factor, step_min, step_max)
        g = np.where(s < 0, 0.0, g)                          # after a flip: rest, forget the sign
        params = params - np.sign(g) * step_size             # theta_t = theta - sign(g) Delta_t
        # --8<-- [end:update]
        return params, RpropState(step=state.step + 1, prev=g, step_size=step_size)
