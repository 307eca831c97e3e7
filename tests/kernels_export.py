"""What optim_ref says the explorer's JavaScript kernels must compute, written as JSON cases.

tests/test_kernels_node.py calls :func:`export` into a temporary folder at test time (the
cases are never committed, so they cannot drift from the package) and runs the Node tests
in tests/kernels/ on them. The optimizer configurations are the oracles' tables
(tests/test_optimizers_oracle.py, and the newer point methods' in test_optimizers_newer.py):
every optimizer and every option, once; an optimizer added there gets kernel cases here, and
the Node tests fail until its kernel exists.

Files: meta.json (names, defaults, surfaces), steps.json (one step from random states, with
a per-step lr), surfaces.json (value and gradient at random points), noise.json (Philox
words, uniforms, normals), paths.json (whole runs, plain, noisy and scheduled, each with the
number of its leading points that are well-posed), errors.json (bad hyperparameters),
schedules.json (every schedule's lrs and momenta, by its {name, args}).

Well-posed points: every path is run twice by optim_ref, as given and as a twin whose start
and learning rate are moved by 1e-15 relative. The points where the two agree to SELF_RTOL
are held to 1e-9; after the first point where optim_ref does not agree with itself, a second
implementation cannot be asked to agree with it either. The lr is moved too because a
second implementation differs at every step (an ulp of a sine or a power), not only at the
start: a moved start alone can shrink below one ulp on the way and then miss the growth
that a later ulp seeds (Adadelta climbing Rastrigin did exactly that).
"""

from __future__ import annotations

import inspect
import json
import math
from dataclasses import fields
from pathlib import Path

import numpy as np
from test_optimizers_newer import POINT as NEWER_POINT
from test_optimizers_oracle import CONFIGS as TORCH_CONFIGS
from test_optimizers_oracle import random_state

import optim_ref
from optim_ref import functions, noise, trajectory
from optim_ref.trajectory import BOX_SCALE, run

STEP_CASES = 200          # one-step cases per configuration (2 coordinates each)
PATH_STEPS = 300          # steps of a plain path
NOISY_STEPS = 1000        # steps of a noisy or scheduled path (the explorer's maximum)
SELF_RTOL = 1e-11         # optim_ref against its perturbed self: beyond this, ill-posed
PERTURBATION = 1e-15
#: surfaces with other parameters than their defaults, so the parameters are tested too
SURFACE_VARIANTS = [("quadratic", {"kappa": 100.0, "angle": 30.0}),
                    ("rosenbrock", {"a": 2.0, "b": 50.0}), ("rastrigin", {"A": 5.0})]


#: the oracle configurations of the point optimizers: the torch oracle's table, then the
#: newer point methods' (tests/test_optimizers_newer.py), each with its rule for random states
CONFIGS = TORCH_CONFIGS + NEWER_POINT


def names() -> tuple[str, ...]:
    """The optimizers the kernels mirror, in the kernels' order: optim_ref.POINT."""
    return optim_ref.POINT


def state_rule(cfg):
    """A configuration's random-state rule: the newer ones carry their own (cfg.state)."""
    return getattr(cfg, "state", random_state)


def _plain(value):
    """JSON-ready: arrays to lists, tuples to lists, numpy scalars to Python numbers."""
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _finite_or_none(value: float):
    return value if math.isfinite(value) else None


def _write(folder: Path, name: str, data) -> None:
    (folder / name).write_text(json.dumps(_plain(data), allow_nan=False))


# ---------------------------------------------------------------- meta, surfaces


def meta() -> dict:
    defaults = {}
    for name in names():
        params = inspect.signature(getattr(optim_ref, name).__init__).parameters
        defaults[name] = {k: p.default for k, p in params.items() if k != "self"}
    surfaces = {}
    for name in functions.NAMES:
        s = functions.get(name)
        surfaces[name] = {"window": s.window, "start": s.start, "minima": s.minima,
                          "min_value": _finite_or_none(s.min_value),
                          "params": {f.name: getattr(s, f.name) for f in fields(s)},
                          "box": s.box(BOX_SCALE)}
    return {"optimizers": names(), "defaults": defaults, "surfaces": surfaces,
            "box_scale": BOX_SCALE, "configs": [c.name for c in CONFIGS]}


