"""torch's rounding of three pieces of arithmetic, in numpy, so that optim_ref.LBFGS equals
torch.optim.LBFGS bit for bit (float64, on x86-64 CPUs with AVX2, torch's Linux wheels).

L-BFGS is the one optimizer here where rounding must follow torch's: near the minimum the
gradient is a difference of much larger terms, so an ulp of difference in x becomes a large
relative difference in g, in y = g - g_prev and in the next direction (measured against
torch with numpy's rounding: 1e-8 over 1000 steps, 9e-8 on a path). Everything else in
torch's L-BFGS rounds as numpy does; these three do not:

- ``x.add_(d, alpha=t)`` is one fused multiply-add per element in ATen's vectorised CPU
  kernel: round(x + t d), rounded once. numpy has no fma (nor Python's math before 3.13), so
  ``fma`` computes it exactly with error-free transformations: Dekker's product and Knuth's
  sum give x + t d as three floats, and Boldo & Melquiond's rounding to odd adds them with
  one rounding ("Emulation of a FMA and correctly rounded sums: proved algorithms using
  rounding to odd", IEEE Trans. Computers 57(4), 2008). Exact while |t|, |d_i| and |t d_i| lie
  between 1e-290 and 1e290 (or are 0): Veltkamp's split overflows above, the product's
  rounding error underflows below; far from any run here.
- ``a.dot(b)`` is BLAS ddot (MKL in torch's wheels). Its order, found with inputs chosen to
  reveal it: products rounded one by one, added into four two-lane accumulators (element
  8k + 2j + l into accumulator j, lane l), the n mod 8 last ones into accumulator 0, then the
  accumulators in order, then the two lanes.
- ``a.sum()`` is ATen's cascade sum (aten/src/ATen/native/cpu/SumKernel.cpp) over vectors
  of four doubles: four partial sums per lane, carried up in levels of 16 or more.

Both orders are torch's for vectors below 4,096 elements (dot) and 32,768 (sum), and on one
thread at every length tried (to a million); above those, torch splits the work among its
threads, and the order depends on how many there are. The site's runs (2 to 1,000
numbers) are well below both.

tests/test_optimizers_newer.py checks all three against torch, element for element.
"""

from __future__ import annotations

import numpy as np

Array = np.ndarray

_SPLIT = 2.0**27 + 1                                         # Veltkamp's splitter for 53 bits


def _two_sum(a: Array, b: Array) -> tuple[Array, Array]:
    """s + e == a + b exactly, s = round(a + b) (Knuth)."""
    s = a + b
    bb = s - a
    return s, (a - (s - bb)) + (b - bb)


def _two_product(a: Array, b: Array) -> tuple[Array, Array]:
    """p + e == a b exactly, p = round(a b) (Dekker, with Veltkamp's split)."""
    p = a * b

    def split(x):
        c = _SPLIT * x
        hi = c - (c - x)
        return hi, x - hi

    ah, al = split(a)
    bh, bl = split(b)
    return p, ((ah * bh - p) + ah * bl + al * bh) + al * bl


def _add_round_to_odd(a: Array, b: Array) -> Array:
    """a + b rounded to odd: exact if representable, else the neighbour with an odd last bit."""
    s, e = _two_sum(a, b)
    even = (s.view(np.int64) & 1) == 0
    return np.where((e != 0) & even, np.nextafter(s, np.copysign(np.inf, e)), s)


def fma(x: Array, alpha: float, d: Array) -> Array:
    """round(x + alpha d), one rounding, elementwise (torch's x.add_(d, alpha=alpha))."""
    x, d = np.asarray(x, np.float64), np.asarray(d, np.float64)
    uh, ul = _two_product(np.full_like(d, alpha), d)
    th, tl = _two_sum(x, uh)
    return th + _add_round_to_odd(tl, ul)


def dot(a: Array, b: Array) -> float:
    """a.b added in MKL ddot's order (torch.dot)."""
    p = np.asarray(a, np.float64) * np.asarray(b, np.float64)   # each product rounded
    blocks = len(p) // 8
    acc = np.zeros((4, 2))
    if blocks:
        acc += np.cumsum(p[: 8 * blocks].reshape(blocks, 4, 2), axis=0)[-1]
    for i in range(8 * blocks, len(p)):
        acc[0, i % 2] += p[i]
    lanes = ((acc[0] + acc[1]) + acc[2]) + acc[3]
    return float(lanes[0] + lanes[1])


def _levels(rows: list) -> Array:
    """Sum of equal-shaped rows in ATen's multi_row_sum order: levels of 2^k rows (k >= 4)."""
    size, levels = len(rows), 4
    power = max(4, _ceil_log2(size) // levels)
    step, mask = 1 << power, (1 << power) - 1
    acc = [np.zeros_like(rows[0]) for _ in range(levels)]
    i = 0
    while i + step <= size:
        for _ in range(step):
            acc[0] = acc[0] + rows[i]
            i += 1
        for j in range(1, levels):
            acc[j], acc[j - 1] = acc[j] + acc[j - 1], np.zeros_like(acc[0])
            if i & (mask << (j * power)):
                break
    for row in rows[i:]:
        acc[0] = acc[0] + row
    for j in range(1, levels):
        acc[0] = acc[0] + acc[j]
    return acc[0]


def _ceil_log2(n: int) -> int:
    return 0 if n <= 1 else (n - 1).bit_length()


def _row_sum(items: list, zero: Array) -> Array:
    """ATen's row_sum: four interleaved partial sums (ilp), the remainder into the first."""
    ilp = 4
    rows = len(items) // ilp
    partial = (list(_levels([np.stack(items[r * ilp:(r + 1) * ilp]) for r in range(rows)]))
               if rows else [zero.copy() for _ in range(ilp)])
    for item in items[rows * ilp:]:
        partial[0] = partial[0] + item
    for k in range(1, ilp):
        partial[0] = partial[0] + partial[k]
    return partial[0]


def total(a: Array) -> float:
    """sum of a in ATen's cascade order over vectors of four doubles (torch's a.sum())."""
    a, width = np.asarray(a, np.float64).ravel(), 4
    if len(a) < width:                                       # too short for one vector
        return float(_row_sum(list(a), np.float64(0.0)))
    vectors = len(a) // width
    lanes = _row_sum([a[k * width:(k + 1) * width] for k in range(vectors)], np.zeros(width))
    s = 0.0
    for v in a[vectors * width:]:
        s += v
    for v in lanes:
        s += v
    return float(s)
