"""A one-hidden-layer network in numpy, with backpropagation written out by hand.

    y_hat = act(x @ W1 + b1) @ W2 + b2          act = tanh or relu

Shapes: ``x`` is ``(n, n_in)`` (or ``(n,)`` for one input feature), ``W1`` is
``(n_in, n_hidden)``, ``b1`` ``(n_hidden,)``, ``W2`` ``(n_hidden, n_out)``, ``b2``
``(n_out,)``, and ``y_hat`` is ``(n, n_out)`` (or ``(n,)`` when ``x`` was ``(n,)`` and
``n_out == 1``). The loss is the mean squared error over all ``n * n_out`` outputs, or, with
``loss="cross_entropy"``, softmax cross-entropy of the outputs (logits) against integer class
labels ``y`` of shape ``(n,)`` (torch's ``F.cross_entropy``); then ``n_out`` (the number of
classes) is given, since labels do not show it.

All parameters live in ONE flat float vector, ``[W1, b1, W2, b2]`` each in row-major order,
so any optimizer of this package trains the network unchanged:

    params = mlp.init_params(1, 16, 1, seed=0)
    params, history = mlp.train(Adam(lr=0.01), params, x, y, steps=2000)
    y_hat = mlp.forward(params, x)

The hidden width need not be passed around: with ``n_in`` and ``n_out`` known (from ``x``
and ``y``, or ``n_out`` given to :func:`forward`), the length of ``params`` fixes it.
Mini-batches: ``train(..., batch_size=64, seed=0)`` steps on the batches of
``optim_ref.data.batches`` (torch's ``DataLoader(shuffle=True)`` semantics) and ``schedule=``
changes the lr per step as ``optim_ref.run`` does (``optim_ref.schedules.per_step``).

    split = optim_ref.data.load_digits()
    params = mlp.init_params(64, 32, 10, seed=0)
    params, history = mlp.train(Adam(lr=1e-2), params, split.x_train, split.y_train, 300,
                                loss="cross_entropy", n_out=10, batch_size=64)
    mlp.accuracy(params, split.x_val, split.y_val, n_out=10)

Everything is deterministic given the seed.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from optim_ref import losses
from optim_ref.data.sampler import batches
from optim_ref.schedules import per_step

Array = np.ndarray

ACTIVATIONS = ("tanh", "relu")
#: the training losses: mean squared error, or softmax cross-entropy for classification
LOSSES = ("mse", "cross_entropy")


class Layers(NamedTuple):
    """Views into a flat parameter vector (writing to them writes to the vector)."""

    W1: Array  # (n_in, n_hidden)
    b1: Array  # (n_hidden,)
    W2: Array  # (n_hidden, n_out)
    b2: Array  # (n_out,)


def n_params(n_in: int, n_hidden: int, n_out: int = 1) -> int:
    """The length of the flat parameter vector."""
    return n_in * n_hidden + n_hidden + n_hidden * n_out + n_out


def hidden_width(size: int, n_in: int, n_out: int = 1) -> int:
    """The hidden width that a flat vector of ``size`` implies; an error if none does."""
    h, rem = divmod(size - n_out, n_in + 1 + n_out)
    if rem or h < 1:
        raise ValueError(
            f"a parameter vector of length {size} fits no network with n_in={n_in} and "
            f"n_out={n_out} (the length must be n_hidden * {n_in + 1 + n_out} + {n_out})"
        )
    return h


def unpack(params: Array, n_in: int, n_out: int = 1) -> Layers:
    """Split the flat vector into its four layers (views, no copies)."""
    params = np.asarray(params, dtype=np.float64)
    if params.ndim != 1:
        raise ValueError(f"params must be a flat vector, got shape {params.shape}")
    h = hidden_width(params.size, n_in, n_out)
    sizes = np.cumsum([n_in * h, h, h * n_out])
    W1, b1, W2, b2 = np.split(params, sizes)
    return Layers(W1.reshape(n_in, h), b1, W2.reshape(h, n_out), b2)


def pack(W1, b1, W2, b2) -> Array:
    """The inverse of :func:`unpack`: one flat float vector."""
    return np.concatenate([np.ravel(a).astype(np.float64) for a in (W1, b1, W2, b2)])


def init_params(n_in: int, n_hidden: int, n_out: int = 1, seed: Any = 0,
                activation: str = "tanh") -> Array:
    """Random initial parameters as one flat vector, deterministic given ``seed``.

    Weights are Gaussian with variance ``gain^2 / fan_in`` (gain 1 for tanh, sqrt(2) for
    ReLU, as in Xavier/He) so the hidden units start neither saturated nor dead. The hidden
    biases are drawn too, from N(0, 1), rather than set to zero: with one input feature the
    units' bends then start spread over the input range instead of all sitting at 0, which
    is what a fit of a 1-D function needs. The output bias starts at zero.
    ``seed`` is an int or a ``numpy.random.Generator``.
    """
    _check_activation(activation)
    if min(n_in, n_hidden, n_out) < 1:
        raise ValueError(f"sizes must be >= 1, got n_in={n_in}, n_hidden={n_hidden}, "
                         f"n_out={n_out}")
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    gain = np.sqrt(2.0) if activation == "relu" else 1.0
    W1 = rng.normal(0.0, gain / np.sqrt(n_in), size=(n_in, n_hidden))
    b1 = rng.normal(0.0, 1.0, size=n_hidden)
    W2 = rng.normal(0.0, 1.0 / np.sqrt(n_hidden), size=(n_hidden, n_out))
    b2 = np.zeros(n_out)
    return pack(W1, b1, W2, b2)


def _check_activation(activation: str) -> None:
    if activation not in ACTIVATIONS:
        raise ValueError(f"unknown activation {activation!r}; valid: {', '.join(ACTIVATIONS)}")


def _as_2d(a, name: str) -> Array:
    a = np.asarray(a, dtype=np.float64)
    if a.ndim == 1:
        return a[:, None]
    if a.ndim != 2:
        raise ValueError(f"{name} must have shape (n, features) or (n,), got {a.shape}")
    return a


def _hidden(layers: Layers, x: Array, activation: str) -> tuple[Array, Array]:
    """Pre-activations and activations of the hidden layer, both ``(n, n_hidden)``."""
    pre = x @ layers.W1 + layers.b1
    return pre, (np.tanh(pre) if activation == "tanh" else np.maximum(pre, 0.0))


def forward(params: Array, x, n_out: int = 1, activation: str = "tanh") -> Array:
    """The network's output ``(n, n_out)``; ``(n,)`` if ``x`` is ``(n,)`` and ``n_out == 1``."""
    _check_activation(activation)
    x2 = _as_2d(x, "x")
    layers = unpack(params, x2.shape[1], n_out)
    _, h = _hidden(layers, x2, activation)
    out = h @ layers.W2 + layers.b2
    return out[:, 0] if np.ndim(x) == 1 and n_out == 1 else out


