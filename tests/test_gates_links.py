"""Gate: no broken link or anchor on any page, in either language (see site_crawl for why
the site's own crawl checks them); external links listed, and checked for form only since
the test machines reach no other host."""

from __future__ import annotations

import pytest
import site_crawl


@pytest.fixture(scope="module")
def report(built_site) -> site_crawl.LinkReport:
    return site_crawl.check_links(built_site.site, built_site.base_url)


def test_every_internal_link_and_anchor_resolves(report):
    assert report.checked > 500, f"only {report.checked} links found: is the site empty?"
    assert not report.broken, "broken links:\n" + "\n".join(report.broken)


def test_pages_are_found_in_both_languages(built_site):
    langs = {site_crawl.page_lang(p) for p in site_crawl.pages(built_site.site)}
    assert langs == set(site_crawl.LANGS)


def test_search_results_lead_to_pages_and_anchors_that_exist(built_site):
    broken = site_crawl.check_search_index(built_site.site)
    assert not broken, "\n".join(broken)


def test_external_links_are_listed_and_well_formed(report):
    external = report.external
    print(f"\n{len(external)} external links (form checked, not fetched):")
    for url in sorted(external):
        print(f"  {url}  ({len(external[url])} page(s))")
    bad = {url: why for url in external if (why := site_crawl.external_link_form(url))}
    assert not bad, "\n".join(f"{url}: {why} (on {sorted(external[url])[0]})"
                              for url, why in bad.items())


def test_the_crawl_catches_a_broken_anchor_and_a_missing_page(tmp_path):
    """The gate has teeth: a missing page and a missing id are both reported."""
    (tmp_path / "a").mkdir()
    (tmp_path / "index.html").write_text(
        '<html lang="ko"><a href="a/#here">ok</a><a href="a/#gone">x</a>'
        '<a href="missing/">y</a><img src="fig.png"></html>', encoding="utf-8")
    (tmp_path / "a" / "index.html").write_text('<html><h2 id="here">h</h2></html>',
                                               encoding="utf-8")
    report = site_crawl.check_links(tmp_path, "http://127.0.0.1:1/x/")
    assert len(report.broken) == 3, report.broken
    assert any("'gone'" in b for b in report.broken)
    assert any("missing/index.html" in b for b in report.broken)
    assert any("fig.png" in b for b in report.broken)
