"""Training curves: a grid of panels, each with one line per run against the epoch.

A run is drawn in its colour (``colors.run_style``, one per name) on every panel; within a
panel a second series of the same run (the training data, beside the validation data) is
thinner and dotted, so the gap between the two reads at a glance. Every string drawn comes
from the caller in its language; the output is deterministic PNG.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import matplotlib as mpl
import numpy as np
from matplotlib.lines import Line2D

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
    nrows = -(-len(panels) // ncols)
    if len(titles) != len(panels) or len(ylabels) != nrows:
        raise ValueError(f"need one title per panel and one y label per row: {len(titles)} "
                         f"titles, {len(ylabels)} labels for {len(panels)} panels")
    with mpl.rc_context(fonts.rc_for(font)):
        fig = canvas.new_figure(size, dpi)
        axes = fig.subplots(nrows, ncols, sharex=True, sharey="row", squeeze=False)
        for i, (ax, panel) in enumerate(zip(axes.flat, panels, strict=False)):
            fonts.latin_ticks(ax)
            ax.set_facecolor("white")
            ax.grid(True, color="#e3e3e3", linewidth=0.6)
            for k, name in enumerate(names):
                style = colors.run_style(k)
                ax.plot(epochs, panel["train"][k], color=style.color, **TRAIN_STYLE)
                ax.plot(epochs, panel["val"][k], color=style.color, linewidth=2.0,
                        marker=style.marker, markersize=4, label=name)
            ax.set_title(titles[i], fontsize=11)
            if i // ncols == nrows - 1:
                ax.set_xlabel(xlabel)
            if i % ncols == 0:
                ax.set_ylabel(ylabels[i // ncols])
        handles, labels = axes.flat[0].get_legend_handles_labels()
        handles.append(Line2D([], [], color=canvas.INK, linewidth=2.0))
        handles.append(Line2D([], [], color=canvas.INK, **TRAIN_STYLE))
        labels += [val_label, train_label]
        fig.legend(handles, labels, loc="outside lower center", ncols=len(labels),
                   framealpha=1.0, fontsize=9)
        return canvas.png_bytes(fig)
