"""Static figures of runs: paths over a surface's contours, and loss against step.

Inputs are plain arrays, so viz needs nothing from the optimizers: ``paths`` is
(runs, steps + 1, 2) (a ``Run.path``) or a list of (n_i, 2) arrays, ``diverged_at`` holds,
per run, the step at which it diverged (None or a negative number when it did not).
Every string drawn (labels, title, axis names) comes from the caller, in its language,
and ``font`` is the family list from ``viz.fonts.family(lang)``. Tick labels are made when
the figure is drawn, so draw a returned Figure inside ``mpl.rc_context(fonts.rc_for(font))``
(the ``*_png`` functions do).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import matplotlib as mpl
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from optim_ref.viz import canvas, colors, fonts
from optim_ref.viz.contour import draw_surface

Font = str | Sequence[str]


def as_paths(paths: Any) -> list[np.ndarray]:
    """A list of (n_i, 2) float arrays from a (runs, n, 2) array or a list of (n_i, 2)."""
    if isinstance(paths, np.ndarray):
        if paths.ndim != 3 or paths.shape[-1] != 2:
            raise ValueError(f"paths must have shape (runs, steps + 1, 2), got {paths.shape}")
        return [np.asarray(p, dtype=float) for p in paths]
    out = [np.asarray(p, dtype=float) for p in paths]
    for i, p in enumerate(out):
        if p.ndim != 2 or p.shape[-1] != 2 or len(p) == 0:
            raise ValueError(f"paths[{i}] must have shape (n, 2), got {p.shape}")
    return out


def as_diverged(diverged_at: Any, n_runs: int) -> list[int | None]:
    """Per run, the step it diverged at, or None; accepts None, -1 or NaN for 'did not'."""
    if diverged_at is None:
        return [None] * n_runs
    values = list(np.asarray(diverged_at, dtype=float).reshape(-1))
    if len(values) != n_runs:
        raise ValueError(f"diverged_at has {len(values)} entries for {n_runs} runs")
    return [None if not np.isfinite(v) or v < 0 else int(v) for v in values]


def check_labels(labels: Sequence[str], n_runs: int) -> list[str]:
    labels = list(labels)
    if len(labels) != n_runs:
        raise ValueError(f"{len(labels)} labels for {n_runs} runs")
    return labels


def exit_point(path: np.ndarray, upto: int, window: Any) -> np.ndarray:
    """Where a diverged run is last seen: its last point if inside the window, else the
    point where its path crossed the window's edge (so the x is drawn where it left)."""
    (xmin, xmax), (ymin, ymax) = window
    lo, hi = np.array([xmin, ymin]), np.array([xmax, ymax])
    upto = min(upto, len(path) - 1)
    inside = np.all((path[: upto + 1] >= lo) & (path[: upto + 1] <= hi), axis=1)
    if inside[upto]:
        return path[upto]
    if not inside.any():
        return np.clip(path[upto], lo, hi)
    i = int(np.flatnonzero(inside)[-1])
    a, b = path[i], path[i + 1]
    d = b - a
    # largest t in [0, 1] that keeps a + t*d inside the box
    with np.errstate(divide="ignore", invalid="ignore"):
        t_hi = np.where(d > 0, (hi - a) / d, np.where(d < 0, (lo - a) / d, np.inf))
    t = float(np.clip(np.min(t_hi), 0.0, 1.0))
    return np.clip(a + t * d, lo, hi)


def surface_axes(
    fig: Figure,
    surface: Any,
    *,
    title: str | None,
    xlabel: str | None,
    ylabel: str | None,
    scale: str = "auto",
) -> Axes:
    """One axes holding ``surface``'s contour background, titled and labelled by the caller."""
    ax = fig.add_subplot()
    fonts.latin_ticks(ax)
    draw_surface(ax, surface, scale=scale)
    if title:
        ax.set_title(title)
    if xlabel:
        ax.set_xlabel(xlabel)
    if ylabel:
        ax.set_ylabel(ylabel)
    return ax


def draw_starts(ax: Axes, paths: list[np.ndarray]) -> None:
    """One hollow ring per distinct start point, under the paths."""
    starts = np.unique(np.array([p[0] for p in paths]), axis=0)
    ax.plot(starts[:, 0], starts[:, 1], linestyle="none", marker="o", markersize=10,
            markerfacecolor="none", markeredgecolor=colors.INK_START, markeredgewidth=1.6,
            zorder=1.3)


