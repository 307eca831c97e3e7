"""Numbers for the computed quiz questions, made by optim_ref at build time.

A computer is a function of the question's given numbers that returns named values: the
right answer and the classic mistakes a learner makes on the way to it. Every value runs
through optim_ref's own optimizer: a mistake is the same ``step`` fed a wrong input (the
gradient's sign flipped, the factor 2 of the derivative dropped), a wrong hyperparameter
(the learning rate left out, alpha and 1 - alpha swapped, eps moved into the accumulator's
start, which puts it inside the square root), or the optimizer's own state read at the
wrong moment or combined without one of its pieces (no bias correction, the square
forgotten). So a page's answer can never drift from the code the page shows.

A quiz record names a computer, gives its numbers, and picks which values are its choices
and which one is right; ``scripts/quizzes.py`` checks the names and rounds the numbers.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from optim_ref import (
    LBFGS,
    NAG,
    SGD,
    Adadelta,
    Adafactor,
    Adagrad,
    Adam,
    AdamW,
    Lion,
    Momentum,
    RAdam,
    RMSprop,
    data,
    losses,
    schedules,
)
from optim_ref.optimizers.lion import LionState
from optim_ref.optimizers.momentum import MomentumState


@dataclass(frozen=True)
class Computer:
    """A named maker of values: what it needs (``given``) and what it makes (``values``)."""

    name: str
    given: tuple[str, ...]
    values: tuple[str, ...]
    fn: Callable[..., dict[str, float]]

    def __call__(self, **given: float) -> dict[str, float]:
        out = self.fn(**given)
        return {name: float(out[name]) for name in self.values}


COMPUTERS: dict[str, Computer] = {}


def computer(*values: str):
    """Register ``fn`` under its name; its parameters are the numbers a record must give."""

    def register(fn):
        given = tuple(inspect.signature(fn).parameters)
        COMPUTERS[fn.__name__] = Computer(fn.__name__, given, values, fn)
        return fn

    return register


def _one(x: float) -> np.ndarray:
    return np.array([float(x)])


def _step(opt, w: float, g: float, state=None) -> tuple[float, object]:
    state = opt.init(_one(w)) if state is None else state
    new, state = opt.step(_one(w), _one(g), state)
    return float(new[0]), state


@computer("right", "sign_flipped", "half_gradient", "lr_forgotten", "gradient")
def gd_step(w, c, lr):
    """One step of gradient descent on f(w) = (w - c)^2, whose gradient is 2 (w - c)."""
    g = 2 * (w - c)
    return {
        "right": _step(SGD(lr=lr), w, g)[0],
        "sign_flipped": _step(SGD(lr=lr), w, -g)[0],
        "half_gradient": _step(SGD(lr=lr), w, w - c)[0],  # the 2 of the derivative dropped
        "lr_forgotten": _step(SGD(lr=1.0), w, g)[0],
        "gradient": g,
    }


@computer("right", "sign_flipped", "momentum_ignored", "old_velocity", "lr_forgotten",
          "velocity")
def momentum_step(w, a, g, lr, beta):
    """One heavy-ball step from w with velocity a and gradient g (the lecture's form)."""
    state = MomentumState(step=1, velocity=_one(a))
    right, after = _step(Momentum(lr=lr, momentum=beta), w, g, state)
    return {
        "velocity": float(after.velocity[0]),
        "right": right,
        "sign_flipped": _step(Momentum(lr=lr, momentum=beta), w, -g, state)[0],
        "momentum_ignored": _step(Momentum(lr=lr, momentum=0.0), w, g, state)[0],
        # w moved with the velocity held before this step's gradient was added
        "old_velocity": w - lr * float(state.velocity[0]),
        "lr_forgotten": _step(Momentum(lr=1.0, momentum=beta), w, g, state)[0],
    }


@computer("lecture_w", "lookahead", "sign_flipped_w", "sign_flipped_lookahead",
          "lr_forgotten_w", "lr_forgotten_lookahead", "velocity")
def nag_first_step(w0, lr, beta):
    """NAG's first step on f(w) = w^2 from w0 with zero velocity.

    optim_ref's NAG keeps its parameters at the look-ahead point theta; the lecture's w is
    ``NAG.lecture_point``. Both start at w0.
    """

    def both(opt: NAG, sign: float) -> tuple[float, float, float]:
        theta, state = _step(opt, w0, sign * 2 * w0)
        return float(opt.lecture_point(_one(theta), state)[0]), theta, float(state.velocity[0])

    w, theta, velocity = both(NAG(lr=lr, momentum=beta), 1.0)
    w_flip, theta_flip, _ = both(NAG(lr=lr, momentum=beta), -1.0)
    w_nolr, theta_nolr, _ = both(NAG(lr=1.0, momentum=beta), 1.0)
    return {
        "velocity": velocity,
        "lecture_w": w, "lookahead": theta,
        "sign_flipped_w": w_flip, "sign_flipped_lookahead": theta_flip,
        "lr_forgotten_w": w_nolr, "lr_forgotten_lookahead": theta_nolr,
    }


@computer("right", "square_forgotten", "root_taken", "sum_squared")
def adagrad_accumulator(g1, g2, g3):
    """Adagrad's accumulator G after three gradients, from G_0 = 0."""
    opt, w, state = Adagrad(lr=0.1), 0.0, None
    for g in (g1, g2, g3):
        w, state = _step(opt, w, g, state)
    G = float(state.sum[0])
    return {
        "right": G,
        "square_forgotten": g1 + g2 + g3,
        "root_taken": float(np.sqrt(G)),             # the divisor sqrt(G), not G
        "sum_squared": (g1 + g2 + g3) ** 2,          # the square of the sum, not the sum of squares
    }


@computer("right", "eps_inside", "sign_flipped", "square_forgotten", "accumulator")
def adagrad_first_step(w, g, lr, eps):
    """Adagrad's first step from w with gradient g: G_1 = g^2, eps outside the root."""
    right, state = _step(Adagrad(lr=lr, eps=eps), w, g)
    return {
        "right": right,
        "accumulator": float(state.sum[0]),
        # G starting at eps with no eps added later is sqrt(g^2 + eps): eps inside the root
        "eps_inside": _step(Adagrad(lr=lr, eps=0.0, initial_accumulator_value=eps), w, g)[0],
        "sign_flipped": _step(Adagrad(lr=lr, eps=eps), w, -g)[0],
        "square_forgotten": w - lr * g / (np.sqrt(abs(g)) + eps),  # G_1 = |g|, not g^2
    }


@computer("right", "eps_outside", "no_numerator", "sign_flipped", "square_avg")
def adadelta_first_step(theta, g, rho, eps):
    """Adadelta's first step (the paper's method, lr = 1), eps inside both roots."""
    opt = Adadelta(lr=1.0, rho=rho, eps=eps)
    right, state = _step(opt, theta, g)
    Eg2 = float(state.square_avg[0])          # E[g^2]_1 from the same code
    return {
        "right": right,
        "square_avg": Eg2,
        "eps_outside": theta - (np.sqrt(0.0) + eps) / (np.sqrt(Eg2) + eps) * g,
        # RMSprop's step with lr = 1: the RMS[dx] numerator that gives the units left out
        "no_numerator": theta - g / np.sqrt(Eg2 + eps),
        "sign_flipped": _step(opt, theta, -g)[0],
    }


@computer("right", "eps_inside", "square_forgotten", "sign_flipped", "alpha_swapped",
          "square_avg")
def rmsprop_first_step(theta, g, lr, alpha, eps):
    """RMSprop's first step from theta with gradient g, eps outside the root (torch)."""
    opt = RMSprop(lr=lr, alpha=alpha, eps=eps)
    right, state = _step(opt, theta, g)
    Eg2 = float(state.square_avg[0])
    return {
        "right": right,
        "square_avg": Eg2,
        "eps_inside": theta - lr * g / np.sqrt(Eg2 + eps),
        "square_forgotten": theta - lr * g / (np.sqrt((1 - alpha) * abs(g)) + eps),
        "sign_flipped": _step(opt, theta, -g)[0],
        "alpha_swapped": _step(RMSprop(lr=lr, alpha=1 - alpha, eps=eps), theta, g)[0],
    }


@computer("right", "no_bias_correction", "corrected_as_t1", "sign_flipped", "m1")
def adam_first_moment(g1, g2, beta1):
    """Adam's bias-corrected first moment m_hat at t = 2, from m_0 = 0."""

    def moments(sign: float) -> list[float]:
        opt, w, state, out = Adam(lr=1e-3, betas=(beta1, 0.999)), 0.0, None, []
        for g in (g1, g2):
            w, state = _step(opt, w, sign * g, state)
            out.append(float(state.exp_avg[0]))
        return out

    m1, m2 = moments(1.0)
    return {
        "m1": m1,
        "right": m2 / (1 - beta1**2),
        "no_bias_correction": m2,
        "corrected_as_t1": m2 / (1 - beta1),      # the correction of step 1 used at step 2
        "sign_flipped": moments(-1.0)[1] / (1 - beta1**2),
    }


@computer("right", "no_bias_correction", "eps_inside", "sign_flipped", "square_forgotten",
          "m_hat", "v_hat")
def adam_first_step(theta, g, lr, beta1, beta2, eps):
    """Adam's first step from theta with gradient g."""
    opt = Adam(lr=lr, betas=(beta1, beta2), eps=eps)
    right, state = _step(opt, theta, g)
    m, v = float(state.exp_avg[0]), float(state.exp_avg_sq[0])
    m_hat, v_hat = m / (1 - beta1), v / (1 - beta2)
    return {
        "right": right,
        "m_hat": m_hat,
        "v_hat": v_hat,
        "no_bias_correction": theta - lr * m / (np.sqrt(v) + eps),
        "eps_inside": theta - lr * m_hat / np.sqrt(v_hat + eps),
        "sign_flipped": _step(opt, theta, -g)[0],
        "square_forgotten": theta - lr * m_hat / (np.sqrt(m_hat) + eps),  # v built from g, not g^2
    }


@computer("right", "l2_penalty", "decay_without_lr", "decay_sign_flipped")
def adamw_decay_step(theta, lr, weight_decay):
    """One AdamW step at a zero gradient: only the decoupled decay moves theta."""
    return {
        "right": _step(AdamW(lr=lr, weight_decay=weight_decay), theta, 0.0)[0],
        # Adam with L2: the decay joins the gradient and is divided by sqrt(v_hat)
        "l2_penalty": _step(Adam(lr=lr, weight_decay=weight_decay), theta, 0.0)[0],
        "decay_without_lr": theta * (1 - weight_decay),
        "decay_sign_flipped": theta * (1 + lr * weight_decay),
    }


@computer("right", "mae", "sum_not_mean", "root_taken")
def mse_value(p1, p2, p3, y1, y2, y3):
    """The mean squared error of three predictions against their targets."""
    pred, target = np.array([p1, p2, p3]), np.array([y1, y2, y3])
    mse = losses.mse(pred, target)
    return {
        "right": mse,
        "mae": losses.mae(pred, target),       # the absolute error: the square forgotten
        "sum_not_mean": mse * pred.size,       # summed, never divided by the count
        "root_taken": float(np.sqrt(mse)),     # the RMSE, not the MSE
    }


# --- SGD and mini-batches, learning-rate schedules (docs/optimizers/sgd.md, docs/schedules.md)


@computer("right", "drop_last", "unrounded", "batch_size_itself", "one_per_example")
def epoch_steps(n, batch_size):
    """Steps in an epoch of n examples (len(DataLoader)), and what the usual slips give."""
    n, batch_size = int(n), int(batch_size)
    return {
        "right": data.steps_per_epoch(n, batch_size),
        "drop_last": data.steps_per_epoch(n, batch_size, drop_last=True),  # the short batch dropped
        "unrounded": n / batch_size,            # a fraction of a step
        "batch_size_itself": batch_size,        # the batch size taken for the number of batches
        "one_per_example": n,                   # a step per example, not per batch
    }


def _warmup_cosine(base_lr: float, warmup: int, total: int, start_factor: float):
    return schedules.SequentialLR(
        [schedules.LinearLR(start_factor=start_factor, total_iters=warmup),
         schedules.CosineAnnealingLR(T_max=total - warmup)], milestones=[warmup])


@computer("right", "next_step", "no_warmup", "cosine_from_step_one")
def warmup_cosine_lr(base_lr, warmup, total, start_factor, k):
    """The lr at step k (from 1) of LinearLR warm-up then cosine, chained by SequentialLR."""
    warmup, total, k = int(warmup), int(total), int(k)
    return {
        "right": _warmup_cosine(base_lr, warmup, total, start_factor).lrs(base_lr, k)[k - 1],
        # the lr after step k's scheduler.step(): the lr of step k + 1
        "next_step": _warmup_cosine(base_lr, warmup, total, start_factor).lrs(base_lr, k + 1)[k],
        # the warm-up left out: one cosine over all the steps
        "no_warmup": schedules.CosineAnnealingLR(T_max=total).lrs(base_lr, k)[k - 1],
        # the cosine's clock started at step 1 instead of at the milestone
        "cosine_from_step_one": schedules.CosineAnnealingLR(T_max=total - warmup)
        .lrs(base_lr, k)[k - 1],
    }


@computer("right", "no_biases", "hidden_bias_only", "product")
def mlp_parameters(n_in, n_hidden, n_out):
    """The parameter count of optim_ref.mlp's one-hidden-layer network."""
    from optim_ref import mlp

    n_in, h, n_out = int(n_in), int(n_hidden), int(n_out)
    return {
        "right": mlp.n_params(n_in, h, n_out),
        "no_biases": n_in * h + h * n_out,
        "hidden_bias_only": n_in * h + h + h * n_out,         # the output layer's bias forgotten
        "product": n_in * h * n_out,                          # layers multiplied, not added
    }


# ---- newer optimizers and second-order ideas (docs/optimizers/newer*.md, second-order*.md) --


@computer("right", "adam_second_moment", "adam_both_moments", "rows_only")
def adafactor_memory(n, m):
    """Numbers Adafactor keeps for an n x m matrix's second moment, against Adam's state."""
    weights = np.zeros((int(n), int(m)))
    factored = Adafactor().init(weights)
    adam = Adam().init(weights)
    return {
        "right": factored.row_var.size + factored.col_var.size,       # n + m
        "adam_second_moment": adam.exp_avg_sq.size,                    # n m: the unfactored v
        "adam_both_moments": adam.exp_avg.size + adam.exp_avg_sq.size,  # 2 n m
        "rows_only": factored.row_var.size,                            # the columns forgotten
    }


@computer("right", "gradient_sign", "no_sign", "decay_ignored", "interpolated")
def lion_step(theta, m, g, lr, beta1, beta2, weight_decay):
    """One Lion step from momentum m with gradient g: the sign of beta1's interpolation."""
    state = LionState(step=1, exp_avg=_one(m))
    opt = Lion(lr=lr, betas=(beta1, beta2), weight_decay=weight_decay)
    c = beta1 * m + (1 - beta1) * g
    return {
        "right": _step(opt, theta, g, state)[0],
        # the momentum left out (beta1 = 0): the sign of the gradient alone
        "gradient_sign": _step(opt.replace(betas=(0.0, beta2)), theta, g, state)[0],
        "no_sign": theta * (1 - lr * weight_decay) - lr * c,          # Adam-like: no sign taken
        "decay_ignored": _step(opt.replace(weight_decay=0.0), theta, g, state)[0],
        "interpolated": c,
    }


@computer("right", "paper_threshold", "from_the_start", "rho_inf")
def radam_first_rectified(beta2):
    """The first step at which RAdam (torch's rho_t > 5) takes a rectified adaptive step.

    Found by running optim_ref.RAdam with a constant gradient 1: a momentum step moves by
    lr * m_hat = lr, a rectified one by lr * r_t, a small fraction of it. The mistakes are
    the paper's threshold rho_t > 4, Adam's "adaptive from step 1", and waiting for rho_inf.
    """
    lr, opt = 1e-3, RAdam(lr=1e-3, betas=(0.9, beta2))
    theta, state, t = np.zeros(1), opt.init(np.zeros(1)), 0
    while True:
        t += 1
        new, state = opt.step(theta, np.ones(1), state)
        if abs(float(new[0] - theta[0])) < 0.5 * lr:
            break
        theta = new
    rho_inf = 2 / (1 - beta2) - 1
    paper = next(k for k in range(1, t + 1)
                 if rho_inf - 2 * k * beta2**k / (1 - beta2**k) > 4)
    return {"right": t, "paper_threshold": paper, "from_the_start": 1, "rho_inf": rho_inf}


@computer("right", "one_vector_per_pair", "newton_hessian", "adam_state")
def lbfgs_memory(n, history_size):
    """Numbers L-BFGS keeps after enough iterations on an n-dimensional quadratic."""
    n, m = int(n), int(history_size)
    curvature = np.geomspace(1.0, 1e4, n)               # ill-conditioned: many iterations
    opt = LBFGS(history_size=m, max_iter=3 * m, tolerance_grad=0.0,
                          tolerance_change=0.0)
    x0 = np.ones(n)
    _, state = opt.step(x0, lambda x: (0.5 * float(x @ (curvature * x)), curvature * x),
                        opt.init(x0))
    kept = sum(v.size for v in state.old_dirs) + sum(v.size for v in state.old_stps)
    adam = Adam().init(x0)
    return {
        "right": kept,                                   # 2 m n: the pairs (s_i, y_i)
        "one_vector_per_pair": kept // 2,                 # m n: only s_i or only y_i
        "newton_hessian": n * n,                          # the full Hessian
        "adam_state": adam.exp_avg.size + adam.exp_avg_sq.size,  # 2 n
    }
