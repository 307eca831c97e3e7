"""The explorer page in a real browser (Debian's Chromium driven by Playwright), on the
Korean and the English page, served under the sub-path: the drawn path follows the
controls, play and scrub move the step, a run that optim_ref says diverges is shown as
diverged, a 375 px phone needs no sideways scrolling, and the console stays clean.

The page exposes ``window.explorerState`` (selection, step, drawn points per optimizer,
the time of its last redraw and when it became ready), which is what these tests read.
"""

from __future__ import annotations

import statistics

import numpy as np
import pytest

import optim_ref
from optim_ref import functions
from scripts.explorer import grid

pytestmark = pytest.mark.browser

LANGS = [("", "ko"), ("en/", "en")]




class Explorer:
    """One open explorer page, with what its console and network did."""

    def __init__(self, browser, url: str, **context_options) -> None:
        self.context = browser.new_context(**context_options)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.goto(url, wait_until="load")
        self.page.wait_for_function("window.explorerState && window.explorerState.ready")

    def state(self) -> dict:
        return self.page.evaluate("JSON.parse(JSON.stringify(window.explorerState))")

    def labels(self, lang: str) -> dict:
        return self.page.evaluate(
            "(lang) => fetch(document.getElementById('optim-explorer').dataset.base"
            " + 'data/manifest.json').then(r => r.json()).then(m => m.labels[lang])", lang)

    def pause_at_end(self) -> None:
        """Stop any play and go to the last step, from the keyboard."""
        step = self.page.locator(".ox-stepfield input[type=range]")
        step.focus()
        step.press("End")
        self.page.wait_for_function("!window.explorerState.playing")

    def slider(self, optimizer: str, nth: int = 0):
        return self.page.locator(f".ox-opt[data-name='{optimizer}'] input[type=range]").nth(nth)

    def set_index(self, locator, index: int) -> None:
        """Move a range input to ``index`` with the keyboard (Home, then ArrowRight)."""
        locator.focus()
        locator.press("Home")
        for _ in range(index):
            locator.press("ArrowRight")

    def close(self) -> None:
        assert not self.errors, self.errors
        self.context.close()


@pytest.fixture
def open_explorer(browser, served_site):
    opened = []

    def _open(prefix: str, **options) -> Explorer:
        ex = Explorer(browser, f"{served_site.base_url}{prefix}explorer/", **options)
        opened.append(ex)
        return ex

    yield _open
    for ex in opened:
        ex.close()  # asserts that the console showed no error


@pytest.mark.parametrize(("prefix", "lang"), LANGS)
def test_learning_rate_and_surface_change_the_drawn_path(open_explorer, prefix, lang):
    ex = open_explorer(prefix)
    ex.pause_at_end()
    before = ex.state()
    assert before["surface"] == "quadratic"
    assert "SGD" in before["optimizers"]
    points = before["paths"]["SGD"]["points"]
    assert len(points) == before["steps"] + 1

    lr_slider = ex.slider("SGD")
    lr_slider.focus()
    lr_slider.press("ArrowLeft")
    after = ex.state()
    assert after["lr"]["SGD"] < before["lr"]["SGD"]
    assert after["paths"]["SGD"]["points"] != points
    assert after["paths"]["SGD"]["points"][0] == points[0]  # same start

    requested = [u for u in ex.requests if u.endswith(".bin.gz")]
    assert [u.rsplit("/", 1)[-1] for u in requested] == ["quadratic.bin.gz"]  # one surface first
    ex.page.select_option("#ox-surface", "rosenbrock")
    ex.page.wait_for_function("window.explorerState.surface === 'rosenbrock'")
    ex.pause_at_end()
    moved = ex.state()
    assert moved["paths"]["SGD"]["points"][0] != points[0]
    start = functions.get("rosenbrock").start
    assert np.allclose(moved["paths"]["SGD"]["points"][0], start, atol=1e-3)
    assert any(u.endswith("/rosenbrock.bin.gz") for u in ex.requests)
    # the other surfaces are still not loaded: data comes per surface, when chosen
    assert not any(u.endswith("/beale.bin.gz") for u in ex.requests)


