"""optim_ref.schedules against torch 2.13's lr_scheduler: every schedule, several argument
sets, the lr (and OneCycleLR's momentum) before each optimizer.step(), to 1e-12 relative."""

import dataclasses
import warnings

import numpy as np
import pytest
import torch

from optim_ref import SGD, Adagrad, Adam, Momentum
from optim_ref.schedules import (
    CosineAnnealingLR,
    CosineAnnealingWarmRestarts,
    ExponentialLR,
    LinearLR,
    MultiStepLR,
    OneCycleLR,
    SequentialLR,
    StepLR,
    per_step,
)

S = torch.optim.lr_scheduler


def to_torch(schedule, optimizer):
    """The torch scheduler with the same arguments (inner ones first, as torch users write)."""
    kwargs = {f.name: getattr(schedule, f.name) for f in dataclasses.fields(schedule)}
    if isinstance(schedule, SequentialLR):
        kwargs["schedulers"] = [to_torch(s, optimizer) for s in schedule.schedulers]
        kwargs["milestones"] = list(schedule.milestones)
    if isinstance(schedule, MultiStepLR):
        kwargs["milestones"] = list(schedule.milestones)
    return getattr(S, type(schedule).__name__)(optimizer, **kwargs)


def torch_loop(schedule, base_lr, steps, kind="sgd"):
    """lr (and momentum) in param_groups[0] before each optimizer.step(), torch's way."""
    p = torch.zeros(3, dtype=torch.float64, requires_grad=True)
    if kind == "sgd":
        opt = torch.optim.SGD([p], lr=base_lr, momentum=0.9)
    else:
        opt = torch.optim.Adam([p], lr=base_lr)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch's SequentialLR warns about get_lr
        sched = to_torch(schedule, opt)
        lrs, moms = [], []
        for _ in range(steps):
            g = opt.param_groups[0]
            lrs.append(g["lr"])
            moms.append(g["momentum"] if kind == "sgd" else g["betas"][0])
            p.grad = torch.ones_like(p)
            opt.step()
            sched.step()
    return np.array(lrs, dtype=np.float64), np.array(moms, dtype=np.float64)


CASES = [
    (StepLR(step_size=3), 0.1, 20),
    (StepLR(step_size=7, gamma=0.5), 1.3, 50),
    (StepLR(step_size=1, gamma=0.97), 0.01, 300),
    (MultiStepLR(milestones=[5, 12, 30]), 0.1, 40),
    (MultiStepLR(milestones=[1, 2, 100], gamma=0.3), 2.0, 120),
    (ExponentialLR(gamma=0.9), 0.1, 60),
    (ExponentialLR(gamma=0.999), 0.5, 500),
    (ExponentialLR(gamma=1.01), 0.001, 100),
    (CosineAnnealingLR(T_max=10), 0.1, 10),
    (CosineAnnealingLR(T_max=10), 0.1, 45),          # past T_max: torch's recursion goes back up
    (CosineAnnealingLR(T_max=200, eta_min=1e-4), 0.3, 200),
    (CosineAnnealingLR(T_max=1), 1.0, 6),
    (CosineAnnealingWarmRestarts(T_0=5), 0.1, 23),
    (CosineAnnealingWarmRestarts(T_0=3, T_mult=2, eta_min=0.01), 0.2, 60),
    (CosineAnnealingWarmRestarts(T_0=1), 0.1, 5),
    (LinearLR(), 0.1, 12),
    (LinearLR(start_factor=0.01, total_iters=50), 0.3, 80),
    (LinearLR(start_factor=1.0, end_factor=0.0, total_iters=30), 0.1, 40),
    (LinearLR(start_factor=0.5, end_factor=0.25, total_iters=7), 1.0, 10),
    (OneCycleLR(max_lr=0.1, total_steps=100), 0.0123, 100),
    (OneCycleLR(max_lr=1.0, epochs=4, steps_per_epoch=25, pct_start=0.25,
                anneal_strategy="linear"), 0.5, 100),
    (OneCycleLR(max_lr=0.05, total_steps=90, three_phase=True, div_factor=10.0,
                final_div_factor=100.0, base_momentum=0.8, max_momentum=0.9), 0.1, 90),
    (OneCycleLR(max_lr=0.2, total_steps=40, pct_start=0.0), 0.1, 40),
    (SequentialLR([LinearLR(0.1, total_iters=5), CosineAnnealingLR(T_max=15)],
                  milestones=[5]), 0.1, 30),
    (SequentialLR([LinearLR(0.25, total_iters=4), ExponentialLR(0.9), StepLR(3, 0.5)],
                  milestones=[6, 20]), 0.2, 40),
    (SequentialLR([ExponentialLR(0.8), CosineAnnealingWarmRestarts(T_0=4, T_mult=2)],
                  milestones=[3]), 0.1, 30),
    (SequentialLR([CosineAnnealingWarmRestarts(T_0=4), MultiStepLR([2, 5])],
                  milestones=[10]), 0.1, 25),
    (SequentialLR([StepLR(2), OneCycleLR(0.3, total_steps=30, cycle_momentum=False)],
                  milestones=[5]), 0.1, 30),
]
IDS = [f"{type(s).__name__}-{i}" for i, (s, _, _) in enumerate(CASES)]


