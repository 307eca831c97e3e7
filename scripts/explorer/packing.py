"""The explorer's binary data: a surface's runs quantised, delta-coded and gzipped.

The binary format (little-endian, no header; the manifest gives the counts). With ``R``
runs of ``T = steps + 1`` points each, in run order (optimizer, learning rate, beta,
start; see ``run_index``):

    int16   diverged_at[R]       optim_ref's step of divergence, -1 when the run did not
    uint8   x_low[R*T], x_high[R*T]   x quantised (below), delta-coded along each run,
    uint8   y_low[R*T], y_high[R*T]   split in low and high byte planes so gzip finds
    uint8   l_low[R*T], l_high[R*T]   the long runs of small steps

Coordinates: ``q = 1 + round((x - lo) / (hi - lo) * 65533)`` inside the window, ``0`` below
it and ``65535`` above it (clamped, and flagged by those two values). Loss: ``e = f - ref``
(``ref`` the surface's minimum, or 0 for the saddle), ``s = asinh(e / c)`` (a log scale
that goes through zero), quantised linearly over the surface's ``[s_min, s_max]``.
Delta coding: ``d[0] = q[0]``, ``d[t] = (q[t] - q[t-1]) mod 65536``.

Why gzipped here: GitHub Pages compresses only text types, so a ``.bin`` would travel at its
full 1.8 MB. The file is written compressed (deterministic: no name, mtime 0, level 9) and
the page unzips it with ``DecompressionStream('gzip')``; what is published is what travels.
"""

from __future__ import annotations

import gzip
import math
from dataclasses import dataclass

import numpy as np

from optim_ref import functions

#: c in asinh(e / c): the loss resolution near the minimum (the saddle has no minimum)
LOSS_SCALE = {"saddle": 1e-3}
DEFAULT_LOSS_SCALE = 1e-6

Q_MAX = 65535
Q_SPAN = 65533  # inside the window: 1 .. 65534; 0 and 65535 flag "below" and "above"


def loss_ref(surface_name: str) -> float:
    value = functions.get(surface_name).min_value
    return float(value) if math.isfinite(value) else 0.0


def quantise_coords(v: np.ndarray, lo: float, hi: float) -> np.ndarray:
    q = 1 + np.rint((v - lo) / (hi - lo) * Q_SPAN)
    q = np.clip(q, 1, Q_SPAN + 1)
    q = np.where(v < lo, 0, np.where(v > hi, Q_MAX, q))
    return q.astype(np.uint16)


def dequantise_coords(q: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """Values of quantised coordinates (0 and 65535 come back as the window's edges)."""
    inside = np.clip(q.astype(np.float64), 1, Q_SPAN + 1)
    return lo + (inside - 1) / Q_SPAN * (hi - lo)


def loss_transform(loss: np.ndarray, ref: float, scale: float) -> np.ndarray:
    return np.arcsinh((loss - ref) / scale)


def quantise_loss(s: np.ndarray, s_min: float, s_max: float) -> np.ndarray:
    return np.rint((s - s_min) / (s_max - s_min) * Q_MAX).astype(np.uint16)


def dequantise_loss(q: np.ndarray, ref: float, scale: float, s_min: float,
                    s_max: float) -> np.ndarray:
    s = s_min + q.astype(np.float64) / Q_MAX * (s_max - s_min)
    return ref + scale * np.sinh(s)


def _planes(q: np.ndarray) -> bytes:
    """Delta-code each row of a (R, T) uint16 array and split it into byte planes."""
    d = q.astype(np.int64)
    d[:, 1:] = np.diff(d, axis=1)
    d = (d % 65536).astype("<u2").ravel()
    raw = d.view(np.uint8).reshape(-1, 2)
    return raw[:, 0].tobytes() + raw[:, 1].tobytes()


def _unplanes(buf: bytes, offset: int, rows: int, cols: int) -> np.ndarray:
    n = rows * cols
    low = np.frombuffer(buf, np.uint8, n, offset).astype(np.int64)
    high = np.frombuffer(buf, np.uint8, n, offset + n).astype(np.int64)
    d = (low | (high << 8)).reshape(rows, cols)
    return (np.cumsum(d, axis=1) % 65536).astype(np.uint16)


def encode(surface_name: str, path: np.ndarray, loss: np.ndarray,
           diverged_at: np.ndarray) -> tuple[bytes, dict]:
    """The binary data of one surface and the facts the manifest needs to read it."""
    (x0, x1), (y0, y1) = functions.get(surface_name).window
    ref, scale = loss_ref(surface_name), LOSS_SCALE.get(surface_name, DEFAULT_LOSS_SCALE)
    s = loss_transform(loss, ref, scale)
    s_min, s_max = float(s.min()), float(s.max())
    if s_max <= s_min:
        s_max = s_min + 1.0
    data = (diverged_at.astype("<i2").tobytes()
            + _planes(quantise_coords(path[..., 0], x0, x1))
            + _planes(quantise_coords(path[..., 1], y0, y1))
            + _planes(quantise_loss(s, s_min, s_max)))
    info = {"runs": int(path.shape[0]), "points": int(path.shape[1]), "lossRef": ref,
            "lossScale": scale, "lossRange": [s_min, s_max]}
    return data, info


@dataclass(frozen=True)
class Decoded:
    """One surface's data read back: quantised arrays and their values."""

    diverged_at: np.ndarray  # (R,)
    qx: np.ndarray  # (R, T) uint16
    qy: np.ndarray
    ql: np.ndarray
    x: np.ndarray  # (R, T) float, out-of-window points at the edge
    y: np.ndarray
    loss: np.ndarray


def decode(data: bytes, window, info: dict) -> Decoded:
    """Read a surface's binary data back (the tests' decoder; explorer.js has its twin)."""
    rows, cols = info["runs"], info["points"]
    expected = rows * 2 + 6 * rows * cols
    if len(data) != expected:
        raise ValueError(f"explorer data: {len(data)} bytes, expected {expected} "
                         f"for {rows} runs of {cols} points")
    div = np.frombuffer(data, "<i2", rows, 0).astype(np.int64)
    at = rows * 2
    qx = _unplanes(data, at, rows, cols)
    qy = _unplanes(data, at + 2 * rows * cols, rows, cols)
    ql = _unplanes(data, at + 4 * rows * cols, rows, cols)
    (x0, x1), (y0, y1) = window
    s_min, s_max = info["lossRange"]
    return Decoded(div, qx, qy, ql, dequantise_coords(qx, x0, x1), dequantise_coords(qy, y0, y1),
                   dequantise_loss(ql, info["lossRef"], info["lossScale"], s_min, s_max))


def pack(data: bytes) -> bytes:
    """The gzip file the site publishes: the same bytes for the same data (mtime 0, no
    file name in the header), so two builds stay identical."""
    return gzip.compress(data, compresslevel=9, mtime=0)


def unpack(packed: bytes, source: str = "explorer data") -> bytes:
    """The raw grid from a published ``.bin.gz`` (naming the file when it is not gzip)."""
    if packed[:2] != b"\x1f\x8b":
        raise ValueError(f"{source}: not a gzip file (starts with {packed[:2]!r})")
    return gzip.decompress(packed)