def surface_cases(rng) -> list[dict]:
    cases = []
    for name, params in [(n, {}) for n in functions.NAMES] + SURFACE_VARIANTS:
        s = functions.get(name, **params)
        (x0, x1), (y0, y1) = s.box(1.5)
        xy = np.stack([rng.uniform(x0, x1, 300), rng.uniform(y0, y1, 300)], axis=-1)
        cases.append({"surface": name, "params": params, "minima": s.minima,
                      "points": xy, "value": s.value(xy), "grad": s.grad(xy)})
    return cases


# ---------------------------------------------------------------- one step


def with_lr(cls, kw: dict, lr: float):
    """The optimizer for one step of a schedule: optim_ref's way of a per-step lr."""
    return cls(**{**kw, "lr": lr})


def step_cases(rng) -> list[dict]:
    out = []
    for cfg in CONFIGS:
        cases = []
        for _ in range(STEP_CASES):
            kw = cfg.draw(rng)
            scale = 10 ** rng.uniform(-3, 1)
            steps = 0 if rng.random() < 0.15 else int(rng.integers(1, 60))
            params = rng.standard_normal(2)
            grads = scale * rng.standard_normal(2)
            state = state_rule(cfg)(cfg.ours(**kw), kw, params, scale, steps, rng)
            # half the cases take a step's own lr, as a schedule hands it, not the optimizer's
            lr = kw["lr"] if rng.random() < 0.5 else 10 ** rng.uniform(-3, 0)
            new_params, new_state = with_lr(cfg.ours, kw, lr).step(params, grads, state)
            cases.append({"hyper": kw, "lr": lr, "params": params, "grads": grads,
                          "state": state._asdict(), "new_params": new_params,
                          "new_state": new_state._asdict()})
        out.append({"config": cfg.name, "optimizer": cfg.ours.__name__, "cases": cases})
    return out


# ---------------------------------------------------------------- whole paths


def reference_run(cls, kw, surface, starts, steps, lrs=None, sigma=0.0, seed=0):
    """optim_ref's ``run``, with a learning rate per step and seeded gradient noise.

    The same loop and divergence rule as optim_ref.trajectory.run, one start per row; the
    step's gradient is grad + sigma * noise.gaussian(seed, t), and step t's optimizer is
    ``cls(lr=lrs[..., t - 1])``, step 1's making the state (``lrs`` of shape (steps,), or
    (rows, steps): one schedule per row). With no lrs and sigma 0 it equals ``run`` bit for
    bit, and with noise it equals ``run(noise=sigma, seed=seed)`` (both tested); ``run`` takes
    a schedule object, not free per-row lr arrays, which is why this loop stays here.
    """
    lo, hi = (np.array(b) for b in zip(*surface.box(BOX_SCALE), strict=True))

    def good(p):  # run's own divergence rule, not a copy of it
        g = surface.grad(p)
        val, ok = trajectory._good(surface, p, g, lo, hi)
        return val, g, ok

    p = np.array(starts, dtype=np.float64)
    path, loss = np.empty((len(p), steps + 1, 2)), np.empty((len(p), steps + 1))
    diverged_at = np.full(len(p), -1)
    xi = noise.gaussian(seed, np.arange(1, steps + 1)) if sigma else None
    with np.errstate(all="ignore"):
        val, g, alive = good(p)
        diverged_at[~alive] = 0
        g = np.where(alive[:, None], g, 0.0)
        path[:, 0], loss[:, 0] = p, val
        def step_opt(t):
            return (cls(**kw) if lrs is None else
                    with_lr(cls, kw, lrs[..., t - 1, None] if np.ndim(lrs) == 2 else lrs[t - 1]))

        # step 1's optimizer makes the state, as in run: a scheduler has set the lr before
        # torch's first step, and Rprop and ASGD start from it
        state = (step_opt(1) if steps else cls(**kw)).init(p)
        for t in range(1, steps + 1):
            if xi is not None:
                g = np.where(alive[:, None], g + sigma * xi[t - 1], 0.0)
            opt = step_opt(t)
            proposed, state = opt.step(p, g, state)
            new_val, new_g, ok = good(proposed)
            diverged_at[alive & ~ok] = t
            alive &= ok
            p = np.where(alive[:, None], proposed, p)
            val = np.where(alive, new_val, val)
            g = np.where(alive[:, None], new_g, 0.0)
            path[:, t], loss[:, t] = p, val
    return path, loss, diverged_at


