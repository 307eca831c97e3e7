"""Glossary tooltips: wrap the first use of each term on a page in an accessible element.

Korean attaches particles to words (학습률을, 기울기는) and Markdown's ``abbr`` matches whole
words only, so terms are found here, in the page's HTML, at the start of a word whatever
Hangul follows; the particle stays outside the element. Only text is touched: code, math,
headings, links, figures' buttons and quiz forms are skipped, and markup passes through
unchanged. ``terms.js`` shows the definition on hover, focus or tap.
"""

from __future__ import annotations

import html
import re

from scripts.content.glossary import HANGUL, Term

#: elements whose text is never wrapped
SKIP_TAGS = {"code", "pre", "kbd", "samp", "script", "style", "a", "h1", "h2", "h3", "h4",
             "h5", "h6", "button", "svg", "math", "textarea", "select", "label", "dfn",
             "form", "summary", "abbr", "title", "template", "noscript"}
#: classes whose element's text is never wrapped (math, our own wraps, quizzes, admonition
#: titles, the timeline's and glossary's own cards)
SKIP_CLASSES = {"arithmatex", "katex", "katex-display", "optim-term", "quiz", "admonition-title",
                "optim-glossary", "md-source", "headerlink"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr", "param"}
TOKEN = re.compile(r"<!--.*?-->|<[^>]+>|[^<]+", re.S)
TAG = re.compile(r"<\s*(/)?\s*([a-zA-Z][a-zA-Z0-9-]*)([^>]*?)(/)?\s*>", re.S)
CLASS = re.compile(r"""\bclass\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""")


def term_pattern(terms: list[Term], lang: str) -> re.Pattern:
    """One pattern for all terms, longest first so 확률적 경사 하강법 wins over 경사 하강법."""
    alternatives = []
    for term in sorted(terms, key=lambda t: len(t[lang]), reverse=True):
        body = r"\s+".join(re.escape(part) for part in term[lang].split())
        alternatives.append(f"(?P<t_{term.id.replace('-', '_')}>{body})")
    joined = "|".join(alternatives)
    if lang == "ko":
        # a Korean term starts a word; particles and endings may follow it
        return re.compile(rf"(?<![{HANGUL}A-Za-z0-9])(?:{joined})")
    # an English term is a whole word, optionally plural
    return re.compile(rf"(?<![A-Za-z0-9-])(?:{joined})(?:s|es)?(?![A-Za-z0-9])", re.I)


def wrap(term: Term, text: str, lang: str) -> str:
    definition = html.escape(term.definition[lang], quote=True)
    return (f'<span class="optim-term" tabindex="0" data-term="{term.id}" '
            f'data-definition="{definition}" aria-describedby="optim-term-def-{term.id}">'
            f"{text}</span>")


def _skips(tag_attrs: str, name: str) -> bool:
    if name in SKIP_TAGS:
        return True
    match = CLASS.search(tag_attrs)
    if not match:
        return False
    classes = set((match.group(1) or match.group(2) or match.group(3) or "").split())
    return bool(classes & SKIP_CLASSES) or any(c.startswith("quiz") for c in classes)


def add_tooltips(page_html: str, terms: list[Term], lang: str) -> str:
    """The page with the first use of each term wrapped; everything else unchanged."""
    if not terms:
        return page_html
    pattern = term_pattern(terms, lang)
    by_group = {f"t_{t.id.replace('-', '_')}": t for t in terms}
    used: set[str] = set()
    stack: list[tuple[str, bool]] = []  # open elements: (name, skipped)
    out = []
    for token in TOKEN.findall(page_html):
        if token.startswith("<"):
            out.append(token)
            tag = TAG.match(token)
            if not tag or token.startswith("<!"):
                continue
            closing, name, attrs, self_closing = tag.groups()
            name = name.lower()
            if closing:
                for i in range(len(stack) - 1, -1, -1):  # tolerate unclosed children
                    if stack[i][0] == name:
                        del stack[i:]
                        break
            elif name not in VOID and not self_closing:
                stack.append((name, _skips(attrs, name)))
            continue
        if any(skipped for _, skipped in stack):
            out.append(token)
            continue

        def one(match: re.Match) -> str:
            term = by_group[match.lastgroup]
            if term.id in used:
                return match.group(0)
            used.add(term.id)
            return wrap(term, match.group(0), lang)

        out.append(pattern.sub(one, token))
    return "".join(out)
