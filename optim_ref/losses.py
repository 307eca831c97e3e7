"""Loss functions with their gradients, in torch's conventions (mean over elements).

API: every loss is a pair of plain functions, ``name(pred, target) -> float`` and
``name_grad(pred, target) -> array`` (the gradient with respect to ``pred``, the shape of
``pred``), and a :class:`Loss` object bundling them, found by name with :func:`get`:

    mse(pred, target)              mean((pred - target)^2)                     torch MSELoss
    mae(pred, target)              mean(|pred - target|)                       torch L1Loss
    huber(pred, target, delta=1)   quadratic within delta, linear beyond       torch HuberLoss
    bce(logits, target)            binary cross-entropy from logits, target in [0, 1]
                                                                    torch BCEWithLogitsLoss
    cross_entropy(logits, labels)  softmax cross-entropy, logits (n, C), labels (n,) ints
                                                                    torch CrossEntropyLoss

    losses.get("huber", delta=2.0).value(pred, target)

Why three regression losses: the gradient of MSE grows with the residual, so one outlier
pulls the fit as hard as many inliers; MAE's gradient is a constant-size sign, so outliers
only vote; Huber is MSE near the fit and MAE far from it. :func:`fit_line` shows it.

The cross-entropies take raw scores (logits), never probabilities, and are computed stably:
no ``exp`` of a large positive number is ever taken, so logits of 1e4 give exact answers.
Softmax cross-entropy depends only on the differences between the target's score and the
others (adding a constant to every logit changes nothing): it only asks the target's score
to beat the rest, by a margin that makes the loss small, and never asks any score to reach
a particular value. Its gradient is ``softmax(logits) - onehot(labels)``, divided by ``n``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

Array = np.ndarray


def _pair(pred, target) -> tuple[Array, Array]:
    pred = np.asarray(pred, dtype=np.float64)
    target = np.asarray(target, dtype=np.float64)
    if pred.shape != target.shape:
        raise ValueError(f"pred shape {pred.shape} does not match target shape {target.shape}")
    return pred, target


# --- regression ---------------------------------------------------------------------------


def mse(pred, target) -> float:
    """Mean squared error."""
    pred, target = _pair(pred, target)
    return float(np.mean((pred - target) ** 2))


def mse_grad(pred, target) -> Array:
    pred, target = _pair(pred, target)
    return 2.0 * (pred - target) / pred.size


def mae(pred, target) -> float:
    """Mean absolute error."""
    pred, target = _pair(pred, target)
    return float(np.mean(np.abs(pred - target)))


def mae_grad(pred, target) -> Array:
    """``sign(pred - target) / n``; at a zero residual the subgradient 0, as torch uses."""
    pred, target = _pair(pred, target)
    return np.sign(pred - target) / pred.size


def _check_delta(delta: float) -> float:
    if not (np.isfinite(delta) and delta > 0):
        raise ValueError(f"Invalid delta: {delta} (delta must be in (0, inf))")
    return float(delta)


def huber(pred, target, delta: float = 1.0) -> float:
    """Huber loss: ``r^2 / 2`` for ``|r| <= delta``, else ``delta (|r| - delta / 2)``."""
    pred, target = _pair(pred, target)
    delta = _check_delta(delta)
    a = np.abs(pred - target)
    return float(np.mean(np.where(a <= delta, 0.5 * a * a, delta * (a - 0.5 * delta))))


def huber_grad(pred, target, delta: float = 1.0) -> Array:
    """The residual, clipped to ``[-delta, delta]``, over ``n``."""
    pred, target = _pair(pred, target)
    delta = _check_delta(delta)
    return np.clip(pred - target, -delta, delta) / pred.size


# --- classification -----------------------------------------------------------------------


def sigmoid(z) -> Array:
    """``1 / (1 + exp(-z))`` without overflow for either sign of ``z``."""
    z = np.asarray(z, dtype=np.float64)
    e = np.exp(-np.abs(z))  # in (0, 1]: never overflows
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def log_softmax(logits, axis: int = -1) -> Array:
    """``logits - logsumexp(logits)``, shifted by the maximum so nothing overflows."""
    z = np.asarray(logits, dtype=np.float64)
    shifted = z - np.max(z, axis=axis, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))


def softmax(logits, axis: int = -1) -> Array:
    return np.exp(log_softmax(logits, axis=axis))


def bce(logits, target) -> float:
    """Binary cross-entropy of ``sigmoid(logits)`` against ``target`` in [0, 1].

    ``-[y log s + (1 - y) log(1 - s)] = max(z, 0) - z y + log(1 + exp(-|z|))``: the right
    side is the same number, written so that no exponential can overflow.
    """
    z, y = _pair(logits, target)
    return float(np.mean(bce_terms(z, y)))


def bce_terms(logits, target) -> Array:
    """The per-example terms that :func:`bce` averages (any matching shapes, no reduction)."""
    z, y = np.asarray(logits, dtype=np.float64), np.asarray(target, dtype=np.float64)
    return np.maximum(z, 0.0) - z * y + np.log1p(np.exp(-np.abs(z)))


def bce_grad(logits, target) -> Array:
    z, y = _pair(logits, target)
    return (sigmoid(z) - y) / z.size


def _logits_labels(logits, labels) -> tuple[Array, Array]:
    z = np.asarray(logits, dtype=np.float64)
    y = np.asarray(labels)
    if z.ndim != 2 or y.shape != (z.shape[0],):
        raise ValueError(
            f"cross_entropy wants logits (n, C) and labels (n,), got {z.shape} and {y.shape}"
        )
    if not np.issubdtype(y.dtype, np.integer):
        raise ValueError(f"labels must be integer class indices, got dtype {y.dtype}")
    if y.size and (y.min() < 0 or y.max() >= z.shape[1]):
        raise ValueError(f"labels must lie in [0, {z.shape[1] - 1}], got {y.min()}..{y.max()}")
    return z, y


def cross_entropy(logits, labels) -> float:
    """Softmax cross-entropy: the mean of ``-log softmax(logits)[label]`` over the rows."""
    z, y = _logits_labels(logits, labels)
    return float(-np.mean(log_softmax(z)[np.arange(len(y)), y]))


def cross_entropy_grad(logits, labels) -> Array:
    z, y = _logits_labels(logits, labels)
    g = softmax(z)
    g[np.arange(len(y)), y] -= 1.0
    return g / z.shape[0]


# --- by name ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Loss:
    """A loss by name, with its keyword parameters bound (``delta`` for Huber)."""

    name: str
    params: dict[str, Any] = field(default_factory=dict, hash=False)

    def value(self, pred, target) -> float:
        return _TABLE[self.name][0](pred, target, **self.params)

    def grad(self, pred, target) -> Array:
        return _TABLE[self.name][1](pred, target, **self.params)

    __call__ = value


_TABLE: dict[str, tuple[Callable[..., float], Callable[..., Array]]] = {
    "mse": (mse, mse_grad),
    "mae": (mae, mae_grad),
    "huber": (huber, huber_grad),
    "bce": (bce, bce_grad),
    "cross_entropy": (cross_entropy, cross_entropy_grad),
}

#: the loss names, regression first
NAMES: tuple[str, ...] = tuple(_TABLE)


def get(name: str, **params) -> Loss:
    """The loss called ``name``, e.g. ``get("huber", delta=0.5)``."""
    if name not in _TABLE:
        raise KeyError(f"unknown loss {name!r}; valid names: {', '.join(NAMES)}")
    if params and name != "huber":
        raise TypeError(f"loss {name!r} takes no parameters, got {sorted(params)}")
    if "delta" in params:
        _check_delta(params["delta"])
    return Loss(name, dict(params))


# --- a figure's worth of fitting ----------------------------------------------------------


def fit_line(x, y, loss: str | Loss, optimizer: Any, steps: int = 2000,
             start=(0.0, 0.0)) -> Array:
    """Fit ``y = a x + b`` by ``steps`` optimizer steps on ``loss``; return ``[a, b]``.

    ``loss`` is a name (``"mse"``, ``"mae"``, ``"huber"``) or a :class:`Loss` (for another
    ``delta``). The gradient is the chain rule through the line: ``dL/da = sum(g * x)``,
    ``dL/db = sum(g)`` with ``g`` the loss's gradient with respect to the predictions.
    """
    loss = get(loss) if isinstance(loss, str) else loss
    x = np.asarray(x, dtype=np.float64).ravel()
    y = np.asarray(y, dtype=np.float64).ravel()
    if x.shape != y.shape:
        raise ValueError(f"x and y must have the same length, got {x.size} and {y.size}")
    params = np.array(start, dtype=np.float64)
    if params.shape != (2,):
        raise ValueError(f"start must be (a, b), got shape {params.shape}")
    state = optimizer.init(params)
    for _ in range(int(steps)):
        g = loss.grad(params[0] * x + params[1], y)
        params, state = optimizer.step(params, np.array([g @ x, g.sum()]), state)
    return params


__all__ = [
    "NAMES", "Loss", "get", "mse", "mse_grad", "mae", "mae_grad", "huber", "huber_grad",
    "bce", "bce_grad", "cross_entropy", "cross_entropy_grad", "sigmoid", "softmax",
    "log_softmax", "fit_line",
]