def _rel(ours, theirs) -> np.ndarray:
    """Per point: max over its values of |ours - theirs| / (|theirs| + 1e-3 max |theirs|)."""
    floor = 1e-3 * np.max(np.abs(theirs))
    diff = np.abs(ours - theirs)
    rel = np.where(diff == 0, 0.0, diff / (np.abs(theirs) + floor))
    return rel.reshape(rel.shape[0], -1).max(axis=1)


def held_points(path, loss, other_path, other_loss) -> int:
    """How many leading points of a run its perturbed twin reproduces to SELF_RTOL."""
    bad = (_rel(other_path, path) > SELF_RTOL) | (_rel(other_loss[:, None], loss[:, None])
                                                  > SELF_RTOL)
    return int(np.argmax(bad)) if bad.any() else len(path)


def perturbed(values: np.ndarray) -> np.ndarray:
    """The twin's start or learning rates: moved by PERTURBATION relative (zero moved to it)."""
    return np.where(values == 0, PERTURBATION, values * (1 + PERTURBATION))


def _records(cfg_name, cls, kws, surface, params, starts, steps, result, lrs, sigma, seed):
    path, loss, div = result
    n = len(starts)
    out = []
    for i in range(n):
        held = held_points(path[i], loss[i], path[n + i], loss[n + i])
        div_held = bool(div[i] == div[n + i] and held >= div[i])
        out.append({"config": cfg_name, "optimizer": cls.__name__, "hyper": kws[i],
                    "surface": surface.name, "params": params, "start": starts[i],
                    "steps": steps, "lr": lrs, "noise": {"sigma": sigma, "seed": seed}
                    if sigma else None, "path": path[i], "loss": loss[i],
                    "diverged_at": None if div[i] < 0 else int(div[i]), "held": held,
                    "diverged_at_held": div_held})
    return out


def _starts(surface, rng, n_random) -> np.ndarray:
    (x0, x1), (y0, y1) = surface.window
    random = np.stack([rng.uniform(x0, x1, n_random), rng.uniform(y0, y1, n_random)], axis=-1)
    return np.concatenate([surface.start[None], random])


