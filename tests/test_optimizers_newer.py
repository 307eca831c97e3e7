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
import test_optimizers_oracle as oracle
import torch  # unconditional: a missing torch fails this module, it never skips
import torch.optim._muon as torch_muon
from test_optimizers_oracle import (  # noqa: F401  (torch_float64 is an autouse fixture)
    CONFIGS,
    EXPORTED,
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

from optim_ref import ASGD, LBFGS, Adafactor, Lion, Muon, RAdam, Rprop
from optim_ref.optimizers import lbfgs
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
    lion = topt.__class__ is lion_pytorch.Lion  # lion-pytorch keeps no step
    tstate = {} if lion else {"step": torch.tensor(float(state.step))}
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
    return oracle.path_error(cfg, ours_cls, seed, with_state=True)


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
    for _, opt, params, grads, state in point_cases(BY_NAME[name], Lion, 1):
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
        b2, lam = self.betas[1], self.weight_decay
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


# ---------------------------------------------------------------- Adafactor: whole tensors

SHAPES = [(5,), (4, 3), (3, 4), (1, 6), (6, 1), (2, 3, 4), ()]


def adafactor_kw(r):
    kw = {"lr": 10 ** r.uniform(-3, 0), "beta2_decay": -r.uniform(0.3, 1.0),
          "eps": (None if r.random() < 0.5 else 10 ** r.uniform(-30, -3), 10 ** r.uniform(-4, -1)),
          "d": r.uniform(1.0, 3.0)}
    return kw


def adafactor_state(opt, params, scale, steps, rng):
    state = opt.init(params)
    if steps == 0:
        return state
    return opt.State(steps, *(None if v is None else squared(scale, v.shape, rng)
                              for v in state[1:]))


@dataclass(frozen=True)
class MatrixConfig:
    name: str
    draw: Callable

    def __str__(self) -> str:
        return self.name


ADAFACTOR = [
    MatrixConfig("Adafactor", adafactor_kw),
    MatrixConfig("Adafactor-weight_decay",
                 lambda r: {**adafactor_kw(r), "weight_decay": decay(r), "maximize": True}),
]


def adafactor_one_step_error(cfg, ours_cls=Adafactor, seed=0) -> float:
    rng = np.random.default_rng(seed)
    worst = 0.0
    for i in range(MATRICES):
        kw = cfg.draw(rng)
        shape = SHAPES[i % len(SHAPES)]
        scale = 10 ** rng.uniform(-3, 1)
        steps = 0 if rng.random() < 0.15 else int(rng.integers(1, 60))
        params, grads = rng.standard_normal(shape), signed(scale, shape, rng)
        opt = ours_cls(**kw)
        state = adafactor_state(opt, params, scale, steps, rng)
        p = torch.tensor(params, requires_grad=True)
        p.grad = torch.tensor(grads)
        topt = torch.optim.Adafactor([p], **kw)
        if steps:
            topt.state[p] = {"step": torch.tensor(float(steps)),
                             **{k: torch.tensor(v) for k, v in state._asdict().items()
                                if k != "step" and v is not None}}
        topt.step()
        new_params, new_state = opt.step(params, grads, state)
        worst = max(worst, compare(new_params, params, p.detach().numpy(), new_state,
                                   topt.state[p]))
    return worst


def matrix_problem(shape=(6, 4), seed=1):
    """f(W) = 1/2 tr(W'AW) - tr(B'W), A positive definite with condition number 10."""
    a, _ = quadratic(shape[0], seed=seed)
    b = np.random.default_rng(seed).uniform(1.0, 2.0, shape)
    return a, b


def adafactor_path_error(kw, ours_cls=Adafactor, shape=(6, 4)) -> float:
    a, b = matrix_problem(shape if len(shape) == 2 else (shape[0], 1))
    b = b.reshape(shape)
    sign = -1.0 if kw.get("maximize") else 1.0

    def grad(w):
        return sign * ((a @ w.reshape(a.shape[0], -1)).reshape(shape) - b)

    x = np.random.default_rng(3).standard_normal(shape) * 3
    opt = ours_cls(**kw)
    state = opt.init(x)
    p = torch.tensor(x, requires_grad=True)
    topt = torch.optim.Adafactor([p], **kw)
    ours, theirs = [x], [x]
    for _ in range(PATH_STEPS):
        x, state = opt.step(x, grad(x), state)
        p.grad = torch.tensor(grad(p.detach().numpy()))
        topt.step()
        ours.append(x)
        theirs.append(p.detach().numpy().copy())
    return relative_error(np.array(ours), np.array(theirs))


@pytest.mark.parametrize("cfg", ADAFACTOR, ids=str)
def test_adafactor_one_step_matches_torch(cfg):
    err = adafactor_one_step_error(cfg)
    assert err <= STEP_RTOL, f"{cfg}: one step differs from torch by {err:.3g}"


# lr caps the relative step: at 0.05 the matrix run reaches the minimum within 200 steps and
# chatters round it (a clipped, sign-like step), where one ulp grows; at 0.01 it settles
ADAFACTOR_PATHS = [({"lr": 0.01}, (6, 4)), ({"lr": 0.01}, (6,)),
                   ({"lr": 0.01, "weight_decay": 0.1, "maximize": True, "d": 1.5}, (6, 4))]


@pytest.mark.parametrize(("kw", "shape"), ADAFACTOR_PATHS, ids=["matrix", "vector", "all"])
def test_adafactor_path_matches_torch(kw, shape):
    err = adafactor_path_error(kw, shape=shape)
    assert err <= PATH_RTOL, f"the 200-step path differs from torch by {err:.3g}"


class AdafactorUnfactored(Adafactor):
    """Wrong: the full g^2 average for a matrix too, where torch factors it."""

    def init(self, params):
        return Adafactor.State(0, None, None, np.zeros_like(np.asarray(params, float)))

    def _update(self, params, grads, state):
        t = state.step + 1
        eps1 = np.finfo(float).eps if self.eps[0] is None else self.eps[0]
        alpha = max(self.eps[1], np.sqrt(np.mean(params**2))) * min(self.lr, t**-0.5)
        V = state.variance + t**self.beta2_decay * (grads * grads - state.variance)
        U = grads / np.sqrt(np.maximum(V, eps1**2))
        params = params - alpha / max(1.0, np.sqrt(np.mean(U**2)) / self.d) * U
        return params, Adafactor.State(t, None, None, V)


def test_adafactor_unfactored_variant_fails():
    assert adafactor_path_error({"lr": 0.01}, AdafactorUnfactored) > 1e-3
    # (one step from random states is not comparable: the state itself has another shape)
    rng = np.random.default_rng(0)
    g = rng.standard_normal((4, 3))
    ours = Adafactor().step(np.ones((4, 3)), g, Adafactor().init(np.ones((4, 3))))[0]
    wrong = AdafactorUnfactored().step(np.ones((4, 3)), g, AdafactorUnfactored().init(
        np.ones((4, 3))))[0]
    assert relative_error(wrong, ours) > 1e-3


def test_adafactor_memory_is_rows_plus_columns():
    state = Adafactor().init(np.zeros((300, 200)))
    assert state.row_var.size + state.col_var.size == 500 and state.variance is None
    assert Adafactor().init(np.zeros(7)).variance.shape == (7,)


# ---------------------------------------------------------------- Muon


def newton_schulz_by_svd(M, coefficients=NS_COEFFICIENTS, steps=5, eps=1e-7):
    """The same map built another way: X_0 = M / max(||M||_F, eps) = U S V^T, and each
    Newton-Schulz step sends every singular value s to a s + b s^3 + c s^5 with U, V fixed."""
    a, b, c = coefficients
    u, s, vt = np.linalg.svd(M / max(np.linalg.norm(M), eps), full_matrices=False)
    for _ in range(steps):
        s = a * s + b * s**3 + c * s**5
    return (u * s) @ vt


MUON_SHAPES = [(4, 3), (3, 4), (5, 5), (8, 2), (1, 6)]


def test_newton_schulz_matches_the_svd_construction():
    """float64 Newton-Schulz against U p(...p(S)) V^T, over shapes, coefficients and steps."""
    rng = np.random.default_rng(0)
    worst = 0.0
    for i in range(MATRICES):
        m = signed(10 ** rng.uniform(-3, 2), MUON_SHAPES[i % len(MUON_SHAPES)], rng)
        # Jordan's coefficients, the cubic Newton-Schulz (1.5, -0.5, 0) and the quintic
        # (15, -10, 3)/8, both of which converge to U V^T
        coef = [NS_COEFFICIENTS, (1.5, -0.5, 0.0), (15 / 8, -10 / 8, 3 / 8)][i % 3]
        steps = int(rng.integers(0, 8))
        want = newton_schulz_by_svd(m, coef, steps)
        worst = max(worst, relative_error(newton_schulz(m, coef, steps), want,
                                          floor=1e-3 * np.max(np.abs(want))))
    assert worst <= STEP_RTOL, worst


def muon_kw(r):
    return {"lr": lr(r), "weight_decay": decay(r), "momentum": unit(r, 1.0),
            "nesterov": bool(r.random() < 0.5),
            "adjust_lr_fn": [None, "original", "match_rms_adamw"][int(r.integers(0, 3))]}


@pytest.fixture
def torch_muon_in_float64(monkeypatch):
    """torch.optim.Muon with the SVD construction in place of its bfloat16 Newton-Schulz:
    everything else it computes (lerp momentum, Nesterov, decay, lr adjustment) is torch's."""

    def exact(grad, ns_coefficients, ns_steps, eps):
        return torch.tensor(newton_schulz_by_svd(grad.numpy(), ns_coefficients, ns_steps, eps))

    monkeypatch.setattr(torch_muon, "_zeropower_via_newtonschulz", exact)


def muon_cases(seed, ours_cls=Muon):
    rng = np.random.default_rng(seed)
    for i in range(MATRICES):
        kw = muon_kw(rng)
        shape = MUON_SHAPES[i % len(MUON_SHAPES)]
        scale = 10 ** rng.uniform(-3, 1)
        steps = 0 if rng.random() < 0.15 else int(rng.integers(1, 60))
        params, grads = rng.standard_normal(shape), signed(scale, shape, rng)
        opt = ours_cls(**kw)
        state = opt.init(params) if steps == 0 else opt.State(steps, signed(scale, shape, rng))
        yield kw, opt, params, grads, state


def muon_torch_step(kw, params, grads, state):
    p = torch.tensor(params, requires_grad=True)
    p.grad = torch.tensor(grads)
    topt = torch.optim.Muon([p], **kw)
    if state.step:
        topt.state[p] = {"momentum_buffer": torch.tensor(state.momentum_buffer)}
    topt.step()
    return p.detach().numpy(), topt.state[p]


def muon_one_step_error(ours_cls=Muon, seed=0):
    worst = 0.0
    for kw, opt, params, grads, state in muon_cases(seed, ours_cls):
        new_params, new_state = opt.step(params, grads, state)
        torch_params, tstate = muon_torch_step(kw, params, grads, state)
        worst = max(worst, compare(new_params, params, torch_params, new_state, tstate))
    return worst


def test_muon_one_step_matches_torch_with_exact_newton_schulz(torch_muon_in_float64):
    err = muon_one_step_error()
    assert err <= STEP_RTOL, f"one step differs from torch by {err:.3g}"


def muon_path_error(kw, ours_cls=Muon, shape=(6, 4)):
    a, b = matrix_problem(shape)
    x = np.random.default_rng(3).standard_normal(shape) * 3
    opt = ours_cls(**kw)
    state = opt.init(x)
    p = torch.tensor(x, requires_grad=True)
    topt = torch.optim.Muon([p], **kw)
    ours, theirs = [x], [x]
    for _ in range(PATH_STEPS):
        x, state = opt.step(x, a @ x - b, state)
        w = p.detach().numpy()
        p.grad = torch.tensor(a @ w - b)
        topt.step()
        ours.append(x)
        theirs.append(p.detach().numpy().copy())
    # and the buffer: from zero, the docs' mu B + g is the code's lerp times 1/(1 - mu), a
    # scale that Newton-Schulz's normalisation removes from the path but not from the state
    return max(relative_error(np.array(ours), np.array(theirs)),
               relative_error(state.momentum_buffer,
                              topt.state[p]["momentum_buffer"].numpy()))


MUON_PATHS = [{"lr": 0.01}, {"lr": 0.01, "nesterov": False, "weight_decay": 0.0},
              {"lr": 0.01, "adjust_lr_fn": "match_rms_adamw", "momentum": 0.5}]


@pytest.mark.parametrize("kw", MUON_PATHS, ids=["default", "heavy-ball", "match_rms_adamw"])
@pytest.mark.parametrize("shape", [(6, 4), (4, 6)], ids=["tall", "wide"])
def test_muon_path_matches_torch_with_exact_newton_schulz(torch_muon_in_float64, kw, shape):
    err = muon_path_error(kw, shape=shape)
    assert err <= PATH_RTOL, f"the 200-step path differs from torch by {err:.3g}"


class MuonDocsMomentum(Muon):
    """Wrong (torch's docs, not its code): B_t = mu B_{t-1} + g_t."""

    def _update(self, params, grads, state):
        B = self.momentum * state.momentum_buffer + grads
        M = grads + self.momentum * B if self.nesterov else B
        O = newton_schulz(M, self.ns_coefficients, self.ns_steps, self.eps)  # noqa: E741
        params = params * (1 - self.lr * self.weight_decay) - self.adjusted_lr(params.shape) * O
        return params, Muon.State(state.step + 1, B)


class MuonUnclippedRatio(Muon):
    """Wrong: lr * sqrt(rows / cols) without the max(1, .), shrinking wide matrices' steps."""

    def adjusted_lr(self, shape):
        return self.lr * (shape[0] / shape[1]) ** 0.5 if self.adjust_lr_fn != "match_rms_adamw" \
            else super().adjusted_lr(shape)


@pytest.mark.parametrize("wrong", [MuonDocsMomentum, MuonUnclippedRatio], ids=lambda w: w.__name__)
def test_muon_wrong_variant_fails(torch_muon_in_float64, wrong):
    assert muon_one_step_error(wrong) > STEP_RTOL
    assert muon_path_error({"lr": 0.01}, wrong, shape=(4, 6)) > PATH_RTOL


def test_muon_refuses_non_matrices():
    with pytest.raises(ValueError, match=r"^Muon only supports 2-D parameters \(weight "
                                         r"matrices\); got a parameter of shape \(5,\)"):
        Muon().init(np.zeros(5))
    opt = Muon()
    state = opt.init(np.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"shape \(2, 3, 1\)"):
        opt.step(np.zeros((2, 3, 1)), np.zeros((2, 3, 1)), state)
    with pytest.raises(ValueError, match="Muon takes a scalar lr"):
        Muon(lr=np.full((2, 1), 0.01))


# ---------------------------------------------------------------- Muon: torch's bfloat16

BF16_U = 2.0**-8  # unit roundoff of bfloat16: 8 significant bits, |fl(x) - x| <= u |x|
FP32_U = 2.0**-24  # GEMMs accumulate bfloat16 products in float32 (checked below)


def ns_amplification(coefficients, X) -> float:
    """How much one Newton-Schulz step X -> aX + b(XX')X + c(XX')^2 X can enlarge a small
    perturbation of X, in the Frobenius norm, to first order.

    The map is U p(S) V' with p(s) = as + bs^3 + cs^5. Its derivative in the singular bases
    (Daleckii-Krein, for such odd 'generalized matrix functions') multiplies the entries of a
    perturbation by the divided differences (p(s_i) - p(s_j))/(s_i - s_j) (p'(s_i) on the
    diagonal), by (p(s_i) + p(s_j))/(s_i + s_j), and, off the row space of a wide X, by
    p(s_i)/s_i: the largest of these, over the singular values s_i of X, is the amplification.
    """
    a, b, c = coefficients
    s = np.linalg.svd(X, compute_uv=False)
    s = s[s > 0]
    p = a * s + b * s**3 + c * s**5
    si, sj = np.meshgrid(s, s)
    pi, pj = np.meshgrid(p, p)
    close = np.abs(si - sj) <= 1e-9 * np.maximum(si, sj)
    with np.errstate(divide="ignore", invalid="ignore"):
        dd = np.where(close, a + 3 * b * si**2 + 5 * c * si**4, (pi - pj) / (si - sj))
    return float(max(np.abs(dd).max(), np.abs((pi + pj) / (si + sj)).max(), np.abs(p / s).max()))


def bf16_newton_schulz_bound(M, coefficients=NS_COEFFICIENTS, steps=5) -> float:
    """A first-order bound (in u = 2^-8) on ||torch's bfloat16 result - exact result||_F.

    Let X_j be the exact iterates (float64, from optim_ref) and e_j a bound on the error of
    torch's X~_j. Every value torch rounds to bfloat16 is off by at most u times itself
    (Frobenius); each product sums k terms in float32, off by at most k u32 |A||B|.
      start:  M rounded, its norm rounded, the quotient rounded: e_0 = (3u + k u32) ||X_0||_F
      step j: A = XX' rounded: dA <= u||A|| + k u32 ||X||^2, reaching X_{j+1} as
              (|b| + 2|c| ||A||_2) dA ||X||_2;  Bm = bA + cA^2 rounded (A^2 perhaps first):
              dB <= u(||Bm|| + |c| ||A^2||), reaching it as dB ||X||_2;  X_{j+1} = aX + Bm X
              rounded: u(||X_{j+1}|| + ||Bm X||): together r_j; and the error carried in,
              L_j e_j, with L_j = ns_amplification(X_j).
      so      e_{j+1} = L_j e_j + r_j,  and ||O_torch - O||_F <= e_steps, to first order in u
              (X_0 has unit norm, so the bound does not depend on the size of M).
    It is a worst case: every rounding error aligned with the most amplified direction. The
    measured error is far below it (rounding errors are not aligned); the test prints both.
    """
    a, b, c = coefficients
    X = M.T if M.shape[0] > M.shape[1] else M
    k = X.shape[1]
    X = X / np.linalg.norm(X)
    fro, spec = np.linalg.norm, lambda Y: np.linalg.norm(Y, 2)
    e = (3 * BF16_U + k * FP32_U) * fro(X)
    for _ in range(steps):
        A = X @ X.T
        Bm = b * A + c * A @ A
        X_next = a * X + Bm @ X
        dA = BF16_U * fro(A) + k * FP32_U * fro(X) ** 2
        dB = BF16_U * (fro(Bm) + abs(c) * fro(A @ A)) + 2 * X.shape[0] * FP32_U * fro(A) ** 2
        r = ((abs(b) + 2 * abs(c) * spec(A)) * dA * spec(X) + dB * spec(X)
             + BF16_U * (fro(X_next) + fro(Bm @ X)) + X.shape[0] * FP32_U * fro(Bm) * fro(X))
        e = ns_amplification(coefficients, X) * e + r
        X = X_next
    return e


def test_bf16_matmul_accumulates_in_float32():
    """The bound's premise: a bfloat16 product is the float32 product, rounded once."""
    rng = np.random.default_rng(0)
    x = torch.tensor(rng.standard_normal((16, 64))).bfloat16()
    y = torch.tensor(rng.standard_normal((64, 16))).bfloat16()
    exact = x.double() @ y.double()
    got = (x @ y).double()
    # one rounding: |got - exact| <= u |exact| + k u32 |x||y|
    slack = BF16_U * exact.abs() + 64 * FP32_U * (x.double().abs() @ y.double().abs())
    assert bool(torch.all((got - exact).abs() <= slack))


def test_muon_against_torch_within_the_bfloat16_bound():
    """torch.optim.Muon's real (bfloat16) step against optim_ref's float64 step: the recovered
    O_torch = (theta (1 - lr lambda) - theta_torch) / lr_adjusted differs from optim_ref's O
    by no more than the derived bound, matrix by matrix; and the bound is not vacuous."""
    rng = np.random.default_rng(7)
    ratios, errors, bounds = [], [], []
    for i in range(60):
        shape = [(4, 3), (3, 4), (8, 8), (16, 4), (32, 32)][i % 5]
        params, grads = rng.standard_normal(shape), signed(10 ** rng.uniform(-3, 1), shape, rng)
        kw = {"lr": 1.0, "weight_decay": 0.0, "nesterov": bool(i % 2)}
        opt = Muon(**kw)
        state = opt.State(3, signed(1.0, shape, rng))
        new_params, new_state = opt.step(params, grads, state)
        torch_params, tstate = muon_torch_step(kw, params, grads, state)
        adj = opt.adjusted_lr(shape)
        ours_o, torch_o = (params - new_params) / adj, (params - torch_params) / adj
        # the momentum is torch's float64 arithmetic: exact as ever
        assert case_error(new_state.momentum_buffer, tstate["momentum_buffer"].numpy()) <= STEP_RTOL
        B = new_state.momentum_buffer
        M = grads + 0.95 * (B - grads) if kw["nesterov"] else B
        bound = bf16_newton_schulz_bound(M)
        err = float(np.linalg.norm(torch_o - ours_o))
        errors.append(err)
        bounds.append(bound)
        ratios.append(err / bound)
    print(f"Muon vs torch (bfloat16): worst ||dO||_F = {max(errors):.3g}, "
          f"bounds {min(bounds):.3g}..{max(bounds):.3g}, worst error/bound = {max(ratios):.3g}")
    assert max(ratios) <= 1.0
    assert min(errors) > 0  # torch really is in bfloat16 (else this test checks nothing)


def test_torch_muon_is_nearer_than_a_wrong_newton_schulz():
    """The worst-case bound above is loose, so this gives the comparison its teeth: torch's
    bfloat16 Newton-Schulz stays within 5% (Frobenius) of optim_ref's float64 one (measured: 3.7%),
    while one step fewer (19% and more) or the cubic coefficients (6% and more) do not."""
    rng = np.random.default_rng(8)
    for i in range(40):
        m = rng.standard_normal([(4, 3), (3, 4), (8, 8), (16, 4), (32, 32)][i % 5])
        ours = newton_schulz(m)
        theirs = torch_muon._zeropower_via_newtonschulz(
            torch.tensor(m), NS_COEFFICIENTS, 5, 1e-7).double().numpy()
        size = np.linalg.norm(ours)
        assert np.linalg.norm(theirs - ours) <= 0.05 * size
        assert np.linalg.norm(newton_schulz(m, steps=4) - ours) > 0.1 * size
        assert np.linalg.norm(newton_schulz(m, (1.5, -0.5, 0.0)) - ours) > 0.05 * size


# ---------------------------------------------------------------- L-BFGS


def lbfgs_problem(rng, dim=5):
    """f(x) = 1/2 x'Ax - b'x + k/4 sum x^4: smooth, convex, not quadratic."""
    q, _ = np.linalg.qr(rng.standard_normal((dim, dim)))
    a = q @ np.diag(np.geomspace(1.0, 10 ** rng.uniform(0, 2), dim)) @ q.T
    b, k = rng.standard_normal(dim), 10 ** rng.uniform(-2, 0)

    def f(x):
        return float(0.5 * x @ a @ x - b @ x + k / 4 * np.sum(x**4)), a @ x - b + k * x**3

    return f


def from_torch(ts) -> LBFGS.State:
    """torch's LBFGS state as optim_ref's, so that the next step starts from the same one."""

    def arr(v):
        return v.detach().numpy().copy() if torch.is_tensor(v) else v

    return LBFGS.State(ts["func_evals"], ts["n_iter"], arr(ts["d"]), float(ts["t"]),
                       tuple(map(arr, ts["old_dirs"])), tuple(map(arr, ts["old_stps"])),
                       tuple(float(r) for r in ts["ro"]), float(ts["H_diag"]),
                       arr(ts["prev_flat_grad"]), ts["prev_loss"])


def lbfgs_run_error(kw, seed, calls, ours_cls=LBFGS, resync=False) -> float:
    """ours and torch side by side for several step() calls: params and every state field.
    With ``resync`` each call starts from torch's params and state (a one-step comparison
    from the states a run really reaches); without, it is a path."""
    rng = np.random.default_rng(seed)
    f = lbfgs_problem(rng)
    x = rng.standard_normal(5) * 2
    opt = ours_cls(**kw)
    state = opt.init(x)
    p = torch.tensor(x, requires_grad=True)
    topt = torch.optim.LBFGS([p], **kw)

    def closure():
        loss, g = f(p.detach().numpy())
        p.grad = torch.tensor(g)
        return loss

    worst = 0.0
    for _ in range(calls):
        x, state = opt.step(x, f, state)
        topt.step(closure)
        worst = max(worst, case_error(x, p.detach().numpy()))
        ts = topt.state[p]
        assert (state.n_iter, state.func_evals) == (ts["n_iter"], ts["func_evals"])
        assert len(state.old_dirs) == len(ts["old_dirs"])
        for ours_v, theirs_v in [(state.d, ts["d"]), (state.prev_flat_grad, ts["prev_flat_grad"]),
                                 (state.t, ts["t"]), (state.H_diag, ts["H_diag"]),
                                 (state.prev_loss, ts["prev_loss"]),
                                 *zip(state.old_dirs, ts["old_dirs"], strict=True),
                                 *zip(state.old_stps, ts["old_stps"], strict=True),
                                 *zip(state.ro, ts["ro"], strict=True)]:
            theirs_v = np.asarray(theirs_v.detach() if torch.is_tensor(theirs_v) else theirs_v)
            worst = max(worst, case_error(ours_v, theirs_v))
        if resync:
            x, state = p.detach().numpy().copy(), from_torch(ts)
    return worst


LINE_SEARCHES = [None, "strong_wolfe"]


def lbfgs_kw(r, line_search):
    return {"lr": r.uniform(0.1, 1.0), "max_iter": int(r.integers(1, 8)),
            "history_size": int(r.integers(1, 8)), "line_search_fn": line_search,
            **({"tolerance_grad": 1e-4, "tolerance_change": 1e-6} if r.random() < 0.3 else {}),
            **({"max_eval": int(r.integers(1, 6))} if r.random() < 0.3 else {})}


def test_lbfgs_rounds_its_three_primitives_as_torch():
    """The premise of the oracle below: lbfgs.add_scaled is exactly round(x + t d), as torch's
    fused p.add_(d, alpha=t), and lbfgs.dot and lbfgs.l1 add in torch.dot's (MKL) and
    torch.sum's order, bit for bit, for every length up to 70 and some longer ones; numpy's
    own x + t * d, a @ b and np.sum do not (they are what optim_ref used before)."""
    from fractions import Fraction

    rng = np.random.default_rng(0)
    naive_fma, naive_dot, naive_sum = 0, 0, 0
    for n in [*range(1, 71), 100, 129, 1000, 4095]:
        for case in range(6):
            x, d = (rng.standard_normal(n) * 10 ** rng.uniform(-6, 6, n) for _ in "xd")
            t = float(rng.standard_normal() * 10 ** rng.uniform(-3, 3))
            if case == 0:                                    # x + t d cancels to a few ulps
                x = -t * d * (1 + 1e-12 * rng.standard_normal(n))
            got = lbfgs.add_scaled(x, t, d)
            theirs = torch.tensor(x).add_(torch.tensor(d), alpha=t).numpy()
            assert np.array_equal(got, theirs), (n, case)
            if n <= 8:
                exact = [float(Fraction(xi) + Fraction(t) * Fraction(di))
                         for xi, di in zip(x, d, strict=True)]
                assert np.array_equal(got, exact), (n, case)
            assert lbfgs.dot(x, d) == float(torch.dot(torch.tensor(x), torch.tensor(d)))
            assert lbfgs.l1(x) == float(torch.tensor(x).abs().sum())
            naive_fma += not np.array_equal(x + t * d, theirs)
            naive_dot += float(x @ d) != float(torch.dot(torch.tensor(x), torch.tensor(d)))
            naive_sum += float(np.sum(np.abs(x))) != float(torch.tensor(x).abs().sum())
    assert naive_fma > 0 and naive_dot > 0 and naive_sum > 0


def many_states_error(line_search) -> float:
    """200 random problems and settings, 5 step() calls each (1000 steps, each from the state
    the run before left: history, step length, scale): the worst relative error."""
    rng = np.random.default_rng(0)
    return max(lbfgs_run_error(lbfgs_kw(rng, line_search), seed, 5, resync=True)
               for seed in range(200))


def lbfgs_path_error(line_search) -> float:
    """One problem, 10 step() calls of up to 20 iterations each, never resynchronised."""
    kw = {"lr": 0.3 if line_search is None else 1.0, "line_search_fn": line_search,
          "history_size": 10, "max_iter": 20}
    return lbfgs_run_error(kw, 11, 10)


@pytest.mark.parametrize("line_search", LINE_SEARCHES)
def test_lbfgs_matches_torch_from_many_states(line_search):
    """To 1e-12 (measured: 0, bit for bit, on x86-64 with torch's MKL wheels)."""
    assert many_states_error(line_search) <= STEP_RTOL


@pytest.mark.parametrize("line_search", LINE_SEARCHES)
def test_lbfgs_path_matches_torch(line_search):
    """To 1e-9 (measured: 0, bit for bit)."""
    assert lbfgs_path_error(line_search) <= PATH_RTOL


@pytest.mark.parametrize("line_search", LINE_SEARCHES)
def test_lbfgs_with_numpys_rounding_misses_the_bar(monkeypatch, line_search):
    """Wrong: the algorithm right, branch for branch, but x + t d, dot and sum rounded as
    numpy rounds them. Near the minimum the gradient is a difference of much larger terms,
    so an ulp in x is a large relative change of g, of y = g - g_prev and of the next
    direction: measured 3.5e-10 (fixed step) and 1.0e-8 (strong Wolfe) over the 1000 steps,
    8.6e-8 and 6.2e-10 on the paths. Why the rounding must be torch's."""
    monkeypatch.setattr(lbfgs, "dot", lambda a, b: float(a @ b))
    monkeypatch.setattr(lbfgs, "add_scaled", lambda x, alpha, d: x + alpha * d)
    monkeypatch.setattr(lbfgs, "l1", lambda g: float(np.sum(np.abs(g))))
    assert many_states_error(line_search) > STEP_RTOL


class LBFGSNoCurvatureCheck(LBFGS):
    """Wrong: max_iter single gradient steps of lr, no history (steepest descent)."""

    def step(self, params, loss_and_grad, state):
        x = np.asarray(params, float)
        for _ in range(self.max_iter):
            x = x - self.lr * loss_and_grad(x)[1]
        return x, state._replace(n_iter=state.n_iter + self.max_iter)


def test_lbfgs_wrong_variant_fails():
    with pytest.raises(AssertionError):
        lbfgs_run_error({"lr": 0.5, "max_iter": 5}, 11, 3, LBFGSNoCurvatureCheck)


def test_lbfgs_converges_on_a_quadratic():
    a, b = quadratic()
    opt = LBFGS(line_search_fn="strong_wolfe")
    x, state = opt.step(np.zeros(6), lambda x: (0.5 * x @ a @ x - b @ x, a @ x - b), opt.init(0))
    # (torch's stop on a loss change below tolerance_change=1e-9 leaves ~1e-5 in x)
    np.testing.assert_allclose(x, np.linalg.solve(a, b), atol=1e-4)


# ---------------------------------------------------------------- coverage

#: every optimizer's oracle configurations, by class name: the torch oracle's table
#: (test_optimizers_oracle.CONFIGS) and this module's point, Adafactor, Muon and L-BFGS
#: layers. The one place that says what is checked against an oracle.
ORACLES: dict[str, list[str]] = {}
for _cfg in CONFIGS + POINT:
    ORACLES.setdefault(_cfg.ours.__name__, []).append(_cfg.name)
ORACLES["Adafactor"] = [c.name for c in ADAFACTOR]
ORACLES["Muon"] = ["Muon"] + [f"Muon-path-{'-'.join(kw)}" for kw in MUON_PATHS]
ORACLES["LBFGS"] = [f"LBFGS-{ls or 'fixed_step'}" for ls in LINE_SEARCHES]


def test_every_class_is_covered():
    """Each optimizer class the package exports has an oracle configuration, and nothing
    else does (a configuration of a class no longer exported is a stale one)."""
    exported = {cls.__name__ for cls in EXPORTED}
    missing = exported - set(ORACLES)
    assert not missing, f"exported optimizers with no oracle configuration: {sorted(missing)}"
    assert set(ORACLES) <= exported, sorted(set(ORACLES) - exported)
