"""The newer optimizers against their oracles: torch.optim (RAdam, Rprop, ASGD, Adafactor,
LBFGS, Muon), lion-pytorch and the paper's algorithm (Lion).

The layers are the oracle's (see test_optimizers_oracle): (a) one step from 1000 random
float64 states per configuration to 1e-12 relative, (b) 200-step paths on a well-posed
problem to 1e-9, (c) wrong variants fail both. Muon's Newton-Schulz runs in bfloat16 in
torch: there the float64 reference is checked against an SVD-based construction written
here, torch's other arithmetic to 1e-12 with that construction in place of its bfloat16
iteration, and torch's bfloat16 output against a bound derived below.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import lion_pytorch
import numpy as np
import pytest
import torch  # unconditional: a missing torch fails this module, it never skips
import torch.optim._muon as torch_muon
from test_optimizers_oracle import (  # noqa: F401  (torch_float64 is an autouse fixture)
    PATH_RTOL,
    PATH_STEPS,
    STEP_RTOL,
    betas,
    case_error,
    decay,
    eps,
    lr,
    quadratic,
    relative_error,
    torch_float64,
    unit,
)

import optim_ref
from optim_ref import ASGD, LBFGS, Adafactor, Lion, Muon, RAdam, Rprop
from optim_ref.optimizers.muon import NS_COEFFICIENTS, newton_schulz

GROUPS, SIZE = 200, 5  # 1000 random coordinates per point configuration
MATRICES = 250  # random matrices per matrix configuration (1000+ random entries)

# ---------------------------------------------------------------- random states


def signed(scale, shape, rng):
    return scale * rng.standard_normal(shape)


def squared(scale, shape, rng):
    return (scale * rng.standard_normal(shape)) ** 2


def radam_state(opt, kw, params, scale, steps, rng):
    return opt.State(steps, signed(scale, params.shape, rng), squared(scale, params.shape, rng))


def rprop_state(opt, kw, params, scale, steps, rng):
    prev = signed(scale, params.shape, rng) * (rng.random(params.shape) < 0.8)  # some zeros
    lo, hi = kw.get("step_sizes", (1e-6, 50))
    size = np.clip(kw.get("lr", 1e-2) * 10 ** rng.uniform(-2, 2, params.shape), lo, hi)
    return opt.State(steps, prev, size)


def asgd_state(opt, kw, params, scale, steps, rng):
    lr_, lambd, alpha = kw.get("lr", 1e-2), kw.get("lambd", 1e-4), kw.get("alpha", 0.75)
    eta = np.asarray(lr_ / (1 + lambd * lr_ * steps) ** alpha)
    mu = np.asarray(1 / max(1, steps - kw.get("t0", 1e6)))
    return opt.State(steps, eta, mu, params + signed(scale, params.shape, rng))


def lion_state(opt, kw, params, scale, steps, rng):
    return opt.State(steps, signed(scale, params.shape, rng))


@dataclass(frozen=True)
class Config:
    name: str
    ours: type
    torch_cls: type
    draw: Callable  # rng -> keyword arguments
    path: dict  # fixed keyword arguments for the path layer
    state: Callable  # (opt, kw, params, scale, steps, rng) -> a random state
    to_torch: Callable = field(default=lambda kw: dict(kw))

    def __str__(self) -> str:
        return self.name


def radam_kw(r):
    return {"lr": lr(r), "betas": betas(r), "eps": eps(r)}


def asgd_kw(r):
    return {"lr": lr(r), "lambd": decay(r), "alpha": unit(r, 1.0), "t0": float(r.integers(0, 40))}


def lion_kw(r):
    return {"lr": lr(r), "betas": (unit(r), unit(r, 0.999))}


R, TR = RAdam, torch.optim.RAdam
RADAM = {"lr": 0.05, "betas": (0.9, 0.99), "eps": 0.1}
POINT = [
    Config("RAdam", R, TR, radam_kw, RADAM, radam_state),
    Config("RAdam-weight_decay", R, TR, lambda r: {**radam_kw(r), "weight_decay": decay(r)},
           {**RADAM, "weight_decay": 0.3}, radam_state),
    Config("RAdam-decoupled_weight_decay", R, TR,
           lambda r: {**radam_kw(r), "weight_decay": decay(r), "decoupled_weight_decay": True},
           {**RADAM, "weight_decay": 0.3, "decoupled_weight_decay": True}, radam_state),
    Config("RAdam-maximize", R, TR, lambda r: {**radam_kw(r), "maximize": True},
           {**RADAM, "maximize": True}, radam_state),
    Config("Rprop", Rprop, torch.optim.Rprop,
           lambda r: {"lr": lr(r), "etas": (r.uniform(0.1, 0.9), r.uniform(1.05, 2.0)),
                      "step_sizes": (10 ** r.uniform(-7, -3), 10 ** r.uniform(-1, 2))},
           {"lr": 0.01}, rprop_state),
    Config("Rprop-maximize", Rprop, torch.optim.Rprop, lambda r: {"lr": lr(r), "maximize": True},
           {"lr": 0.01, "maximize": True}, rprop_state),
    Config("ASGD", ASGD, torch.optim.ASGD, asgd_kw, {"lr": 0.02, "t0": 20.0}, asgd_state),
    Config("ASGD-weight_decay", ASGD, torch.optim.ASGD,
           lambda r: {**asgd_kw(r), "weight_decay": decay(r), "maximize": True},
           {"lr": 0.02, "t0": 20.0, "lambd": 0.01, "weight_decay": 0.3, "maximize": True},
           asgd_state),
    Config("Lion", Lion, lion_pytorch.Lion, lion_kw, {"lr": 1e-3}, lion_state),
    Config("Lion-weight_decay", Lion, lion_pytorch.Lion,
           lambda r: {**lion_kw(r), "weight_decay": decay(r)}, {"lr": 1e-3, "weight_decay": 0.5},
           lion_state),
]
BY_NAME = {c.name: c for c in POINT}
TORCH_DTYPE_SCALARS = {"eta", "mu"}  # ASGD keeps these as 0-d tensors


def point_cases(cfg, ours_cls, seed):
    rng = np.random.default_rng(seed)
    cases = []
    for _ in range(GROUPS):
        kw = cfg.draw(rng)
        scale = 10 ** rng.uniform(-3, 1)
        steps = 0 if rng.random() < 0.15 else int(rng.integers(1, 60))
        params = rng.standard_normal(SIZE)
        grads = scale * rng.standard_normal(SIZE)
        opt = ours_cls(**kw)
        state = opt.init(params) if steps == 0 else cfg.state(opt, kw, params, scale, steps, rng)
        cases.append((kw, opt, params, grads, state))
    return cases


def compare(new_params, params, torch_params, new_state, tstate) -> float:
    worst = max(case_error(new_params, torch_params),
                relative_error(new_params - params, torch_params - params,
                               floor=1e-3 * np.abs(torch_params)))
    if "step" in tstate:
        assert float(tstate["step"]) == new_state.step
    for name, value in new_state._asdict().items():
        if name != "step" and name in tstate and value is not None:
            worst = max(worst, case_error(value, tstate[name].detach().numpy()))
    return worst


def write_torch_state(topt, p, state):
    """Put an optim_ref state into torch's state dict (fresh ones are left to torch)."""
    if state.step == 0:
        return
    fields = state._asdict()
    tstate = {} if topt.__class__ is lion_pytorch.Lion else {"step": torch.tensor(float(state.step))}
    for name, value in fields.items():
        if name != "step" and value is not None:
            tstate[name] = torch.tensor(np.asarray(value, dtype=np.float64))
    topt.state[p] = tstate