def path_figure(
    surface: Any,
    paths: Any,
    labels: Sequence[str],
    *,
    diverged_at: Any = None,
    title: str | None = None,
    xlabel: str | None = "x",
    ylabel: str | None = "y",
    font: Font = (fonts.LATIN,),
    size: tuple[int, int] = canvas.DEFAULT_SIZE,
    dpi: int = canvas.DEFAULT_DPI,
    scale: str = "auto",
    legend_loc: str = "best",
) -> Figure:
    """Runs' paths over ``surface``'s contours, start ringed, divergence marked with an x."""
    runs = as_paths(paths)
    labels = check_labels(labels, len(runs))
    diverged = as_diverged(diverged_at, len(runs))
    with mpl.rc_context(fonts.rc_for(font)):
        fig = canvas.new_figure(size, dpi)
        ax = surface_axes(fig, surface, title=title, xlabel=xlabel, ylabel=ylabel, scale=scale)
        draw_starts(ax, runs)
        for i, (path, label, stop) in enumerate(zip(runs, labels, diverged, strict=True)):
            style = colors.run_style(i)
            shown = path if stop is None else path[: stop + 1]
            ax.plot(shown[:, 0], shown[:, 1], color=style.color, linestyle=style.linestyle,
                    linewidth=1.8, marker=style.marker, markersize=5,
                    markevery=max(1, (len(shown) - 1) // 10), markeredgecolor="white",
                    markeredgewidth=0.6, label=label, zorder=2 + 0.01 * i)
            if stop is not None:
                x, y = exit_point(path, stop, surface.window)
                ax.plot([x], [y], linestyle="none", marker="X", markersize=11,
                        color=style.color, markeredgecolor=colors.DIVERGED,
                        markeredgewidth=1.0, zorder=3)
        ax.legend(loc=legend_loc, framealpha=1.0, fontsize=9)
    return fig


def loss_figure(
    losses: Any,
    labels: Sequence[str],
    *,
    diverged_at: Any = None,
    title: str | None = None,
    xlabel: str | None = "step",
    ylabel: str | None = "loss",
    font: Font = (fonts.LATIN,),
    size: tuple[int, int] = canvas.DEFAULT_SIZE,
    dpi: int = canvas.DEFAULT_DPI,
    yscale: str = "auto",
) -> Figure:
    """Loss against step, one line per run; a diverged run ends in an x at its last step.

    ``yscale`` 'auto' is log when every loss shown is positive, else symlog (a saddle's
    loss goes below zero, where a log axis cannot go).
    """
    curves = [np.asarray(c, dtype=float).reshape(-1) for c in losses]
    labels = check_labels(labels, len(curves))
    diverged = as_diverged(diverged_at, len(curves))
    shown = [c if stop is None else c[: stop + 1] for c, stop in zip(curves, diverged, strict=True)]
    shown = [c[np.isfinite(c)] for c in shown]
    if yscale == "auto":
        yscale = "log" if all((c > 0).all() for c in shown) else "symlog"
    with mpl.rc_context(fonts.rc_for(font)):
        fig = canvas.new_figure(size, dpi)
        ax = fig.add_subplot()
        fonts.latin_ticks(ax)
        ax.set_facecolor("white")
        for i, (curve, label, stop) in enumerate(zip(shown, labels, diverged, strict=True)):
            style = colors.run_style(i)
            steps = np.arange(len(curve))
            ax.plot(steps, curve, color=style.color, linestyle=style.linestyle, linewidth=1.8,
                    marker=style.marker, markersize=5,
                    markevery=max(1, (len(curve) - 1) // 10), markeredgecolor="white",
                    markeredgewidth=0.6, label=label, zorder=2 + 0.01 * i)
            if stop is not None and len(curve):
                ax.plot([steps[-1]], [curve[-1]], linestyle="none", marker="X", markersize=11,
                        color=style.color, markeredgecolor=colors.DIVERGED,
                        markeredgewidth=1.0, zorder=3)
        ax.set_yscale(yscale)
        ax.grid(True, which="major", color="#dddddd", linewidth=0.6)
        if title:
            ax.set_title(title)
        if xlabel:
            ax.set_xlabel(xlabel)
        if ylabel:
            ax.set_ylabel(ylabel)
        ax.legend(framealpha=1.0, fontsize=9)
    return fig


def path_png(surface: Any, paths: Any, labels: Sequence[str], **kwargs: Any) -> bytes:
    """``path_figure`` as deterministic PNG bytes."""
    with mpl.rc_context(fonts.rc_for(kwargs.get("font", (fonts.LATIN,)))):
        return canvas.png_bytes(path_figure(surface, paths, labels, **kwargs))


def loss_png(losses: Any, labels: Sequence[str], **kwargs: Any) -> bytes:
    """``loss_figure`` as deterministic PNG bytes."""
    with mpl.rc_context(fonts.rc_for(kwargs.get("font", (fonts.LATIN,)))):
        return canvas.png_bytes(loss_figure(losses, labels, **kwargs))
