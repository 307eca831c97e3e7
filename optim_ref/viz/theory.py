"""Figures of the theory beside the races: rate against beta, EMA weights, bias correction, NAG.

Like ``paths``: plain arrays in, every word drawn passed in by the caller in its language,
``font`` from ``fonts.family(lang)``, deterministic PNG bytes out.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import matplotlib as mpl
import numpy as np

from optim_ref.viz import canvas, colors, fonts
from optim_ref.viz.contour import draw_surface

Font = str | Sequence[str]


def _axes(fig, *args):
    ax = fig.add_subplot(*args)
    fonts.latin_ticks(ax)
    ax.set_facecolor("white")
    ax.grid(True, color="#dddddd", linewidth=0.6)
    return ax


def rate_beta_png(
    curve_beta: np.ndarray, curve_rate: np.ndarray, beta: np.ndarray, measured: np.ndarray,
    *, beta_star: float, words: dict[str, str], font: Font = (fonts.LATIN,),
    size: tuple[int, int] = canvas.DEFAULT_SIZE,
) -> bytes:
    """The best rate over eta against beta (line), sqrt(beta) (dashed), runs' rates (dots).

    ``words``: xlabel, ylabel, theory, floor, measured, critical (legend and axis texts).
    """
    with mpl.rc_context(fonts.rc_for(font)):
        fig = canvas.new_figure(size)
        ax = _axes(fig)
        ax.plot(curve_beta, np.sqrt(curve_beta), color="#888888", linestyle="--", linewidth=1.2,
                label=words["floor"], zorder=1)
        ax.plot(curve_beta, curve_rate, color=colors.COLORS[1], linewidth=2.0,
                label=words["theory"], zorder=2)
        ax.plot(beta, measured, linestyle="none", marker="o", markersize=6,
                color=colors.COLORS[0], markeredgecolor="white", label=words["measured"],
                zorder=3)
        ax.axvline(beta_star, color=colors.INK_START, linestyle=":", linewidth=1.0,
                   label=words["critical"])
        ax.set_xlim(0.0, 1.0)
        ax.set_ylim(0.0, 1.0)
        ax.set_xlabel(words["xlabel"])
        ax.set_ylabel(words["ylabel"])
        ax.legend(framealpha=1.0, fontsize=9, loc="lower right")
        return canvas.png_bytes(fig)


def weights_png(
    k: np.ndarray, weights: Sequence[np.ndarray], windows: Sequence[float],
    labels: Sequence[str], *, words: dict[str, str], font: Font = (fonts.LATIN,),
    size: tuple[int, int] = canvas.DEFAULT_SIZE,
) -> bytes:
    """Weight of the gradient k steps back, one line per beta, a mark at each 1/(1 - beta)."""
    with mpl.rc_context(fonts.rc_for(font)):
        fig = canvas.new_figure(size)
        ax = _axes(fig)
        for i, (w, window, label) in enumerate(zip(weights, windows, labels, strict=True)):
            style = colors.run_style(i)
            ax.plot(k, w, color=style.color, linestyle=style.linestyle, linewidth=1.8,
                    label=f"{label}, 1/(1−β) = {window:g}")
            ax.axvline(window, color=style.color, linestyle=":", linewidth=1.4)
        ax.set_yscale("log")
        ax.set_ylim(1e-5, 1.0)
        ax.set_xlim(0, k[-1])
        ax.set_xlabel(words["xlabel"])
        ax.set_ylabel(words["ylabel"])
        ax.legend(framealpha=1.0, fontsize=9, loc="upper right")
        return canvas.png_bytes(fig)


def bias_png(
    panels: Sequence[dict[str, Any]], *, words: dict[str, str], font: Font = (fonts.LATIN,),
    size: tuple[int, int] = (720, 360),
) -> bytes:
    """Side by side: gradients (dots), m_t and the corrected m_hat_t against the step.

    Each panel is ``{"title", "g", "m", "m_hat"}`` with arrays over steps 1..T.
    """
    with mpl.rc_context(fonts.rc_for(font)):
        fig = canvas.new_figure(size)
        axes = [_axes(fig, 1, len(panels), i + 1) for i in range(len(panels))]
        for ax, panel in zip(axes, panels, strict=True):
            t = np.arange(1, len(panel["g"]) + 1)
            ax.plot(t, panel["g"], linestyle="none", marker=".", color="#999999",
                    label=words["g"])
            ax.plot(t, panel["m"], color=colors.COLORS[0], linestyle="--", linewidth=1.8,
                    marker="o", markersize=3, label=words["m"])
            ax.plot(t, panel["m_hat"], color=colors.COLORS[1], linewidth=1.8, marker="s",
                    markersize=3, label=words["m_hat"])
            ax.set_title(panel["title"], fontsize=11)
            ax.set_xlabel(words["xlabel"])
            ax.set_xlim(0, t[-1] + 1)
        top = max(float(np.max(p["g"])) for p in panels)
        for ax in axes:
            ax.set_ylim(0.0, 1.1 * top)
        axes[-1].legend(framealpha=1.0, fontsize=9, loc="lower right")
        return canvas.png_bytes(fig)


def lookahead_png(
    surface: Any, point: np.ndarray, momentum: np.ndarray, grad_here: np.ndarray,
    grad_ahead: np.ndarray, *, window: Any, words: dict[str, str],
    font: Font = (fonts.LATIN,), size: tuple[int, int] = canvas.DEFAULT_SIZE,
) -> bytes:
    """One step from ``point`` drawn two ways, over the surface's contours.

    ``momentum`` is the momentum part of the step (-eta beta a); ``grad_here`` and
    ``grad_ahead`` are the gradient parts (-eta g) measured at the point and at the
    look-ahead point ``point + momentum``. Momentum adds ``grad_here`` at the tip of the
    momentum arrow; NAG adds ``grad_ahead``. ``words``: point, ahead, momentum, grad_here,
    grad_ahead, step_momentum, step_nag (legend texts).
    """
    point = np.asarray(point, float)
    ahead = point + momentum
    with mpl.rc_context(fonts.rc_for(font)):
        fig = canvas.new_figure(size)
        ax = fig.add_subplot()
        fonts.latin_ticks(ax)
        draw_surface(ax, _Zoomed(surface, window))

        def arrow(start, vec, color, style, label, width=2.0):
            ax.annotate("", xy=start + vec, xytext=start, zorder=4,
                        arrowprops={"arrowstyle": "-|>", "color": color, "lw": width,
                                    "linestyle": style, "shrinkA": 0, "shrinkB": 0,
                                    "mutation_scale": 14})
            ax.plot([], [], color=color, linestyle=style, linewidth=width, label=label)

        arrow(point, momentum, colors.COLORS[6], "-", words["momentum"])
        arrow(point + momentum, grad_here, colors.COLORS[0], "--", words["grad_here"])
        arrow(point + momentum, grad_ahead, colors.COLORS[1], "-", words["grad_ahead"])
        arrow(point, momentum + grad_here, colors.COLORS[0], ":", words["step_momentum"], 1.4)
        arrow(point, momentum + grad_ahead, colors.COLORS[1], ":", words["step_nag"], 1.4)
        ax.plot(*point, marker="o", color=colors.INK_START, linestyle="none", markersize=7,
                label=words["point"], zorder=5)
        ax.plot(*ahead, marker="D", color=colors.COLORS[2], linestyle="none", markersize=7,
                label=words["ahead"], zorder=5)
        ax.set_aspect("equal")
        fig.legend(framealpha=1.0, fontsize=8.5, loc="outside right center")
        return canvas.png_bytes(fig)


class _Zoomed:
    """A surface drawn over another window (draw_surface reads ``window`` and the formulas)."""

    def __init__(self, surface: Any, window: Any):
        self._surface, self.window = surface, window

    def __getattr__(self, name: str) -> Any:
        return getattr(self._surface, name)
