"""A batch row is the same run alone: for every optimizer and any mix of hyperparameters.

Each optimizer optim_ref exports is run on a batch of 16 starts on the quadratic surface,
every numeric hyperparameter an array of shape (16, 1) drawn at random with zeros mixed in
(a momentum of 0 next to 0.9, a weight decay of 0 next to 0.05, ...), every boolean option
fixed for the call; each row must then equal, exactly, the same start run alone with that
row's scalars, for 50 steps. The hyperparameters are read off each constructor's signature,
so an optimizer added later is covered (or fails here, naming the range it lacks).

The whole-tensor optimizers (optim_ref.WHOLE: Adafactor, Muon, L-BFGS) couple every entry of
a parameter in one step (an RMS, a matrix product, a line search's dot products), so a row of
a (16, 2) parameter is not a run of its own: they refuse an array for every hyperparameter,
with a message saying why, and that refusal is what is tested for them.
"""

from __future__ import annotations

import inspect
import itertools

import numpy as np
import pytest
from test_optimizers_oracle import EXPORTED

import optim_ref
from optim_ref import SGD, Adafactor, functions

ROWS, STEPS = 16, 50
P_ZERO = 0.3  # how often a hyperparameter that may be 0 is 0 in a row

#: (low, high, may be 0) per hyperparameter name; lr kept small so no row leaves the surface.
#: Two zeros stay out, as they break the run alone just as the batch (and torch alike), which
#: is not a question of batching: eps = 0 divides by zero, and lr = 0 holds the gradient still,
#: where centered RMSprop's E[g^2] - E[g]^2 rounds below zero and its square root is NaN.
RANGES = {
    "lr": (1e-4, 0.05, False),
    "momentum": (0.0, 0.99, True),
    "dampening": (0.0, 1.0, True),
    "weight_decay": (0.0, 0.1, True),
    "lr_decay": (0.0, 0.5, True),
    "initial_accumulator_value": (0.0, 1.0, True),
    "eps": (1e-10, 0.1, False),
    "rho": (0.0, 1.0, True),
    "alpha": (0.0, 1.0, True),
    "betas": (0.0, 0.999, True),
    "momentum_decay": (0.0, 0.1, True),
    "lambd": (0.0, 0.01, True),
    "t0": (0.0, 60.0, True),  # ASGD's averaging starts within the run, or never
    # tuples whose entries have ranges of their own: one range per entry
    "etas": ((0.05, 0.95, False), (1.01, 2.0, False)),  # Rprop: eta_minus < 1 < eta_plus
    "step_sizes": ((0.0, 1e-3, True), (1e-3, 1.0, False)),
}


def options(cls) -> tuple[list[str], list[str]]:
    """The constructor's numeric hyperparameters and its boolean options, by their defaults."""
    numeric, flags = [], []
    for name, param in inspect.signature(cls.__init__).parameters.items():
        if name == "self":
            continue
        (flags if isinstance(param.default, bool) else numeric).append(name)
    return numeric, flags


def draw(name: str, rng, entry: int | None = None) -> np.ndarray:
    if name not in RANGES:
        raise AssertionError(f"no random range for hyperparameter {name!r}: add it to RANGES")
    low, high, zero = RANGES[name] if entry is None else RANGES[name][entry]
    values = rng.uniform(low, high, (ROWS, 1))
    if zero:
        values[rng.random((ROWS, 1)) < P_ZERO] = 0.0
    return values


def random_mix(cls, flags: dict, rng) -> dict:
    numeric, _ = options(cls)
    kw = {}
    for name in numeric:
        default = inspect.signature(cls.__init__).parameters[name].default
        if not isinstance(default, tuple):
            kw[name] = draw(name, rng)
        elif isinstance(RANGES.get(name, (None,))[0], tuple):
            kw[name] = tuple(draw(name, rng, i) for i in range(len(default)))
        else:
            kw[name] = tuple(draw(name, rng) for _ in default)
    if flags.get("nesterov"):  # torch's rule: Nesterov needs a momentum and no dampening
        kw["momentum"] = rng.uniform(0.1, 0.99, (ROWS, 1))
        kw["dampening"] = 0.0
    return {**kw, **flags}


def row(value, i):
    """Row i of a batched hyperparameter, as the plain scalar a run alone would get."""
    if isinstance(value, tuple):
        return tuple(row(v, i) for v in value)
    if isinstance(value, np.ndarray):
        return float(value[i, 0])
    return value


def run(opt, x):
    surface = functions.quadratic()
    state = opt.init(x)
    path = [x]
    for _ in range(STEPS):
        x, state = opt.step(x, surface.grad(x), state)
        path.append(x)
    return np.stack(path)


