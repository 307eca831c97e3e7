"""The site in a real browser (Debian's Chromium driven by Playwright), served under a
sub-path on 127.0.0.1: figures and math render, nothing leaves the machine, reduced
motion gets the static frames, play/pause works from the keyboard."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from site_support import ROOT

pytestmark = pytest.mark.browser




def open_page(browser, url: str, **context_options):
    context = browser.new_context(**context_options)
    page = context.new_page()
    requests, failures, errors = [], [], []
    page.on("request", lambda r: requests.append(r.url))
    page.on("requestfailed", lambda r: failures.append(r.url))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(url, wait_until="networkidle")
    return context, page, requests, failures, errors


@pytest.mark.parametrize(("lang", "heading"), [("", "갱신 규칙"), ("en/", "Update rule")])
def test_optimizer_page_renders_figures_and_math_and_stays_on_this_machine(
        served_site, browser, lang, heading):
    url = f"{served_site.base_url}{lang}optimizers/adam/"
    context, page, requests, failures, errors = open_page(browser, url)
    try:
        assert page.get_by_role("heading", name=heading).count() == 1
        for img in page.locator("figure.optim-figure img").all():
            img.scroll_into_view_if_needed()
            page.wait_for_function("(el) => el.complete && el.naturalWidth > 0",
                                   arg=img.element_handle())
            assert img.get_attribute("alt")
        source = ROOT / "docs" / "optimizers" / ("adam.en.md" if lang else "adam.md")
        declared = source.read_text(encoding="utf-8").count("[[figure ")
        assert page.locator("figure.optim-figure").count() == declared >= 2
        # KaTeX typeset every formula: no raw TeX left in the display blocks
        page.wait_for_selector(".arithmatex .katex")
        assert page.locator(".arithmatex .katex").count() >= 4
        assert "\\beta_1" not in page.locator("article").inner_text()
        hosts = {urlparse(u).hostname for u in requests if not u.startswith("data:")}
        assert hosts == {"127.0.0.1"}, hosts
        assert not failures, failures
        assert not errors, errors
    finally:
        context.close()


def test_reduced_motion_shows_the_static_twin(served_site, browser):
    url = f"{served_site.base_url}optimizers/adam/"
    context, page, *_ = open_page(browser, url, reduced_motion="reduce")
    try:
        img = page.locator("figure.optim-animation img").first
        img.scroll_into_view_if_needed()
        page.wait_for_function("(el) => el.complete && el.naturalWidth > 0",
                               arg=img.element_handle())
        assert img.evaluate("el => el.currentSrc").endswith(".png")
        assert page.locator(".optim-toggle").count() == 0
    finally:
        context.close()


def test_animation_plays_by_default_and_pauses_from_the_keyboard(served_site, browser):
    url = f"{served_site.base_url}en/optimizers/adam/"
    context, page, *_ = open_page(browser, url)
    try:
        figure = page.locator("figure.optim-animation").first
        img = figure.locator("img")
        img.scroll_into_view_if_needed()
        page.wait_for_function("(el) => el.complete && el.naturalWidth > 0",
                               arg=img.element_handle())
        assert img.evaluate("el => el.currentSrc").endswith(".gif")
        button = figure.locator(".optim-toggle")
        assert button.get_attribute("aria-label") == "Pause animation"
        button.focus()
        page.keyboard.press("Enter")
        assert button.get_attribute("aria-pressed") == "true"
        assert button.get_attribute("aria-label") == "Play animation"
        assert figure.locator("canvas.optim-still").count() == 1
        assert not img.is_visible()
        page.keyboard.press("Enter")
        assert button.get_attribute("aria-pressed") == "false"
        assert img.is_visible()
    finally:
        context.close()


@pytest.mark.parametrize("lang", ["", "en/"])
def test_notebook_page_renders_in_the_browser_with_its_math(served_site, browser, lang):
    url = f"{served_site.base_url}{lang}lab/"
    context, page, requests, failures, errors = open_page(browser, url)
    try:
        assert page.locator(".jupyter-wrapper").count() == 1
        page.wait_for_selector(".jupyter-wrapper .katex")
        hosts = {urlparse(u).hostname for u in requests if not u.startswith("data:")}
        assert hosts == {"127.0.0.1"}, hosts
        assert not failures, failures
    finally:
        context.close()


@pytest.mark.parametrize(("lang", "query", "expect"), [
    ("", "편향", "편향 보정"), ("en/", "bias", "Bias correction")])
def test_search_finds_pages_in_the_page_language_only(served_site, browser, lang, query, expect):
    url = f"{served_site.base_url}{lang}optimizers/adam/"
    context, page, requests, failures, errors = open_page(browser, url)
    try:
        page.locator("label.md-search__icon, .md-search__input").first.click()
        box = page.locator("input.md-search__input")
        for _ in range(5):  # the worker indexes in the background; type again until ready
            # fill, then a key: Hangul typed key by key goes through IME composition,
            # which the search box does not read as a query
            box.fill(query)
            box.press("End")
            try:
                page.wait_for_selector(".md-search-result__item", timeout=3000)
                break
            except PlaywrightTimeout:
                continue
        results = page.locator(".md-search-result__item a")
        hrefs = [results.nth(i).get_attribute("href") for i in range(results.count())]
        assert hrefs, "no search results"
        for href in hrefs:
            path = urlparse(href).path
            assert path.startswith(urlparse(served_site.base_url).path + lang), href
            if not lang:
                assert "/en/" not in path, href
        assert expect.lower() in page.locator(".md-search-result").inner_text().lower()
        assert not failures, failures
    finally:
        context.close()


PALETTE_STATE = """() => ({
  scheme: document.body.dataset.mdColorScheme,
  shown: [...document.querySelectorAll('.optim-palette')].filter(b => !b.hidden)
           .map(b => b.getAttribute('aria-label')),
  meta: document.querySelector('meta[name="color-scheme"]')?.content,
  focused: document.activeElement.classList.contains('optim-palette'),
})"""


@pytest.mark.parametrize(("system", "first", "other"), [("light", "default", "slate"),
                                                        ("dark", "slate", "default")])
def test_palette_follows_the_system_then_the_reader(served_site, browser, system, first,
                                                    other):
    """The switch (overrides/partials/palette.html): the system's scheme until the reader
    chooses, one labelled button at a time, keyboard focus kept, the choice kept on the
    next page, and no transition mark left behind."""
    context, page, *_, errors = open_page(browser, served_site.base_url, color_scheme=system)
    try:
        state = page.evaluate(PALETTE_STATE)
        assert state["scheme"] == first and len(state["shown"]) == 1
        assert state["meta"] == ("dark" if first == "slate" else "light")
        label = state["shown"][0]
        assert label == ("어두운 화면으로 바꾸기" if first == "default" else "밝은 화면으로 바꾸기")
        page.get_by_role("button", name=label).focus()
        page.keyboard.press("Enter")
        state = page.evaluate(PALETTE_STATE)
        assert state["scheme"] == other and state["focused"] and state["shown"] != [label]
        page.wait_for_function("() => !document.body.hasAttribute('data-md-color-switching')")
        page.goto(f"{served_site.base_url}en/optimizers/adam/", wait_until="networkidle")
        state = page.evaluate(PALETTE_STATE)
        assert state["scheme"] == other  # the reader's choice, over the system's
        assert state["shown"][0].startswith("Switch to")
        assert not errors, errors
    finally:
        context.close()


# every standard property (custom ones that no kept rule reads are dropped on purpose)
COMPUTED = """() => [...document.querySelectorAll('.jupyter-wrapper, .jupyter-wrapper *')]
  .map(el => { const s = getComputedStyle(el);
    return [...s].filter(k => !k.startsWith('--')).map(k => k + ':' + s.getPropertyValue(k))
      .join(';'); })"""


@pytest.mark.parametrize("lang", ["", "en/"])
def test_the_trimmed_notebook_stylesheet_styles_every_element_as_the_whole_one(
        served_site, browser, lang):
    """scripts/site/purge.py keeps only the JupyterLab rules the page's markup uses: every
    element of the notebook gets the same computed style as with mkdocs-jupyter's whole
    stylesheet put back in its place."""
    from scripts.site import purge, upstream

    url = f"{served_site.base_url}{lang}lab/"
    context = browser.new_context(viewport={"width": 1000, "height": 800})
    page = context.new_page()
    try:
        page.goto(url, wait_until="networkidle")
        trimmed = page.evaluate(COMPUTED)
        html = (served_site.site / lang / "lab" / "index.html").read_text(encoding="utf-8")
        start = html.index(purge.MARK)
        end = html.index("</style>", start)
        whole = html[:start] + upstream.jupyterlab_css() + html[end:]
        assert len(whole) > len(html) + 400_000  # the whole sheet is back
        page.route(url, lambda route: route.fulfill(body=whole, content_type="text/html"))
        page.goto(url, wait_until="networkidle")
        assert page.evaluate(COMPUTED) == trimmed
    finally:
        context.close()


# Layout shifts as the page's PerformanceObserver sees them, from the first paint on.
SHIFTS = """window.__shifts = [];
new PerformanceObserver((list) => list.getEntries().forEach((e) => window.__shifts.push({
  value: e.value, sources: e.sources.map((s) => (s.node ? s.node.nodeName + '.'
    + String(s.node.className || '') : '?') + ` ${s.previousRect.y} -> ${s.currentRect.y}`)})))
  .observe({ type: 'layout-shift', buffered: true });"""


@pytest.mark.parametrize("page_path", ["lab/", "en/lab/", "optimizers/newer/"])
def test_the_first_screen_does_not_move_while_a_long_page_loads(served_site, browser,
                                                                 page_path):
    """A phone with a slow CPU paints a long page before it has parsed it to the end. What
    the first screen shows then must stay where it is: a block of the page's opening that
    skipped rendering (content-visibility) was first drawn at its placeholder height and then
    collapsed, moving the notebook below it up by 215 px (Lighthouse CLS 0.19)."""
    context = browser.new_context(viewport={"width": 412, "height": 823},
                                  device_scale_factor=1.75, is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        page.add_init_script(SHIFTS)
        cdp = context.new_cdp_session(page)
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": 4})  # Lighthouse's mobile CPU
        page.goto(served_site.base_url + page_path, wait_until="networkidle")
        page.wait_for_timeout(500)
        shifts = page.evaluate("window.__shifts")
        # Lighthouse's "good" is below 0.1; the header's own buttons shift by about 0.002
        assert sum(s["value"] for s in shifts) < 0.02, shifts
    finally:
        context.close()


INDEX_TIMING = """() => {
  const index = performance.getEntriesByType('resource')
    .filter((e) => e.name.endsWith('/search/search_index.json'));
  return { loaded: performance.getEntriesByType('navigation')[0].loadEventEnd,
           index: index.length ? index[0].startTime : null };
}"""


def test_the_search_index_waits_for_the_page_unless_the_reader_searches(served_site, browser):
    """overrides/partials/javascripts/search-index.html: Material's request for the search
    index is held back until the page has loaded (it made the first text wait on a phone's
    connection), and sent at once when the reader goes to the search box before that."""
    url = served_site.base_url
    context = browser.new_context()
    page = context.new_page()
    try:
        page.goto(url, wait_until="load")
        page.wait_for_function("performance.getEntriesByType('resource').some((e) => "
                               "e.name.endsWith('/search/search_index.json'))")
        timing = page.evaluate(INDEX_TIMING)
        assert timing["index"] >= timing["loaded"] > 0, timing

        held = []  # an image the page shows, held back: the page cannot finish loading
        page.route("**/held-back.png", lambda route: held.append(route))
        page.add_init_script("addEventListener('DOMContentLoaded', () => { const img = new "
                             "Image(); img.src = 'held-back.png'; document.body.append(img); })")
        page.goto(url, wait_until="domcontentloaded")
        page.wait_for_function("document.querySelector('[data-md-component=search]') !== null")
        page.wait_for_timeout(500)
        assert page.evaluate("document.readyState") != "complete"
        assert page.evaluate(INDEX_TIMING)["index"] is None  # still held back
        with page.expect_response(lambda r: r.url.endswith("/search/search_index.json")) as index:
            page.locator("label.md-search__icon, .md-search__input").first.click()
        assert page.evaluate("document.readyState") != "complete"
        index.value.finished()  # the whole index, before the page goes
        for route in held:
            route.fulfill(status=404)
    finally:
        context.close()