@pytest.mark.parametrize(("prefix", "lang"), LANGS)
def test_play_and_scrub_move_the_step(open_explorer, prefix, lang):
    ex = open_explorer(prefix)
    labels = ex.labels(lang)
    step = ex.page.locator(".ox-stepfield input[type=range]")
    step.focus()
    step.press("Home")
    assert ex.state()["step"] == 0 and not ex.state()["playing"]
    for _ in range(5):
        step.press("ArrowRight")
    assert ex.state()["step"] == 5
    first = ex.state()["paths"]["SGD"]["points"]
    assert len(first) == 6

    play = ex.page.locator("button.ox-play")
    assert play.inner_text() == labels["play"]
    play.click()
    ex.page.wait_for_function("window.explorerState.step >= 20")
    assert ex.state()["playing"]
    assert play.inner_text() == labels["pause"]
    play.press("Space")  # pause from the keyboard
    ex.page.wait_for_function("!window.explorerState.playing")
    held = ex.state()["step"]
    ex.page.wait_for_timeout(200)
    assert ex.state()["step"] == held
    assert len(ex.state()["paths"]["SGD"]["points"]) == held + 1


def _first_diverging_sgd_cell() -> tuple[int, int]:
    """The smallest SGD learning rate of the grid that optim_ref says diverges on the
    quadratic from the first start, and the step at which it does."""
    spec = grid.SPEC["SGD"]
    start = np.array(grid.STARTS["quadratic"][0])
    for index, lr in enumerate(spec.lrs):
        run = optim_ref.run(spec.make(float(lr), None), functions.get("quadratic"), start,
                            grid.STEPS)
        if run.diverged[0]:
            return index, int(run.diverged_at[0])
    raise AssertionError("no SGD learning rate of the grid diverges on the quadratic")


@pytest.mark.parametrize(("prefix", "lang"), LANGS)
def test_a_cell_known_to_diverge_is_shown_as_diverged(open_explorer, prefix, lang):
    index, at = _first_diverging_sgd_cell()
    ex = open_explorer(prefix)
    labels = ex.labels(lang)
    ex.pause_at_end()
    ex.set_index(ex.slider("SGD"), index - 1)
    assert not ex.state()["paths"]["SGD"]["shownDiverged"]
    ex.slider("SGD").press("ArrowRight")
    sgd = ex.state()["paths"]["SGD"]
    assert sgd["diverged"] and sgd["shownDiverged"] and sgd["divergedAt"] == at
    assert len(sgd["points"]) == at  # drawn up to the last good point, no further
    assert all(np.isfinite(sgd["points"]).ravel())
    row = ex.page.locator(".ox-opt[data-name='SGD']")
    assert "is-diverged" in row.get_attribute("class")
    assert row.locator(".ox-readout").inner_text() == labels["divergedAt"].format(step=at)
    # before the step it diverges at, the same run is not shown as diverged yet
    step = ex.page.locator(".ox-stepfield input[type=range]")
    step.press("Home")
    assert not ex.state()["paths"]["SGD"]["shownDiverged"]


@pytest.mark.parametrize(("prefix", "lang"), LANGS)
def test_a_375px_phone_needs_no_horizontal_scrolling(open_explorer, prefix, lang):
    ex = open_explorer(prefix, viewport={"width": 375, "height": 740}, has_touch=True,
                       is_mobile=True)
    for box in ex.page.locator(".ox-check input[type=checkbox]").all():
        if not box.is_checked():
            box.tap()
    assert len(ex.state()["optimizers"]) == len(grid.SPECS)
    ex.page.locator(".ox-start").nth(2).tap()
    assert ex.state()["start"] == 2
    width = ex.page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, width
    canvas = ex.page.locator(".ox-paths canvas").bounding_box()
    assert canvas["x"] >= 0 and canvas["x"] + canvas["width"] <= 375