def _check_loss(loss: str, y, n_out: int | None) -> None:
    if loss not in LOSSES:
        raise ValueError(f"unknown loss {loss!r}; valid: {', '.join(LOSSES)}")
    if loss == "cross_entropy" and (n_out is None or np.ndim(y) != 1):
        raise ValueError("loss='cross_entropy' takes integer labels y of shape (n,) and "
                         f"n_out, the number of classes (got y of shape {np.shape(y)}, "
                         f"n_out={n_out})")


def loss_and_grad(params: Array, x, y, activation: str = "tanh", *, loss: str = "mse",
                  n_out: int | None = None) -> tuple[float, Array]:
    """The loss (mean squared error, or softmax cross-entropy) and its gradient with respect
    to the flat ``params``.

    Backpropagation, one line per layer, read bottom to top against the forward pass:
    ``d_out`` is the loss's gradient with respect to the outputs (``2 (y_hat - y) / (n n_out)``
    for MSE, ``(softmax(y_hat) - onehot(y)) / n`` for cross-entropy); ``dW2 = h^T d_out``;
    ``db2 = sum_rows d_out``; ``d_pre = (d_out W2^T) * act'(pre)``; ``dW1 = x^T d_pre``;
    ``db1 = sum_rows d_pre``.
    """
    _check_activation(activation)
    _check_loss(loss, y, n_out)
    x2 = _as_2d(x, "x")
    y2 = np.asarray(y) if loss == "cross_entropy" else _as_2d(y, "y")
    if x2.shape[0] != y2.shape[0]:
        raise ValueError(f"x has {x2.shape[0]} rows but y has {y2.shape[0]}")
    layers = unpack(params, x2.shape[1], n_out if loss == "cross_entropy" else y2.shape[1])
    pre, h = _hidden(layers, x2, activation)
    out = h @ layers.W2 + layers.b2
    if loss == "cross_entropy":
        value, d_out = losses.cross_entropy(out, y2), losses.cross_entropy_grad(out, y2)
    else:
        err = out - y2
        value, d_out = float(np.mean(err * err)), 2.0 * err / err.size

    d_h = d_out @ layers.W2.T
    d_pre = d_h * (1.0 - h * h) if activation == "tanh" else d_h * (pre > 0.0)
    grad = pack(x2.T @ d_pre, d_pre.sum(axis=0), h.T @ d_out, d_out.sum(axis=0))
    return value, grad


