"""The fixes that make one MkDocs site per language behave as one bilingual site.

mkdocs-static-i18n builds every language into its own folder, and Material's scripts
assume one site: the head's ``hreflang`` links make them fetch ``sitemap.xml`` next to
the page (a 404 everywhere), and search reads one index holding both languages. Here each
language's home gets its own search index and sitemap, and the links and Material's base
point at the language's home.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from scripts.core import cache
from scripts.figures import markup
from scripts.site import upstream


def current_language(config) -> str:
    """The language being built: the i18n plugin's, else the theme's."""
    i18n = upstream.i18n_state(config)
    return (i18n and i18n.current_language) or config.theme.get("language", "en")


HEAD_ALTERNATE = re.compile(
    r'(\s*)<link rel="alternate" href="[^"]*" hreflang="([a-z-]+)">')

def language_root(lang: str, config) -> str:
    i18n = upstream.i18n_state(config)
    return "" if i18n is None or lang == i18n.default_language else f"{lang}/"


def alternates_at_language_roots(output: str, page, config) -> str:
    """Point the head's ``<link rel=alternate hreflang>`` at each language's home.

    Material's script fetches ``sitemap.xml`` next to every such link; pointing at the page
    itself (``./``) makes it ask for ``optimizers/adam/sitemap.xml``, a 404 on every page.
    The language switcher in the header keeps its links to the same page. The links are
    absolute under ``site_url``: search engines (and Lighthouse's SEO audit) reject a
    relative hreflang address.

    Without a ``site_url`` the links go: a relative hreflang serves no search engine, and
    Material would match the current address against a sitemap whose addresses no build
    can know (the site may be served from any host and folder). The header's language
    switcher then follows its own link, which the i18n plugin points at the same page.
    """
    if not config.site_url:
        return HEAD_ALTERNATE.sub("", output)

    def root(match: re.Match) -> str:
        space, lang = match.groups()
        href = config.site_url.rstrip("/") + "/" + language_root(lang, config)
        return f'{space}<link rel="alternate" href="{href}" hreflang="{lang}">'

    return HEAD_ALTERNATE.sub(root, output)


CONFIG_BASE = upstream.MATERIAL_CONFIG_BASE


def search_base_at_language_root(output: str, page, config) -> str:
    """On an English page, Material's scripts take ``en/`` as the site's base.

    Material loads ``search/search_index.json`` from its base; with the base at the
    language's home, an English page searches ``en/search/search_index.json``, which
    ``on_post_build`` fills with the English pages only (and the root index keeps Korean).
    """
    root = language_root(current_language(config), config)
    if not root:
        return output
    base = markup.relative(root.rstrip("/"), page.url)
    return CONFIG_BASE.sub(lambda m: m.group(1) + base + m.group(3), output, count=1)


def split_search_index(site: Path, config) -> None:
    """One search index per language: each language's pages, at its own home."""
    languages = upstream.i18n_state(config).build_languages
    index_path = site / "search" / "search_index.json"
    if not index_path.is_file():
        return
    index = json.loads(index_path.read_text(encoding="utf-8"))
    for lang in languages:
        root = language_root(lang, config)
        others = [language_root(x, config) for x in languages if x != lang]
        if root:
            docs = [{**d, "location": d["location"][len(root):]} for d in index["docs"]
                    if d["location"].startswith(root)]
        else:
            docs = [d for d in index["docs"]
                    if not any(o and d["location"].startswith(o) for o in others)]
        own = {**index, "config": {**index["config"], "lang": [lang]}, "docs": docs}
        target = site / root / "search" / "search_index.json"
        target.parent.mkdir(parents=True, exist_ok=True)
        cache.atomic_write_bytes(target, json.dumps(own, ensure_ascii=False).encode("utf-8"))


def publish_per_language(site: Path, config) -> None:
    """After every language is built: a search index and a sitemap at each language home."""
    languages = upstream.i18n_state(config).build_languages
    split_search_index(site, config)
    if not config.site_url:  # MkDocs wrote "None/..." addresses: no sitemap is right here
        for name in ("sitemap.xml", "sitemap.xml.gz"):
            (site / name).unlink(missing_ok=True)
        return
    if not (site / "sitemap.xml").is_file():
        return
    for lang in languages:
        folder = site / language_root(lang, config)
        for name in ("sitemap.xml", "sitemap.xml.gz"):
            if (site / name).is_file() and folder != site:
                folder.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(site / name, folder / name)
