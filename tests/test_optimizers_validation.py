"""Bad input, purity and broadcasting: what the optimizers promise besides their formulas."""

from __future__ import annotations

import re

import numpy as np
import pytest
import torch  # noqa: F401  (unconditional, as in the oracle: a missing torch fails, never skips)
from test_optimizers_oracle import CONFIGS, EXPORTED, random_state

import optim_ref
from optim_ref import (
    ASGD,
    GD,
    LBFGS,
    NAG,
    SGD,
    Adadelta,
    Adagrad,
    Adam,
    Adamax,
    AdamW,
    AMSGrad,
    Lion,
    Momentum,
    NAdam,
    RAdam,
    RMSprop,
    Rprop,
)

ALL = EXPORTED

# ---------------------------------------------------------------- validation messages

BAD = [
    (lambda: GD(lr=-0.1), "Invalid learning rate: -0.1 (lr must be in [0, inf))"),
    (lambda: SGD(lr=-0.1), "Invalid learning rate: -0.1 (lr must be in [0, inf))"),
    (lambda: SGD(momentum=-0.5), "Invalid momentum value: -0.5 (momentum must be in [0, 1])"),
    (lambda: SGD(momentum=1.5), "Invalid momentum value: 1.5 (momentum must be in [0, 1])"),
    (lambda: SGD(momentum=0.9, dampening=2.0),
     "Invalid dampening value: 2.0 (dampening must be in [0, 1])"),
    (lambda: SGD(weight_decay=-1e-4),
     "Invalid weight_decay value: -0.0001 (weight_decay must be in [0, inf))"),
    (lambda: SGD(lr=0.1, nesterov=True),
     "Invalid momentum for nesterov=True (Nesterov needs a momentum): 0.0 "
     "(momentum must be in (0, 1])"),
    (lambda: SGD(lr=0.1, momentum=0.9, dampening=0.1, nesterov=True),
     "Invalid dampening for nesterov=True (Nesterov needs zero dampening): 0.1 "
     "(dampening must be in [0, 0])"),
    (lambda: Momentum(lr=-1.0), "Invalid learning rate: -1.0 (lr must be in [0, inf))"),
    (lambda: Momentum(momentum=1.2), "Invalid momentum value: 1.2 (momentum must be in [0, 1])"),
    (lambda: NAG(momentum=-0.1), "Invalid momentum value: -0.1 (momentum must be in [0, 1])"),
    (lambda: NAG(lr=-0.5), "Invalid learning rate: -0.5 (lr must be in [0, inf))"),
    (lambda: Adagrad(lr_decay=-1.0), "Invalid lr_decay value: -1.0 (lr_decay must be in [0, inf))"),
    (lambda: Adagrad(initial_accumulator_value=-0.1),
     "Invalid initial_accumulator_value value: -0.1 "
     "(initial_accumulator_value must be in [0, inf))"),
    (lambda: Adagrad(eps=-1e-10), "Invalid epsilon value: -1e-10 (eps must be in [0, inf))"),
    (lambda: Adagrad(weight_decay=-1.0),
     "Invalid weight_decay value: -1.0 (weight_decay must be in [0, inf))"),
    (lambda: Adadelta(rho=1.5), "Invalid rho value: 1.5 (rho must be in [0, 1])"),
    (lambda: Adadelta(rho=-0.1), "Invalid rho value: -0.1 (rho must be in [0, 1])"),
    (lambda: Adadelta(eps=-1.0), "Invalid epsilon value: -1.0 (eps must be in [0, inf))"),
    (lambda: Adadelta(lr=-1.0), "Invalid learning rate: -1.0 (lr must be in [0, inf))"),
    (lambda: RMSprop(alpha=1.01), "Invalid alpha value: 1.01 (alpha must be in [0, 1])"),
    (lambda: RMSprop(momentum=-0.9), "Invalid momentum value: -0.9 (momentum must be in [0, 1])"),
    (lambda: RMSprop(eps=-1e-8), "Invalid epsilon value: -1e-08 (eps must be in [0, inf))"),
    (lambda: Adam(lr=-1e-3), "Invalid learning rate: -0.001 (lr must be in [0, inf))"),
    (lambda: Adam(betas=(1.0, 0.999)),
     "Invalid beta parameter at index 0: 1.0 (betas[0] must be in [0, 1))"),
    (lambda: Adam(betas=(0.9, -0.1)),
     "Invalid beta parameter at index 1: -0.1 (betas[1] must be in [0, 1))"),
    (lambda: Adam(eps=-1e-8), "Invalid epsilon value: -1e-08 (eps must be in [0, inf))"),
    (lambda: Adam(weight_decay=-0.1),
     "Invalid weight_decay value: -0.1 (weight_decay must be in [0, inf))"),
    (lambda: Adam(eps=float("nan")), "Invalid epsilon value: nan (eps must be in [0, inf))"),
    (lambda: Adam(lr=float("inf")), "Invalid learning rate: inf (lr must be in [0, inf))"),
    (lambda: AMSGrad(betas=(0.9, 1.0)),
     "Invalid beta parameter at index 1: 1.0 (betas[1] must be in [0, 1))"),
    (lambda: AdamW(weight_decay=-0.01),
     "Invalid weight_decay value: -0.01 (weight_decay must be in [0, inf))"),
    (lambda: NAdam(momentum_decay=-0.004),
     "Invalid momentum_decay value: -0.004 (momentum_decay must be in [0, inf))"),
    (lambda: NAdam(betas=(1.5, 0.999)),
     "Invalid beta parameter at index 0: 1.5 (betas[0] must be in [0, 1))"),
    (lambda: Adamax(betas=(-0.1, 0.999)),
     "Invalid beta parameter at index 0: -0.1 (betas[0] must be in [0, 1))"),
    (lambda: Adamax(eps=-1.0), "Invalid epsilon value: -1.0 (eps must be in [0, inf))"),
    (lambda: Adam(lr=np.array([[0.1], [-0.2]])),
     "Invalid learning rate: array with min -0.2 and max 0.1 (lr must be in [0, inf))"),
]


