"""The timeline and glossary pages, built from their data files in the page's language.

A page holds its prose and a line ``[[timeline]]`` or ``[[glossary]]``; :func:`expand_data_page`
replaces that line with the data rendered as Markdown headings (so the table of contents
lists the years) and accessible HTML cards. The timeline figure is drawn per language by
:func:`start_timeline_figures` into the cache, in fresh worker processes like every render
(core/fresh.py); the hook adds it to the build like the others.
"""

from __future__ import annotations

import hashlib
import html
import re
from concurrent.futures import Executor, Future
from pathlib import Path

from scripts.content.glossary import GLOSSARY, Term
from scripts.content.timeline import TIMELINE, TOPICS, Event
from scripts.core import cache, fresh, words
from scripts.core.languages import LANGS
from scripts.figures.markup import relative

TIMELINE_DIRECTIVE = re.compile(r"^\[\[timeline\]\]\s*$", re.M)
GLOSSARY_DIRECTIVE = re.compile(r"^\[\[glossary\]\]\s*$", re.M)
FIGURE_SIZE = (1000, 470)


def figure_site_path(lang: str) -> str:
    return f"figures/timeline.{lang}.png"


# colour-blind-safe (Okabe-Ito), one per topic
TOPIC_COLOURS = dict(zip(TOPICS, ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00",
                                  "#56B4E9", "#000000"), strict=True))


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _link(url: str, text: str) -> str:
    return f'<a href="{_e(url)}">{_e(text)}</a>'


def event_card(event: Event, lang: str) -> str:
    w = words.section("timeline")[lang]
    first = words.when(event.year, event.month, lang)
    if event.first == "arxiv":
        first += f" ({w['arxiv']})"
    venue = event.venue
    if str(event.venue_year) not in venue:
        venue += f" ({event.venue_year})"
    rows = [
        (w["authors"], _e(event.authors_text(lang))),
        (w["first"], _e(first)),
        (w["venue"], _e(venue)),
        (w["paper"], f"<cite>{_e(event.title)}</cite> · "
                     + _link(event.paper.url, event.paper.identifier)),
    ]
    if event.later:
        rows.append((w["later"], f"<cite>{_e(event.later.title)}</cite>, {_e(event.later.venue)} "
                                 f"({event.later.year}) · "
                                 + _link(event.later.url, f"doi:{event.later.doi}")))
    meta = "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in rows)
    lecture = ""
    if event.lecture_note:
        lecture = (f'<p class="optim-event__lecture"><strong>{_e(w["lecture"])}</strong> '
                   f"{_e(event.lecture_note[lang])}</p>")
    return (f'<article class="optim-event" id="event-{event.id}" data-topic="{event.topic}" '
            f'aria-labelledby="event-{event.id}-name">'
            f'<h3 class="optim-event__name" id="event-{event.id}-name">{_e(event.label[lang])}'
            f' <span class="optim-event__when">{_e(words.when(event.year, event.month, lang))}'
            f'</span></h3>'
            f'<p class="optim-event__topic">{_e(w["topics"][event.topic])}</p>'
            f'<p class="optim-event__why">{_e(event.significance[lang])}</p>'
            f'<dl class="optim-event__meta">{meta}</dl>{lecture}</article>')


def timeline_markdown(events: list[Event], lang: str, page_url: str) -> str:
    """The figure, then one ``##`` heading per year with that year's cards under it."""
    w = words.section("timeline")[lang]
    src = _e(relative(figure_site_path(lang), page_url))
    width, height = FIGURE_SIZE
    fill = {"first": events[0].year, "last": events[-1].year,
            "names": ", ".join(e.label[lang] for e in events),
            "yearonly": ", ".join(e.label[lang] for e in events if e.month is None)}
    alt, caption = w["alt"].format(**fill), w["caption"].format(**fill)
    if not fill["yearonly"]:
        caption = caption[:caption.rindex(". ") + 1]
    parts = [f'<figure class="optim-figure optim-timeline-figure" id="fig-timeline">'
             f'<img src="{src}" alt="{_e(alt)}" width="{width}" height="{height}" '
             f'loading="lazy" decoding="async"><figcaption>{_e(caption)}</figcaption>'
             f"</figure>"]
    for year in sorted({e.year for e in events}):
        heading = words.when(year, None, lang)
        cards = "".join(event_card(e, lang) for e in events if e.year == year)
        parts.append(f"## {heading} {{#year-{year}}}")
        parts.append(f'<div class="optim-timeline" markdown="0">{cards}</div>')
    return "\n\n".join(parts)


def _sort_key(term: Term, lang: str) -> str:
    return term.ko if lang == "ko" else term.en.lower()


def glossary_markdown(terms: list[Term], lang: str) -> str:
    """A definition list, sorted in the page's language, one anchor per term."""
    w = words.section("timeline")[lang]
    other = "en" if lang == "ko" else "ko"
    items = []
    for term in sorted(terms, key=lambda t: _sort_key(t, lang)):
        extra = f'<span class="optim-glossary__other" lang="{other}">{_e(term[other])}</span>'
        variants = ""
        if lang == "ko" and term.variants:
            variants = (f'<p class="optim-glossary__variants">{_e(w["variants"])}: '
                        + ", ".join(f"<s>{_e(v)}</s>" for v in term.variants) + "</p>")
        items.append(f'<div class="optim-glossary__entry" id="term-{term.id}">'
                     f'<dt><dfn>{_e(term[lang])}</dfn> {extra}</dt>'
                     f"<dd><p>{_e(term.definition[lang])}</p>{variants}</dd></div>")
    return f'<dl class="optim-glossary" markdown="0">{"".join(items)}</dl>'


