"""Fonts: Korean labels need a font with Hangul glyphs, and the default DejaVu Sans has none.

The NanumGothic TTF shipped inside the koreanize-matplotlib wheel is registered with
matplotlib's font manager once, by path, so no system font and no network is needed. The
family list keeps DejaVu Sans as a fallback for the glyphs Nanum lacks (the minus sign,
Greek letters), which matplotlib >= 3.6 falls back to glyph by glyph.
"""

from __future__ import annotations

import contextlib
import functools
import importlib.util
from collections.abc import Iterator
from pathlib import Path

import matplotlib as mpl
from matplotlib import font_manager

#: the family used for Latin-only text
LATIN = "DejaVu Sans"
#: the family registered from koreanize-matplotlib's NanumGothic.ttf
KOREAN = "NanumGothic"


def nanum_gothic_path() -> Path:
    """Where the koreanize-matplotlib package keeps NanumGothic.ttf (found, not installed)."""
    spec = importlib.util.find_spec("koreanize_matplotlib")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(
            "Korean text needs NanumGothic, shipped by the koreanize-matplotlib package; "
            "install it (pip install koreanize-matplotlib)"
        )
    for folder in spec.submodule_search_locations:
        path = Path(folder) / "fonts" / "NanumGothic.ttf"
        if path.is_file():
            return path
    raise RuntimeError(f"NanumGothic.ttf not found under {list(spec.submodule_search_locations)}")


@functools.cache
def register_korean_font() -> str:
    """Add NanumGothic to matplotlib's font manager (once per process); return its family name."""
    path = nanum_gothic_path()
    font_manager.fontManager.addfont(str(path))
    return font_manager.FontProperties(fname=str(path)).get_name()


def family(lang: str = "en") -> tuple[str, ...]:
    """The font family list to draw text of language ``lang`` ('ko' or 'en') with.

    Pass the result as ``font=`` to the drawing functions; it is also what a figure cache
    key should include.
    """
    if lang == "ko":
        return (register_korean_font(), LATIN)
    if lang == "en":
        return (LATIN,)
    raise ValueError(f"Invalid lang: {lang!r} (lang must be 'ko' or 'en')")


def font_properties(lang: str = "en", size: float | None = None) -> font_manager.FontProperties:
    """A FontProperties for one piece of text in language ``lang``."""
    return font_manager.FontProperties(family=list(family(lang)), size=size)


def rc_for(font: str | tuple[str, ...] | list[str]) -> dict:
    """The rcParams that make every text of a figure use ``font`` (a family or family list)."""
    names = [font] if isinstance(font, str) else list(font)
    if KOREAN in names:
        register_korean_font()
    return {"font.family": names, "axes.unicode_minus": True}


def latin_ticks(ax) -> None:
    """Draw tick labels (numbers) in DejaVu Sans whatever the figure's font.

    Mathtext, which log-axis ticks such as 10^-3 use, knows no fallback: it takes every
    glyph from the first family, and NanumGothic has no U+2212 minus sign. (A caller's
    own $...$ label with a minus, under Nanum, would miss it too; the tests catch that.)
    """
    ax.tick_params(labelfontfamily=LATIN)


@contextlib.contextmanager
def style(lang: str = "en") -> Iterator[tuple[str, ...]]:
    """Context manager: figures made inside draw their text in ``lang``'s font."""
    names = family(lang)
    with mpl.rc_context(rc_for(names)):
        yield names
