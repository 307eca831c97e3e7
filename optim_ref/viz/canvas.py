"""Figures without pyplot, and PNG bytes that are the same on every run.

pyplot keeps every figure alive in a global registry; a build that renders hundreds of
figures in worker processes wants plain ``Figure`` objects on an Agg canvas, freed when
dropped. The figure is opaque and light, with a thin border, so it reads the same on the
site's light and dark pages.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

#: the page-independent paper colour of every figure, and its border
PAPER = "#fbfbf8"
BORDER = "#b9bcc2"
INK = "#222222"

#: the size the site uses for paths and races, in pixels, and the resolution
DEFAULT_SIZE = (600, 450)
DEFAULT_DPI = 100


def new_figure(size: tuple[int, int] = DEFAULT_SIZE, dpi: int = DEFAULT_DPI) -> Figure:
    """An opaque light figure of ``size`` pixels (width, height) on an Agg canvas."""
    width, height = size
    fig = Figure(
        figsize=(width / dpi, height / dpi),
        dpi=dpi,
        facecolor=PAPER,
        edgecolor=BORDER,
        linewidth=1.0,
        layout="constrained",
    )
    FigureCanvasAgg(fig)
    return fig


def png_bytes(fig: Figure) -> bytes:
    """The figure as PNG; no timestamp or software tag, so two renders are byte-identical."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=fig.dpi, facecolor=fig.get_facecolor(),
                edgecolor=fig.get_edgecolor(), metadata={"Software": None})
    return buf.getvalue()


def write_bytes(data: bytes, path: str | os.PathLike) -> Path:
    """Write ``data`` to ``path`` atomically (temp file, then rename): never half a file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
    return path