@pytest.mark.parametrize(("make", "message"), BAD, ids=[m for _, m in BAD])
def test_validation_message(make, message):
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        make()


@pytest.mark.parametrize("cls", ALL, ids=lambda c: c.__name__)
def test_defaults_construct_and_repr(cls):
    opt = cls()
    assert repr(opt).startswith(f"{cls.__name__}(lr=")
    assert "lr" in opt.hyperparameters()


@pytest.mark.parametrize("cls", ALL, ids=lambda c: c.__name__)
def test_hyperparameters_rebuild_the_optimizer(cls):
    """hyperparameters() (used for captions and cache keys) are the constructor's arguments."""
    opt = cls(lr=0.05)
    again = cls(**opt.hyperparameters())
    assert repr(again) == repr(opt)
    assert again.hyperparameters()["lr"] == 0.05


def test_boundary_values_are_accepted():
    SGD(lr=0.0, momentum=1.0, dampening=1.0)
    Adam(betas=(0.0, 0.0), eps=0.0)
    Adadelta(rho=0.0)
    Adadelta(rho=1.0)
    RMSprop(alpha=0.0, momentum=1.0)


# ---------------------------------------------------------------- non-finite gradients


@pytest.mark.parametrize("cls", ALL, ids=lambda c: c.__name__)
@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_gradient_names_the_step(cls, bad):
    # L-BFGS counts its iterations (each a step along its direction): one per call here
    opt = cls(max_iter=1) if cls is LBFGS else cls()
    params = np.array([[0.5, -1.0], [2.0, 0.25]])
    state = opt.init(params)
    for _ in range(2):
        params, state = step_with(opt, params, lambda p: p * 2.0, state)

    def bad_grads(p):
        grads = p * 2.0
        grads[1, 0] = bad
        return grads

    with pytest.raises(FloatingPointError, match=r"gradient at step 3 holds 1 non-finite"):
        step_with(opt, params, bad_grads, state)


def step_with(opt, params, grads_of, state):
    """One step: the gradient for the others, the function (torch's closure) for L-BFGS."""
    if isinstance(opt, LBFGS):
        return opt.step(params, lambda p: (float(np.sum(p * p)), grads_of(p)), state)
    return opt.step(params, grads_of(params), state)


