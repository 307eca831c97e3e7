"""The timeline and glossary: their data files, the pages built from them, the Korean
spelling rule, and the glossary tooltips (with Korean particles) in a real browser."""

from __future__ import annotations

import copy
import html
import re
from pathlib import Path

import pytest
import yaml
from mkdocs.exceptions import PluginError

from scripts.content import glossary, timeline
from scripts.content.glossary import load_glossary, variant_uses
from scripts.content.timeline import arxiv_year_month, load_timeline
from scripts.content.tooltips import add_tooltips
from scripts.core.datafile import DataFileError

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
TIMELINE_RAW = yaml.safe_load(timeline.TIMELINE.read_text(encoding="utf-8"))["events"]
GLOSSARY_RAW = yaml.safe_load(glossary.GLOSSARY.read_text(encoding="utf-8"))["terms"]


def _by_id(records: list[dict], rid: str) -> dict:
    return next(r for r in records if r.get("id") == rid)


# ---- schema: a malformed record names the file, the record and the field ---------------

def _drop(key):
    return lambda r: r.pop(key)


def _set(key, value):
    return lambda r: r.__setitem__(key, value)


TIMELINE_CASES = [
    ("gan", _drop("title"), "title", "is required"),
    ("gan", lambda r: r["significance"].pop("en"), "significance.en", "is required"),
    ("adam", _set("month", 13), "month", "maximum"),
    ("adam", _set("year", "2014"), "year", "not of type 'integer'"),
    ("bert", _set("colour", "red"), "colour", "not a known field"),
    ("bert", _set("topic", "poetry"), "topic", "is not one of"),
    ("resnet", _set("paper", {}), "paper", "exactly one of"),
    ("resnet", lambda r: r["paper"].update(doi="10.1/x"), "paper", "exactly one of"),
    ("gan", lambda r: r["paper"].update(arxiv="1506.2661"), "year", "submitted 2015-06"),
    ("gan", _set("month", 9), "month", "submitted 2014-06"),
    ("gpt-3", lambda r: r["lecture"].update(year=2020), "lecture.year", "the event's own year"),
    ("bert", lambda r: r["venue"].update(year=2017), "venue.year", "before the first"),
    ("transformer", _drop("month"), "month", "needs the month"),
]


@pytest.mark.parametrize(("rid", "mutate", "field", "says"), TIMELINE_CASES)
def test_timeline_errors_name_file_record_and_field(rid, mutate, field, says):
    records = copy.deepcopy(TIMELINE_RAW)
    mutate(_by_id(records, rid))
    with pytest.raises(DataFileError) as caught:
        timeline.parse(records, timeline.TIMELINE)
    message = str(caught.value)
    assert message.startswith("docs/data/timeline.yml: ")
    assert f"event {rid!r}" in message
    assert f"field {field!r}" in message
    assert says in message


def test_timeline_duplicate_id_and_record_without_id():
    records = copy.deepcopy(TIMELINE_RAW)
    records.append(copy.deepcopy(_by_id(records, "dqn")))
    with pytest.raises(DataFileError, match=r"event 'dqn': field 'id': is used by an earlier"):
        timeline.parse(records, timeline.TIMELINE)
    records = copy.deepcopy(TIMELINE_RAW)
    del records[2]["id"]
    with pytest.raises(DataFileError, match=r"event '#3': field 'id': is required"):
        timeline.parse(records, timeline.TIMELINE)


GLOSSARY_CASES = [
    ("gradient", _drop("definition"), "definition", "is required"),
    ("gradient", lambda r: r["definition"].pop("ko"), "definition.ko", "is required"),
    ("learning-rate", _set("variants", "러닝 레이트"), "variants", "not of type 'array'"),
    ("loss-function", _set("ko", "손실"), "ko", "already the term of"),
    ("parameter", _set("variants", ["매개변수", "파라미터"]), "variants", "chosen term"),
    ("optimizer", _set("spelling", "x"), "spelling", "not a known field"),
]


@pytest.mark.parametrize(("rid", "mutate", "field", "says"), GLOSSARY_CASES)
def test_glossary_errors_name_file_record_and_field(rid, mutate, field, says):
    records = copy.deepcopy(GLOSSARY_RAW)
    mutate(_by_id(records, rid))
    with pytest.raises(DataFileError) as caught:
        glossary.parse(records, glossary.GLOSSARY)
    message = str(caught.value)
    assert message.startswith("docs/data/glossary.yml: ")
    assert f"term {rid!r}" in message and f"field {field!r}" in message and says in message


