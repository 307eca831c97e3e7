"""L-BFGS (Nocedal 1980, "Updating Quasi-Newton Matrices with Limited Storage", Math. Comp.
35(151); Liu & Nocedal 1989), as torch.optim.LBFGS, with its strong Wolfe line search
(Nocedal & Wright 2006, "Numerical Optimization", Algorithms 3.5 and 3.6).

Newton's method steps by -H^{-1} g. BFGS builds an approximation of H^{-1} from how the
gradient changed along past steps; L-BFGS keeps only the last ``history_size`` pairs
(s_i = step taken, y_i = change of the gradient) and applies the approximation to g with
the two-loop recursion, never forming a matrix:

    q = -g;  for i = newest..oldest:  a_i = rho_i s_i.q,  q = q - a_i y_i     (rho_i = 1/y_i.s_i)
    r = gamma q   (gamma = s.y / y.y of the newest pair: the scale of H^{-1})
    for i = oldest..newest:  b_i = rho_i y_i.r,  r = r + (a_i - b_i) s_i;   d = r
    theta <- theta + t d,  t = lr (the first step ever: min(1, 1/||g||_1) lr), or the step
    length that satisfies the strong Wolfe conditions when line_search_fn="strong_wolfe"

One ``step`` runs up to ``max_iter`` such iterations and ``max_eval`` evaluations of the
loss, and stops early when max|g| <= tolerance_grad, or when the step, the loss change or
the slope g.d falls below tolerance_change; a pair with y.s <= 1e-10 is not stored. All of
this, the cubic interpolation and the bracketing of the line search included, follows
torch's ``lbfgs.py`` (itself ported from minFunc and torch7's optim), and its three pieces of
arithmetic round as torch's do, so that the two agree bit for bit.

The step takes the function, not a gradient: ``step(params, loss_and_grad, state)`` where
``loss_and_grad(params)`` returns (loss, grad), as torch's closure does. Parameters may have
any shape; they are handled as one flat vector. Hyperparameters are scalars.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from optim_ref.optimizers import _torch_rounding as rounding
from optim_ref.optimizers._base import (
    Array,
    Optimizer,
    as_float_array,
    check_finite_grad,
    check_hyper,
)
from optim_ref.optimizers._whole import check_scalar


class LBFGSState(NamedTuple):
    """torch's state keys (torch also keeps ``al``, scratch space written before every read)."""

    #: loss evaluations so far
    func_evals: int
    #: iterations so far (one step runs up to max_iter)
    n_iter: int
    #: d, the last search direction; None before the first iteration
    d: Array | None
    #: t, the last step length
    t: float | None
    #: y_i, the gradient changes kept (oldest first)
    old_dirs: tuple = ()
    #: s_i, the steps kept (oldest first)
    old_stps: tuple = ()
    #: rho_i = 1 / y_i.s_i
    ro: tuple = ()
    #: gamma, the scale of the initial inverse Hessian
    H_diag: float = 1.0
    #: the gradient at the start of the last iteration
    prev_flat_grad: Array | None = None
    #: the loss at the start of the last iteration
    prev_loss: float | None = None


# The three pieces of arithmetic that torch rounds otherwise than numpy: its p.add_(d, alpha=t)
# is one fused multiply-add, and its dot products and sums add in another order (BLAS,
# vectorised lanes). They round here as in torch (_torch_rounding says how and why), so that
# optim_ref equals torch bit for bit (tests/test_optimizers_newer.py).


def dot(a: Array, b: Array) -> float:
    """a.b"""
    return rounding.dot(a, b)


def add_scaled(x: Array, alpha: float, d: Array) -> Array:
    """x + alpha d"""
    return rounding.fma(x, alpha, d)


def l1(g: Array) -> float:
    """sum |g_i|"""
    return rounding.total(np.abs(g))


def cubic_minimum(x1, f1, g1, x2, f2, g2, bounds=None):
    """Minimiser of the cubic through (x1, f1, g1) and (x2, f2, g2), clipped to bounds."""
    lo, hi = bounds if bounds is not None else ((x1, x2) if x1 <= x2 else (x2, x1))
    d1 = g1 + g2 - 3 * (f1 - f2) / (x1 - x2)
    d2_square = d1**2 - g1 * g2
    if d2_square < 0:
        return (lo + hi) / 2.0                               # no real minimum: bisect
    d2 = np.sqrt(d2_square)
    if x1 <= x2:
        x = x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
    else:
        x = x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2))
    return min(max(x, lo), hi)


