"""The live explorer in a real browser (Debian's Chromium driven by Playwright), on the
Korean and the English page, served under the sub-path. Every path the page reports
(``window.explorerState``, the contract of issue 14) is recomputed here with ``optim_ref.run``
for the state the page reports, and must agree to 1e-9 relative on its well-posed steps (the
leading steps a twin run, its start moved by 1e-15, reproduces). A click moves the start;
the learning rate, noise, schedule and formula change the paths; a bad formula shows its
message; a copied link restores the state; no console error; no sideways scroll at 375 px.
"""

from __future__ import annotations

import numpy as np
import pytest
from explorer_state import optimizer, schedule
from kernels_export import held_points, perturbed

import optim_ref
from optim_ref import functions

pytestmark = pytest.mark.browser

LANGS = [("", "ko"), ("en/", "en")]
PATH_RTOL = 1e-9
MESSAGES = {"ko": "식을 읽을 수 없습니다", "en": "The formula cannot be read"}
FORMULA = "x^2 + 3*y^2 + sin(2*x*y)"


class Custom(functions.Surface):
    """The page's custom surface for FORMULA, evaluated by numpy (the gradient by hand)."""

    name, title, latex = "custom", "custom", ""
    window = ((-3.0, 3.0), (-3.0, 3.0))
    _start, _minima, min_value = (-2.0, 2.0), (), -np.inf

    def value(self, xy):
        x, y = np.asarray(xy)[..., 0], np.asarray(xy)[..., 1]
        return x ** 2 + 3 * y ** 2 + np.sin(2 * x * y)

    def grad(self, xy):
        x, y = np.asarray(xy)[..., 0], np.asarray(xy)[..., 1]
        c = np.cos(2 * x * y)
        return np.stack([2 * x + 2 * y * c, 6 * y + 2 * x * c], axis=-1)


def _schedule(spec, hyper):
    """The page peaks each OneCycleLR run at its own lr and cycles momentum only where the
    optimizer has momentum or betas (torch refuses cycle_momentum=True elsewhere)."""
    if spec and spec["name"] == "OneCycleLR":
        cycles = spec["cycle_momentum"] and ("momentum" in hyper or "betas" in hyper)
        spec = {**spec, "max_lr": hyper["lr"], "cycle_momentum": cycles}
    return schedule(spec)


def recompute(state: dict, name: str, start) -> optim_ref.Run:
    surface = Custom() if state["surface"] == "custom" else functions.get(state["surface"])
    hyper = state["runs"][name]["hyper"]
    return optim_ref.run(optimizer(name, hyper), surface, np.array(start), state["steps"],
                         schedule=_schedule(state["schedule"], hyper), noise=state["noise"],
                         seed=state["seed"])


def _rel(ours, theirs) -> float:
    """max |ours - theirs| / (|theirs| + 1e-3 max |theirs|), as the kernel tests measure."""
    return float((np.abs(ours - theirs) / (np.abs(theirs) + 1e-3 * np.abs(theirs).max())).max())


def assert_paths_equal_optim_ref(state: dict) -> None:
    assert state["runs"], "no run on screen"
    for name, shown in state["runs"].items():
        ours = recompute(state, name, state["start"])
        twin = recompute(state, name, perturbed(np.array(state["start"])))
        path, loss = ours.path[0], ours.loss[0]
        held = held_points(path, loss, twin.path[0], twin.loss[0])
        assert held >= min(20, state["steps"] + 1), (name, held)
        page_path, page_loss = np.array(shown["path"]), np.array(shown["loss"])
        assert page_path.shape == path.shape, (name, page_path.shape, path.shape)
        assert _rel(page_path[:held], path[:held]) <= PATH_RTOL, name
        assert _rel(page_loss[:held], loss[:held]) <= PATH_RTOL, name
        expected = None if ours.diverged_at[0] < 0 else int(ours.diverged_at[0])
        if held == len(path):
            assert shown["diverged_at"] == expected, name