@pytest.mark.parametrize(("schedule", "base_lr", "steps"), CASES, ids=IDS)
def test_lrs_equal_torch(schedule, base_lr, steps):
    lrs = schedule.lrs(base_lr, steps)
    want, want_m = torch_loop(schedule, base_lr, steps)
    assert lrs.dtype == np.float64 and lrs.shape == (steps,)
    np.testing.assert_allclose(lrs, want, rtol=1e-12, atol=0)
    momenta = schedule.momenta(base_lr, steps)
    if isinstance(schedule, OneCycleLR) and schedule.cycle_momentum:
        np.testing.assert_allclose(momenta, want_m, rtol=1e-12, atol=0)
        np.testing.assert_allclose(momenta, torch_loop(schedule, base_lr, steps, "adam")[1],
                                   rtol=1e-12, atol=0)
    else:
        assert momenta is None


def test_cosine_recursion_differs_from_closed_form_past_t_max():
    """Not a formula evaluation: past T_max torch's recursive cosine climbs back up."""
    lrs = CosineAnnealingLR(T_max=10).lrs(1.0, 21)
    assert lrs[10] == pytest.approx(0.0, abs=1e-15)
    assert lrs[20] == pytest.approx(1.0, rel=1e-12)


def test_one_cycle_ignores_base_lr_and_stops_at_total_steps():
    s = OneCycleLR(max_lr=0.4, total_steps=20)
    np.testing.assert_array_equal(s.lrs(0.1, 20), s.lrs(7.0, 20))
    assert s.lrs(0.1, 1)[0] == pytest.approx(0.4 / 25, rel=1e-12)
    with pytest.raises(ValueError, match=r"stepped 21 times, past its total_steps=20"):
        s.lrs(0.1, 21)


