"""Benchmark optim_ref's optimizers; `make bench` runs this and prints labelled lines.

1. One Adam step on 10**7 float64 parameters, optim_ref against torch.optim.Adam(foreach=True),
   median of interleaved runs. The ratio is information only, with no target: optim_ref's
   step is written like the formula, so it costs what numpy's out-of-place operations cost,
   while torch updates in place on all its threads.
2. A sweep of the seven lecture optimizers x 16 learning rates x 64 starts x 500 steps on
   Rosenbrock: batched (lr of shape (1024, 1), one `run` per optimizer) against the same
   trajectories one at a time in a Python loop. Targets: at least 100x faster, batched < 2 s.
   The loop is timed on a fixed random sample of the trajectories and extrapolated (the
   printout says how many); every sampled trajectory is also checked against its batched twin.

Every number printed is measured here; nothing is hard-coded.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time

import numpy as np
import torch

import optim_ref
from optim_ref import Adam, functions, run

N_PARAMS = 10**7
N_LR, N_STARTS, STEPS = 16, 64, 500

#: learning-rate ranges (log-spaced, 16 values) that span converging and diverging runs
LR_RANGE = {
    "SGD": (1e-4, 3e-3),
    "Momentum": (1e-5, 1e-3),
    "NAG": (1e-5, 1e-3),
    "Adagrad": (1e-2, 3.0),
    "Adadelta": (1e-1, 30.0),
    "RMSprop": (1e-3, 1e-1),
    "Adam": (1e-3, 3e-1),
}


def bench_adam(repeats: int) -> None:
    rng = np.random.default_rng(0)
    params = rng.standard_normal(N_PARAMS)
    grads = rng.standard_normal(N_PARAMS)

    ours = Adam(lr=1e-3)
    state = ours.init(params)
    params, state = ours.step(params, grads, state)  # warm-up, and a state past step 0

    tparam = torch.tensor(params)
    tparam.grad = torch.tensor(grads)
    theirs = torch.optim.Adam([tparam], lr=1e-3, foreach=True)
    theirs.step()  # warm-up: builds torch's state

    times_ours, times_torch = [], []
    for _ in range(repeats):  # interleaved, so drifts of the machine hit both alike
        start = time.perf_counter()
        out = ours.step(params, grads, state)
        times_ours.append(time.perf_counter() - start)
        del out
        start = time.perf_counter()
        theirs.step()
        times_torch.append(time.perf_counter() - start)

    t_ours, t_torch = statistics.median(times_ours), statistics.median(times_torch)
    ratio = t_ours / t_torch
    print(
        f"adam step 1e7 float64: optim_ref {t_ours * 1e3:.1f} ms, torch {t_torch * 1e3:.1f} ms, "
        f"ratio {ratio:.2f}x (information only; median of {repeats} interleaved runs, "
        f"torch on {torch.get_num_threads()} threads)"
    )


def sweep_grid():
    """The 1024 (lr, start) pairs: 16 learning rates x 64 starts, lr varying fastest."""
    rng = np.random.default_rng(1)
    surface = functions.get("rosenbrock")
    (x0, x1), (y0, y1) = surface.window
    starts = np.column_stack([rng.uniform(x0, x1, N_STARTS), rng.uniform(y0, y1, N_STARTS)])
    return surface, np.repeat(starts, N_LR, axis=0)


def bench_sweep(sample: int) -> None:
    surface, starts = sweep_grid()
    batch = starts.shape[0]
    names = optim_ref.LECTURE

    batched_paths = {}
    lrs = {}
    t0 = time.perf_counter()
    for name in names:
        lo, hi = LR_RANGE[name]
        lr = np.tile(np.geomspace(lo, hi, N_LR), N_STARTS)[:, None]  # (1024, 1)
        lrs[name] = lr
        batched_paths[name] = run(getattr(optim_ref, name)(lr=lr), surface, starts, STEPS).path
    t_batched = time.perf_counter() - t0

    # the loop: one trajectory per run() call, scalar lr; a fixed random sample of them
    total = len(names) * batch
    rng = np.random.default_rng(2)
    picks = sorted(rng.choice(total, size=min(sample, total), replace=False).tolist())
    worst = 0.0
    t0 = time.perf_counter()
    for k in picks:
        name, row = names[k // batch], k % batch
        opt = getattr(optim_ref, name)(lr=float(lrs[name][row, 0]))
        path = run(opt, surface, starts[row : row + 1], STEPS).path
        worst = max(worst, float(np.max(np.abs(path[0] - batched_paths[name][row]))))
    t_sample = time.perf_counter() - t0
    t_loop = t_sample / len(picks) * total
    speedup = t_loop / t_batched
    sampled = len(picks) < total
    verdict = "ok" if speedup >= 100 and t_batched < 2.0 else "MISSED"
    how = (
        f"loop time extrapolated from a fixed random sample of {len(picks)} of {total} "
        f"trajectories ({t_sample:.2f} s measured)"
        if sampled
        else f"loop measured over all {total} trajectories"
    )
    print(
        f"sweep 7x16x64x500 rosenbrock: batched {t_batched:.2f} s, loop {t_loop:.0f} s, "
        f"speedup {speedup:.0f}x (targets >= 100x, batched < 2 s; {verdict})"
    )
    print(f"  {how}; largest |loop - batched| path difference: {worst:.1e}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=9, help="interleaved Adam runs")
    parser.add_argument(
        "--sample",
        type=int,
        default=256,
        help="trajectories timed in the Python loop (7168 = all of them, no extrapolation)",
    )
    args = parser.parse_args(argv)
    print(f"numpy {np.__version__}, torch {torch.__version__}, optim_ref {optim_ref.__version__}")
    bench_adam(args.repeats)
    bench_sweep(args.sample)
    return 0


if __name__ == "__main__":
    sys.exit(main())