class Explorer:
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

    def wait_changed(self, before: dict, key: str = "runs") -> dict:
        for _ in range(50):
            now = self.state()
            if now[key] != before[key]:
                return now
            self.page.wait_for_timeout(50)
        raise AssertionError(f"{key} did not change")

    def close(self) -> None:
        assert not self.errors, self.errors
        self.context.close()


@pytest.fixture
def open_explorer(browser, served_site):
    opened = []

    def _open(prefix: str, hash_: str = "", **options) -> Explorer:
        options.setdefault("reduced_motion", "reduce")
        ex = Explorer(browser, f"{served_site.base_url}{prefix}explorer/{hash_}", **options)
        opened.append(ex)
        return ex

    yield _open
    for ex in opened:
        ex.close()  # asserts that the console showed no error


@pytest.mark.parametrize(("prefix", "lang"), LANGS)
def test_the_state_holds_the_contract_and_equals_optim_ref(open_explorer, prefix, lang):
    ex = open_explorer(prefix)
    state = ex.state()
    for key in ("ready", "surface", "start", "steps", "noise", "seed", "schedule",
                "lastComputeMs", "runs"):
        assert key in state, key
    assert state["ready"] is True and state["surface"] == "quadratic"
    assert state["start"] == list(functions.get("quadratic").start)
    assert state["noise"] == 0 and state["schedule"] is None
    assert set(state["runs"]) == {"SGD", "Momentum", "Adam"}
    assert_paths_equal_optim_ref(state)


@pytest.mark.parametrize(("prefix", "lang"), LANGS)
def test_a_click_moves_the_start_and_every_optimizer_equals_optim_ref(open_explorer, prefix,
                                                                     lang):
    ex = open_explorer(prefix)
    boxes = ex.page.locator(".ox-opts input[type=checkbox]")
    offered = [boxes.nth(i).get_attribute("value") for i in range(boxes.count())]
    assert set(offered) >= {*optim_ref.LECTURE, *optim_ref.AFTER_ADAM, "GD"}
    for name in offered:
        ex.page.check(f"#ox-on-{name}")
    canvas = ex.page.locator(".ox-paths")
    box = canvas.bounding_box()
    canvas.click(position={"x": 0.8 * box["width"], "y": 0.25 * box["height"]})
    state = ex.state()
    (x0, x1), (y0, y1) = functions.get("quadratic").window
    assert state["start"][0] == pytest.approx(x0 + 0.8 * (x1 - x0), abs=0.02 * (x1 - x0))
    assert state["start"][1] == pytest.approx(y1 - 0.25 * (y1 - y0), abs=0.02 * (y1 - y0))
    assert sorted(state["runs"]) == sorted(offered)
    assert all(r["path"][0] == state["start"] for r in state["runs"].values())
    assert_paths_equal_optim_ref(state)
    # the keyboard moves it too, when the picture has focus
    ex.page.focus(".ox-paths")
    ex.page.keyboard.press("ArrowLeft")
    moved = ex.state()
    assert moved["start"][0] < state["start"][0] and moved["start"][1] == state["start"][1]


