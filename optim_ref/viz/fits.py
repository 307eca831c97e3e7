"""Fitted curves over data: lines fitted under different losses, and networks of different sizes.

Two pictures that are not about a surface: ``line_fit_png`` draws data points (outliers
marked apart) with one fitted line per loss and, dashed, the line the data came from;
``panels_png`` draws one small panel per model, each with the data, the function the data
came from and the model's curve. Every string drawn comes from the caller, in its
language, with ``font`` from ``viz.fonts.family(lang)``; the output is deterministic PNG.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import matplotlib as mpl
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from optim_ref.viz import canvas, colors, fonts

Font = str | Sequence[str]

#: the grey of "what the data came from" (the true line, the target function)
TRUTH = "#6b6f76"
#: the face of ordinary data points and of the marked outliers
POINT = "#444444"
OUTLIER = "#ffffff"


def _xy(x: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
    x = np.asarray(x, dtype=float).reshape(-1)
    y = np.asarray(y, dtype=float).reshape(-1)
    if x.shape != y.shape or x.size == 0:
        raise ValueError(f"x and y must be non-empty and of one length, got {x.size} and {y.size}")
    return x, y


def _plain_axes(ax: Axes) -> None:
    fonts.latin_ticks(ax)
    ax.set_facecolor("white")
    ax.grid(True, color="#e3e3e3", linewidth=0.6)
    ax.set_axisbelow(True)


def _points(ax: Axes, x: np.ndarray, y: np.ndarray, outliers: np.ndarray | None,
            data_label: str | None, outlier_label: str | None) -> None:
    inliers = np.ones(x.size, bool) if outliers is None else ~outliers
    ax.plot(x[inliers], y[inliers], linestyle="none", marker="o", markersize=5,
            color=POINT, label=data_label, zorder=3)
    if outliers is not None and outliers.any():
        ax.plot(x[outliers], y[outliers], linestyle="none", marker="o", markersize=8,
                markerfacecolor=OUTLIER, markeredgecolor=POINT, markeredgewidth=1.6,
                label=outlier_label, zorder=3)


def line_fit_figure(
    x: Any,
    y: Any,
    lines: Sequence[Sequence[float]],
    labels: Sequence[str],
    *,
    outliers: Any = None,
    truth: Sequence[float] | None = None,
    data_label: str | None = "data",
    outlier_label: str | None = "outliers",
    truth_label: str | None = "true line",
    xlabel: str | None = "x",
    ylabel: str | None = "y",
    font: Font = (fonts.LATIN,),
    size: tuple[int, int] = canvas.DEFAULT_SIZE,
    dpi: int = canvas.DEFAULT_DPI,
) -> Figure:
    """Data with lines ``y = a x + b``, one per ``(a, b)`` in ``lines``, named by ``labels``.

    ``outliers`` is a boolean mask over the points (drawn hollow and larger); ``truth`` is
    the ``(a, b)`` the data came from, drawn dashed in grey.
    """
    x, y = _xy(x, y)
    lines = [tuple(map(float, ab)) for ab in lines]
    if len(labels) != len(lines) or any(len(ab) != 2 for ab in lines):
        raise ValueError(f"need one label per (a, b) line: {len(labels)} labels, "
                         f"{len(lines)} lines")
    mask = None if outliers is None else np.asarray(outliers, dtype=bool).reshape(-1)
    if mask is not None and mask.shape != x.shape:
        raise ValueError(f"outliers must mark each of the {x.size} points, got {mask.size}")
    span = np.array([x.min(), x.max()])
    pad = 0.03 * (span[1] - span[0] or 1.0)
    xs = np.array([span[0] - pad, span[1] + pad])
    with mpl.rc_context(fonts.rc_for(font)):
        fig = canvas.new_figure(size, dpi)
        ax = fig.add_subplot()
        _plain_axes(ax)
        if truth is not None:
            a, b = map(float, truth)
            ax.plot(xs, a * xs + b, color=TRUTH, linestyle=(0, (4, 3)), linewidth=1.4,
                    label=truth_label, zorder=1.5)
        _points(ax, x, y, mask, data_label, outlier_label)
        for i, ((a, b), label) in enumerate(zip(lines, labels, strict=True)):
            style = colors.run_style(i)
            ax.plot(xs, a * xs + b, color=style.color, linestyle=style.linestyle,
                    linewidth=2.2, label=label, zorder=2 + 0.01 * i)
        ax.set_xlim(*xs)
        if xlabel:
            ax.set_xlabel(xlabel)
        if ylabel:
            ax.set_ylabel(ylabel)
        ax.legend(loc="lower left", framealpha=1.0, fontsize=9)
    return fig


def panels_figure(
    x: Any,
    y: Any,
    grid: Any,
    curves: Sequence[Any],
    titles: Sequence[str],
    *,
    target: Any = None,
    data_label: str | None = "data",
    target_label: str | None = "target",
    model_label: str | None = "model",
    xlabel: str | None = "x",
    ylabel: str | None = "y",
    font: Font = (fonts.LATIN,),
    size: tuple[int, int] = (720, 540),
    dpi: int = canvas.DEFAULT_DPI,
    ncols: int = 2,
) -> Figure:
    """One panel per curve: the data points, ``target`` on ``grid`` (grey) and the curve.

    ``curves`` are arrays of values on ``grid``; ``titles`` name the panels. All panels
    share their axes, so a flat curve looks flat next to a good one.
    """
    x, y = _xy(x, y)
    grid = np.asarray(grid, dtype=float).reshape(-1)
    curves = [np.asarray(c, dtype=float).reshape(-1) for c in curves]
    if len(titles) != len(curves) or any(c.shape != grid.shape for c in curves):
        raise ValueError(f"need one title per curve and every curve on the grid: "
                         f"{len(titles)} titles, {len(curves)} curves, grid of {grid.size}")
    nrows = math.ceil(len(curves) / ncols)
    with mpl.rc_context(fonts.rc_for(font)):
        fig = canvas.new_figure(size, dpi)
        axes = fig.subplots(nrows, ncols, sharex=True, sharey=True, squeeze=False)
        for i, ax in enumerate(axes.flat):
            if i >= len(curves):
                ax.set_visible(False)
                continue
            _plain_axes(ax)
            if target is not None:
                ax.plot(grid, np.asarray(target, dtype=float).reshape(-1), color=TRUTH,
                        linestyle=(0, (4, 3)), linewidth=1.3, label=target_label, zorder=1.5)
            ax.plot(x, y, linestyle="none", marker="o", markersize=3, color=POINT,
                    label=data_label, zorder=2)
            ax.plot(grid, curves[i], color=colors.COLORS[1], linewidth=2.2, label=model_label,
                    zorder=3)
            ax.set_title(titles[i], fontsize=11)
            if xlabel and i // ncols == nrows - 1:
                ax.set_xlabel(xlabel)
            if ylabel and i % ncols == 0:
                ax.set_ylabel(ylabel)
        handles, names = axes.flat[0].get_legend_handles_labels()
        fig.legend(handles, names, loc="outside lower center", ncols=len(names),
                   framealpha=1.0, fontsize=9)
    return fig


def line_fit_png(x: Any, y: Any, lines: Sequence[Sequence[float]], labels: Sequence[str],
                 **kwargs: Any) -> bytes:
    """``line_fit_figure`` as deterministic PNG bytes."""
    with mpl.rc_context(fonts.rc_for(kwargs.get("font", (fonts.LATIN,)))):
        return canvas.png_bytes(line_fit_figure(x, y, lines, labels, **kwargs))


def panels_png(x: Any, y: Any, grid: Any, curves: Sequence[Any], titles: Sequence[str],
               **kwargs: Any) -> bytes:
    """``panels_figure`` as deterministic PNG bytes."""
    with mpl.rc_context(fonts.rc_for(kwargs.get("font", (fonts.LATIN,)))):
        return canvas.png_bytes(panels_figure(x, y, grid, curves, titles, **kwargs))
