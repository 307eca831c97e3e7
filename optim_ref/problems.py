"""Finite-sum problems: a loss that is the mean of one term per example, so a mini-batch of
examples gives a true stochastic gradient (an unbiased estimate of the full one).

    L(w, b) = (1/n) sum_i loss(w x_i + b, y_i)          two parameters: slope w, intercept b

``LinearRegression`` (squared error, torch's ``MSELoss``) and ``LogisticRegression`` (binary
cross-entropy from the logit, torch's ``BCEWithLogitsLoss``) are surfaces like those of
``optim_ref.functions`` (``value``, ``grad``, ``window``, ``minima``, ``min_value``, ``start``),
so ``optim_ref.run`` steps on them and ``optim_ref.viz`` contours them, plus:

- ``n`` examples ``x``, ``y`` drawn from the seed (a problem is its parameters: equal
  problems compare equal, as the figure cache needs);
- ``batch_grad(xy, idx)``: the gradient of the mean over the examples ``idx`` only.

The minimum is computed from the data (least squares; Newton's method for the logistic loss,
which is convex), not taken from the generating slope and intercept, which noise moves.
The MLP on real data is ``optim_ref.mlp`` with ``optim_ref.data.load_digits``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np

from optim_ref.functions import Surface, Window, _stack, _xy
from optim_ref.losses import bce_terms, sigmoid
from optim_ref.validation import check_float, check_int

Array = np.ndarray


class FiniteSum(Surface):
    """What both problems share: the mean over examples of a loss of the logit ``w x + b``."""

    x: Array
    y: Array

    def _terms(self, z: Array, y: Array) -> Array:
        """Per-example losses at logits ``z`` (any leading axes, examples last)."""
        raise NotImplementedError

    def _dterms(self, z: Array, y: Array) -> Array:
        """Their derivatives with respect to ``z``."""
        raise NotImplementedError

    @property
    def n(self) -> int:
        return self.x.size

    def _logits(self, xy, idx=None) -> tuple[Array, Array, Array]:
        w, b = _xy(xy)
        x, y = (self.x, self.y) if idx is None else (self.x[idx], self.y[idx])
        return w[..., None] * x + b[..., None], x, y

    def value(self, xy) -> Array:
        z, _, y = self._logits(xy)
        return np.mean(self._terms(z, y), axis=-1)

    def batch_grad(self, xy, idx) -> Array:
        """The gradient of the mean loss over the examples ``idx`` (a mini-batch).

        ``idx`` of shape ``(B,)`` is one batch for every row of ``xy``; of shape ``(rows, B)``
        it gives each row of ``xy`` (shape ``(rows, 2)``) its own batch, so many seeded runs
        step together.
        """
        idx = np.asarray(idx)
        if idx.ndim not in (1, 2) or idx.size == 0 or not np.issubdtype(idx.dtype, np.integer):
            raise ValueError(f"idx must be a non-empty 1-D array of example indices (or 2-D, "
                             f"one row per run), got shape {idx.shape} and dtype {idx.dtype}")
        z, x, y = self._logits(xy, idx)
        d = self._dterms(z, y)
        return _stack(np.mean(d * x, axis=-1), np.mean(d, axis=-1))

    def grad(self, xy) -> Array:
        """The full-batch gradient: ``batch_grad`` over every example."""
        return self.batch_grad(xy, np.arange(self.n))

    def _set_view(self, minimum: Array, half: tuple[float, float]) -> None:
        """Window centred on the minimum, and a start up and to the left of it."""
        w, b = (float(v) for v in minimum)
        window = ((w - half[0], w + half[0]), (b - half[1], b + half[1]))
        for name, value in (("window", window), ("_minima", ((w, b),)),
                            ("min_value", float(self.value(minimum))),
                            ("_start", (w - 0.8 * half[0], b + 0.8 * half[1]))):
            object.__setattr__(self, name, value)


def _rng(problem) -> np.random.Generator:
    check_int("n_examples", problem.n_examples, 2)
    return np.random.default_rng(problem.seed)


@dataclass(frozen=True)
class LinearRegression(FiniteSum):
    """``y = slope x + intercept + noise * N(0, 1)`` with ``x`` uniform on ``[x_low, x_high]``.

    The loss is a quadratic bowl in (w, b) with Hessian ``2 [[mean x^2, mean x], [mean x, 1]]``:
    with ``x`` away from zero (the default [0, 3]) slope and intercept trade off against each
    other and the bowl is a long diagonal valley, condition number about 19.
    """

    n_examples: int = 200
    slope: float = 1.5
    intercept: float = -1.0
    noise: float = 0.5
    x_low: float = 0.0
    x_high: float = 3.0
    seed: int = 0
    x: Array = field(init=False, repr=False, compare=False)
    y: Array = field(init=False, repr=False, compare=False)

    name: ClassVar[str] = "linear_regression"
    title: ClassVar[str] = "Linear regression"
    latex: ClassVar[str] = r"L(w, b) = \frac1n \sum_i (w x_i + b - y_i)^2"
    window: Window = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        rng = _rng(self)
        check_float("noise", self.noise, 0.0)
        if not self.x_low < self.x_high:
            raise ValueError(f"Invalid x_high: {self.x_high} (x_high must be > x_low={self.x_low})")
        x = rng.uniform(self.x_low, self.x_high, self.n_examples)
        y = self.slope * x + self.intercept + self.noise * rng.standard_normal(self.n_examples)
        object.__setattr__(self, "x", x)
        object.__setattr__(self, "y", y)
        design = np.stack([x, np.ones_like(x)], axis=1)
        minimum = np.linalg.lstsq(design, y, rcond=None)[0]
        self._set_view(minimum, (3.0, 3.0))

    def _terms(self, z: Array, y: Array) -> Array:
        r = z - y
        return r * r

    def _dterms(self, z: Array, y: Array) -> Array:
        return 2.0 * (z - y)


@dataclass(frozen=True)
class LogisticRegression(FiniteSum):
    """Labels ``y ~ Bernoulli(sigmoid(slope x + intercept))`` with ``x ~ N(0, 1)``.

    The labels overlap (no line separates them), so the loss has a finite minimum; its bowl
    is flat far from the data, where the sigmoid saturates, and steep across the boundary.
    """

    n_examples: int = 200
    slope: float = 2.0
    intercept: float = 0.5
    seed: int = 0
    x: Array = field(init=False, repr=False, compare=False)
    y: Array = field(init=False, repr=False, compare=False)

    name: ClassVar[str] = "logistic_regression"
    title: ClassVar[str] = "Logistic regression"
    latex: ClassVar[str] = (r"L(w, b) = \frac1n \sum_i \big[\log(1 + e^{w x_i + b})"
                            r" - y_i (w x_i + b)\big]")
    window: Window = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        rng = _rng(self)
        x = rng.standard_normal(self.n_examples)
        y = (rng.uniform(size=self.n_examples)
             < sigmoid(self.slope * x + self.intercept)).astype(np.float64)
        object.__setattr__(self, "x", x)
        object.__setattr__(self, "y", y)
        self._set_view(self._newton(), (4.0, 4.0))

    def _newton(self, iters: int = 50) -> Array:
        """The minimum by Newton's method from 0; refuses separable data (no finite minimum)."""
        p = np.zeros(2)
        for _ in range(iters):
            s = sigmoid(p[0] * self.x + p[1])
            h = s * (1 - s)
            hess = np.array([[np.mean(h * self.x * self.x), np.mean(h * self.x)],
                             [np.mean(h * self.x), np.mean(h)]])
            try:
                step = np.linalg.solve(hess, self.grad(p))
            except np.linalg.LinAlgError:  # the sigmoid saturated: p is running off to infinity
                break
            p = p - step
            if np.max(np.abs(step)) < 1e-14 * (1 + np.max(np.abs(p))):
                return p
        raise ValueError(f"LogisticRegression(seed={self.seed}, n_examples={self.n_examples}): "
                         "the labels are (nearly) separable, the loss has no finite minimum")

    def _terms(self, z: Array, y: Array) -> Array:
        return bce_terms(z, y)

    def _dterms(self, z: Array, y: Array) -> Array:
        return sigmoid(z) - y


PROBLEMS = {"linear_regression": LinearRegression, "logistic_regression": LogisticRegression}

__all__ = ["FiniteSum", "LinearRegression", "LogisticRegression", "PROBLEMS"]
