"""The background of every path figure: a surface's contours over its plotting window.

Surfaces such as Rosenbrock and Beale span many orders of magnitude (a narrow valley near
zero, walls in the thousands); evenly spaced levels would leave the valley, where all the
interesting motion happens, as one flat colour. Levels are therefore spaced evenly in
log(f - f_min) when the surface has a minimum, and linearly when it has none (a saddle).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import LinearSegmentedColormap, LogNorm, Normalize

from optim_ref.viz import colors

SURFACE_CMAP = LinearSegmentedColormap.from_list(
    "optim_ref_surface", [colors.SURFACE_LOW, colors.SURFACE_HIGH]
)


def grid(surface: Any, resolution: int = 240) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """X, Y and the surface's values on a ``resolution``-square grid over its window."""
    (xmin, xmax), (ymin, ymax) = surface.window
    x = np.linspace(xmin, xmax, resolution)
    y = np.linspace(ymin, ymax, resolution)
    xx, yy = np.meshgrid(x, y)
    zz = np.asarray(surface.value(np.stack([xx, yy], axis=-1)), dtype=float)
    return xx, yy, zz


def levels(zz: np.ndarray, n: int = 14, scale: str = "log") -> tuple[np.ndarray, float]:
    """Contour levels for the values ``zz``, and the offset subtracted before drawing.

    Log levels are drawn for ``zz - floor`` (floor slightly below the minimum), from the
    1st percentile of what is above the floor to the 99th, so a few extreme corners do
    not squeeze every level into the valley.
    """
    finite = zz[np.isfinite(zz)]
    if scale == "linear":
        lo, hi = np.percentile(finite, [1, 99])
        return np.linspace(lo, hi, n), 0.0
    if scale != "log":
        raise ValueError(f"Invalid scale: {scale!r} (scale must be 'log' or 'linear')")
    lowest = float(finite.min())
    above = finite - lowest
    positive = above[above > 0]
    lo, hi = np.percentile(positive, [1, 99])
    lo = max(lo, hi * 1e-6)
    floor = lowest - lo * 0.5
    return np.geomspace(lo, hi, n), floor


def draw_surface(
    ax: Axes,
    surface: Any,
    *,
    scale: str = "auto",
    n_levels: int = 14,
    resolution: int = 240,
    show_minima: bool = True,
    minima_zorder: float = 1.2,
) -> None:
    """Fill and line the contours of ``surface`` on ``ax``, limit ``ax`` to the window, mark minima.

    ``scale`` is 'log', 'linear', or 'auto' (log when the surface lists a minimum).
    Everything drawn here sits below zorder 2, under the paths, unless ``minima_zorder``
    lifts the minimum's star above them (where paths end on it and would hide it).
    """
    minima = np.asarray(getattr(surface, "minima", np.empty((0, 2))), dtype=float).reshape(-1, 2)
    if scale == "auto":
        scale = "log" if len(minima) else "linear"
    xx, yy, zz = grid(surface, resolution)
    lv, floor = levels(zz, n_levels, scale)
    shifted = zz - floor
    if scale == "log":
        norm = LogNorm(vmin=lv[0], vmax=lv[-1])
    else:
        norm = Normalize(vmin=lv[0], vmax=lv[-1])
    ax.contourf(xx, yy, shifted, levels=lv, cmap=SURFACE_CMAP, norm=norm, extend="both",
                zorder=0.5)
    ax.contour(xx, yy, shifted, levels=lv, colors=colors.CONTOUR_LINE, linewidths=0.6,
               linestyles="solid", zorder=0.6)
    (xmin, xmax), (ymin, ymax) = surface.window
    if show_minima and len(minima):
        inside = minima[(minima[:, 0] >= xmin) & (minima[:, 0] <= xmax)
                        & (minima[:, 1] >= ymin) & (minima[:, 1] <= ymax)]
        ax.plot(inside[:, 0], inside[:, 1], linestyle="none", marker="*", markersize=13,
                color=colors.MINIMUM, markeredgecolor="white", markeredgewidth=0.8,
                zorder=minima_zorder)
    ax.set_xlim(xmin, xmax)
    ax.set_ylim(ymin, ymax)
    ax.set_aspect("auto")
