"""torch.optim is the oracle: every optimizer, every option, one step and whole paths.

Layer (a), one step: 200 groups of 5 coordinates (1000 cases per configuration), each group
with its own random hyperparameters (eps up to 0.1, so where eps sits matters), its own
random step count and random optimizer state written into torch's state dict, then one step
from random gradients. optim_ref's new parameters and new state must equal torch's to 1e-12,
element by element, relative.

Layer (b), whole paths: 200 steps on a random positive-definite quadratic with condition
number 10 (where rounding differences shrink instead of growing) must agree to 1e-9 relative.

The oracle has teeth: deliberately wrong variants go through the same two comparisons and
must fail them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pytest
import torch  # unconditional: a missing torch fails this module, it never skips

import optim_ref
from optim_ref import (
    GD,
    NAG,
    SGD,
    Adadelta,
    Adagrad,
    Adam,
    Adamax,
    AdamW,
    AMSGrad,
    Momentum,
    NAdam,
    RMSprop,
)
from optim_ref.optimizers._base import Optimizer

#: every optimizer class optim_ref exports, listed in LECTURE / AFTER_ADAM or not
EXPORTED = [obj for obj in (getattr(optim_ref, name) for name in optim_ref.__all__)
            if isinstance(obj, type) and issubclass(obj, Optimizer)]

STEP_RTOL = 1e-12
PATH_RTOL = 1e-9
GROUPS, SIZE = 200, 5  # 1000 random cases per configuration
PATH_STEPS = 200


@pytest.fixture(autouse=True)
def torch_float64():
    """torch keeps scalar state (step, NAdam's mu_product) in the default dtype: make it float64."""
    before = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    yield
    torch.set_default_dtype(before)


# ---------------------------------------------------------------- random hyperparameters


def lr(r):
    return 10 ** r.uniform(-3, 0)


def eps(r):
    return 0.1 if r.random() < 0.3 else 10 ** r.uniform(-10, -1)


def unit(r, high=0.99):
    return r.uniform(0.0, high)


def decay(r):
    return 10 ** r.uniform(-4, 0)


def betas(r):
    return (r.uniform(0.0, 0.99), r.uniform(0.5, 0.9999))


@dataclass(frozen=True)
class Config:
    name: str
    ours: type
    torch_cls: type
    draw: Callable  # rng -> optim_ref keyword arguments, for the one-step layer
    path: dict  # fixed keyword arguments for the path layer: settling runs, eps that matters
    to_torch: Callable = field(default=lambda kw: dict(kw))

    def __str__(self) -> str:
        return self.name


def momentum_to_torch(kw):
    return {"lr": kw["lr"], "momentum": kw["momentum"]}


def nag_to_torch(kw):
    return {"lr": kw["lr"], "momentum": kw["momentum"], "nesterov": True}


def amsgrad_to_torch(kw):
    return {**kw, "amsgrad": True}


def adam_like(r):
    return {"lr": lr(r), "betas": betas(r), "eps": eps(r)}


S, T = SGD, torch.optim.SGD
HEAVY = {"lr": 0.02, "momentum": 0.9}
ADAM = {"lr": 0.02, "betas": (0.9, 0.99), "eps": 0.1}
CONFIGS = [
    Config("GD", GD, T, lambda r: {"lr": lr(r)}, {"lr": 0.05}),
    Config("SGD", S, T, lambda r: {"lr": lr(r)}, {"lr": 0.05}),
    Config("SGD-momentum", S, T, lambda r: {"lr": lr(r), "momentum": unit(r)}, HEAVY),
    Config("SGD-momentum-dampening", S, T,
           lambda r: {"lr": lr(r), "momentum": unit(r), "dampening": unit(r, 1.0)},
           {**HEAVY, "dampening": 0.5}),
    Config("SGD-nesterov", S, T,
           lambda r: {"lr": lr(r), "momentum": unit(r), "nesterov": True},
           {**HEAVY, "nesterov": True}),
    Config("SGD-weight_decay", S, T, lambda r: {"lr": lr(r), "weight_decay": decay(r)},
           {"lr": 0.05, "weight_decay": 0.3}),
    Config("SGD-maximize", S, T, lambda r: {"lr": lr(r), "maximize": True},
           {"lr": 0.05, "maximize": True}),
    Config("SGD-all", S, T,
           lambda r: {"lr": lr(r), "momentum": unit(r), "nesterov": True,
                      "weight_decay": decay(r), "maximize": True},
           {**HEAVY, "nesterov": True, "weight_decay": 0.3, "maximize": True}),
    Config("Momentum", Momentum, T, lambda r: {"lr": lr(r), "momentum": unit(r)}, HEAVY,
           momentum_to_torch),
    Config("NAG", NAG, T, lambda r: {"lr": lr(r), "momentum": unit(r)}, HEAVY, nag_to_torch),
    Config("Adagrad", Adagrad, torch.optim.Adagrad, lambda r: {"lr": lr(r), "eps": eps(r)},
           {"lr": 0.5, "eps": 0.1}),
    Config("Adagrad-lr_decay", Adagrad, torch.optim.Adagrad,
           lambda r: {"lr": lr(r), "lr_decay": decay(r), "eps": eps(r)},
           {"lr": 0.5, "lr_decay": 0.02}),
    Config("Adagrad-initial_accumulator_value", Adagrad, torch.optim.Adagrad,
           lambda r: {"lr": lr(r), "initial_accumulator_value": unit(r, 2.0), "eps": eps(r)},
           {"lr": 0.5, "initial_accumulator_value": 0.7}),
    Config("Adagrad-all", Adagrad, torch.optim.Adagrad,
           lambda r: {"lr": lr(r), "lr_decay": decay(r), "weight_decay": decay(r),
                      "initial_accumulator_value": unit(r, 2.0), "eps": eps(r),
                      "maximize": True},
           {"lr": 0.5, "lr_decay": 0.02, "weight_decay": 0.3, "initial_accumulator_value": 0.7,
            "eps": 0.1, "maximize": True}),
    Config("Adadelta", Adadelta, torch.optim.Adadelta,
           lambda r: {"lr": lr(r), "rho": unit(r, 1.0), "eps": eps(r)},
           {"lr": 0.2, "rho": 0.9, "eps": 0.1}),
    Config("Adadelta-weight_decay", Adadelta, torch.optim.Adadelta,
           lambda r: {"lr": lr(r), "rho": unit(r, 1.0), "eps": eps(r), "weight_decay": decay(r),
                      "maximize": True},
           {"lr": 0.2, "rho": 0.9, "eps": 0.1, "weight_decay": 0.3, "maximize": True}),
    Config("RMSprop", RMSprop, torch.optim.RMSprop,
           lambda r: {"lr": lr(r), "alpha": unit(r, 1.0), "eps": eps(r)},
           {"lr": 0.01, "eps": 0.1}),
    Config("RMSprop-centered", RMSprop, torch.optim.RMSprop,
           lambda r: {"lr": lr(r), "alpha": unit(r, 1.0), "eps": eps(r), "centered": True},
           {"lr": 0.01, "eps": 0.1, "centered": True}),
    Config("RMSprop-momentum", RMSprop, torch.optim.RMSprop,
           lambda r: {"lr": lr(r), "alpha": unit(r, 1.0), "eps": eps(r), "momentum": unit(r)},
           {"lr": 0.005, "eps": 0.1, "momentum": 0.5}),
    Config("RMSprop-all", RMSprop, torch.optim.RMSprop,
           lambda r: {"lr": lr(r), "alpha": unit(r, 1.0), "eps": eps(r), "momentum": unit(r),
                      "centered": True, "weight_decay": decay(r), "maximize": True},
           {"lr": 0.005, "eps": 0.1, "momentum": 0.5, "centered": True, "weight_decay": 0.3,
            "maximize": True}),
    Config("Adam", Adam, torch.optim.Adam, adam_like, ADAM),
    Config("Adam-weight_decay", Adam, torch.optim.Adam,
           lambda r: {**adam_like(r), "weight_decay": decay(r)}, {**ADAM, "weight_decay": 0.3}),
    Config("Adam-amsgrad", Adam, torch.optim.Adam,
           lambda r: {**adam_like(r), "amsgrad": True}, {**ADAM, "amsgrad": True}),
    Config("Adam-decoupled_weight_decay", Adam, torch.optim.Adam,
           lambda r: {**adam_like(r), "weight_decay": decay(r), "decoupled_weight_decay": True},
           {**ADAM, "weight_decay": 0.3, "decoupled_weight_decay": True}),
    Config("Adam-all", Adam, torch.optim.Adam,
           lambda r: {**adam_like(r), "weight_decay": decay(r), "amsgrad": True,
                      "maximize": True},
           {**ADAM, "weight_decay": 0.3, "amsgrad": True, "maximize": True}),
    Config("AMSGrad", AMSGrad, torch.optim.Adam,
           lambda r: {**adam_like(r), "weight_decay": decay(r)}, {**ADAM, "weight_decay": 0.3},
           amsgrad_to_torch),
    Config("AdamW", AdamW, torch.optim.AdamW,
           lambda r: {**adam_like(r), "weight_decay": decay(r)}, {**ADAM, "weight_decay": 0.3}),
    Config("AdamW-amsgrad", AdamW, torch.optim.AdamW,
           lambda r: {**adam_like(r), "weight_decay": decay(r), "amsgrad": True,
                      "maximize": True},
           {**ADAM, "weight_decay": 0.3, "amsgrad": True, "maximize": True}),
    Config("NAdam", NAdam, torch.optim.NAdam, adam_like, ADAM),
    Config("NAdam-momentum_decay", NAdam, torch.optim.NAdam,
           lambda r: {**adam_like(r), "momentum_decay": 10 ** r.uniform(-3, 0)},
           {**ADAM, "momentum_decay": 0.1}),
    Config("NAdam-weight_decay", NAdam, torch.optim.NAdam,
           lambda r: {**adam_like(r), "weight_decay": decay(r), "maximize": True},
           {**ADAM, "weight_decay": 0.3, "maximize": True}),
    Config("NAdam-decoupled_weight_decay", NAdam, torch.optim.NAdam,
           lambda r: {**adam_like(r), "weight_decay": decay(r), "decoupled_weight_decay": True},
           {**ADAM, "weight_decay": 0.3, "decoupled_weight_decay": True}),
    Config("Adamax", Adamax, torch.optim.Adamax, adam_like, ADAM),
    Config("Adamax-weight_decay", Adamax, torch.optim.Adamax,
           lambda r: {**adam_like(r), "weight_decay": decay(r), "maximize": True},
           {**ADAM, "weight_decay": 0.3, "maximize": True}),
]
BY_NAME = {c.name: c for c in CONFIGS}

# optim_ref's state fields are torch's state keys, except the lecture's velocity
TORCH_KEY = {"velocity": "momentum_buffer"}
SIGNED = {"momentum_buffer", "velocity", "exp_avg", "grad_avg"}
SQUARED = {"sum", "square_avg", "acc_delta", "exp_avg_sq", "max_exp_avg_sq", "exp_inf"}


def relative_error(ours, theirs, floor=0.0) -> float:
    """max |ours - theirs| / (|theirs| + floor), element by element (0 where exactly equal)."""
    ours, theirs = np.asarray(ours, dtype=np.float64), np.asarray(theirs, dtype=np.float64)
    assert ours.shape == theirs.shape, (ours.shape, theirs.shape)
    diff = np.abs(ours - theirs)
    scale = np.abs(theirs) + floor
    with np.errstate(divide="ignore", invalid="ignore"):
        rel = np.where(diff == 0, 0.0, diff / scale)
    return float(np.max(rel, initial=0.0))


# ---------------------------------------------------------------- layer (a): one step


def case_error(ours, theirs) -> float:
    """Relative error per element, with a floor of ~4 ulp of the case's largest element.

    A value that comes out near zero by cancellation (m = beta1 m + (1 - beta1) g with the two
    terms nearly opposite) carries a rounding error of the size of its terms, not of itself;
    the floor, 1e-3 * max|theirs| (so |diff| <= 1e-15 max|theirs|), admits exactly that.
    """
    return relative_error(ours, theirs, floor=1e-3 * float(np.max(np.abs(theirs))))


def nadam_mu_product(kw, steps):
    beta1, psi = kw["betas"][0], kw.get("momentum_decay", 4e-3)
    return np.prod([beta1 * (1 - 0.5 * 0.96 ** (i * psi)) for i in range(1, steps + 1)])


def random_state(opt, kw, params, scale, steps, rng):
    """A random state after ``steps`` steps: what a real run could have left behind."""
    state = opt.init(params)
    if steps == 0:
        return state
    fields = {}
    for name, value in state._asdict().items():
        if name == "step":
            fields[name] = steps
        elif value is None:
            fields[name] = None
        elif name == "mu_product":
            fields[name] = np.asarray(nadam_mu_product(kw, steps))
        elif name in SIGNED:
            fields[name] = scale * rng.standard_normal(params.shape)
        elif name in SQUARED:
            fields[name] = (scale * rng.standard_normal(params.shape)) ** 2
        else:
            raise AssertionError(f"no random rule for state field {name}")
    if fields.get("exp_inf") is not None:
        fields["exp_inf"] = np.sqrt(fields["exp_inf"])
    if fields.get("grad_avg") is not None:  # centered RMSprop needs E[g^2] >= E[g]^2
        fields["square_avg"] = fields["square_avg"] + fields["grad_avg"] ** 2
    return type(state)(**fields)


def torch_state_keys(cfg, kw):
    """Which state keys torch keeps for these options, read off a probe step."""
    p = torch.zeros(SIZE, requires_grad=True)
    opt = cfg.torch_cls([p], **cfg.to_torch(kw))
    p.grad = torch.zeros(SIZE)
    opt.step()
    return {k: v.dtype for k, v in opt.state[p].items()}


def one_step_error(cfg: Config, ours_cls: type | None = None, seed: int = 0) -> float:
    """The largest relative difference between optim_ref and torch over 1000 random cases."""
    ours_cls = ours_cls or cfg.ours
    rng = np.random.default_rng(seed)
    cases = []
    for _ in range(GROUPS):
        kw = cfg.draw(rng)
        scale = 10 ** rng.uniform(-3, 1)
        steps = 0 if rng.random() < 0.15 else int(rng.integers(1, 60))
        params = rng.standard_normal(SIZE)
        grads = scale * rng.standard_normal(SIZE)
        opt = ours_cls(**kw)
        state = random_state(opt, kw, params, scale, steps, rng)
        cases.append((kw, opt, params, grads, state))

    keys = torch_state_keys(cfg, cases[0][0])
    tensors, groups = [], []
    for kw, _, params, grads, _ in cases:
        p = torch.tensor(params, requires_grad=True)
        p.grad = torch.tensor(grads)
        tensors.append(p)
        groups.append({"params": [p], **cfg.to_torch(kw)})
    topt = cfg.torch_cls(groups, **cfg.to_torch(cases[0][0]))
    for p, (_, _, _, _, state) in zip(tensors, cases, strict=True):
        if state.step == 0 and not topt.state[p]:
            continue  # torch builds its own fresh state, as optim_ref's init does
        # (Adagrad builds it at construction, from the constructor's initial_accumulator_value
        # for every group, so fresh Adagrad states are written too; the path layer checks init)
        ours = state._asdict()
        ours = {TORCH_KEY.get(k, k): v for k, v in ours.items()}
        topt.state[p] = {k: torch.tensor(np.asarray(ours[k], dtype=np.float64), dtype=dtype)
                         for k, dtype in keys.items()}
    topt.step()

    worst = 0.0
    for p, (_, opt, params, grads, state) in zip(tensors, cases, strict=True):
        new_params, new_state = opt.step(params, grads, state)
        torch_params = p.detach().numpy()
        worst = max(worst, case_error(new_params, torch_params))
        # the update itself, new - old, to 1e-12 of its size (up to the rounding of the final
        # addition theta + delta, ~1 ulp of theta, which the subtraction would blow up)
        worst = max(worst, relative_error(new_params - params, torch_params - params,
                                          floor=1e-3 * np.abs(torch_params)))
        tstate = topt.state[p]
        assert new_state.step == state.step + 1
        if "step" in tstate:
            assert float(tstate["step"]) == new_state.step
        for name, value in new_state._asdict().items():
            key = TORCH_KEY.get(name, name)
            if key == "step" or key not in tstate:
                continue
            worst = max(worst, case_error(value, tstate[key].detach().numpy()))
    return worst


def assert_one_step_matches(cfg: Config, ours_cls: type | None = None) -> None:
    err = one_step_error(cfg, ours_cls)
    assert err <= STEP_RTOL, f"{cfg}: one step differs from torch by {err:.3g} relative"


@pytest.mark.parametrize("cfg", CONFIGS, ids=str)
def test_one_step_matches_torch(cfg):
    assert_one_step_matches(cfg)


# ---------------------------------------------------------------- layer (b): whole paths


def quadratic(dim=6, cond=10.0, seed=1):
    """f(x) = 1/2 x'Ax - b'x with eigenvalues from 1 to cond: its gradient and minimiser."""
    rng = np.random.default_rng(seed)
    q, _ = np.linalg.qr(rng.standard_normal((dim, dim)))
    a = q @ np.diag(np.geomspace(1.0, cond, dim)) @ q.T
    b = rng.uniform(1.0, 2.0, dim) * rng.choice([-1.0, 1.0], dim)
    return a, b


def path_error(cfg: Config, ours_cls: type | None = None, seed: int = 3, *,
               with_state: bool = False) -> float:
    """Run 4 starts for 200 steps with optim_ref and with torch; the largest relative gap.

    The hyperparameters are fixed ones (``cfg.path``) under which the runs settle towards the
    minimum without chattering around it: with tiny betas and eps, Adam-like methods behave
    like sign descent near the minimum, and there one ulp grows like in a chaotic run.
    ``with_state`` holds the final state to torch's too (where a method's result lives
    there, as ASGD's average does).
    """
    ours_cls = ours_cls or cfg.ours
    rng = np.random.default_rng(seed)
    a, b = quadratic()
    kw = cfg.path
    sign = -1.0 if kw.get("maximize") else 1.0  # maximize climbs -f, which is the same descent

    def grad(x):
        return sign * (x @ a - b)

    x = rng.standard_normal((4, a.shape[0])) * 3
    opt = ours_cls(**kw)
    state = opt.init(x)
    p = torch.tensor(x, requires_grad=True)
    topt = cfg.torch_cls([p], **cfg.to_torch(kw))
    ours_path, torch_path = [x], [x]
    for _ in range(PATH_STEPS):
        x, state = opt.step(x, grad(x), state)
        p.grad = torch.tensor(grad(p.detach().numpy()))
        topt.step()
        ours_path.append(x)
        torch_path.append(p.detach().numpy().copy())
    worst = relative_error(np.array(ours_path), np.array(torch_path))
    if with_state:
        for name, value in state._asdict().items():
            if name != "step" and name in topt.state[p]:
                worst = max(worst, relative_error(value, topt.state[p][name].detach().numpy()))
    return worst


def assert_path_matches(cfg: Config, ours_cls: type | None = None) -> None:
    err = path_error(cfg, ours_cls)
    assert err <= PATH_RTOL, f"{cfg}: the 200-step path differs from torch by {err:.3g} relative"


@pytest.mark.parametrize("cfg", CONFIGS, ids=str)
def test_path_matches_torch(cfg):
    assert_path_matches(cfg)


def test_path_problem_is_convex_and_converging():
    """The path layer compares runs that settle, not chaotic ones: check the problem."""
    a, b = quadratic()
    eig = np.linalg.eigvalsh(a)
    assert eig.min() > 0 and eig.max() / eig.min() == pytest.approx(10.0)
    opt = Adam(**ADAM)
    x = np.zeros((1, 6))
    state = opt.init(x)
    for _ in range(PATH_STEPS):
        x, state = opt.step(x, x @ a - b, state)
    assert np.linalg.norm(x[0] - np.linalg.solve(a, b)) < 0.5


# ---------------------------------------------------------------- the oracle has teeth


def decayed(opt, params, g):
    """The weight decay of Adam's update: AdamW's on the weights, or L2 on the gradient."""
    if opt.decoupled_weight_decay:
        return params * (1 - opt.lr * opt.weight_decay), g
    return params, g + opt.weight_decay * params


class AdamEpsInsideSqrt(Adam):
    """Wrong: sqrt(v_hat + eps) instead of sqrt(v_hat) + eps."""

    def _update(self, params, grads, state):
        (beta1, beta2), t = self.betas, state.step + 1
        g = -grads if self.maximize else grads
        params, g = decayed(self, params, g)
        m = beta1 * state.exp_avg + (1 - beta1) * g
        v = beta2 * state.exp_avg_sq + (1 - beta2) * g * g
        v_max = np.maximum(state.max_exp_avg_sq, v) if self.amsgrad else None
        v_hat = (v_max if self.amsgrad else v) / (1 - beta2**t)
        params = params - self.lr * (m / (1 - beta1**t)) / np.sqrt(v_hat + self.eps)
        return params, Adam.State(t, m, v, v_max)


class AdamNoBiasCorrection(Adam):
    """Wrong: m and v used without the 1 - beta^t corrections."""

    def _update(self, params, grads, state):
        (beta1, beta2), t = self.betas, state.step + 1
        g = -grads if self.maximize else grads
        params, g = decayed(self, params, g)
        m = beta1 * state.exp_avg + (1 - beta1) * g
        v = beta2 * state.exp_avg_sq + (1 - beta2) * g * g
        v_max = np.maximum(state.max_exp_avg_sq, v) if self.amsgrad else None
        params = params - self.lr * m / (np.sqrt(v_max if self.amsgrad else v) + self.eps)
        return params, Adam.State(t, m, v, v_max)


class AdamWWithL2(AdamW):
    """Wrong: AdamW's decay folded into the gradient as an L2 penalty (that is Adam's)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.decoupled_weight_decay = False


class GDClimbs(GD):
    """Wrong: theta + eta g, a step up the gradient."""

    def _update(self, params, grads, state):
        return params + self.lr * grads, GD.State(state.step + 1)


class MomentumDampened(Momentum):
    """Wrong: a = beta a + (1 - beta) g, the dampened (EMA) velocity torch does not use."""

    def _update(self, params, grads, state):
        a = self.momentum * state.velocity + (1 - self.momentum) * grads
        return params - self.lr * a, Momentum.State(state.step + 1, a)


class NAGWithoutLookahead(NAG):
    """Wrong: plain heavy ball where Nesterov's reformulated step belongs."""

    def _update(self, params, grads, state):
        a = self.momentum * state.velocity + grads
        return params - self.lr * a, NAG.State(state.step + 1, a)


class RMSpropEpsInsideSqrt(RMSprop):
    """Wrong: sqrt(E[g^2] + eps), as some other libraries write it."""

    def _update(self, params, grads, state):
        square_avg = self.alpha * state.square_avg + (1 - self.alpha) * grads * grads
        params = params - self.lr * grads / np.sqrt(square_avg + self.eps)
        return params, RMSprop.State(state.step + 1, square_avg, None, None)


class AdadeltaWithoutLr(Adadelta):
    """Wrong: the paper's step, ignoring torch's extra lr."""

    def _update(self, params, grads, state):
        rho, eps = self.rho, self.eps
        square_avg = rho * state.square_avg + (1 - rho) * grads * grads
        dx = np.sqrt(state.acc_delta + eps) / np.sqrt(square_avg + eps) * grads
        acc_delta = rho * state.acc_delta + (1 - rho) * dx * dx
        return params - dx, Adadelta.State(state.step + 1, square_avg, acc_delta)


class AdagradDecayOffByOne(Adagrad):
    """Wrong: lr / (1 + t lr_decay) instead of torch's lr / (1 + (t - 1) lr_decay)."""

    def _update(self, params, grads, state):
        t = state.step + 1
        total = state.sum + grads * grads
        eta = self.lr / (1 + t * self.lr_decay)
        return params - eta * grads / (np.sqrt(total) + self.eps), Adagrad.State(t, total)


WRONG = [
    ("GD", GDClimbs),
    ("Adam", AdamEpsInsideSqrt),
    ("Adam-amsgrad", AdamEpsInsideSqrt),
    ("Adam", AdamNoBiasCorrection),
    ("AdamW", AdamWWithL2),
    ("Momentum", MomentumDampened),
    ("NAG", NAGWithoutLookahead),
    ("RMSprop", RMSpropEpsInsideSqrt),
    ("Adadelta", AdadeltaWithoutLr),
    ("Adagrad-lr_decay", AdagradDecayOffByOne),
]


@pytest.mark.parametrize(("name", "wrong"), WRONG, ids=[f"{n}-{w.__name__}" for n, w in WRONG])
def test_wrong_variant_fails_one_step(name, wrong):
    with pytest.raises(AssertionError, match="one step differs from torch"):
        assert_one_step_matches(BY_NAME[name], wrong)


@pytest.mark.parametrize(("name", "wrong"), WRONG, ids=[f"{n}-{w.__name__}" for n, w in WRONG])
def test_wrong_variant_fails_path(name, wrong):
    with pytest.raises(AssertionError, match="path differs from torch"):
        assert_path_matches(BY_NAME[name], wrong)


def test_defaults_are_torchs():
    """Constructor defaults equal torch 2.13's, name for name."""
    import inspect

    pairs = [(SGD, torch.optim.SGD), (Adagrad, torch.optim.Adagrad),
             (Adadelta, torch.optim.Adadelta), (RMSprop, torch.optim.RMSprop),
             (Adam, torch.optim.Adam), (AdamW, torch.optim.AdamW), (NAdam, torch.optim.NAdam),
             (Adamax, torch.optim.Adamax)]
    torch_only = {"params", "foreach", "differentiable", "fused", "capturable", "self"}
    for ours, theirs in pairs:
        mine = inspect.signature(ours.__init__).parameters
        ref = inspect.signature(theirs.__init__).parameters
        for name, param in ref.items():
            if name in torch_only:
                continue
            assert name in mine, f"{ours.__name__} lacks torch's {name}"
            assert mine[name].default == param.default, (ours.__name__, name)


# ---------------------------------------------------------------- Adam before the rewrite


def adam_in_place(opt: Adam, params, grads, state):
    """Adam's update as optim_ref wrote it until issue 11: one scratch buffer and out=.

    Kept here, verbatim in its arithmetic, so the formula-shaped update can be held to it.
    """
    (beta1, beta2), t = opt.betas, state.step + 1
    g = -grads if opt.maximize else grads
    if np.any(opt.weight_decay):
        params, g = decayed(opt, params, g)
    m = np.multiply(beta1, state.exp_avg)
    work = np.multiply(1 - beta1, g)
    m += work
    v = np.multiply(beta2, state.exp_avg_sq)
    np.multiply(g, g, out=work)
    work *= 1 - beta2
    v += work
    v_max = np.maximum(state.max_exp_avg_sq, v) if opt.amsgrad else None
    np.sqrt(v_max if opt.amsgrad else v, out=work)
    work /= np.sqrt(1 - beta2**t)
    work += opt.eps
    np.divide(m, work, out=work)
    work *= -opt.lr / (1 - beta1**t)
    work += params
    return work, Adam.State(t, m, v, v_max)


FORMER_RTOL = 3e-14


@pytest.mark.parametrize("name", ["Adam", "Adam-weight_decay", "Adam-amsgrad",
                                  "Adam-decoupled_weight_decay", "Adam-all", "AdamW"])
def test_adam_as_the_formula_stays_within_3e14_of_the_in_place_form(name):
    """The formula-shaped step against the former in-place one, on 1000 random states each."""
    cfg, rng = BY_NAME[name], np.random.default_rng(11)
    worst = 0.0
    for _ in range(GROUPS):
        kw = cfg.draw(rng)
        opt = cfg.ours(**kw)
        scale = 10 ** rng.uniform(-3, 1)
        params = rng.standard_normal(SIZE)
        grads = scale * rng.standard_normal(SIZE)
        state = random_state(opt, kw, params, scale, int(rng.integers(0, 60)), rng)
        new_params, new_state = opt.step(params, grads, state)
        old_params, old_state = adam_in_place(opt, params, grads, state)
        worst = max(worst, relative_error(new_params, old_params))
        # the update itself, measured from where Adam steps from (after AdamW's decay, which
        # both forms compute alike), to 3e-14 of its size, up to the rounding of the final
        # theta - step: one ulp of theta, which the subtraction would blow up
        start = decayed(opt, params, grads)[0] if opt.decoupled_weight_decay else params
        new_step, old_step = new_params - start, old_params - start
        slack = np.abs(new_step - old_step) - np.spacing(np.abs(old_params))
        worst = max(worst, float(np.max(np.maximum(slack, 0) / np.abs(old_step))))
        for new, old in zip(new_state[1:], old_state[1:], strict=True):
            if old is not None:
                np.testing.assert_array_equal(new, old)  # m, v, v_max: the same operations
    assert worst <= FORMER_RTOL, f"{name}: {worst:.3g} relative from the former in-place step"
