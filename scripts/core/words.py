"""The interface strings (``words.yml``): read, checked against the site's languages, served.

One file holds every word the build writes around the content, in every language of
``core/languages``. ``section(name)`` gives a section by language first, as its users index
it (``section("quiz")["en"]["heading"]``). The file is read again when it changes on disk, so
a long-lived ``mkdocs serve`` shows an edit. Renders that draw words (figures) put the
sections they use in their cache keys (``raw``).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from scripts.core.languages import LANGS

WORDS = Path(__file__).with_name("words.yml")


class WordsError(ValueError):
    pass


def _check(node: Any, where: str) -> None:
    """Every leaf is {language: text}, with exactly the site's languages and no empty text."""
    if not isinstance(node, dict) or not node:
        raise WordsError(f"{WORDS}: {where}: expected a mapping, got {node!r}")
    if set(node) & set(LANGS):
        missing = [lang for lang in LANGS if lang not in node]
        extra = sorted(set(node) - set(LANGS))
        if missing or extra:
            raise WordsError(f"{WORDS}: {where}: languages must be exactly {', '.join(LANGS)}"
                             f" (missing: {missing or 'none'}, unknown: {extra or 'none'})")
        for lang, text in node.items():
            texts = text if isinstance(text, list) else [text]
            if not texts or not all(isinstance(t, str) and t.strip() for t in texts):
                raise WordsError(f"{WORDS}: {where}.{lang}: expected a non-empty text, "
                                 f"got {text!r}")
        return
    for key, child in node.items():
        _check(child, f"{where}.{key}" if where else str(key))


@lru_cache(maxsize=1)
def _load(path: Path, mtime_ns: int) -> dict:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    _check(raw, "")
    return raw


def _all() -> dict:
    return _load(WORDS, WORDS.stat().st_mtime_ns)


def raw(name: str) -> dict:
    """Section ``name`` as written (key first), for a cache key."""
    try:
        return _all()[name]
    except KeyError:
        raise WordsError(f"{WORDS}: no section {name!r} (have {', '.join(_all())})") from None


def _by_lang(node: dict, lang: str) -> Any:
    if set(node) == set(LANGS):
        return node[lang]
    return {key: _by_lang(child, lang) for key, child in node.items()}


def section(name: str) -> dict[str, Any]:
    """Section ``name`` by language first: ``{lang: {key: text}}`` (nested keys kept)."""
    node = raw(name)
    return {lang: _by_lang(node, lang) for lang in LANGS}


def when(year: int, month: int | None, lang: str) -> str:
    """A year, or a month of a year, as a reader of ``lang`` writes it."""
    dates = section("dates")[lang]
    if month is None:
        return dates["year"].format(year=year)
    return dates["month"].format(year=year, month=dates["months"][month - 1])