@pytest.mark.parametrize(("prefix", "lang"), LANGS)
def test_lr_noise_schedule_and_steps_change_the_paths(open_explorer, prefix, lang):
    ex = open_explorer(prefix)
    before = ex.state()
    lr = ex.page.locator(".ox-opt[data-name='Momentum'] input[type=range]").first
    lr.focus()
    lr.press("ArrowLeft")
    after = ex.wait_changed(before)
    assert after["runs"]["Momentum"]["hyper"]["lr"] < before["runs"]["Momentum"]["hyper"]["lr"]
    assert after["runs"]["SGD"] == before["runs"]["SGD"]
    assert_paths_equal_optim_ref(after)

    ex.page.check("#ox-noise")
    noisy = ex.wait_changed(after)
    assert noisy["noise"] > 0
    assert noisy["runs"]["Adam"]["path"] != after["runs"]["Adam"]["path"]
    assert_paths_equal_optim_ref(noisy)
    seed = ex.page.locator("input[type=number]")
    seed.fill("7")
    reseeded = ex.wait_changed(noisy)
    assert reseeded["seed"] == 7
    assert_paths_equal_optim_ref(reseeded)

    for kind, torch_name in [("step", "StepLR"), ("cosine", "CosineAnnealingLR"),
                             ("warmup", "SequentialLR"), ("onecycle", "OneCycleLR")]:
        prev = ex.state()
        ex.page.select_option("#ox-schedule", kind)
        now = ex.wait_changed(prev)
        assert now["schedule"]["name"] == torch_name
        if torch_name == "OneCycleLR":  # torch's default: the momentum cycles too
            assert now["schedule"]["cycle_momentum"] is True
        assert_paths_equal_optim_ref(now)

    steps = ex.page.locator(".ox-controls input[type=range]").first
    steps.focus()
    steps.press("End")
    longest = ex.state()
    assert longest["steps"] == 1000
    assert all(len(r["path"]) == 1001 for r in longest["runs"].values())
    assert_paths_equal_optim_ref(longest)


@pytest.mark.parametrize(("prefix", "lang"), LANGS)
def test_a_typed_formula_runs_and_a_bad_one_gets_a_message(open_explorer, prefix, lang):
    ex = open_explorer(prefix)
    assert not any("mathjs" in u for u in ex.requests)  # loaded only when the option is opened
    ex.page.select_option("#ox-surface", "custom")
    ex.page.wait_for_function("window.explorerState.surface === 'custom' && "
                              "Object.keys(window.explorerState.runs).length > 0")
    assert any(u.endswith("/assets/mathjs/math.js") for u in ex.requests)
    state = ex.state()
    assert state["formula"] == FORMULA
    assert_paths_equal_optim_ref(state)

    ex.page.fill("#ox-formula", "x^2 + (y")
    ex.page.click("text=" + ("식 적용" if lang == "ko" else "Apply the formula"))
    message = ex.page.locator(".ox-message")
    assert MESSAGES[lang] in message.inner_text()
    assert ex.state()["runs"] == state["runs"]  # the page keeps the last good formula

    ex.page.fill("#ox-formula", "log(x)")  # not finite at the start (-2, 2)
    ex.page.click("text=" + ("식 적용" if lang == "ko" else "Apply the formula"))
    assert ("유한하지 않습니다" if lang == "ko" else "not finite") in message.inner_text()

    ex.page.fill("#ox-formula", "x^2 + 3*y^2")
    ex.page.click("text=" + ("식 적용" if lang == "ko" else "Apply the formula"))
    changed = ex.state()
    assert changed["formula"] == "x^2 + 3*y^2" and changed["runs"] != state["runs"]
    assert message.inner_text() == ""


@pytest.mark.parametrize(("prefix", "lang"), LANGS)
def test_a_copied_link_restores_the_same_state(open_explorer, prefix, lang):
    ex = open_explorer(prefix, permissions=["clipboard-read", "clipboard-write"])
    ex.page.select_option("#ox-surface", "himmelblau")
    ex.page.wait_for_function("window.explorerState.surface === 'himmelblau'")
    ex.page.check("#ox-on-NAdam")
    ex.page.check("#ox-noise")
    ex.page.select_option("#ox-schedule", "warmup")
    canvas = ex.page.locator(".ox-paths")
    box = canvas.bounding_box()
    canvas.click(position={"x": 0.3 * box["width"], "y": 0.6 * box["height"]})
    beta = ex.page.locator(".ox-opt[data-name='Momentum'] input[type=range]").nth(1)
    beta.focus()
    beta.press("ArrowLeft")
    state = ex.state()
    ex.page.click(".ox-copy")
    ex.page.wait_for_function("document.querySelector('[role=status].ox-note').textContent !== ''")
    url = ex.page.evaluate("navigator.clipboard.readText()")
    other = open_explorer(prefix, "#" + url.split("#", 1)[1])
    restored = other.state()
    for key in ("surface", "start", "steps", "noise", "seed", "schedule", "runs"):
        assert restored[key] == state[key], key
    assert_paths_equal_optim_ref(restored)