def strong_wolfe(evaluate, t, d, f, g, gtd, c1=1e-4, c2=0.9, tolerance_change=1e-9,
                 max_ls=25):
    """A step length t along d with f(x + t d) <= f + c1 t g.d and |g(x + t d).d| <= c2 |g.d|.

    ``evaluate(t)`` returns (loss, grad) at x + t d. Bracket an interval holding such a t
    (growing t by cubic extrapolation), then zoom into it by safeguarded cubic interpolation.
    Returns (loss, grad, t, evaluations).
    """
    d_norm = np.max(np.abs(d))
    f_new, g_new = evaluate(t)
    evals, gtd_new = 1, dot(g_new, d)
    t_prev, f_prev, g_prev, gtd_prev = 0, f, g, gtd
    done, ls_iter = False, 0
    while ls_iter < max_ls:                                  # bracketing
        if f_new > f + c1 * t * gtd or (ls_iter > 1 and f_new >= f_prev):
            bracket, bracket_f = [t_prev, t], [f_prev, f_new]
            bracket_g, bracket_gtd = [g_prev, g_new], [gtd_prev, gtd_new]
            break
        if abs(gtd_new) <= -c2 * gtd:                         # strong Wolfe holds at t
            bracket, bracket_f, bracket_g, done = [t], [f_new], [g_new], True
            break
        if gtd_new >= 0:                                     # went past a minimum
            bracket, bracket_f = [t_prev, t], [f_prev, f_new]
            bracket_g, bracket_gtd = [g_prev, g_new], [gtd_prev, gtd_new]
            break
        t, t_prev = cubic_minimum(t_prev, f_prev, gtd_prev, t, f_new, gtd_new,
                                  bounds=(t + 0.01 * (t - t_prev), t * 10)), t
        f_prev, g_prev, gtd_prev = f_new, g_new, gtd_new
        f_new, g_new = evaluate(t)
        evals, gtd_new, ls_iter = evals + 1, dot(g_new, d), ls_iter + 1
    if ls_iter == max_ls:
        bracket, bracket_f, bracket_g = [0, t], [f, f_new], [g, g_new]

    insuf_progress = False
    low, high = (0, 1) if bracket_f[0] <= bracket_f[-1] else (1, 0)
    while not done and ls_iter < max_ls:                     # zoom
        if abs(bracket[1] - bracket[0]) * d_norm < tolerance_change:
            break
        t = cubic_minimum(bracket[0], bracket_f[0], bracket_gtd[0],
                          bracket[1], bracket_f[1], bracket_gtd[1])
        # too close to an end (twice, or outside): move to 10% of the bracket inside
        eps = 0.1 * (max(bracket) - min(bracket))
        if min(max(bracket) - t, t - min(bracket)) < eps:
            if insuf_progress or t >= max(bracket) or t <= min(bracket):
                t = max(bracket) - eps if abs(t - max(bracket)) < abs(t - min(bracket)) \
                    else min(bracket) + eps
                insuf_progress = False
            else:
                insuf_progress = True
        else:
            insuf_progress = False
        f_new, g_new = evaluate(t)
        evals, gtd_new, ls_iter = evals + 1, dot(g_new, d), ls_iter + 1
        if f_new > f + c1 * t * gtd or f_new >= bracket_f[low]:
            bracket[high], bracket_f[high] = t, f_new        # t is the new high end
            bracket_g[high], bracket_gtd[high] = g_new, gtd_new
            low, high = (0, 1) if bracket_f[0] <= bracket_f[1] else (1, 0)
        else:
            if abs(gtd_new) <= -c2 * gtd:
                done = True
            elif gtd_new * (bracket[high] - bracket[low]) >= 0:
                bracket[high], bracket_f[high] = bracket[low], bracket_f[low]
                bracket_g[high], bracket_gtd[high] = bracket_g[low], bracket_gtd[low]
            bracket[low], bracket_f[low] = t, f_new          # t is the new low end
            bracket_g[low], bracket_gtd[low] = g_new, gtd_new
    return bracket_f[low], bracket_g[low], bracket[low], evals


def two_loop(g: Array, old_dirs, old_stps, ro, H_diag) -> Array:
    """d = -H g, with H the L-BFGS inverse Hessian of the kept pairs (the two-loop recursion)."""
    al = [0.0] * len(old_dirs)
    # --8<-- [start:two_loop]
    q = -g
    for i in range(len(old_dirs) - 1, -1, -1):               # newest to oldest
        al[i] = dot(old_stps[i], q) * ro[i]
        q = add_scaled(q, -al[i], old_dirs[i])                # q - a_i y_i
    r = q * H_diag                                           # the initial H^{-1} = gamma I
    for i in range(len(old_dirs)):                           # oldest to newest
        be_i = dot(old_dirs[i], r) * ro[i]
        r = add_scaled(r, al[i] - be_i, old_stps[i])          # r + (a_i - b_i) s_i
    # --8<-- [end:two_loop]
    return r


