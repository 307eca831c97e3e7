"""How the runs look: colour-blind-safe colours, and markers and dashes as a second cue.

The colours are Okabe and Ito's palette (without its yellow, too faint on a light figure),
in an order whose neighbours stay apart for the common colour-vision deficiencies; each run
also gets its own marker and line style, so the legend works in greyscale too.
"""

from __future__ import annotations

from typing import NamedTuple

#: Okabe-Ito, minus yellow: vermillion, blue, bluish green, orange, reddish purple,
#: sky blue, black
COLORS = ("#D55E00", "#0072B2", "#009E73", "#E69F00", "#CC79A7", "#56B4E9", "#000000")
MARKERS = ("o", "s", "^", "D", "v", "P", "p")  # "X" marks divergence, "*" minima
DASHES = ("-", "--", "-.", ":", (0, (5, 1.5, 1, 1.5, 1, 1.5)), (0, (8, 2)), (0, (2, 1)))

#: surface drawing: the filled levels run from PAPER-like white to this pale blue-grey
SURFACE_LOW = "#ffffff"
SURFACE_HIGH = "#b4c3d3"
CONTOUR_LINE = "#8a96a3"
MINIMUM = "#333333"
DIVERGED = "#000000"
INK_START = "#222222"


class RunStyle(NamedTuple):
    color: str
    marker: str
    linestyle: object


def run_style(i: int) -> RunStyle:
    """The look of the ``i``-th run of a figure (cycles after seven)."""
    return RunStyle(COLORS[i % len(COLORS)], MARKERS[i % len(MARKERS)], DASHES[i % len(DASHES)])
