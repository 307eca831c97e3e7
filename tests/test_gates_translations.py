"""Gate: every page in both languages, every navigation title translated, and a 404 page that
speaks both languages and works at any depth (GitHub Pages serves only the root 404.html)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import site_crawl

from scripts.site import translations

HANGUL = re.compile(r"[\uac00-\ud7a3]")


def _read(site: Path, rel: str) -> str:
    return (site / rel).read_text(encoding="utf-8")


def test_every_page_exists_in_both_languages(built_site):
    rels = [r for r in site_crawl.pages(built_site.site) if r != "404.html"]
    ko = {r for r in rels if site_crawl.page_lang(r) == "ko"}
    en = {r[len("en/"):] for r in rels if site_crawl.page_lang(r) == "en"}
    assert len(ko) >= 10
    assert ko == en, {"only in Korean": sorted(ko - en), "only in English": sorted(en - ko)}


def test_the_sources_have_every_twin():
    root = Path(__file__).resolve().parent.parent
    assert translations.missing_twins(root / "docs", "ko", ["en"]) == []


def test_english_navigation_has_no_korean_title(built_site):
    """nav_translations cover every Korean nav title: the English menus show none."""
    bad, seen = {}, set()
    for rel in site_crawl.pages(built_site.site):
        if site_crawl.page_lang(rel) != "en":
            continue
        nav = re.search(r'<nav class="md-nav md-nav--primary"(.*?)</nav>', _read(built_site.site,
                                                                                  rel), re.S)
        assert nav, f"{rel}: no primary navigation"
        labels = re.findall(r'<span class="md-ellipsis">\s*(.*?)\s*</span>', nav.group(1), re.S)
        seen.update(labels)
        labels = [label for label in labels if HANGUL.search(label)]
        if labels:
            bad[rel] = labels
    assert {"Home", "Optimizers"} <= seen, sorted(seen)
    assert not bad, bad


def test_the_404_page_speaks_both_languages_and_leads_to_both_homes(built_site):
    doc = _read(built_site.site, "404.html")
    assert re.search(r'<html lang="ko"', doc)
    parts = dict(re.findall(r'<section class="optim-not-found" lang="(ko|en)">(.*?)</section>',
                            doc, re.S))
    assert set(parts) == {"ko", "en"}
    assert HANGUL.search(parts["ko"]) and not HANGUL.search(parts["en"])
    homes = {lang: re.search(r'href="([^"]+)"', part).group(1) for lang, part in parts.items()}
    assert homes == {"ko": built_site.base_url, "en": built_site.base_url + "en/"}
    for lang, url in homes.items():
        kind, target, _ = site_crawl.resolve(built_site.site, built_site.base_url, "404.html", url)
        assert kind == "internal" and target.is_file(), (lang, url)


def test_the_404_page_works_at_any_depth(built_site):
    """Every link, script and stylesheet on it is absolute: it is served for any missing path."""
    relative = [url for _, url in site_crawl.parse(_read(built_site.site, "404.html")).links
                if not re.match(r"^(/|#|https?:|mailto:|data:|javascript:)", url)]
    assert not relative, relative


def test_a_page_without_its_twin_is_named(tmp_path):
    docs = tmp_path / "docs"
    (docs / "optimizers").mkdir(parents=True)
    for name in ("index.md", "index.en.md", "optimizers/adam.md", "about.en.md"):
        (docs / name).write_text("# x\n", encoding="utf-8")
    assert translations.missing_twins(docs, "ko", ["en"]) == [
        "docs/about.en.md: no Korean twin (docs/about.md is missing)",
        "docs/optimizers/adam.md: no English twin (docs/optimizers/adam.en.md is missing)",
    ]


def test_an_untranslated_nav_title_is_named():
    nav = [{"홈": "index.md"}, {"옵티마이저": ["optimizers/gd.md", {"정리": "summary.md"}]}]
    assert translations.untranslated_nav(nav, {"en": {"홈": "Home", "옵티마이저": "Optimizers"}}) \
        == ["mkdocs.yml: nav title '정리' has no English entry in the i18n plugin's "
            "nav_translations"]
    with pytest.raises(translations.TranslationError, match="정리"):
        translations.check(Path("/nonexistent"), nav, "ko", {"en": {"홈": "Home"}})
