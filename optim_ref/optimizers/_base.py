"""What every optimizer shares: the pure init/step contract, validation, the finite check.

Each optimizer is a small class holding only its hyperparameters (validated once, at
construction, as torch.optim does) and two pure methods:

    state = opt.init(params)
    params, state = opt.step(params, grads, state)

``step`` never mutates its inputs; the state is a NamedTuple of arrays plus a step count,
as in optax. Hyperparameters may be arrays that broadcast against ``params`` (for a
learning-rate sweep over a batch of start points in one call), and a row of such a batch
equals the same run alone, bit for bit. So updates raise hyperparameters to powers with
``np.power``, never ``**``: Python's float pow and numpy's differ in the last bit, and the run
alone has Python floats where the batch has arrays.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

Array = np.ndarray


def as_float_array(x: Any) -> Array:
    """A float copy-free view of ``x``; integer input is promoted so updates are not truncated."""
    arr = np.asarray(x)
    if not np.issubdtype(arr.dtype, np.floating):
        arr = arr.astype(np.float64)
    return arr


def check_hyper(
    name: str,
    value: Any,
    low: float | None = None,
    high: float | None = None,
    *,
    low_open: bool = False,
    high_open: bool = False,
    label: str | None = None,
) -> Any:
    """Validate a scalar or array hyperparameter against a range; return it as given.

    The message follows torch.optim's (``Invalid learning rate: -0.1``) and adds the
    allowed range, so the reader knows both what was wrong and what is right.
    """
    arr = np.asarray(value, dtype=np.float64)
    shown = value if arr.ndim == 0 else f"array with min {arr.min()} and max {arr.max()}"
    word = label or name
    lo_sym = "(" if low_open or low is None else "["
    hi_sym = ")" if high_open or high is None else "]"
    lo_txt = "-inf" if low is None else f"{low:g}"
    hi_txt = "inf" if high is None else f"{high:g}"
    allowed = f"{name} must be in {lo_sym}{lo_txt}, {hi_txt}{hi_sym}"
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"Invalid {word}: {shown} ({allowed})")
    bad = np.zeros(arr.shape, dtype=bool)
    if low is not None:
        bad |= (arr <= low) if low_open else (arr < low)
    if high is not None:
        bad |= (arr >= high) if high_open else (arr > high)
    if np.any(bad):
        raise ValueError(f"Invalid {word}: {shown} ({allowed})")
    return value


def check_finite_grad(grads: Array, step: int) -> None:
    """Refuse a NaN or infinite gradient, naming the step, instead of walking into NaN."""
    if not np.all(np.isfinite(grads)):
        n_bad = int(np.size(grads) - np.count_nonzero(np.isfinite(grads)))
        raise FloatingPointError(
            f"gradient at step {step} holds {n_bad} non-finite value(s) (NaN or inf); "
            "the optimizer refuses to produce a NaN trajectory"
        )


class Optimizer:
    """Base class: validation and the finite check live here, the formula in ``_update``."""

    #: the NamedTuple type of this optimizer's state
    State: type[NamedTuple]

    def init(self, params: Any) -> NamedTuple:
        raise NotImplementedError

    def _update(self, params: Array, grads: Array, state: NamedTuple) -> tuple[Array, NamedTuple]:
        raise NotImplementedError

    def step(self, params: Any, grads: Any, state: NamedTuple) -> tuple[Array, NamedTuple]:
        """One update. Pure: returns new arrays and a new state, touches neither input."""
        params = as_float_array(params)
        grads = as_float_array(grads)
        if grads.shape != params.shape:
            raise ValueError(
                f"grads shape {grads.shape} does not match params shape {params.shape}"
            )
        check_finite_grad(grads, int(state.step) + 1)
        shape = self._broadcast_shape(params.shape)
        if shape != params.shape:
            # a hyperparameter batch over one shared start (lr of shape (n, 1), params of
            # shape (2,) or (1, 2)): widen params, grads and their state to the batch. These
            # are read-only views; the update writes only into the new arrays it returns.
            fields = {k: np.broadcast_to(v, shape) for k, v in state._asdict().items()
                      if isinstance(v, np.ndarray) and v.shape == params.shape}
            params, grads = np.broadcast_to(params, shape), np.broadcast_to(grads, shape)
            state = state._replace(**fields)
        return self._update(params, grads, state)

    def _broadcast_shape(self, shape: tuple[int, ...]) -> tuple[int, ...]:
        """The shape of params broadcast against every array hyperparameter."""
        for name, value in self.hyperparameters().items():
            for item in value if isinstance(value, tuple) else (value,):
                hyper_shape = np.shape(item)
                if not hyper_shape:
                    continue
                try:
                    shape = np.broadcast_shapes(hyper_shape, shape)
                except ValueError:
                    raise ValueError(
                        f"{name} of shape {hyper_shape} does not broadcast against params of "
                        f"shape {shape}; for a sweep give it a shape like (batch, 1) with "
                        "params of shape (batch, n) or (n,)"
                    ) from None
        return shape

    def __repr__(self) -> str:
        fields = ", ".join(f"{k}={v!r}" for k, v in self.hyperparameters().items())
        return f"{type(self).__name__}({fields})"

    def replace(self, **hyper: Any) -> Optimizer:
        """A copy with some hyperparameters replaced, validated as the constructor validates.

        Like ``dataclasses.replace``: the copy is built anew from :meth:`hyperparameters`, so a
        schedule can hand each step its own learning rate (``opt.replace(lr=0.05)``) while
        ``step`` stays pure. torch changes ``param_groups[0]["lr"]`` in place instead.
        """
        current = self.hyperparameters()
        unknown = sorted(set(hyper) - set(current))
        if unknown:
            raise TypeError(
                f"{type(self).__name__} has no hyperparameter {', '.join(map(repr, unknown))}; "
                f"it has {', '.join(current)}"
            )
        return type(self)(**{**current, **hyper})

    def hyperparameters(self) -> dict[str, Any]:
        """The constructor's arguments, for captions, cache keys and repr."""
        return {k: v for k, v in vars(self).items() if not k.startswith("_")}