class LBFGS(Optimizer):
    """torch.optim.LBFGS: lr=1, max_iter=20, max_eval=None (max_iter * 5 // 4),
    tolerance_grad=1e-7, tolerance_change=1e-9, history_size=100, line_search_fn=None."""

    State = LBFGSState

    def __init__(
        self,
        lr=1,
        max_iter: int = 20,
        max_eval: int | None = None,
        tolerance_grad=1e-7,
        tolerance_change=1e-9,
        history_size: int = 100,
        line_search_fn: str | None = None,
    ) -> None:
        name = type(self).__name__
        self.lr = check_hyper("lr", check_scalar(name, "lr", lr), 0.0, label="learning rate")
        self.max_iter = _count("max_iter", check_scalar(name, "max_iter", max_iter))
        self.max_eval = _count("max_eval", max_iter * 5 // 4 if max_eval is None
                               else check_scalar(name, "max_eval", max_eval))
        self.tolerance_grad = check_hyper("tolerance_grad", check_scalar(
            name, "tolerance_grad", tolerance_grad), 0.0, label="tolerance_grad value")
        self.tolerance_change = check_hyper("tolerance_change", check_scalar(
            name, "tolerance_change", tolerance_change), 0.0, label="tolerance_change value")
        self.history_size = _count("history_size", check_scalar(name, "history_size",
                                                                history_size))
        if line_search_fn not in (None, "strong_wolfe"):
            raise ValueError(f"Invalid line_search_fn: {line_search_fn!r} (line_search_fn "
                             "must be None or 'strong_wolfe')")
        self.line_search_fn = line_search_fn

    def init(self, params) -> LBFGSState:
        as_float_array(params)
        return LBFGSState(func_evals=0, n_iter=0, d=None, t=None)

    def step(self, params, loss_and_grad: Callable, state: LBFGSState):
        """Up to max_iter L-BFGS iterations; returns (params, state). Pure, like the others."""
        params = as_float_array(params)
        shape = params.shape
        s = state

        def evaluate(flat_x: Array) -> tuple[float, Array]:
            loss, grad = loss_and_grad(flat_x.reshape(shape))
            grad = as_float_array(grad)
            if grad.shape != shape:
                raise ValueError(f"loss_and_grad returned a grad of shape {grad.shape} for "
                                 f"params of shape {shape}")
            check_finite_grad(grad, s.n_iter + 1)
            return float(loss), grad.ravel().copy()

        x = params.ravel().copy()
        loss, flat_grad = evaluate(x)
        evals, func_evals = 1, s.func_evals + 1
        if np.max(np.abs(flat_grad), initial=0.0) <= self.tolerance_grad:
            return params.copy(), s._replace(func_evals=func_evals)   # already optimal
        d, t, H_diag = s.d, s.t, s.H_diag
        old_dirs, old_stps, ro = list(s.old_dirs), list(s.old_stps), list(s.ro)
        prev_flat_grad, prev_loss, n_iter = s.prev_flat_grad, s.prev_loss, s.n_iter
        lr = self.lr
        for it in range(1, self.max_iter + 1):
            n_iter += 1
            s = s._replace(n_iter=n_iter)
            if n_iter == 1:                                  # the very first iteration
                d, old_dirs, old_stps, ro, H_diag = -flat_grad, [], [], [], 1.0
            else:
                y, step = flat_grad - prev_flat_grad, d * t  # the newest pair
                ys = dot(y, step)
                if ys > 1e-10:                               # curvature positive: keep it
                    if len(old_dirs) == self.history_size:
                        old_dirs, old_stps, ro = old_dirs[1:], old_stps[1:], ro[1:]
                    old_dirs, old_stps, ro = old_dirs + [y], old_stps + [step], ro + [1.0 / ys]
                    H_diag = ys / dot(y, y)
                d = two_loop(flat_grad, old_dirs, old_stps, ro, H_diag)
            prev_flat_grad, prev_loss = flat_grad.copy(), loss
            t = min(1.0, 1.0 / l1(flat_grad)) * lr if n_iter == 1 else lr
            gtd = dot(flat_grad, d)                            # slope along d
            if gtd > -self.tolerance_change:
                break
            ls_evals = 0
            if self.line_search_fn == "strong_wolfe":
                loss, flat_grad, t, ls_evals = strong_wolfe(
                    lambda t_, x0=x, d0=d: evaluate(add_scaled(x0, t_, d0)), t, d, loss,
                    flat_grad, gtd, max_ls=self.max_eval - evals)
                x = add_scaled(x, t, d)
                optimal = np.max(np.abs(flat_grad)) <= self.tolerance_grad
            else:
                x = add_scaled(x, t, d)                      # a fixed step, no line search
                if it != self.max_iter:                      # torch skips the last evaluation
                    loss, flat_grad = evaluate(x)
                    optimal = np.max(np.abs(flat_grad)) <= self.tolerance_grad
                    ls_evals = 1
            evals += ls_evals
            func_evals += ls_evals
            if (it == self.max_iter or evals >= self.max_eval or optimal
                    or np.max(np.abs(d * t)) <= self.tolerance_change
                    or abs(loss - prev_loss) < self.tolerance_change):
                break
        new = LBFGSState(func_evals=func_evals, n_iter=n_iter, d=d, t=t,
                         old_dirs=tuple(old_dirs), old_stps=tuple(old_stps), ro=tuple(ro),
                         H_diag=H_diag, prev_flat_grad=prev_flat_grad, prev_loss=prev_loss)
        return x.reshape(shape), new


def _count(name: str, value) -> int:
    """A count of at least 1 (torch fails later, and obscurely, at 0)."""
    if isinstance(value, bool) or int(value) != value or value < 1:
        raise ValueError(f"Invalid {name}: {value} ({name} must be an integer >= 1)")
    return int(value)
