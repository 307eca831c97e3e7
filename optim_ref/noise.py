"""Seeded gradient noise that the explorer's JavaScript reproduces bit for bit.

A noisy run adds ``sigma * xi`` to the gradient, ``xi`` a standard normal draw per step and
coordinate. ``xi`` comes from a counter-based generator: a fixed function of
``(seed, step, coordinate)``, not a stream with a state to carry. That is what a live
explorer needs: the noise of step 700 is computed directly (a reader scrubbing or dragging
the start recomputes any run without replaying a generator), every optimizer on screen sees
the same noise, and two implementations agree as long as the function does. Python's and
numpy's generators (Mersenne Twister, PCG64, numpy's Philox4x64) would all need 64-bit
integer products or a carried state in JavaScript, whose numbers are doubles; this one needs
only 32-bit products, which JavaScript's ``Math.imul`` and exact 16-bit halves give.

The construction:

- Philox2x32-10 (Salmon, Moraes, Dror & Shaw 2011, "Parallel random numbers: as easy as
  1, 2, 3", SC'11; the Random123 library's known-answer vectors are in the tests) maps the
  counter ``(step, 2 * pair + j)`` under the key ``seed`` to two 32-bit words;
- two words make a uniform double in [0, 1) with 53 random bits, ``((a >> 5) * 2**26 +
  (b >> 6)) / 2**53`` (Mersenne Twister's ``genrand_res53``), exact in float64;
- two uniforms ``u0, u1`` (j = 0, 1) make a Box-Muller pair, the noise of coordinates
  ``2 * pair`` and ``2 * pair + 1``: ``sqrt(-2 log(1 - u0)) * (cos, sin)(2 pi u1)``.

Words and uniforms are bit-identical in both languages; the normals differ at most by the
ulp by which ``log``, ``cos`` and ``sin`` of two C libraries may differ.
"""

from __future__ import annotations

import math

import numpy as np

Array = np.ndarray

MAX_UINT32 = 2**32 - 1
#: Philox2x32's multiplier and Weyl key increment (Random123, philox.h)
_M = np.uint64(0xD256D193)
_BUMP = np.uint32(0x9E3779B9)
_ROUNDS = 10


def _uint32(value, name: str) -> Array:
    """An integer array in [0, 2**32 - 1], or a ValueError naming ``name`` and the value."""
    arr = np.asarray(value)
    if arr.dtype == bool or not (np.issubdtype(arr.dtype, np.integer) or arr.size == 0):
        raise ValueError(f"Invalid {name}: {value!r} ({name} must be an integer in "
                         f"[0, {MAX_UINT32}])")
    if arr.size and (arr.min() < 0 or arr.max() > MAX_UINT32):
        shown = value if arr.ndim == 0 else f"array with min {arr.min()} and max {arr.max()}"
        raise ValueError(f"Invalid {name}: {shown} ({name} must be an integer in "
                         f"[0, {MAX_UINT32}])")
    return arr.astype(np.uint32)


def philox2x32(c0, c1, key) -> tuple[Array, Array]:
    """Philox2x32-10 of the counter ``(c0, c1)`` under ``key``: two uint32 arrays (broadcast)."""
    left, right = np.broadcast_arrays(_uint32(c0, "c0"), _uint32(c1, "c1"))
    k = np.broadcast_to(_uint32(key, "key"), left.shape)
    left, right, k = left.copy(), right.copy(), k.copy()
    with np.errstate(over="ignore"):  # the key's Weyl sequence wraps modulo 2**32 by design
        for r in range(_ROUNDS):
            if r:
                k += _BUMP
            product = left.astype(np.uint64) * _M  # exact: 32 x 32 bits fit in 64
            hi = (product >> np.uint64(32)).astype(np.uint32)
            left, right = hi ^ k ^ right, product.astype(np.uint32)
    return left, right


def uniform53(a, b) -> Array:
    """Two uint32 words to a float64 in [0, 1) with 53 random bits (exact in float64)."""
    high = (np.asarray(a, dtype=np.uint32) >> 5).astype(np.float64)
    low = (np.asarray(b, dtype=np.uint32) >> 6).astype(np.float64)
    return (high * 67108864.0 + low) / 9007199254740992.0


def uniforms(seed: int, step, pair=0) -> tuple[Array, Array]:
    """The two uniforms (u0, u1) behind the Box-Muller pair ``pair`` at ``step``."""
    pair = _uint32(pair, "pair").astype(np.uint64)
    u = [uniform53(*philox2x32(step, (2 * pair + j), seed)) for j in (0, 1)]
    return u[0], u[1]


def gaussian(seed: int, steps, dim: int = 2) -> Array:
    """Standard normal noise ``xi``, shape ``steps.shape + (dim,)``: one row per step.

    ``steps`` are the step numbers (the update ``t = 1, 2, ...`` that the noise perturbs);
    any order, any subset: row ``i`` depends only on ``(seed, steps[i])``.
    """
    _uint32(seed, "seed")
    if int(dim) != dim or dim < 1:
        raise ValueError(f"Invalid dim: {dim!r} (dim must be an integer >= 1)")
    steps = _uint32(steps, "step")
    pairs = np.arange((dim + 1) // 2)
    u0, u1 = uniforms(seed, steps[..., None], pairs)
    radius = np.sqrt(-2.0 * np.log(1.0 - u0))  # 1 - u0 is in (0, 1], exact
    angle = (2.0 * math.pi) * u1
    xi = np.stack([radius * np.cos(angle), radius * np.sin(angle)], axis=-1)
    return xi.reshape(*steps.shape, 2 * len(pairs))[..., :dim]


def noisy_grad(grads, sigma: float, seed: int, step: int) -> Array:
    """``grads + sigma * xi`` for update ``step``: the gradient a noisy run hands the optimizer."""
    if not (math.isfinite(sigma) and sigma >= 0):
        raise ValueError(f"Invalid sigma: {sigma} (sigma must be in [0, inf))")
    grads = np.asarray(grads, dtype=np.float64)
    return grads + sigma * gaussian(seed, step, grads.shape[-1])


__all__ = ["MAX_UINT32", "gaussian", "noisy_grad", "philox2x32", "uniform53", "uniforms"]