def expand_data_page(markdown: str, lang: str, page_url: str, events: list[Event],
                     terms: list[Term]) -> tuple[str, Path | None]:
    """The page with its directive replaced, and the data file it was built from."""
    source = None
    if TIMELINE_DIRECTIVE.search(markdown):
        body = timeline_markdown(events, lang, page_url)
        markdown = TIMELINE_DIRECTIVE.sub(lambda _: body, markdown)
        source = TIMELINE
    if GLOSSARY_DIRECTIVE.search(markdown):
        body = glossary_markdown(terms, lang)
        markdown = GLOSSARY_DIRECTIVE.sub(lambda _: body, markdown)
        source = GLOSSARY
    return markdown, source


# ---- the timeline figure --------------------------------------------------------------


def _x(event: Event) -> float:
    """Decimal year at the middle of the month (mid-year when only the year is known)."""
    return event.year + ((event.month or 6.5) - 0.5) / 12


def _levels(events: list[Event], width_years: float) -> list[int]:
    """Stack labels on alternating levels so that neighbours do not overlap."""
    order = [1, -1, 2, -2, 3, -3, 4, -4]
    last_end = dict.fromkeys(order, -1e9)
    levels = []
    for event in events:
        x = _x(event)
        level = next((lv for lv in order if last_end[lv] < x), order[-1])
        last_end[level] = x + width_years
        levels.append(level)
    return levels


def draw_timeline(events: list[Event], lang: str, path: Path) -> None:
    from matplotlib.lines import Line2D

    from optim_ref.viz import canvas, fonts

    w = words.section("timeline")[lang]
    with _rc(fonts.rc_for(fonts.family(lang))):
        fig = canvas.new_figure(FIGURE_SIZE)
        ax = fig.add_subplot()
        first, last = min(e.year for e in events), max(e.year for e in events)
        ax.set_xlim(first - 0.3, last + 1.3)
        levels = _levels(events, width_years=1.45)
        ax.set_ylim(min(levels) - 1.3, max(levels) + 1.3)
        ax.spines["bottom"].set_position(("data", 0))  # the years sit on the time line
        ax.spines["bottom"].set_linewidth(1.2)
        for event, level in zip(events, levels, strict=True):
            x, colour = _x(event), TOPIC_COLOURS[event.topic]
            ax.plot([x, x], [0, level], color=colour, linewidth=1, alpha=0.7)
            ax.plot([x], [0], "o", color=colour, markersize=7, zorder=3)
            ax.annotate(event.label[lang], (x, level), xytext=(3, 0),
                        textcoords="offset points", ha="left",
                        va="bottom" if level > 0 else "top", fontsize=10.5, color=canvas.INK,
                        bbox={"boxstyle": "round,pad=0.25", "fc": canvas.PAPER, "ec": colour,
                              "lw": 1})
        ax.set_xticks(range(first, last + 2))
        ax.set_yticks([])
        for side in ("left", "right", "top"):
            ax.spines[side].set_visible(False)
        ax.set_facecolor(canvas.PAPER)
        used = [t for t in TOPICS if any(e.topic == t for e in events)]
        handles = [Line2D([], [], marker="o", linestyle="", color=TOPIC_COLOURS[t],
                          label=w["topics"][t]) for t in used]
        fig.legend(handles=handles, loc="outside lower center", ncols=len(used), frameon=False,
                   fontsize=9.5)
        fonts.latin_ticks(ax)
        canvas.write_bytes(canvas.png_bytes(fig), path)


class _rc:
    """matplotlib.rc_context without importing pyplot at module import time."""

    def __init__(self, params: dict):
        import matplotlib as mpl

        self._ctx = mpl.rc_context(params)

    def __enter__(self):
        return self._ctx.__enter__()

    def __exit__(self, *exc):
        return self._ctx.__exit__(*exc)


def _code_digest() -> str:
    from optim_ref.viz import canvas, fonts

    h = hashlib.sha256()
    for module_file in (__file__, canvas.__file__, fonts.__file__):
        h.update(Path(module_file).read_bytes())
    return h.hexdigest()[:16]


def _key(events: list[Event], lang: str) -> str:
    data = [(e.id, e.year, e.month, e.topic, e.label[lang]) for e in events]
    return cache.digest("timeline", lang, data, FIGURE_SIZE, _code_digest(),
                        words.raw("timeline")["topics"])


def _store(events: list[Event], lang: str) -> str:
    """Draw one language's figure into the cache (runs in a fresh worker)."""
    files, _ = cache.store("timeline", _key(events, lang),
                           lambda folder: draw_timeline(events, lang, folder / "timeline.png"))
    return str(files["timeline.png"])


def start_timeline_figures(events: list[Event], pool: Executor) -> dict[str, Future]:
    """The timeline figure's path in each language, as futures: from the cache, or drawn in
    ``pool``'s fresh ``spawn`` workers (core/fresh.py), which import this module and the
    drawing code from disk, as the key hashed them."""
    out = {}
    for lang in LANGS:
        files = cache.valid_files("timeline", _key(events, lang))
        out[lang] = (fresh.done(str(files["timeline.png"])) if files
                     else pool.submit(_store, events, lang))
    return out