@pytest.mark.parametrize(("prefix", "lang"), LANGS)
def test_a_run_that_diverges_is_marked_where_optim_ref_says(open_explorer, prefix, lang):
    # GD on the quadratic diverges above lr = 2/10; the link sets 0.25
    ex = open_explorer(prefix, "#s=quadratic&x=-2.5&y=1.5&n=200&o=GD:lr=0.25")
    state = ex.state()
    assert list(state["runs"]) == ["GD"]
    assert state["runs"]["GD"]["diverged_at"] is not None
    assert_paths_equal_optim_ref(state)
    word = "발산" if lang == "ko" else "diverged"
    assert word in ex.page.locator(".ox-status").inner_text()


@pytest.mark.parametrize(("prefix", "lang"), LANGS)
def test_a_375px_phone_needs_no_sideways_scrolling_and_a_tap_sets_the_start(open_explorer,
                                                                            prefix, lang):
    ex = open_explorer(prefix, viewport={"width": 375, "height": 740}, has_touch=True,
                       is_mobile=True)
    assert ex.page.evaluate("document.documentElement.scrollWidth") <= 375
    canvas = ex.page.locator(".ox-paths")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 375
    before = ex.state()["start"]
    canvas.tap(position={"x": box["width"] * 0.5, "y": box["height"] * 0.5})
    after = ex.state()
    assert after["start"] != before
    assert after["start"] == pytest.approx([0.0, 0.0], abs=0.1)
    ex.page.check("#ox-on-RMSprop")
    assert ex.page.evaluate("document.documentElement.scrollWidth") <= 375


@pytest.mark.parametrize(("prefix", "lang"), LANGS)
def test_every_control_is_labelled_in_the_page_language(open_explorer, prefix, lang):
    ex = open_explorer(prefix)
    unlabelled = ex.page.evaluate("""() => [...document.querySelectorAll(['input', 'select',
        'button', 'canvas'].map(t => '#optim-explorer ' + t).join(', '))]
        .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label')
                     && !e.textContent.trim()).map(e => e.outerHTML.slice(0, 80))""")
    assert unlabelled == []
    text = ex.page.locator("#optim-explorer").inner_text()
    if lang == "ko":
        assert "학습률" in text and "손실 곡면" in text and "Learning rate" not in text
    else:
        assert "learning rate" in text.lower() and "학습률" not in text


@pytest.mark.parametrize(("prefix", "lang"), LANGS)
@pytest.mark.parametrize("motion", ["reduce", "no-preference"])
def test_nothing_autoplays_and_play_moves_the_status(open_explorer, prefix, lang, motion):
    ex = open_explorer(prefix, reduced_motion=motion)
    ex.page.wait_for_timeout(300)
    state = ex.state()
    assert state["playing"] is False and state["step"] == state["steps"]
    ex.page.click(".ox-play")
    ex.page.wait_for_function("window.explorerState.step > 0 && window.explorerState.step < "
                              "window.explorerState.steps")
    ex.page.click(".ox-play")  # pause
    paused = ex.state()["step"]
    ex.page.wait_for_timeout(200)
    status = ex.page.locator(".ox-status").inner_text()  # the status line follows the step
    assert ex.state()["step"] == paused and str(paused) in status
    scrub = ex.page.locator(".ox-player input[type=range]").first
    scrub.focus()
    scrub.press("Home")
    assert ex.state()["step"] == 0
    assert ("0 / " in ex.page.locator(".ox-status").inner_text()
            or "step 0 of" in ex.page.locator(".ox-status").inner_text())
