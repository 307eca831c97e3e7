"""Turn ``[[figure NAME]]`` lines in a page into a captioned, accessible ``<figure>``.

Pages never write image tags for generated figures: the registry holds the caption and alt
text in both languages, the cache holds the files, and this module joins them. An
animation is an ``<img>`` of the GIF inside a ``<picture>`` whose ``<source>`` serves the
static final frame to readers who ask for reduced motion; ``figures.js`` adds a
play/pause button. Paths are relative to the page, so the site works under any sub-path.
"""

from __future__ import annotations

import html
import posixpath
import re
from dataclasses import dataclass

from scripts.core import words
from scripts.figures.registry import Figure

DIRECTIVE = re.compile(r"^\[\[figure ([a-z0-9-]+)\]\]\s*$", re.MULTILINE)
FIGURE_DIR = "figures"




class FigureMarkupError(ValueError):
    """A page names a figure the registry does not declare."""


@dataclass(frozen=True)
class Placed:
    """A figure ready to place: its files' site paths and its filled-in texts."""

    figure: Figure
    still: str  # site path of the PNG (final frame or the plot)
    animation: str | None  # site path of the GIF, if any
    caption: str
    alt: str
    size: tuple[int, int]


def site_path(name: str, suffix: str) -> str:
    return f"{FIGURE_DIR}/{name}{suffix}"


def relative(target: str, page_url: str) -> str:
    """``target`` (a site path) as seen from the page at ``page_url`` (directory URLs)."""
    base = page_url if page_url.endswith("/") or page_url == "" else posixpath.dirname(page_url)
    return posixpath.relpath(target, base or ".")


def render_figure(placed: Placed, page_url: str, lang: str) -> str:
    still = html.escape(relative(placed.still, page_url))
    w, h = placed.size
    alt = html.escape(placed.alt, quote=True)
    fid = f"fig-{placed.figure.name}"
    if placed.animation:
        anim = html.escape(relative(placed.animation, page_url))
        controls = words.section("animation")[lang]
        media = (
            f'<picture><source media="(prefers-reduced-motion: reduce)" srcset="{still}">'
            f'<img src="{anim}" alt="{alt}" width="{w}" height="{h}" loading="lazy" '
            f'decoding="async" data-still="{still}" data-animation="{anim}" '
            f'data-pause-label="{controls["pause"]}" '
            f'data-play-label="{controls["play"]}"></picture>'
        )
        cls = "optim-figure optim-animation"
    else:
        media = (f'<img src="{still}" alt="{alt}" width="{w}" height="{h}" loading="lazy" '
                 'decoding="async">')
        cls = "optim-figure"
    caption = html.escape(placed.caption)
    return (f'<figure class="{cls}" id="{fid}" data-figure="{placed.figure.name}">{media}'
            f"<figcaption>{caption}</figcaption></figure>")


def expand(markdown: str, place, page_url: str, lang: str, where: str) -> str:
    """Replace every directive; ``place(name)`` returns a ``Placed`` or None if unknown."""

    def one(match: re.Match) -> str:
        placed = place(match.group(1))
        if placed is None:
            raise FigureMarkupError(
                f"{where}: [[figure {match.group(1)}]]: no such figure in "
                "scripts/figures/figures.yml"
            )
        return "\n" + render_figure(placed, page_url, lang) + "\n"

    return DIRECTIVE.sub(one, markdown)