def test_non_finite_at_the_first_step():
    opt = Adam()
    with pytest.raises(FloatingPointError, match="step 1"):
        opt.step(np.zeros(3), np.array([0.0, np.nan, np.nan]), opt.init(np.zeros(3)))


def test_mismatched_shapes_are_refused():
    opt = Adam()
    with pytest.raises(ValueError, match=r"grads shape \(2,\) does not match params shape \(3,\)"):
        opt.step(np.zeros(3), np.zeros(2), opt.init(np.zeros(3)))


# ---------------------------------------------------------------- purity


def freeze(x):
    if isinstance(x, np.ndarray):
        x = x.copy()
        x.flags.writeable = False
    return x


@pytest.mark.parametrize("cfg", CONFIGS, ids=str)
@pytest.mark.parametrize("steps", [0, 7])
def test_step_never_mutates_nor_aliases_its_inputs(cfg, steps):
    """Inputs made read-only (so any write raises) and compared with copies afterwards."""
    rng = np.random.default_rng(5)
    kw = cfg.draw(rng)
    opt = cfg.ours(**kw)
    params = freeze(rng.standard_normal((3, 4)))
    grads = freeze(rng.standard_normal((3, 4)))
    state = random_state(opt, kw, params, 1.0, steps, rng)
    state = type(state)(*(freeze(v) for v in state))
    saved = [params.copy(), grads.copy()] + [np.copy(v) for v in state if v is not None]

    new_params, new_state = opt.step(params, grads, state)

    after = [params, grads] + [v for v in state if v is not None]
    for before, now in zip(saved, after, strict=True):
        np.testing.assert_array_equal(before, now)
    inputs = [params, grads] + [v for v in state if isinstance(v, np.ndarray)]
    outputs = [new_params] + [v for v in new_state if isinstance(v, np.ndarray)]
    for out in outputs:
        assert out.flags.writeable, "an output is one of the (read-only) inputs"
        for inp in inputs:
            assert not np.shares_memory(out, inp), "an output shares memory with an input"
    assert new_state.step == steps + 1 and state.step == steps


@pytest.mark.parametrize("cls", ALL, ids=lambda c: c.__name__)
def test_init_does_not_alias_params(cls):
    params = np.ones((2, 3))
    state = cls().init(params)
    for value in state:
        if isinstance(value, np.ndarray) and value.shape == params.shape:
            assert not np.shares_memory(value, params)


# ---------------------------------------------------------------- broadcasting: a sweep


def sweep_vs_separate(make, hyper_rows, steps=30):
    """Run make(**batched hypers) on 4 starts at once, and each start alone with scalars."""
    rng = np.random.default_rng(9)
    a = np.array([[3.0, 1.0], [1.0, 2.0]])
    starts = rng.standard_normal((4, 2))

    def grad(x):
        return x @ a - np.array([1.0, -1.0])

    def go(opt, x):
        state = opt.init(x)
        for _ in range(steps):
            x, state = opt.step(x, grad(x), state)
        return x

    def pick(value, i):
        """Row i of a batched hyperparameter, as the plain scalar a single run would get."""
        if isinstance(value, tuple):
            return tuple(pick(v, i) for v in value)
        if isinstance(value, np.ndarray):
            return float(value[i, 0])
        return value

    batched = go(make(**hyper_rows), starts)
    for i in range(4):
        alone = go(make(**{k: pick(v, i) for k, v in hyper_rows.items()}), starts[i : i + 1])
        np.testing.assert_array_equal(batched[i : i + 1], alone)
    return batched


LRS = np.array([[0.01], [0.03], [0.1], [0.3]])
COLUMN = np.array([[0.5], [0.7], [0.9], [0.95]])

