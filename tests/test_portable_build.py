"""A plain ``make build`` (no SITE_URL) served from another host and folder than any
configured one: no page asks another host for anything, and the language switcher still
leads to the same page in the other language."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from site_support import Server, build_site, free_port

pytestmark = [pytest.mark.slow, pytest.mark.browser]

FOLDER = "/somewhere/else/"
PAGES = ["", "optimizers/adam/", "lab/", "explorer/", "summary/"]


@pytest.fixture(scope="module")
def portable(tmp_path_factory):
    build = build_site(tmp_path_factory.mktemp("portable"), None)
    port = free_port()
    with Server(build.site, port, FOLDER):
        yield build.site, f"http://127.0.0.1:{port}{FOLDER}"


def test_without_site_url_no_absolute_self_links_and_no_bogus_sitemap(portable):
    site, _ = portable
    for url in PAGES:
        for lang in ("", "en/"):
            doc = (site / lang / url / "index.html").read_text(encoding="utf-8")
            head = doc.split("</head>", 1)[0]
            assert 'rel="alternate"' not in head, f"{lang}{url}: hreflang link in the head"
            assert "optim-ref.github.io" not in doc, f"{lang}{url}: the default host is named"
            assert not re.search(r'<link rel="canonical"', head), f"{lang}{url}: canonical"
    # MkDocs would write "None/..." addresses: no sitemap is better than a false one
    assert not list(site.rglob("sitemap.xml*"))


@pytest.mark.parametrize("lang,other", [("", "en/"), ("en/", "")])
def test_served_elsewhere_nothing_leaves_and_the_switch_keeps_the_page(
        portable, browser, lang, other):
    _, base = portable
    host = urlsplit(base).netloc
    context = browser.new_context()
    page = context.new_page()
    elsewhere, failed = [], []
    page.on("request", lambda r: urlsplit(r.url).netloc not in (host, "")
            and not r.url.startswith(("data:", "blob:")) and elsewhere.append(r.url))
    page.on("requestfailed", lambda r: failed.append(r.url))
    page.on("response", lambda r: r.status >= 400 and failed.append(f"{r.status} {r.url}"))
    try:
        for url in PAGES:
            page.goto(base + lang + url, wait_until="networkidle")
        page.goto(base + lang + "optimizers/adam/", wait_until="networkidle")
        target = "en" if other else "ko"
        switch = page.locator(f'a.md-select__link[hreflang="{target}"]')
        page.evaluate("el => el.click()", switch.element_handle())
        page.wait_for_url(base + other + "optimizers/adam/", timeout=10_000)
        page.wait_for_load_state("networkidle")
        assert page.evaluate("document.documentElement.lang") == target
    finally:
        context.close()
    assert not elsewhere, f"requests to another host: {elsewhere}"
    assert not failed, f"failed requests: {failed}"


def test_with_site_url_hreflang_links_are_absolute_and_sitemaps_at_each_home(built_site):
    """The Pages build (SITE_URL set): what search engines and Lighthouse's SEO audit want."""
    doc = (built_site.site / "optimizers" / "adam" / "index.html").read_text(encoding="utf-8")
    links = dict((lang, href) for href, lang in re.findall(
        r'<link rel="alternate" href="([^"]*)" hreflang="([a-z-]+)">', doc))
    assert links == {"ko": built_site.base_url, "en": built_site.base_url + "en/"}
    for home in ("", "en/"):
        sitemap = (built_site.site / home / "sitemap.xml").read_text(encoding="utf-8")
        assert f"<loc>{built_site.base_url}" in sitemap and "None" not in sitemap