def loss_value(params: Array, x, y, activation: str = "tanh", *, loss: str = "mse",
               n_out: int | None = None) -> float:
    """The loss alone (a forward pass, no backward): what a training curve records."""
    _check_loss(loss, y, n_out)
    if loss == "cross_entropy":
        return losses.cross_entropy(forward(params, x, n_out, activation), np.asarray(y))
    y2 = _as_2d(y, "y")
    return losses.mse(forward(params, _as_2d(x, "x"), y2.shape[1], activation), y2)


def accuracy(params: Array, x, labels, n_out: int, activation: str = "tanh") -> float:
    """The fraction of rows whose largest of the ``n_out`` outputs is at the label's index."""
    out = forward(params, x, n_out, activation)
    return float(np.mean(np.argmax(out, axis=1) == np.asarray(labels)))


def iterate(optimizer: Any, params: Array, x, y, steps: int, activation: str = "tanh", *,
            loss: str = "mse", n_out: int | None = None, batch_size: int | None = None,
            seed: Any = 0, drop_last: bool = False, schedule: Any = None):
    """The parameters before step 1, 2, ..., steps and after the last: ``steps + 1`` vectors.

    The one training loop of this module (:func:`train` and :func:`checkpoints` read it), a
    generator so that a caller evaluates only the steps it records: a loss over the whole
    training set at every step would cost more than the steps themselves. With
    ``batch_size`` each step's gradient is that of its mini-batch only
    (``optim_ref.data.batches(n, batch_size, seed=seed, drop_last=drop_last)``); with
    ``schedule`` step k uses ``optimizer.replace(lr=schedule.lrs(...)[k - 1])``.
    """
    params = np.array(params, dtype=np.float64)
    steps = int(steps)
    x, y = np.asarray(x), np.asarray(y)
    drawn = None if batch_size is None else batches(x.shape[0], batch_size, steps, seed=seed,
                                                    drop_last=drop_last)
    optimizers = per_step(optimizer, schedule, steps)
    state = (optimizers[0] if steps else optimizer).init(params)
    kw = {"loss": loss, "n_out": n_out}
    for t in range(steps):
        yield params
        xb, yb = (x, y) if drawn is None else (x[drawn[t]], y[drawn[t]])
        _, g = loss_and_grad(params, xb, yb, activation, **kw)
        params, state = optimizers[t].step(params, g, state)
    yield params


def train(optimizer: Any, params: Array, x, y, steps: int, activation: str = "tanh", *,
          loss: str = "mse", n_out: int | None = None, batch_size: int | None = None,
          seed: Any = 0, drop_last: bool = False, schedule: Any = None) -> tuple[Array, Array]:
    """Training for ``steps`` steps (:func:`iterate`); returns ``(params, loss_history)``.

    ``loss_history`` has ``steps + 1`` entries: the loss on all of ``x, y`` before each step,
    then that of the returned parameters (as :func:`optim_ref.run` records ``steps + 1``
    points).
    """
    kw = {"loss": loss, "n_out": n_out}
    history = np.empty(int(steps) + 1)
    for t, current in enumerate(iterate(optimizer, params, x, y, steps, activation, **kw,
                                        batch_size=batch_size, seed=seed, drop_last=drop_last,
                                        schedule=schedule)):
        history[t] = loss_value(current, x, y, activation, **kw)
    return current, history


def checkpoints(optimizer: Any, params: Array, x, y, steps: int, at, activation: str = "tanh",
                **options: Any) -> Array:
    """The parameters after each step count in ``at`` (0 is the start), one row each.

    What a validation curve needs: evaluate the rows on data the steps never saw. ``at`` is
    increasing, within ``0..steps``; ``options`` are :func:`iterate`'s (loss, n_out,
    batch_size, seed, drop_last, schedule).
    """
    at = np.asarray(at, dtype=np.int64).reshape(-1)
    if at.size == 0 or np.any(np.diff(at) <= 0) or at[0] < 0 or at[-1] > int(steps):
        raise ValueError(f"Invalid at: {at.tolist()} (increasing step counts in [0, {steps}])")
    wanted = set(at.tolist())
    rows = [p for t, p in enumerate(iterate(optimizer, params, x, y, steps, activation,
                                            **options)) if t in wanted]
    return np.stack(rows)


__all__ = [
    "ACTIVATIONS", "Layers", "n_params", "hidden_width", "unpack", "pack", "init_params",
    "forward", "loss_and_grad", "loss_value", "accuracy", "iterate", "train",
    "checkpoints", "LOSSES",
]