def path_cases(rng) -> list[dict]:
    """Plain paths by ``run`` for every configuration on every surface (two lrs, three
    starts), then noisy and scheduled ones for every optimizer by :func:`reference_run`."""
    out = []
    for cfg in CONFIGS:
        kw = cfg.path
        for name in functions.NAMES:
            surface = functions.get(name)
            starts = np.repeat(_starts(surface, rng, 2), 2, axis=0)
            lrs = np.tile([kw["lr"], kw["lr"] / 10], len(starts) // 2)
            rows = np.concatenate([starts, perturbed(starts)])
            opt = cfg.ours(**{**kw, "lr": np.concatenate([lrs, perturbed(lrs)])[:, None]})
            r = run(opt, surface, rows, PATH_STEPS)
            kws = [{**kw, "lr": float(v)} for v in lrs]
            out += _records(cfg.name, cfg.ours, kws, surface, {}, starts, PATH_STEPS,
                            (r.path, r.loss, r.diverged_at), None, 0.0, 0)
    for name in names():
        cls, kw = getattr(optim_ref, name), dict(CONFIGS_BY_CLASS[name].path)
        for surface_name, params in (("rosenbrock", {}),
                                     ("quadratic", {"kappa": 100.0, "angle": 30.0})):
            surface = functions.get(surface_name, **params)
            starts = _starts(surface, rng, 1)
            rows = np.concatenate([starts, perturbed(starts)])
            seed = int(rng.integers(0, 2**32))
            # warm-up then cosine, by hand: schedules are another module's; any lrs will do
            k = np.arange(NOISY_STEPS)
            lrs = kw["lr"] * np.where(k < 50, (k + 1) / 50,
                                      0.5 * (1 + np.cos(np.pi * (k - 50) / (NOISY_STEPS - 50))))
            for sigma, schedule in ((0.5, None), (1.0, lrs)):
                given = np.full(NOISY_STEPS, kw["lr"]) if schedule is None else schedule
                row_lrs = np.stack([given, perturbed(given)]).repeat(len(starts), axis=0)
                result = reference_run(cls, kw, surface, rows, NOISY_STEPS, row_lrs, sigma,
                                       seed)
                out += _records(name, cls, [kw] * len(starts), surface, params, starts,
                                NOISY_STEPS, result, schedule, sigma, seed)
    return out


#: one configuration per class, the one named after it: its path settings
CONFIGS_BY_CLASS = {c.name: c for c in CONFIGS if c.name == c.ours.__name__}


# ---------------------------------------------------------------- noise, errors


def noise_cases(rng) -> dict:
    c0, c1, key = (rng.integers(0, 2**32, 2000, dtype=np.uint64) for _ in range(3))
    w0, w1 = noise.philox2x32(c0, c1, key)
    seeds = [0, 1, 2**32 - 1, int(rng.integers(0, 2**32))]
    steps = np.concatenate([np.arange(1, 1001), rng.integers(1001, 2**32, 200)])
    u0, u1 = noise.uniforms(seeds[3], steps)
    return {"philox": {"c0": c0, "c1": c1, "key": key, "w0": w0, "w1": w1},
            "uniforms": {"seed": seeds[3], "steps": steps, "u0": u0, "u1": u1},
            "gaussians": [{"seed": s, "steps": steps, "xi": noise.gaussian(s, steps)}
                          for s in seeds]}


BAD_VALUES = (-0.5, 1.5, math.nan, math.inf)


def _json_number(v):
    return v if math.isfinite(v) else str(v)  # "nan", "inf": JSON has no such numbers


def error_cases() -> list[dict]:
    """optim_ref's message for every bad value it refuses, per optimizer and argument."""
    out = []
    for name in names():
        cls = getattr(optim_ref, name)
        params = inspect.signature(cls.__init__).parameters
        trials = []
        for arg, p in params.items():
            if isinstance(p.default, float):
                trials += [{arg: v} for v in BAD_VALUES]
            elif isinstance(p.default, tuple):
                trials += [{arg: (v, 0.999)} for v in BAD_VALUES] + [{arg: (0.9, 1.0)}]
        if "nesterov" in params:
            trials += [{"nesterov": True}, {"nesterov": True, "momentum": 0.9, "dampening": 0.5}]
        for hyper in trials:
            try:
                cls(**hyper)
            except ValueError as err:
                shown = {k: [_json_number(x) for x in v] if isinstance(v, tuple)
                         else v if isinstance(v, bool) else _json_number(v)
                         for k, v in hyper.items()}
                out.append({"optimizer": name, "hyper": shown, "message": str(err)})
    for name, params in (("quadratic", {"kappa": -1.0}), ("quadratic", {"kappa": 0.0}),
                         ("quadratic", {"angle": math.inf})):
        try:
            functions.get(name, **params)
        except ValueError as err:
            out.append({"surface": name, "params": {k: _json_number(v)
                                                    for k, v in params.items()},
                        "message": str(err)})
    return out


# ---------------------------------------------------------------- schedules

SCHEDULE_STEPS = 400


def schedule_specs(rng) -> list[dict]:
    """Every schedule of optim_ref.schedules with its options, as {name, args} (JSON-ready);
    SequentialLR's children likewise, one with a closed form at its milestone, one without."""
    warm = {"name": "LinearLR", "args": {"start_factor": 0.1, "total_iters": 20}}
    return [
        {"name": "StepLR", "args": {"step_size": 30}},
        {"name": "StepLR", "args": {"step_size": 7, "gamma": float(rng.uniform(0.5, 0.99))}},
        {"name": "MultiStepLR", "args": {"milestones": [50, 120, 121, 300], "gamma": 0.5}},
        {"name": "ExponentialLR", "args": {"gamma": float(rng.uniform(0.98, 0.999))}},
        {"name": "CosineAnnealingLR", "args": {"T_max": 400}},
        {"name": "CosineAnnealingLR", "args": {"T_max": 90, "eta_min": 1e-4}},  # past T_max
        {"name": "CosineAnnealingWarmRestarts", "args": {"T_0": 50}},
        {"name": "CosineAnnealingWarmRestarts", "args": {"T_0": 13, "T_mult": 2,
                                                         "eta_min": 1e-3}},
        {"name": "LinearLR", "args": {}},
        {"name": "LinearLR", "args": {"start_factor": 1.0, "end_factor": 0.05,
                                      "total_iters": 250}},
        {"name": "OneCycleLR", "args": {"max_lr": 0.5, "total_steps": 400}},
        {"name": "OneCycleLR", "args": {"max_lr": 0.1, "epochs": 8, "steps_per_epoch": 50,
                                        "pct_start": 0.25, "anneal_strategy": "linear",
                                        "three_phase": True, "div_factor": 10.0}},
        {"name": "OneCycleLR", "args": {"max_lr": 0.2, "total_steps": 400,
                                        "cycle_momentum": False}},
        {"name": "SequentialLR", "args": {"schedulers": [
            warm, {"name": "CosineAnnealingLR", "args": {"T_max": 380}}], "milestones": [20]}},
        {"name": "SequentialLR", "args": {"schedulers": [
            warm, {"name": "CosineAnnealingWarmRestarts", "args": {"T_0": 60}},
            {"name": "ExponentialLR", "args": {"gamma": 0.99}}], "milestones": [20, 200]}},
        {"name": "SequentialLR", "args": {"schedulers": [
            {"name": "ExponentialLR", "args": {"gamma": 0.995}},
            {"name": "StepLR", "args": {"step_size": 40, "gamma": 0.7}}],
            "milestones": [100]}},
    ]


def build_schedule(spec: dict):
    """The optim_ref schedule of a {name, args} spec (the JS side reads the same spec)."""
    args = dict(spec["args"])
    if "schedulers" in args:
        args["schedulers"] = [build_schedule(s) for s in args["schedulers"]]
    return getattr(optim_ref.schedules, spec["name"])(**args)


def schedule_cases(rng) -> list[dict]:
    out = []
    for spec in schedule_specs(rng):
        sched = build_schedule(spec)
        base_lr = float(10 ** rng.uniform(-3, 0))
        momenta = sched.momenta(base_lr, SCHEDULE_STEPS)
        out.append({**spec, "base_lr": base_lr, "steps": SCHEDULE_STEPS,
                    "lrs": sched.lrs(base_lr, SCHEDULE_STEPS), "momenta": momenta})
    return out


def export(folder: Path, seed: int = 20240614) -> Path:
    """Write every case file into ``folder``; returns it."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    _write(folder, "meta.json", meta())
    _write(folder, "surfaces.json", surface_cases(rng))
    _write(folder, "steps.json", step_cases(rng))
    _write(folder, "noise.json", noise_cases(rng))
    _write(folder, "errors.json", error_cases())
    _write(folder, "paths.json", path_cases(rng))
    _write(folder, "schedules.json", schedule_cases(rng))
    return folder