POINT = [cls for cls in EXPORTED if cls.__name__ in optim_ref.POINT]
WHOLE = [cls for cls in EXPORTED if cls.__name__ in optim_ref.WHOLE]


def test_every_optimizer_either_batches_or_refuses():
    """Each exported class is a point method (tested row by row below) or a whole-tensor one
    (tested to refuse arrays): a new class has to say which."""
    assert {c.__name__ for c in EXPORTED} == set(optim_ref.POINT) | set(optim_ref.WHOLE)
    assert not set(optim_ref.POINT) & set(optim_ref.WHOLE)


def cases() -> list:
    """Every point optimizer with every combination of its boolean options."""
    found = []
    for cls in POINT:
        _, flags = options(cls)
        for values in itertools.product((False, True), repeat=len(flags)):
            on = dict(zip(flags, values, strict=True))
            name = "-".join([cls.__name__] + [f for f, v in on.items() if v])
            found.append(pytest.param(cls, on, id=name))
    return found


def assert_rows_run_alone(cls, kw, starts):
    batched = run(cls(**kw), starts)
    assert np.all(np.isfinite(batched))
    for i in range(ROWS):
        alone = run(cls(**{k: row(v, i) for k, v in kw.items()}), starts[i : i + 1])
        np.testing.assert_array_equal(
            batched[:, i : i + 1], alone,
            err_msg=f"{cls.__name__}: row {i} of the batch differs from the same run alone "
                    f"({ {k: row(v, i) for k, v in kw.items()} })")


@pytest.mark.parametrize(("cls", "flags"), cases())
@pytest.mark.parametrize("seed", range(3))
def test_a_batch_row_is_the_same_run_alone(cls, flags, seed):
    rng = np.random.default_rng(seed)
    kw = random_mix(cls, flags, rng)
    starts = rng.uniform(-2, 2, (ROWS, 2))
    assert_rows_run_alone(cls, kw, starts)


class SGDDampedWithoutMomentum(SGD):
    """The former bug: a batch row with momentum 0 took the damped (1 - tau) g step."""

    def _update(self, params, grads, state):
        b = state.momentum_buffer
        if b is not None:
            b = grads if state.step == 0 else self.momentum * b + (1 - self.dampening) * grads
            grads = b
        return params - self.lr * grads, SGD.State(state.step + 1, b)


def test_the_comparison_catches_momentum_zero_with_dampening():
    kw = {"lr": np.full((ROWS, 1), 0.02), "momentum": np.where(np.arange(ROWS) % 2, 0.9, 0.0)
          [:, None], "dampening": np.full((ROWS, 1), 0.5)}
    starts = np.random.default_rng(0).uniform(-2, 2, (ROWS, 2))
    assert_rows_run_alone(SGD, kw, starts)
    with pytest.raises(AssertionError, match="row 0 of the batch differs"):
        assert_rows_run_alone(SGDDampedWithoutMomentum, kw, starts)


def whole_hypers() -> list:
    found = []
    for cls in WHOLE:
        numeric, _ = options(cls)
        for name in numeric:
            default = inspect.signature(cls.__init__).parameters[name].default
            if isinstance(default, str) or (default is None and name != "max_eval"):
                continue  # a choice of method (adjust_lr_fn, line_search_fn), not a number
            found.append(pytest.param(cls, name, default, id=f"{cls.__name__}-{name}"))
    return found


@pytest.mark.parametrize(("cls", "name", "default"), whole_hypers())
def test_a_whole_tensor_optimizer_refuses_a_batch(cls, name, default):
    """Every numeric hyperparameter given as an array (16, 1) is refused at construction."""
    if isinstance(default, tuple):
        value = tuple(np.full((ROWS, 1), 1e-3 if v is None else v) for v in default)
    else:
        value = np.full((ROWS, 1), 20 if default is None else default)
    with pytest.raises(ValueError, match=rf"^{cls.__name__} takes a scalar {name}, got an array "
                                         r"of shape \(16, 1\): its step couples every entry"):
        cls(**{name: value})


def test_why_adafactor_cannot_batch_even_vectors():
    """The refusal is needed: Adafactor's step is relative to RMS(theta) of the whole parameter
    and factors a 2-D one, so the (16, 2) batch of 2-vectors is a different run from each
    2-vector alone, even with scalar hyperparameters."""
    starts = np.random.default_rng(0).uniform(-2, 2, (ROWS, 2))
    batched = run(Adafactor(), starts)
    alone = np.stack([run(Adafactor(), starts[i])[:, None] for i in range(ROWS)], axis=2)[:, 0]
    assert batched.shape == alone.shape
    assert not np.allclose(batched, alone, rtol=1e-6)
