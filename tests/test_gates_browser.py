"""Gates in a real browser, over every page of the built site in both languages.

One crawl (module fixture) visits each page three times in Debian's Chromium and keeps what
the assertions below need, so the whole site is loaded once per view, not once per test:

* light palette, desktop: scrolled to the end (lazy figures load), then axe-core (from the
  npm registry, injected into the page) with all its rules, the page's lang, images' alt;
* dark palette (prefers-color-scheme: dark, which Material's palette follows), desktop:
  axe-core's colour-contrast rule (with reduced motion: static frames are cheaper to render);
* phone, 375 px wide: does the body scroll sideways, and does anything stick out of the
  screen without a scrolling box of its own around it.

Every view records every request: none may leave 127.0.0.1, fail, answer 4xx/5xx, or
leave an error in the console.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass, field
from urllib.parse import urlparse

import pytest
import site_crawl
from playwright.async_api import async_playwright
from site_support import CHROMIUM_ARGS, ROOT, require_chromium

pytestmark = pytest.mark.browser

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
HANGUL = re.compile(r"[\uac00-\ud7a3]")
BLOCKING = ("serious", "critical")
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 740}

SCROLL_THROUGH = """async () => {
  const step = Math.max(200, window.innerHeight * 0.8);
  for (let y = 0; y < document.documentElement.scrollHeight; y += step) {
    window.scrollTo(0, y); await new Promise(r => setTimeout(r, 30));
  }
  window.scrollTo(0, 0);
}"""

IMAGES = """() => [...document.querySelectorAll('img')].map(img => ({
  src: img.getAttribute('src'), alt: img.getAttribute('alt'),
  lang: (img.closest('[lang]') || document.documentElement).getAttribute('lang'),
  decorative: img.getAttribute('role') === 'presentation'
    || img.getAttribute('aria-hidden') === 'true',
}))"""

# Before axe runs: no half-finished fades, and every block of the article laid out. The site
# skips rendering off-screen blocks (content-visibility: auto) until the reader scrolls to
# them; axe scrolls to an element and reads colours at once, before the block renders, and
# then measures whatever box happens to be there.
BEFORE_AXE = ("*, *::before, *::after { transition: none !important; } "
                  ".md-content__inner > * { content-visibility: visible !important; }")

# Elements that reach past the right edge of the screen with no box of their own that
# scrolls or clips them (a wide table in a scrolling wrapper is fine; a bare one is not).
STICKING_OUT = """() => {
  const W = document.documentElement.clientWidth, out = [];
  const boxed = el => {
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      const s = getComputedStyle(a);
      if (['auto', 'scroll', 'hidden', 'clip'].includes(s.overflowX)
          && a.getBoundingClientRect().right <= W + 1) return true;
    }
    return false;
  };
  for (const el of document.querySelectorAll('.md-content *')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.right <= W + 1) continue;
    const s = getComputedStyle(el);
    if (s.visibility === 'hidden' || s.display === 'none') continue;
    if (!boxed(el)) out.push(el.tagName.toLowerCase() + (el.className && typeof el.className
        === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : '')
        + ` (right edge ${Math.round(r.right)} px)`);
  }
  return out.slice(0, 5);
}"""


@dataclass
class Visit:
    """What one view of one page showed."""

    requests: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)
    axe: list[dict] = field(default_factory=list)
    extra: dict = field(default_factory=dict)


async def _visit(context, url: str, *, scroll: bool, axe_rules: list[str] | None,
                 probe) -> Visit:
    visit = Visit()
    page = await context.new_page()
    page.on("request", lambda r: visit.requests.append(r.url))
    page.on("requestfailed", lambda r: visit.failures.append(f"{r.url} ({r.failure})"))
    page.on("response", lambda r: visit.failures.append(f"{r.url} -> HTTP {r.status}")
            if r.status >= 400 else None)
    page.on("console", lambda m: visit.console.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: visit.console.append(str(e)))
    try:
        await page.goto(url, wait_until="networkidle")
        if scroll:
            await page.evaluate(SCROLL_THROUGH)
            await page.wait_for_load_state("networkidle")
        if axe_rules != []:
            # no half-finished fades: a header title caught mid-transition reads as low contrast
            await page.add_style_tag(content=BEFORE_AXE)
            await page.wait_for_timeout(50)
            await page.add_script_tag(path=str(AXE))
            options = {"resultTypes": ["violations"]}
            if axe_rules:
                options["runOnly"] = {"type": "rule", "values": axe_rules}
            result = await page.evaluate("(o) => axe.run(document, o)", options)
            visit.axe = [
                {"id": v["id"], "impact": v["impact"], "help": v["help"],
                 "nodes": [n["target"] for n in v["nodes"][:3]],
                 "summary": v["nodes"][0].get("failureSummary", "")[:300]}
                for v in result["violations"] if v["impact"] in BLOCKING
            ]
        visit.extra = {key: await page.evaluate(js) for key, js in probe.items()}
    finally:
        await page.close()
    return visit


LIGHT_PROBE = {"lang": "document.documentElement.lang", "images": IMAGES,
               "scheme": "document.body.dataset.mdColorScheme"}
DARK_PROBE = {"scheme": "document.body.dataset.mdColorScheme"}
PHONE_PROBE = {
    "overflow": "document.documentElement.scrollWidth - document.documentElement.clientWidth",
    "body_overflow": "document.body.scrollWidth - document.body.clientWidth",
    "sticking_out": STICKING_OUT,
}

# view: (browser context options, scroll through first, axe rules (None: all, []: none), probe)
VIEWS = {
    "light": ({"viewport": DESKTOP, "color_scheme": "light"}, True, None, LIGHT_PROBE),
    # static frames instead of GIFs (the light view loads those): far less work to render
    "dark": ({"viewport": DESKTOP, "color_scheme": "dark", "reduced_motion": "reduce"},
             False, ["color-contrast"], DARK_PROBE),
    "phone": ({"viewport": PHONE, "color_scheme": "light", "is_mobile": True,
               "has_touch": True, "reduced_motion": "reduce"}, False, [], PHONE_PROBE),
}
PARALLEL = 3  # pages open at once: part of each visit is waiting for the network to go idle


async def crawl_site(base_url: str, rels: list[str]) -> dict[str, dict[str, Visit]]:
    """{view: {page: Visit}}, visiting up to PARALLEL pages at once in one browser."""
    out: dict[str, dict[str, Visit]] = {view: {} for view in VIEWS}
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=require_chromium(),
                                           args=CHROMIUM_ARGS)
        try:
            gate = asyncio.Semaphore(PARALLEL)
            contexts = {view: await browser.new_context(**options)
                        for view, (options, *_) in VIEWS.items()}

            async def one(view: str, rel: str) -> None:
                _, scroll, rules, probe = VIEWS[view]
                async with gate:
                    out[view][rel] = await _visit(
                        contexts[view], base_url + site_crawl.page_url(rel),
                        scroll=scroll, axe_rules=rules, probe=probe)

            await asyncio.gather(*(one(view, rel) for view in VIEWS for rel in rels))
        finally:
            await browser.close()
    return out


@pytest.fixture(scope="module")
def crawl(served_site) -> dict[str, dict[str, Visit]]:
    """{view: {page: Visit}} for every page of the site (404 page included)."""
    if not AXE.is_file():
        raise AssertionError(f"{AXE} missing: run `npm ci` (make test does)")
    return asyncio.run(crawl_site(served_site.base_url, site_crawl.pages(served_site.site)))


def _all(crawl, what) -> list[str]:
    return [f"[{view}] {rel}: {item}" for view, visits in crawl.items()
            for rel, visit in visits.items() for item in what(visit)]


def test_the_crawl_covers_every_page_in_both_languages(crawl, served_site):
    rels = set(crawl["light"])
    assert rels == set(site_crawl.pages(served_site.site))
    assert {site_crawl.page_lang(r) for r in rels} == set(site_crawl.LANGS)
    assert {v.extra["scheme"] for v in crawl["light"].values()} == {"default"}
    assert {v.extra["scheme"] for v in crawl["dark"].values()} == {"slate"}


def test_no_serious_or_critical_accessibility_violation(crawl):
    found = _all(crawl, lambda v: [f"{a['impact']} {a['id']}: {a['help']} at {a['nodes']}"
                                   f" - {a['summary']}" for a in v.axe])
    assert not found, "\n".join(found)


def test_every_page_declares_its_language(crawl):
    wrong = [f"{rel}: lang={v.extra['lang']!r}" for rel, v in crawl["light"].items()
             if v.extra["lang"] != site_crawl.page_lang(rel)]
    assert not wrong, wrong


def test_every_image_has_alt_text_in_the_page_language(crawl):
    bad = []
    for rel, visit in crawl["light"].items():
        for img in visit.extra["images"]:
            alt = (img["alt"] or "").strip()
            if img["decorative"] and img["alt"] == "":
                continue
            if not alt:
                bad.append(f"{rel}: {img['src']}: no alt text")
            elif (img["lang"] == "ko") != bool(HANGUL.search(alt)):
                bad.append(f"{rel}: {img['src']}: alt {alt[:60]!r} is not in {img['lang']}")
    assert not bad, "\n".join(bad)


def test_nothing_leaves_this_machine(crawl):
    leaving = _all(crawl, lambda v: [u for u in v.requests if not u.startswith("data:")
                                     and urlparse(u).hostname != "127.0.0.1"])
    assert not leaving, "\n".join(leaving)


def test_no_request_fails_and_the_console_stays_clean(crawl):
    failed = _all(crawl, lambda v: v.failures + v.console)
    assert not failed, "\n".join(failed)


def test_no_page_scrolls_sideways_on_a_phone(crawl):
    wide = [f"{rel}: page {v.extra['overflow']} px, body {v.extra['body_overflow']} px wider "
            "than the screen" for rel, v in crawl["phone"].items()
            if v.extra["overflow"] > 0 or v.extra["body_overflow"] > 0]
    assert not wide, "\n".join(wide)


def test_wide_content_scrolls_inside_its_own_box_on_a_phone(crawl):
    loose = [f"{rel}: {el}" for rel, v in crawl["phone"].items()
             for el in v.extra["sticking_out"]]
    assert not loose, "\n".join(loose)