@pytest.fixture
def hook():
    import importlib.util

    spec = importlib.util.spec_from_file_location("optim_hook_for_test",
                                                  ROOT / "scripts" / "hook.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("which", ["timeline", "glossary"])
def test_malformed_data_file_fails_the_build(hook, tmp_path, monkeypatch, which):
    module, raw, key = ((timeline, TIMELINE_RAW, "events") if which == "timeline"
                        else (glossary, GLOSSARY_RAW, "terms"))
    records = copy.deepcopy(raw)
    records[1].pop("id" if which == "glossary" else "authors")
    bad = tmp_path / f"{which}.yml"
    bad.write_text(yaml.safe_dump({key: records}, allow_unicode=True), encoding="utf-8")
    monkeypatch.setattr(module, which.upper(), bad)
    with pytest.raises(PluginError) as caught:
        hook.on_config(type("Config", (), {"plugins": {}})())
    message = str(caught.value)
    assert str(bad) in message
    expected = (f"event {records[1]['id']!r}: field 'authors'" if which == "timeline"
                else "term '#2': field 'id'")
    assert expected in message


# ---- the timeline's facts ---------------------------------------------------------------

EVENTS = load_timeline()


def test_every_event_carries_a_primary_paper_identifier():
    for event in EVENTS:
        assert event.paper.identifier and event.paper.url.startswith("https://"), event.id
        if event.first == "arxiv":
            assert event.paper.arxiv, event.id
            assert arxiv_year_month(event.paper.arxiv) == (event.year, event.month), event.id
        else:  # a venue first: a DOI, or the proceedings/report where no id exists
            assert event.paper.doi or event.paper.name, event.id
        assert event.venue_year >= event.year, event.id


def test_the_events_the_lecture_names_are_there_in_order():
    ids = [e.id for e in EVENTS]
    for required in ("alexnet", "dqn", "rnn-encoder-decoder", "seq2seq", "adam", "gan",
                     "resnet", "transformer", "bert", "gpt-2", "gpt-3", "simclr"):
        assert required in ids
    assert [e.when for e in EVENTS] == sorted(e.when for e in EVENTS)
    assert EVENTS[0].id == "alexnet"


def test_the_lecture_slips_are_corrected_and_said():
    by = {e.id: e for e in EVENTS}
    gan, gpt3 = by["gan"], by["gpt-3"]
    assert (gan.year, gan.month, gan.paper.arxiv, gan.lecture_year) == (2014, 6, "1406.2661", 2015)
    assert (gpt3.year, gpt3.paper.arxiv, gpt3.lecture_year) == (2020, "2005.14165", 2019)
    assert "1750억" in gpt3.lecture_note.ko and "175 billion" in gpt3.lecture_note.en
    assert "175" in gpt3.significance.en
    assert by["dqn"].later.doi == "10.1038/nature14236" and by["dqn"].later.year == 2015
    assert (by["adam"].year, by["adam"].venue_year) == (2014, 2015)
    assert all(e.lecture_year != e.year for e in EVENTS if e.lecture_year)


# ---- the glossary and the Korean spelling rule ------------------------------------------

TERMS = load_glossary()
KOREAN_PAGES = sorted(p for p in DOCS.rglob("*.md") if ".en." not in p.name)


def test_the_glossary_covers_the_site_terms():
    have = {t.ko for t in TERMS}
    for word in ("기울기", "학습률", "경사 하강법", "확률적 경사 하강법", "모멘텀", "손실",
                 "손실 함수", "매개변수", "초매개변수", "옵티마이저", "편향 보정", "누적값",
                 "지수 이동 평균", "신경망", "은닉층", "활성화 함수", "역전파", "미니배치",
                 "과적합", "수렴", "발산", "안장점", "국소 최솟값", "조건수", "가중치 감쇠",
                 "교차 엔트로피", "평균 제곱 오차"):
        assert word in have, word
    by = {t.ko: t for t in TERMS}
    assert {"그래디언트", "그라디언트"} <= set(by["기울기"].variants)
    assert "파라미터" in by["매개변수"].variants
    assert "러닝 레이트" in by["학습률"].variants
    assert "옵티마이져" in by["옵티마이저"].variants


def test_korean_pages_use_only_the_glossary_spelling():
    assert len(KOREAN_PAGES) >= 5
    problems = [f"{p.relative_to(ROOT)}:{u.line}: {u.found!r} (write {u.term.ko!r})"
                for p in KOREAN_PAGES for u in variant_uses(p.read_text(encoding="utf-8"), TERMS)]
    assert not problems, "ruled-out spellings:\n" + "\n".join(problems)


#: every other text a reader sees in Korean: quiz questions, choices and explanations, and the
#: figure captions and alt text of the registry (variants are Korean, so the English in the same
#: file never matches)
KOREAN_DATA = sorted((DOCS / "data" / "quizzes").rglob("*.yml")) + [
    ROOT / "scripts" / "figures" / "figures.yml"]


def test_quizzes_and_figure_texts_use_only_the_glossary_spelling():
    assert len(KOREAN_DATA) >= 5 and all(p.is_file() for p in KOREAN_DATA)
    problems = [f"{p.relative_to(ROOT)}:{u.line}: {u.found!r} (write {u.term.ko!r})"
                for p in KOREAN_DATA for u in variant_uses(p.read_text(encoding="utf-8"), TERMS)]
    assert not problems, "ruled-out spellings:\n" + "\n".join(problems)


def test_the_spelling_rule_reads_yaml_text():
    record = "  - id: q\n    question:\n      ko: 걸음 폭을 줄이면 하이퍼파라미터가 바뀝니다.\n"
    found = [(u.found, u.term.ko) for u in variant_uses(record, TERMS)]
    assert found == [("걸음 폭을", "걸음 크기"), ("하이퍼파라미터가", "초매개변수")]


def test_the_spelling_checker_finds_a_planted_variant_with_its_particle():
    page = ("# 제목\n\n학습률과 기울기를 봅니다.\n\n그래디언트를 구하고, 파라미터는 고정합니다.\n"
            "러닝 레이트가 크면 옵티마이져는 발산합니다.\n")
    found = [(u.line, u.found, u.term.ko) for u in variant_uses(page, TERMS)]
    assert found == [(5, "그래디언트를", "기울기"), (5, "파라미터는", "매개변수"),
                     (6, "러닝 레이트가", "학습률"), (6, "옵티마이져는", "옵티마이저")]


def test_the_spelling_checker_skips_code_links_math_and_other_words():
    page = ("딥러닝 러닝머신은 괜찮습니다.\n\n```python\nparams = '파라미터'\n```\n\n"
            "`그래디언트`와 [링크](https://x.org/파라미터), $그래디언트$는 코드입니다.\n")
    assert variant_uses(page, TERMS) == []


# ---- tooltips: particles, first use only, skipped contexts ------------------------------

def test_tooltips_attach_to_terms_with_korean_particles():
    out = add_tooltips("<p>학습률을 줄이면 학습률이 작아집니다. 기울기는 방향입니다.</p>",
                       TERMS, "ko")
    assert out.count('data-term="learning-rate"') == 1  # first use only
    assert re.search(r'data-term="learning-rate"[^>]*>학습률</span>을 ', out)
    assert re.search(r'data-term="gradient"[^>]*>기울기</span>는', out)
    assert 'aria-describedby="optim-term-def-learning-rate"' in out and 'tabindex="0"' in out
    definition = html.escape(next(t for t in TERMS if t.id == "learning-rate").definition.ko)
    assert f'data-definition="{definition}"' in out


def test_tooltips_prefer_the_longest_term_and_skip_code_math_headings_links():
    source = ('<h2>학습률</h2><p><code>학습률</code> <a href="#">학습률</a> '
              '<span class="arithmatex">\\(학습률\\)</span> 확률적 경사 하강법과 손실 함수를</p>'
              '<pre><code>모멘텀</code></pre>')
    out = add_tooltips(source, TERMS, "ko")
    assert "learning-rate" not in out and "momentum" not in out
    assert re.search(r'data-term="sgd"[^>]*>확률적 경사 하강법</span>과', out)
    assert re.search(r'data-term="loss-function"[^>]*>손실 함수</span>를', out)
    assert 'data-term="gradient-descent"' not in out and 'data-term="loss"' not in out
    text_only = re.sub(r"<[^>]+>", "", out)
    assert text_only == re.sub(r"<[^>]+>", "", source)  # only markup was added


def test_english_tooltips_match_whole_words_and_plurals():
    out = add_tooltips("<p>Hyperparameters and learning rates, not hyperparameterized.</p>",
                       TERMS, "en")
    assert re.search(r'data-term="hyperparameter"[^>]*>Hyperparameters</span>', out)
    assert re.search(r'data-term="learning-rate"[^>]*>learning rates</span>', out)
    assert 'data-term="parameter"' not in out


# ---- the built pages --------------------------------------------------------------------

def _page(site: Path, url: str) -> str:
    return (site / url / "index.html").read_text(encoding="utf-8")


def _text(page: str) -> str:
    """The page's visible text (tooltips wrap terms in markup), whitespace collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", page)).split())


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["ko", "en"])
def test_built_timeline_shows_the_data_in_its_language(built_site, lang):
    page = _page(built_site.site, "timeline" if lang == "ko" else "en/timeline")
    other = "en" if lang == "ko" else "ko"
    text = _text(page)
    for event in EVENTS:
        assert event.significance[lang] in text, event.id
        assert event.significance[other] not in text, event.id
        assert f'href="{html.escape(event.paper.url)}"' in page, event.id
        if event.lecture_note:
            assert event.lecture_note[lang] in text, event.id
    for year in {e.year for e in EVENTS}:
        assert f'id="year-{year}"' in page
    figure = re.search(r'<img src="([^"]*timeline\.' + lang + r'\.png)" alt="([^"]+)"', page)
    assert figure, "timeline figure missing"
    assert (built_site.site / ("" if lang == "ko" else "en") / "timeline" /
            figure.group(1)).resolve().is_file()
    assert re.search(r'href="[^"]*/edit/main/docs/data/timeline\.yml"', page)


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["ko", "en"])
def test_built_glossary_shows_the_data_in_its_language(built_site, lang):
    page = _page(built_site.site, "glossary" if lang == "ko" else "en/glossary")
    other = "en" if lang == "ko" else "ko"
    text = _text(page)
    for term in TERMS:
        assert f'id="term-{term.id}"' in page
        assert term.definition[lang] in text, term.id
        assert term.definition[other] not in text, term.id
    assert ("<s>그래디언트</s>" in page) == (lang == "ko")
    assert re.search(r'href="[^"]*/edit/main/docs/data/glossary\.yml"', page)


@pytest.mark.slow
def test_built_pages_carry_tooltips_in_their_language(built_site):
    ko = _page(built_site.site, "optimizers/gd")
    en = _page(built_site.site, "en/optimizers/gd")
    assert 'class="optim-term"' in ko and 'class="optim-term"' in en
    lr = next(t for t in TERMS if t.id == "learning-rate")
    assert html.escape(lr.definition.ko) in ko and html.escape(lr.definition.en) in en
    # a Korean term directly followed by its particle got its tooltip
    assert re.search(r'class="optim-term"[^>]*>[가-힣 ]+</span>[은는이가을를의에와과도로]', ko)


# ---- in Chromium: keyboard focus and tap show the definition ----------------------------



@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_keyboard_focus_shows_the_definition_of_a_term_with_a_particle(served_site, browser,
                                                                        scheme):
    context = browser.new_context(color_scheme=scheme, viewport={"width": 1000, "height": 800})
    page = context.new_page()
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    try:
        page.goto(f"{served_site.base_url}optimizers/gd/", wait_until="networkidle")
        # Tab through the page until a glossary term has the focus
        for _ in range(300):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.classList.contains('optim-term')"):
                break
        focused = page.evaluate("""() => { const el = document.activeElement;
            return {id: el.dataset.term, text: el.textContent,
                    next: (el.nextSibling && el.nextSibling.textContent || '').slice(0, 1),
                    described: el.getAttribute('aria-describedby')}; }""")
        term = next(t for t in TERMS if t.id == focused["id"])
        assert focused["text"] == term.ko
        assert re.match(r"[가-힣]", focused["next"]), focused  # the particle stays outside
        tip = page.locator("#optim-tooltip")
        assert tip.is_visible() and tip.inner_text() == term.definition.ko
        assert page.locator(f"#{focused['described']}").text_content() == term.definition.ko
        colours = tip.evaluate("""el => { const s = getComputedStyle(el);
            return [s.color, s.backgroundColor]; }""")
        assert colours[0] != colours[1]
        assert _contrast(*colours) >= 7
        page.keyboard.press("Escape")
        assert not tip.is_visible()
        assert not errors, errors
    finally:
        context.close()


@pytest.mark.browser
def test_tapping_a_term_on_a_phone_shows_its_definition(served_site, browser):
    context = browser.new_context(viewport={"width": 375, "height": 740}, has_touch=True,
                                  is_mobile=True)
    page = context.new_page()
    try:
        page.goto(f"{served_site.base_url}en/optimizers/gd/", wait_until="networkidle")
        term = page.locator(".optim-term").first
        term.scroll_into_view_if_needed()
        term.tap()
        tip = page.locator("#optim-tooltip")
        expected = next(t for t in TERMS if t.id == term.get_attribute("data-term"))
        assert tip.is_visible() and tip.inner_text() == expected.definition.en
        box = tip.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 375  # stays on a phone screen
        page.locator("h1").first.tap()
        assert not tip.is_visible()
    finally:
        context.close()


def _contrast(fg: str, bg: str) -> float:
    def luminance(css: str) -> float:
        r, g, b = (int(v) / 255 for v in re.findall(r"\d+", css)[:3])
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    hi, lo = sorted((luminance(fg), luminance(bg)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)
