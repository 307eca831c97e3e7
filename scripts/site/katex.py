"""Typeset the pages' formulas at build time with the KaTeX the site ships.

Typesetting in the browser cost a phone about a fifth of a second of blocked main thread on
a formula-heavy page, and the page jumped when the raw TeX was replaced (Lighthouse: layout
shift 0.1, performance below 95). The hook now renders every ``.arithmatex`` formula that
pymdownx writes into KaTeX HTML once, through one long-lived ``node`` process; the browser
only lays it out. Notebook pages get the same for the ``$...$`` of their Markdown cells
(:func:`typeset_cells`), so no page loads KaTeX's script at all.
"""

from __future__ import annotations

import atexit
import html
import json
import re
import shutil
import subprocess
from pathlib import Path

SCRIPT = Path(__file__).with_name("katex.js")
FORMULA = re.compile(
    r'<(span|div) class="arithmatex">\s*(\\\(|\\\[)(.*?)(\\\)|\\\])\s*</\1>', re.S)

#: a notebook's rendered Markdown cell (nbconvert's lab template)
MARKDOWN_CELL = re.compile(r'<div class="jp-RenderedHTMLCommon jp-RenderedMarkdown '
                           r'jp-MarkdownOutput[^"]*"[^>]*>')
#: the delimiters KaTeX's auto-render reads in a notebook cell, display ones first
CELL_TEX = re.compile(r"\$\$(.+?)\$\$|\\\[(.+?)\\\]|\\\((.+?)\\\)|\$([^$]+?)\$", re.S)
#: elements whose text is never math (auto-render's ignoredTags)
NOT_MATH = ("code", "pre", "script", "style", "textarea")
TAG = re.compile(r"(<[^>]*>)")
TAG_NAME = re.compile(r"</?([a-zA-Z][a-zA-Z0-9-]*)")

_process: subprocess.Popen | None = None


class KatexError(RuntimeError):
    """node or KaTeX is missing, or the renderer stopped."""


def _renderer() -> subprocess.Popen:
    global _process
    if _process is None or _process.poll() is not None:
        node = shutil.which("node")
        if node is None:
            raise KatexError("node not found: KaTeX typesets the formulas at build time "
                             "(install nodejs, then `npm ci`)")
        _process = subprocess.Popen([node, str(SCRIPT)], stdin=subprocess.PIPE,
                                    stdout=subprocess.PIPE, text=True, encoding="utf-8")
        atexit.register(_stop, _process)
    return _process


def _stop(proc: subprocess.Popen) -> None:
    """At exit: the renderer ends with its input; reaped, so Python does not warn that it
    is still running (a bare kill left it unreaped)."""
    proc.stdin.close()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    proc.stdout.close()


def render_all(formulas: list[tuple[str, bool]]) -> list[str]:
    """KaTeX HTML for each ``(tex, display)``, in order."""
    if not formulas:
        return []
    proc = _renderer()
    proc.stdin.write(json.dumps(formulas) + "\n")
    proc.stdin.flush()
    line = proc.stdout.readline()
    if not line:
        raise KatexError(f"{SCRIPT.name} stopped (is node_modules/katex installed? `npm ci`)")
    return json.loads(line)


def typeset(page_html: str) -> str:
    """Every pymdownx.arithmatex formula in ``page_html`` replaced by its KaTeX rendering."""
    matches = list(FORMULA.finditer(page_html))
    rendered = render_all([(html.unescape(m.group(3)), m.group(2) == "\\[") for m in matches])
    out, last = [], 0
    for match, katex_html in zip(matches, rendered, strict=True):
        tag = match.group(1)
        out += [page_html[last:match.start()], f'<{tag} class="arithmatex">{katex_html}</{tag}>']
        last = match.end()
    out.append(page_html[last:])
    return "".join(out)


def _cell_spans(page_html: str) -> list[tuple[int, int]]:
    """(start, end) of the inside of every Markdown cell, found by counting its divs."""
    spans = []
    for match in MARKDOWN_CELL.finditer(page_html):
        depth, at = 1, match.end()
        for tag in re.finditer(r"<(/?)div\b[^>]*>", page_html[at:]):
            depth += -1 if tag.group(1) else 1
            if depth == 0:
                spans.append((at, at + tag.start()))
                break
        else:
            raise KatexError("a notebook Markdown cell has no closing </div>")
    return spans


def _typeset_text(text: str, formulas: list[tuple[str, bool]]) -> list[str | int]:
    """``text`` split into plain pieces and indexes into ``formulas`` (appended to)."""
    pieces: list[str | int] = []
    last = 0
    for match in CELL_TEX.finditer(text):
        display_tex = match.group(1) or match.group(2)
        tex = display_tex if display_tex is not None else (match.group(3) or match.group(4))
        pieces.append(text[last:match.start()])
        pieces.append(len(formulas))
        formulas.append((html.unescape(tex.strip()), display_tex is not None))
        last = match.end()
    pieces.append(text[last:])
    return pieces


def typeset_cells(page_html: str) -> str:
    """Every formula in a notebook page's Markdown cells replaced by its KaTeX rendering.

    Text inside code, pre and the like is left alone, as auto-render does; a formula is
    wrapped in ``<span class="arithmatex">`` as pymdownx's inline ones are (a display
    formula too: the cell holds it inside a ``<p>``, where a ``<div>`` may not stand).
    """
    formulas: list[tuple[str, bool]] = []
    out: list[str | int] = []
    last = 0
    for start, end in _cell_spans(page_html):
        out.append(page_html[last:start])
        closed: list[str] = []
        for token in TAG.split(page_html[start:end]):
            name = TAG_NAME.match(token)
            if name and name.group(1).lower() in NOT_MATH:
                if token.startswith("</"):
                    if closed:
                        closed.pop()
                else:
                    closed.append(name.group(1).lower())
                out.append(token)
            elif token.startswith("<") or closed:
                out.append(token)
            else:
                out.extend(_typeset_text(token, formulas))
        last = end
    out.append(page_html[last:])
    rendered = render_all(formulas)
    return "".join(piece if isinstance(piece, str)
                   else f'<span class="arithmatex">{rendered[piece]}</span>' for piece in out)