SWEEPS = [
    (GD, {"lr": LRS / 3}),
    (SGD, {"lr": LRS / 3}),
    (SGD, {"lr": LRS / 3, "momentum": COLUMN, "dampening": COLUMN / 2}),
    (SGD, {"lr": LRS / 3, "momentum": COLUMN, "weight_decay": COLUMN / 10, "nesterov": True}),
    (Momentum, {"lr": LRS / 3, "momentum": COLUMN}),
    (NAG, {"lr": LRS / 3, "momentum": COLUMN}),
    (Adagrad, {"lr": LRS, "lr_decay": COLUMN / 10, "eps": COLUMN / 10,
               "initial_accumulator_value": COLUMN}),
    (Adadelta, {"lr": LRS * 3, "rho": COLUMN, "eps": COLUMN / 100}),
    (RMSprop, {"lr": LRS / 10, "alpha": COLUMN, "momentum": COLUMN / 2, "centered": True}),
    (Adam, {"lr": LRS, "betas": (COLUMN, 0.999), "eps": COLUMN / 10, "weight_decay": COLUMN}),
    (Adam, {"lr": LRS, "betas": (0.9, COLUMN), "amsgrad": True}),
    (AMSGrad, {"lr": LRS}),
    (AdamW, {"lr": LRS, "weight_decay": COLUMN}),
    (NAdam, {"lr": LRS, "betas": (COLUMN, 0.999), "momentum_decay": COLUMN / 100}),
    (Adamax, {"lr": LRS, "betas": (COLUMN, 0.999), "eps": COLUMN / 10}),
    (Rprop, {"lr": LRS, "etas": (COLUMN / 2 + 0.2, 1.2), "step_sizes": (1e-6, COLUMN + 0.5)}),
    (ASGD, {"lr": LRS, "lambd": COLUMN / 10, "alpha": COLUMN, "t0": COLUMN * 20}),
    (RAdam, {"lr": LRS * 3, "betas": (COLUMN, 0.999), "weight_decay": COLUMN}),
    (Lion, {"lr": LRS / 10, "betas": (COLUMN, 0.99), "weight_decay": COLUMN}),
]


@pytest.mark.parametrize(("cls", "hypers"), SWEEPS,
                         ids=[f"{c.__name__}-{'-'.join(h)}" for c, h in SWEEPS])
def test_array_hyperparameters_sweep_equals_separate_runs(cls, hypers):
    batched = sweep_vs_separate(cls, hypers)
    assert np.all(np.isfinite(batched))
    assert len({tuple(row) for row in batched}) == 4  # the four runs really differ


@pytest.mark.parametrize("cls", ALL, ids=lambda c: c.__name__)
def test_lr_that_does_not_broadcast_is_refused(cls):
    if cls.__name__ in optim_ref.WHOLE:  # no array lr at all: refused when it is given
        with pytest.raises(ValueError, match=rf"^{cls.__name__} takes a scalar lr, got an "
                                             r"array of shape \(3, 1\)"):
            cls(lr=np.full((3, 1), 1e-3))
        return
    opt = cls(lr=np.full((3, 1), 1e-3))
    params = np.zeros((4, 2))
    with pytest.raises(ValueError, match=r"^lr of shape \(3, 1\) does not broadcast against "
                                         r"params of shape \(4, 2\)"):
        opt.step(params, params, opt.init(params))


@pytest.mark.parametrize(("cls", "hypers"), SWEEPS,
                         ids=[f"{c.__name__}-{'-'.join(h)}" for c, h in SWEEPS])
@pytest.mark.parametrize("start_shape", [(2,), (1, 2)])
def test_one_shared_start_widens_to_the_sweep(cls, hypers, start_shape):
    """lr of shape (4, 1) and one start: the first step widens params and state to (4, 2)."""
    a = np.array([[3.0, 1.0], [1.0, 2.0]])
    start = np.array([0.7, -1.3]).reshape(start_shape)
    opt = cls(**hypers)
    x, state = start, opt.init(start)
    frozen = start.copy()
    for _ in range(30):
        x, state = opt.step(x, x @ a - np.array([1.0, -1.0]), state)
    np.testing.assert_array_equal(start, frozen)
    assert x.shape == (4, 2)
    x_rows, rows_state = np.repeat(np.array([[0.7, -1.3]]), 4, axis=0), None
    rows_state = opt.init(x_rows)
    for _ in range(30):
        x_rows, rows_state = opt.step(x_rows, x_rows @ a - np.array([1.0, -1.0]), rows_state)
    np.testing.assert_array_equal(x, x_rows)