@pytest.mark.parametrize(("prefix", "lang"), LANGS)
def test_every_control_is_labelled_in_the_page_language(open_explorer, prefix, lang):
    ex = open_explorer(prefix)
    labels = ex.labels(lang)
    names = ex.page.evaluate("""() => [...document.querySelectorAll(
        '#optim-explorer input, #optim-explorer select, #optim-explorer button')].map(el => {
          const label = el.getAttribute('aria-label') || (el.closest('label') || {}).textContent
            || el.textContent;
          return (label || '').trim();
        })""")
    assert names and all(names), names
    assert ex.page.locator(".ox-stepfield").inner_text().startswith(labels["step"])
    assert ex.page.locator(".ox-opt[data-name='Adam'] .ox-slider").first.inner_text() \
        .startswith(labels["lr"])
    assert ex.page.get_by_label(labels["surface"]).count() == 1
    hangul = any("\uac00" <= ch <= "\ud7a3" for ch in " ".join(names))
    assert hangul == (lang == "ko")


@pytest.mark.parametrize(("prefix", "lang"), LANGS)
def test_reduced_motion_does_not_auto_play(open_explorer, prefix, lang):
    still = open_explorer(prefix, reduced_motion="reduce")
    still.page.wait_for_timeout(300)
    state = still.state()
    assert not state["playing"] and state["step"] == state["steps"]
    moving = open_explorer(prefix, reduced_motion="no-preference")
    assert moving.state()["playing"] or moving.state()["step"] > 0


@pytest.mark.parametrize(("prefix", "lang"), LANGS)
def test_interactive_within_a_second_and_a_slider_redraws_within_a_frame(
        open_explorer, prefix, lang):
    open_explorer(prefix)  # a first visit wakes the browser and the server
    # best of three fresh visits (no shared HTTP cache): the page's own cost, not the
    # noise of other work on a busy test machine
    ready = [open_explorer(prefix).state()["readyAt"] for _ in range(3)]
    assert min(ready) < 1000, ready
    ex = open_explorer(prefix)
    ex.pause_at_end()
    times = ex.page.evaluate("""() => {
        const slider = document.querySelector(".ox-opt[data-name='Adam'] input[type=range]");
        const out = [];
        for (let i = 0; i < 12; i++) {
          slider.value = String(i);
          const t0 = performance.now();
          slider.dispatchEvent(new Event('input', {bubbles: true}));
          out.push(performance.now() - t0);
        }
        return out;
    }""")
    assert abs(ex.state()["lr"]["Adam"] / grid.SPEC["Adam"].lrs[11] - 1) < 1e-5
    assert statistics.median(times) < 16, times


@pytest.mark.parametrize(("prefix", "lang"), LANGS)
def test_the_first_surface_is_fetched_after_the_page_is_painted(open_explorer, prefix, lang):
    """The data (hundreds of kB) must not hold back the page's first paint: nothing
    preloads it, and its request starts after the first contentful paint."""
    ex = open_explorer(prefix)
    hrefs = ex.page.eval_on_selector_all("link[rel=preload]", "els => els.map(e => e.href)")
    assert not any(".bin" in h for h in hrefs), hrefs
    assert ex.state()["surface"] == grid.FIRST
    timing = ex.page.evaluate("""(name) => {
        const paint = performance.getEntriesByName('first-contentful-paint')[0];
        const data = performance.getEntriesByType('resource')
          .filter(e => e.name.endsWith('/' + name));
        return {paint: paint && paint.startTime, data: data.map(e => e.startTime)};
    }""", f"{grid.FIRST}.bin.gz")
    assert timing["paint"] is not None and len(timing["data"]) == 1, timing
    assert timing["data"][0] > timing["paint"], timing
