"""Training curves: a grid of panels, each with one line per run against the epoch or step.

``curves_png``: a run is drawn in its colour (``colors.run_style``, one per name) on every
panel; within a panel a second series of the same run (the training data, beside the
validation data) is thinner and dotted, so the gap between the two reads at a glance.
``steps_png``: one series per run and panel, at every step, in colours the caller gives (an
optimizer's own), with the position's marker and dash as the second cue; rows may be on a
log scale. Every string drawn comes from the caller in its language; the output is
deterministic PNG.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import matplotlib as mpl
import numpy as np
from matplotlib.lines import Line2D
from matplotlib.ticker import PercentFormatter

from optim_ref.viz import canvas, colors, fonts

#: the training series: thinner and dotted beside the validation series of the same run
TRAIN_STYLE = {"linewidth": 1.2, "linestyle": ":"}


def curves_png(
    epochs: Any,
    panels: Sequence[dict[str, Any]],
    names: Sequence[str],
    *,
    titles: Sequence[str],
    ylabels: Sequence[str],
    xlabel: str,
    val_label: str,
    train_label: str,
    font: Sequence[str] = (fonts.LATIN,),
    size: tuple[int, int] = (760, 620),
    ncols: int = 2,
    dpi: int = canvas.DEFAULT_DPI,
) -> bytes:
    """``panels[i]`` maps "val" and "train" to ``(len(names), len(epochs))`` arrays.

    Panels of one row share their y axis (same quantity, e.g. loss without and with a
    schedule); ``ylabels`` has one label per row.
    """
    epochs = np.asarray(epochs, dtype=float)
    with mpl.rc_context(fonts.rc_for(font)):
        fig, axes = _grid(size, dpi, titles, ylabels, xlabel, ncols, len(panels))
        for ax, panel in zip(axes.flat, panels, strict=False):
            for k, name in enumerate(names):
                style = colors.run_style(k)
                ax.plot(epochs, panel["train"][k], color=style.color, **TRAIN_STYLE)
                ax.plot(epochs, panel["val"][k], color=style.color, linewidth=2.0,
                        marker=style.marker, markersize=4, label=name)
        handles, labels = axes.flat[0].get_legend_handles_labels()
        handles.append(Line2D([], [], color=canvas.INK, linewidth=2.0))
        handles.append(Line2D([], [], color=canvas.INK, **TRAIN_STYLE))
        labels += [val_label, train_label]
        fig.legend(handles, labels, loc="outside lower center", ncols=len(labels),
                   framealpha=1.0, fontsize=9)
        return canvas.png_bytes(fig)


def steps_png(
    steps: Any,
    panels: Sequence[Any],
    names: Sequence[str],
    run_colors: Sequence[str],
    *,
    titles: Sequence[str],
    ylabels: Sequence[str],
    xlabel: str,
    log_rows: Sequence[int] = (),
    percent_rows: Sequence[int] = (),
    font: Sequence[str] = (fonts.LATIN,),
    size: tuple[int, int] = (760, 560),
    ncols: int = 2,
    dpi: int = canvas.DEFAULT_DPI,
) -> bytes:
    """``panels[i]`` is a ``(len(names), len(steps))`` array; run ``k`` is drawn in
    ``run_colors[k]``. Rows in ``log_rows`` get a log y axis, rows in ``percent_rows`` show a
    fraction as a percentage. Panels of one row share their y axis."""
    steps = np.asarray(steps, dtype=float)
    if len(run_colors) != len(names):
        raise ValueError(f"need one colour per run: {len(run_colors)} for {len(names)} runs")
    marks = max(1, steps.size // 6)  # six markers a line: the second cue, not a dotted band
    with mpl.rc_context(fonts.rc_for(font)):
        fig, axes = _grid(size, dpi, titles, ylabels, xlabel, ncols, len(panels))
        for i, (ax, panel) in enumerate(zip(axes.flat, panels, strict=False)):
            for k, (name, color) in enumerate(zip(names, run_colors, strict=True)):
                style = colors.run_style(k)
                ax.plot(steps, np.asarray(panel)[k], color=color, linewidth=1.8,
                        linestyle=style.linestyle, marker=style.marker, markersize=5,
                        markevery=marks, label=name)
            if i // ncols in log_rows:
                ax.set_yscale("log")
            if i // ncols in percent_rows:
                ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        handles, labels = axes.flat[0].get_legend_handles_labels()
        fig.legend(handles, labels, loc="outside lower center", ncols=len(labels),
                   framealpha=1.0, fontsize=9)
        return canvas.png_bytes(fig)


def _grid(size, dpi, titles, ylabels, xlabel, ncols, n_panels):
    """The figure and its panels: titles, the x label under the bottom row, a y label per row."""
    nrows = -(-n_panels // ncols)
    if len(titles) != n_panels or len(ylabels) != nrows:
        raise ValueError(f"need one title per panel and one y label per row: {len(titles)} "
                         f"titles, {len(ylabels)} labels for {n_panels} panels")
    fig = canvas.new_figure(size, dpi)
    axes = fig.subplots(nrows, ncols, sharex=True, sharey="row", squeeze=False)
    for i, ax in enumerate(axes.flat[:n_panels]):
        fonts.latin_ticks(ax)
        ax.set_facecolor("white")
        ax.grid(True, color="#e3e3e3", linewidth=0.6)
        ax.set_title(titles[i], fontsize=11)
        if i // ncols == nrows - 1:
            ax.set_xlabel(xlabel)
        if i % ncols == 0:
            ax.set_ylabel(ylabels[i // ncols])
    return fig, axes
