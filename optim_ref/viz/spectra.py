"""Singular values of matrices, one marked line per matrix, on a log scale.

For Muon's page: the spectrum of a momentum matrix before and after Newton-Schulz. Every
string drawn comes from the caller, in its language; the output is deterministic PNG.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import matplotlib as mpl
import numpy as np
from matplotlib.figure import Figure

from optim_ref.viz import canvas, colors, fonts


def spectra_figure(values: Sequence[Any], labels: Sequence[str], *, xlabel: str, ylabel: str,
                   reference: float | None = 1.0, font: Any = (fonts.LATIN,),
                   size: tuple[int, int] = (640, 420), dpi: int = canvas.DEFAULT_DPI) -> Figure:
    """Each array of ``values`` sorted from largest to smallest against its rank (1, 2, ...);
    a grey line at ``reference`` (the value an exact orthogonalization gives every one)."""
    values = [np.sort(np.asarray(v, dtype=float).reshape(-1))[::-1] for v in values]
    if len(values) != len(labels) or any(v.size == 0 or np.any(v <= 0) for v in values):
        raise ValueError("need one label per array, and positive values in each")
    with mpl.rc_context(fonts.rc_for(font)):
        fig = canvas.new_figure(size, dpi)
        ax = fig.subplots()
        fonts.latin_ticks(ax)
        ax.grid(True, color="#e3e3e3", linewidth=0.6)
        ax.set_axisbelow(True)
        if reference is not None:
            ax.axhline(reference, color="#6b6f76", linestyle=(0, (4, 3)), linewidth=1.2)
        for i, (v, label) in enumerate(zip(values, labels, strict=True)):
            style = colors.run_style(i)
            ax.plot(np.arange(1, v.size + 1), v, color=style.color, marker=style.marker,
                    markersize=4, linewidth=1.6, label=label)
        ax.set_yscale("log")
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        ax.legend(loc="lower left", framealpha=1.0, fontsize=9)
    return fig


def spectra_png(values: Sequence[Any], labels: Sequence[str], **kwargs: Any) -> bytes:
    """``spectra_figure`` as deterministic PNG bytes."""
    with mpl.rc_context(fonts.rc_for(kwargs.get("font", (fonts.LATIN,)))):
        return canvas.png_bytes(spectra_figure(values, labels, **kwargs))
