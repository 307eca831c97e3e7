"""The heavy ball on a quadratic, per eigendirection: what the momentum page's formulas compute.

Along an eigendirection of curvature ``lam`` the momentum update (GD when ``beta = 0``) is the
linear recurrence ``e_{t+1} = (1 + beta - eta lam) e_t - beta e_{t-1}``, whose iteration matrix

    [[1 + beta - eta lam, -beta],
     [1,                   0   ]]

has the characteristic polynomial ``z^2 - (1 + beta - eta lam) z + beta``. The error shrinks per
step by the matrix's spectral radius (its largest root in magnitude), and on the whole surface by
the worst direction's. Polyak (1964) gives the tuned pair; Goh, "Why Momentum Really Works"
(Distill 2017), draws the same analysis.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def iteration_matrix(eta: float, beta: float, lam: float) -> np.ndarray:
    """The 2x2 matrix taking (e_t, e_{t-1}) to (e_{t+1}, e_t) along one eigendirection."""
    return np.array([[1.0 + beta - eta * lam, -beta], [1.0, 0.0]])


def rate(eta, beta, curvatures: Sequence[float]) -> np.ndarray:
    """Spectral radius of the iteration, the worst over ``curvatures``; broadcasts over eta, beta.

    The roots are ``(b +- sqrt(b^2 - 4 beta)) / 2`` with ``b = 1 + beta - eta lam``: written in
    closed form (rather than ``np.linalg.eigvals`` per point) so a dense grid of learning
    rates costs one array expression.
    """
    eta, beta = np.asarray(eta, dtype=float), np.asarray(beta, dtype=float)
    worst = np.zeros(np.broadcast(eta, beta).shape)
    for lam in curvatures:
        b = 1.0 + beta - eta * lam
        disc = b * b - 4.0 * beta
        real = (np.abs(b) + np.sqrt(np.maximum(disc, 0.0))) / 2.0
        worst = np.maximum(worst, np.where(disc < 0.0, np.sqrt(beta), real))
    return worst


def best_rate(beta: float, curvatures: Sequence[float], n: int = 200_001) -> tuple[float, float]:
    """(eta, rate): the learning rate with the smallest rate at this ``beta``, on a dense grid.

    The grid spans the stable range ``0 < eta < 2 (1 + beta) / lam_max``. Where a whole
    interval of rates shares the minimum (the sqrt(beta) floor), the middle of it is returned:
    at its ends one direction has a double root, whose error decays as ``t r^t``, slower.
    """
    top = 2.0 * (1.0 + beta) / max(curvatures)
    etas = np.linspace(0.0, top, n + 2)[1:-1]
    rates = rate(etas, beta, curvatures)
    low = rates.min()
    flat = np.flatnonzero(rates <= low + 1e-12)
    i = flat[len(flat) // 2] if flat[-1] - flat[0] + 1 == len(flat) else int(np.argmin(rates))
    return float(etas[i]), float(rates[i])


def polyak(curvatures: Sequence[float]) -> tuple[float, float]:
    """Polyak's tuned (eta, beta) for curvatures from mu to L, with k = L / mu:

    ``eta = 4 / (sqrt L + sqrt mu)^2`` and ``beta = ((sqrt k - 1) / (sqrt k + 1))^2``.
    """
    lo, hi = float(min(curvatures)), float(max(curvatures))
    s = np.sqrt(hi / lo)
    return 4.0 / (np.sqrt(lo) + np.sqrt(hi)) ** 2, float(((s - 1.0) / (s + 1.0)) ** 2)


def measured_rate(loss: np.ndarray, floor: float = 1e-24) -> float:
    """The per-step factor of the error read off a run's loss (loss ~ error^2).

    Fitted from a quarter of the way in to the last step whose loss is above ``floor`` (past
    that, rounding decides), so the start's transient and the end's round-off are left out.
    """
    loss = np.asarray(loss, dtype=float).reshape(-1)
    above = np.flatnonzero(loss > floor)
    end = int(above[-1]) if above.size else 0
    begin = end // 4
    if end - begin < 8:
        raise ValueError(f"too few steps above the floor to measure a rate ({end - begin})")
    t = np.arange(begin, end + 1)
    slope = np.polyfit(t, np.log(loss[begin:end + 1]), 1)[0]
    return float(np.exp(slope / 2.0))
