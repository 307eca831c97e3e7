"""A one-hidden-layer network in numpy, with backpropagation written out by hand.

    y_hat = act(x @ W1 + b1) @ W2 + b2          act = tanh or relu

Shapes: ``x`` is ``(n, n_in)`` (or ``(n,)`` for one input feature), ``W1`` is
``(n_in, n_hidden)``, ``b1`` ``(n_hidden,)``, ``W2`` ``(n_hidden, n_out)``, ``b2``
``(n_out,)``, and ``y_hat`` is ``(n, n_out)`` (or ``(n,)`` when ``x`` was ``(n,)`` and
``n_out == 1``). The loss is the mean squared error over all ``n * n_out`` outputs.

All parameters live in ONE flat float vector, ``[W1, b1, W2, b2]`` each in row-major order,
so any optimizer of this package trains the network unchanged:

    params = mlp.init_params(1, 16, 1, seed=0)
    params, history = mlp.train(Adam(lr=0.01), params, x, y, steps=2000)
    y_hat = mlp.forward(params, x)

The hidden width need not be passed around: with ``n_in`` and ``n_out`` known (from ``x``
and ``y``, or ``n_out`` given to :func:`forward`), the length of ``params`` fixes it.
Everything is deterministic given the seed.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

Array = np.ndarray

ACTIVATIONS = ("tanh", "relu")


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


def loss_and_grad(params: Array, x, y, activation: str = "tanh") -> tuple[float, Array]:
    """Mean squared error and its gradient with respect to the flat ``params``.

    Backpropagation, one line per layer, read bottom to top against the forward pass:
    ``d_out = 2 (y_hat - y) / (n n_out)``; ``dW2 = h^T d_out``; ``db2 = sum_rows d_out``;
    ``d_pre = (d_out W2^T) * act'(pre)``; ``dW1 = x^T d_pre``; ``db1 = sum_rows d_pre``.
    """
    _check_activation(activation)
    x2, y2 = _as_2d(x, "x"), _as_2d(y, "y")
    if x2.shape[0] != y2.shape[0]:
        raise ValueError(f"x has {x2.shape[0]} rows but y has {y2.shape[0]}")
    layers = unpack(params, x2.shape[1], y2.shape[1])
    pre, h = _hidden(layers, x2, activation)
    err = h @ layers.W2 + layers.b2 - y2
    loss = float(np.mean(err * err))

    d_out = 2.0 * err / err.size
    d_h = d_out @ layers.W2.T
    d_pre = d_h * (1.0 - h * h) if activation == "tanh" else d_h * (pre > 0.0)
    grad = pack(x2.T @ d_pre, d_pre.sum(axis=0), h.T @ d_out, d_out.sum(axis=0))
    return loss, grad


def train(optimizer: Any, params: Array, x, y, steps: int,
          activation: str = "tanh") -> tuple[Array, Array]:
    """Full-batch training for ``steps`` steps; returns ``(params, loss_history)``.

    ``loss_history`` has ``steps + 1`` entries: the loss before each step, then the loss of
    the returned parameters (as :func:`optim_ref.run` records ``steps + 1`` points).
    """
    params = np.array(params, dtype=np.float64)
    state = optimizer.init(params)
    history = np.empty(int(steps) + 1)
    for t in range(int(steps)):
        history[t], g = loss_and_grad(params, x, y, activation)
        params, state = optimizer.step(params, g, state)
    history[-1], _ = loss_and_grad(params, x, y, activation)
    return params, history


__all__ = [
    "ACTIVATIONS", "Layers", "n_params", "hidden_width", "unpack", "pack", "init_params",
    "forward", "loss_and_grad", "train",
]