@pytest.mark.parametrize(("make", "match"), [
    (lambda: StepLR(0), r"Invalid step_size: 0 \(step_size must be an integer in \[1, inf\)\)"),
    (lambda: StepLR(2.5), r"Invalid step_size: 2.5"),
    (lambda: StepLR(3, gamma=-0.1), r"Invalid gamma: -0.1 \(gamma must be in \(0, inf\)\)"),
    (lambda: MultiStepLR([5, 3]), r"Invalid milestones: \[5, 3\].*strictly increasing"),
    (lambda: MultiStepLR([0, 3]), r"Invalid milestones\[0\]: 0"),
    (lambda: ExponentialLR(float("nan")), r"Invalid gamma: nan"),
    (lambda: CosineAnnealingLR(0), r"Invalid T_max: 0"),
    (lambda: CosineAnnealingLR(10, eta_min=-1.0), r"Invalid eta_min: -1.0 \(eta_min must be in"),
    (lambda: CosineAnnealingWarmRestarts(0), r"Invalid T_0: 0"),
    (lambda: CosineAnnealingWarmRestarts(5, T_mult=0), r"Invalid T_mult: 0"),
    (lambda: LinearLR(start_factor=0.0), r"Invalid start_factor: 0.0 \(start_factor must be in "
                                         r"\(0, 1\]\)"),
    (lambda: LinearLR(end_factor=1.5), r"Invalid end_factor: 1.5 \(end_factor must be in \[0, 1\]"),
    (lambda: LinearLR(total_iters=0), r"Invalid total_iters: 0"),
    (lambda: OneCycleLR(0.0, total_steps=10), r"Invalid max_lr: 0.0"),
    (lambda: OneCycleLR(0.1), r"Invalid total_steps: None"),
    (lambda: OneCycleLR(0.1, epochs=0, steps_per_epoch=3), r"Invalid epochs: 0"),
    (lambda: OneCycleLR(0.1, total_steps=10, pct_start=1.5), r"Invalid pct_start: 1.5"),
    (lambda: OneCycleLR(0.1, total_steps=10, pct_start=0.1), r"Invalid pct_start: 0.1 .*phase 1"),
    (lambda: OneCycleLR(0.1, total_steps=10, anneal_strategy="exp"),
     r"Invalid anneal_strategy: 'exp'"),
    (lambda: OneCycleLR(0.1, total_steps=10, base_momentum=0.0), r"Invalid base_momentum: 0.0"),
    (lambda: SequentialLR([], []), r"Invalid schedulers: \[\]"),
    (lambda: SequentialLR([StepLR(2), StepLR(3)], [4, 5]), r"Invalid milestones: \[4, 5\] "
                                                         r"\(with 2 schedulers there must be 1"),
    (lambda: SequentialLR([SequentialLR([StepLR(2)], [])], []), r"Invalid schedulers\[0\]"),
    (lambda: StepLR(2).lrs(-0.1, 5), r"Invalid base_lr: -0.1"),
    (lambda: StepLR(2).lrs(0.1, -1), r"Invalid steps: -1"),
])
def test_invalid_arguments(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_torch_also_fails_where_one_cycle_refuses_pct_start():
    """The refused pct_start is one torch cannot run either (0/0 in its first phase)."""
    opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1, momentum=0.9)
    with pytest.raises(ZeroDivisionError):
        S.OneCycleLR(opt, max_lr=0.1, total_steps=10, pct_start=0.1)


def test_schedules_are_hashable_values():
    a = SequentialLR([LinearLR(0.1, total_iters=5), MultiStepLR([3, 9])], milestones=[5])
    b = SequentialLR((LinearLR(0.1, total_iters=5), MultiStepLR((3, 9))), milestones=(5,))
    assert a == b and hash(a) == hash(b)


def test_per_step_replaces_lr_and_cycles_momentum_or_refuses():
    s = OneCycleLR(max_lr=0.1, total_steps=10)
    opts = per_step(Adam(lr=0.5, betas=(0.9, 0.99)), s, 10)
    np.testing.assert_array_equal([o.lr for o in opts], s.lrs(0.5, 10))
    np.testing.assert_array_equal([o.betas[0] for o in opts], s.momenta(0.5, 10))
    assert {o.betas[1] for o in opts} == {0.99}
    assert [o.momentum for o in per_step(SGD(lr=0.1), s, 3)] == list(s.momenta(0.1, 3))
    with pytest.raises(ValueError, match=r"Adagrad has neither momentum nor betas"):
        per_step(Adagrad(lr=0.1), s, 10)
    plain = per_step(Adagrad(lr=0.1), dataclasses.replace(s, cycle_momentum=False), 10)
    np.testing.assert_array_equal([o.lr for o in plain], s.lrs(0.1, 10))
    sweep = per_step(Momentum(lr=np.array([[0.1], [0.2]])), CosineAnnealingLR(5), 5)
    np.testing.assert_array_equal(np.stack([o.lr[:, 0] for o in sweep]),
                                  np.stack([CosineAnnealingLR(5).lrs(b, 5) for b in (0.1, 0.2)],
                                           axis=1))