def one_step_error(cfg, ours_cls=None, seed=0) -> float:
    cases = point_cases(cfg, ours_cls or cfg.ours, seed)
    tensors, groups = [], []
    for kw, _, params, grads, _ in cases:
        p = torch.tensor(params, requires_grad=True)
        p.grad = torch.tensor(grads)
        tensors.append(p)
        groups.append({"params": [p], **cfg.to_torch(kw)})
    topt = cfg.torch_cls(groups, **cfg.to_torch(cases[0][0]))
    for p, case in zip(tensors, cases, strict=True):
        write_torch_state(topt, p, case[4])
    topt.step()
    worst = 0.0
    for p, (_, opt, params, grads, state) in zip(tensors, cases, strict=True):
        new_params, new_state = opt.step(params, grads, state)
        assert new_state.step == state.step + 1
        worst = max(worst, compare(new_params, params, p.detach().numpy(), new_state,
                                   topt.state[p]))
    return worst


def assert_one_step_matches(cfg, ours_cls=None):
    err = one_step_error(cfg, ours_cls)
    assert err <= STEP_RTOL, f"{cfg}: one step differs from torch by {err:.3g} relative"


@pytest.mark.parametrize("cfg", POINT, ids=str)
def test_one_step_matches_torch(cfg):
    assert_one_step_matches(cfg)


