"""Pictures of noisy training: mini-batch paths over contours, clouds of end points, lr curves.

``paths_panels_png`` draws one panel per run over the same contours; ``decay_png`` puts two
paths over the contours beside their loss curves; ``clouds_png`` draws where many seeded runs
ended, one panel per optimizer on shared axes; ``schedules_png`` draws one learning-rate
curve per panel. Every word drawn comes from the caller, in its language.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import matplotlib as mpl
import numpy as np

from optim_ref.viz import canvas, colors, contour, fonts

Font = str | Sequence[str]


def _path(ax, path: np.ndarray, i: int, label: str | None = None) -> None:
    style = colors.run_style(i)
    ax.plot(path[:, 0], path[:, 1], color=style.color, linewidth=0.9, label=label, zorder=2)
    ax.plot(path[-1, 0], path[-1, 1], marker=style.marker, color=style.color,
            markeredgecolor="white", markersize=7, linestyle="none", zorder=3)


def paths_panels_png(surface: Any, paths: Sequence[np.ndarray], titles: Sequence[str], *,
                     xlabel: str, ylabel: str, font: Font,
                     size: tuple[int, int] = (720, 600)) -> bytes:
    """One panel per path, each over the contours of ``surface``, 2 columns."""
    with mpl.rc_context(fonts.rc_for(font)):
        fig = canvas.new_figure(size)
        rows = (len(paths) + 1) // 2
        axes = fig.subplots(rows, 2, sharex=True, sharey=True, squeeze=False).ravel()
        for i, (ax, path, title) in enumerate(zip(axes, paths, titles, strict=True)):
            contour.draw_surface(ax, surface, resolution=160, minima_zorder=4)
            _path(ax, path, i)
            ax.set_title(title, fontsize=10)
            fonts.latin_ticks(ax)
        for ax in axes[-2:]:
            ax.set_xlabel(xlabel)
        for ax in axes[::2]:
            ax.set_ylabel(ylabel)
        return canvas.png_bytes(fig)


def decay_png(surface: Any, paths: Sequence[np.ndarray], excess: Sequence[np.ndarray],
              labels: Sequence[str], *, xlabel: str, ylabel: str, step_label: str,
              loss_label: str, font: Font, size: tuple[int, int] = (760, 380)) -> bytes:
    """Paths over the contours (left) and their loss above the minimum, log scale (right)."""
    with mpl.rc_context(fonts.rc_for(font)):
        fig = canvas.new_figure(size)
        left, right = fig.subplots(1, 2)
        contour.draw_surface(left, surface, resolution=160, minima_zorder=4)
        for i, (path, ex, label) in enumerate(zip(paths, excess, labels, strict=True)):
            _path(left, path, i, label)
            style = colors.run_style(i)
            right.semilogy(np.arange(ex.size), np.maximum(ex, 1e-12), color=style.color,
                           linestyle=style.linestyle, linewidth=1.0, label=label)
        left.set_xlabel(xlabel)
        left.set_ylabel(ylabel)
        right.set_xlabel(step_label)
        right.set_ylabel(loss_label)
        right.grid(True, color="#e3e3e3", linewidth=0.6)
        right.legend(fontsize=8, loc="upper right")
        for ax in (left, right):
            fonts.latin_ticks(ax)
        return canvas.png_bytes(fig)


def clouds_png(points: Sequence[np.ndarray], center: Sequence[float], titles: Sequence[str], *,
               xlabel: str, ylabel: str, font: Font,
               size: tuple[int, int] = (780, 320)) -> bytes:
    """Where the runs ended, one panel per optimizer, on shared axes; the star is the minimum."""
    with mpl.rc_context(fonts.rc_for(font)):
        fig = canvas.new_figure(size)
        axes = fig.subplots(1, len(points), sharex=True, sharey=True, squeeze=False).ravel()
        reach = max(float(np.max(np.abs(p - np.asarray(center)))) for p in points) * 1.05
        for i, (ax, pts, title) in enumerate(zip(axes, points, titles, strict=True)):
            style = colors.run_style(i)
            ax.plot(pts[:, 0], pts[:, 1], linestyle="none", marker=style.marker, markersize=3,
                    color=style.color, alpha=0.7, zorder=2)
            ax.plot(*center, marker="*", markersize=13, color=colors.MINIMUM,
                    markeredgecolor="white", linestyle="none", zorder=3)
            ax.set_xlim(center[0] - reach, center[0] + reach)
            ax.set_ylim(center[1] - reach, center[1] + reach)
            ax.set_title(title, fontsize=9)
            ax.set_xlabel(xlabel)
            ax.grid(True, color="#e3e3e3", linewidth=0.6)
            fonts.latin_ticks(ax)
        axes[0].set_ylabel(ylabel)
        return canvas.png_bytes(fig)


def schedules_png(curves: Sequence[np.ndarray], titles: Sequence[str], *, xlabel: str,
                  ylabel: str, font: Font, size: tuple[int, int] = (760, 900)) -> bytes:
    """One learning-rate curve per panel, 2 columns; the titles carry torch's calls."""
    with mpl.rc_context(fonts.rc_for(font)):
        fig = canvas.new_figure(size)
        rows = (len(curves) + 1) // 2
        axes = fig.subplots(rows, 2, sharex=True, squeeze=False).ravel()
        for i, (ax, lrs, title) in enumerate(zip(axes, curves, titles, strict=True)):
            style = colors.run_style(i)
            ax.plot(np.arange(1, lrs.size + 1), lrs, color=style.color, linewidth=1.4)
            ax.set_title(title, fontsize=7.5, family=fonts.LATIN)
            ax.set_ylim(bottom=0)
            ax.grid(True, color="#e3e3e3", linewidth=0.6)
            fonts.latin_ticks(ax)
        for ax in axes[-2:]:
            ax.set_xlabel(xlabel)
        for ax in axes[::2]:
            ax.set_ylabel(ylabel)
        return canvas.png_bytes(fig)