def path_error(cfg, ours_cls=None, seed=3) -> float:
    """4 starts, 200 steps on the oracle's quadratic (condition number 10); the path and the
    final state (ASGD's average lives there)."""
    rng = np.random.default_rng(seed)
    a, b = quadratic()
    kw = cfg.path
    sign = -1.0 if kw.get("maximize") else 1.0

    def grad(x):
        return sign * (x @ a - b)

    x = rng.standard_normal((4, a.shape[0])) * 3
    opt = (ours_cls or cfg.ours)(**kw)
    state = opt.init(x)
    p = torch.tensor(x, requires_grad=True)
    topt = cfg.torch_cls([p], **cfg.to_torch(kw))
    ours, theirs = [x], [x]
    for _ in range(PATH_STEPS):
        x, state = opt.step(x, grad(x), state)
        p.grad = torch.tensor(grad(p.detach().numpy()))
        topt.step()
        ours.append(x)
        theirs.append(p.detach().numpy().copy())
    worst = relative_error(np.array(ours), np.array(theirs))
    for name, value in state._asdict().items():
        if name != "step" and name in topt.state[p]:
            worst = max(worst, relative_error(value, topt.state[p][name].detach().numpy()))
    return worst


def assert_path_matches(cfg, ours_cls=None):
    err = path_error(cfg, ours_cls)
    assert err <= PATH_RTOL, f"{cfg}: the 200-step path differs from torch by {err:.3g} relative"


@pytest.mark.parametrize("cfg", POINT, ids=str)
def test_path_matches_torch(cfg):
    assert_path_matches(cfg)


def test_radam_cases_cover_both_branches():
    """The random RAdam cases step both with and without the rectification."""
    rhos = []
    for kw, _, _, _, state in point_cases(BY_NAME["RAdam"], RAdam, 0):
        t, beta2 = state.step + 1, kw["betas"][1]
        rhos.append(2 / (1 - beta2) - 1 - 2 * t * beta2**t / (1 - beta2**t))
    rhos = np.array(rhos)
    assert (rhos > 5).sum() > 20 and (rhos <= 5).sum() > 20
    assert ((rhos > 4) & (rhos <= 5)).sum() > 0  # where the paper's threshold 4 differs


# ---------------------------------------------------------------- Lion: the paper's algorithm


def lion_paper(params, grads, m, lr_, beta1, beta2, wd):
    """Chen et al. 2023, Algorithm 2, coordinate by coordinate, as the paper writes it."""
    new_params, new_m = np.empty_like(params), np.empty_like(m)
    for i in range(params.size):
        c = beta1 * m.flat[i] + (1 - beta1) * grads.flat[i]  # update = interp(g, m, beta1)
        update = (1.0 if c > 0 else -1.0 if c < 0 else 0.0) + wd * params.flat[i]
        new_params.flat[i] = params.flat[i] - lr_ * update
        new_m.flat[i] = beta2 * m.flat[i] + (1 - beta2) * grads.flat[i]
    return new_params, new_m


@pytest.mark.parametrize("name", ["Lion", "Lion-weight_decay"])
def test_lion_matches_the_papers_algorithm(name):
    worst = 0.0
    for kw, opt, params, grads, state in point_cases(BY_NAME[name], Lion, 1):
        new_params, new_state = opt.step(params, grads, state)
        want_p, want_m = lion_paper(params, grads, state.exp_avg, opt.lr, *opt.betas,
                                    opt.weight_decay)
        worst = max(worst, case_error(new_params, want_p), case_error(new_state.exp_avg, want_m))
    assert worst <= STEP_RTOL, worst


# ---------------------------------------------------------------- wrong variants (points)


class RAdamNoRectification(RAdam):
    """Wrong: Adam's step with RAdam's moments, no threshold and no r_t."""

    def _update(self, params, grads, state):
        (b1, b2), t = self.betas, state.step + 1
        m = b1 * state.exp_avg + (1 - b1) * grads
        v = b2 * state.exp_avg_sq + (1 - b2) * grads * grads
        step = self.lr * m / (1 - b1**t) * np.sqrt(1 - b2**t) / (np.sqrt(v) + self.eps)
        return params - step, RAdam.State(t, m, v)


class RAdamPaperThreshold(RAdam):
    """Wrong for torch: the paper's rho_t > 4 where torch rectifies only above 5."""

    def _update(self, params, grads, state):
        (b1, b2), t = self.betas, state.step + 1
        g = -grads if self.maximize else grads
        m = b1 * state.exp_avg + (1 - b1) * g
        v = b2 * state.exp_avg_sq + (1 - b2) * g * g
        rho_inf = 2 / (1 - b2) - 1
        rho = rho_inf - 2 * t * b2**t / (1 - b2**t)
        m_hat = m / (1 - b1**t)
        if rho > 4:
            r = np.sqrt((rho - 4) * (rho - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho))
            m_hat = m_hat * r * np.sqrt(1 - b2**t) / (np.sqrt(v) + self.eps)
        return params - self.lr * m_hat, RAdam.State(t, m, v)


class RpropKeepsSignAfterFlip(Rprop):
    """Wrong: moves and remembers the gradient even where its sign flipped."""

    def _update(self, params, grads, state):
        (em, ep), (lo, hi) = self.etas, self.step_sizes
        s = np.sign(grads * state.prev)
        size = np.clip(state.step_size * np.where(s > 0, ep, np.where(s < 0, em, 1.0)), lo, hi)
        return params - np.sign(grads) * size, Rprop.State(state.step + 1, grads, size)


class ASGDAveragesFromStart(ASGD):
    """Wrong: mu_t = 1/t, averaging from the first step whatever t0 says."""

    def _update(self, params, grads, state):
        t = state.step + 1
        params = params * (1 - self.lambd * state.eta) - state.eta * grads
        ax = state.ax + (params - state.ax) / t
        eta = self.lr / (1 + self.lambd * self.lr * t) ** self.alpha
        return params, ASGD.State(t, np.asarray(eta), np.asarray(1 / (t + 1)), ax)


class LionMomentumFirst(Lion):
    """Wrong interpolation order: update m with beta2 first, then step by sign(m)."""

    def _update(self, params, grads, state):
        (b1, b2), lam = self.betas, self.weight_decay
        m = b2 * state.exp_avg + (1 - b2) * grads
        return params * (1 - self.lr * lam) - self.lr * np.sign(m), Lion.State(state.step + 1, m)


class LionBetasSwapped(Lion):
    """Wrong: beta2 for the interpolation and beta1 for the momentum."""

    def __init__(self, lr=1e-4, betas=(0.9, 0.99), weight_decay=0.0):
        super().__init__(lr, betas[::-1], weight_decay)


WRONG = [
    ("RAdam", RAdamNoRectification),
    ("RAdam", RAdamPaperThreshold),
    ("Rprop", RpropKeepsSignAfterFlip),
    ("ASGD", ASGDAveragesFromStart),
    ("Lion", LionMomentumFirst),
    ("Lion", LionBetasSwapped),
]
WRONG_IDS = [f"{n}-{w.__name__}" for n, w in WRONG]


@pytest.mark.parametrize(("name", "wrong"), WRONG, ids=WRONG_IDS)
def test_wrong_variant_fails_one_step(name, wrong):
    with pytest.raises(AssertionError, match="one step differs"):
        assert_one_step_matches(BY_NAME[name], wrong)


@pytest.mark.parametrize(("name", "wrong"), [w for w in WRONG if w[1] is not RAdamPaperThreshold],
                         ids=[i for i in WRONG_IDS if "PaperThreshold" not in i])
def test_wrong_variant_fails_path(name, wrong):
    # (the paper's threshold differs from torch's only at the one step where 4 < rho_t <= 5)
    with pytest.raises(AssertionError, match="path differs"):
        assert_path_matches(BY_NAME[name], wrong)
