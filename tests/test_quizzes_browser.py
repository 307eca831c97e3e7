"""The self-check quizzes in a real browser (Debian's Chromium driven by Playwright): on a
Korean and an English page, one question answered right and one wrong, with the feedback in
the page's language and the score; the progress survives a reload and a reset clears it;
a question can be answered with the keyboard alone."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

WORDS = {
    "ko": {"heading": "스스로 확인하기", "right": "정답입니다!", "wrong": "오답입니다.",
           "explanation": "풀이.", "correct": "정답:", "submit": "제출"},
    "en": {"heading": "Check yourself", "right": "Correct answer!", "wrong": "Incorrect answer.",
           "explanation": "Explanation.", "correct": "Correct:", "submit": "Submit"},
}




def choose(page, quiz, correct: bool):
    """Click the label of a right (every right one) or of a wrong choice, then submit."""
    inputs = quiz.locator("input[data-correct]") if correct else \
        quiz.locator("input[name=answer]:not([data-correct])")
    for inp in inputs.all() if correct else [inputs.first]:
        page.locator(f"label[for='{inp.get_attribute('id')}']").click()
    quiz.locator("button[type=submit]").click()


def score(page) -> str:
    return page.locator("#quiz-progress-sidebar .quiz-correct-reset").inner_text()


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_answer_right_and_wrong_then_reload(served_site, browser, lang):
    prefix = "" if lang == "ko" else "en/"
    url = f"{served_site.base_url}{prefix}optimizers/adagrad/"
    words = WORDS[lang]
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    try:
        page.goto(url, wait_until="networkidle")
        assert page.get_by_role("heading", name=words["heading"]).count() == 1
        quizzes = page.locator("article .quiz")
        assert quizzes.count() >= 3
        first, second = quizzes.nth(0), quizzes.nth(1)
        # the explanation is hidden until the question is answered
        assert not first.locator("section.content").is_visible()

        choose(page, first, correct=False)
        feedback = first.locator(".quiz-feedback")
        feedback.wait_for(state="visible")
        assert feedback.locator(".quiz-feedback-item.incorrect").count() == 1
        assert feedback.inner_text().count(words["wrong"]) == 1
        explanation = first.locator("section.content")
        assert explanation.is_visible() and words["explanation"] in explanation.inner_text()
        assert first.locator("div.correct input[data-correct]").count() >= 1  # the right one shown

        choose(page, second, correct=True)
        assert words["right"] in second.locator(".quiz-feedback").inner_text()
        assert words["explanation"] in second.locator("section.content").inner_text()

        total = quizzes.count()
        assert f"{words['correct']} 1 / 2" in score(page)
        results = page.locator("#quiz-results")
        assert results.locator(".quiz-results-answered").inner_text() == "2"
        assert results.locator(".quiz-results-total").inner_text() == str(total)
        assert results.locator(".quiz-results-correct").inner_text() == "1"

        page.reload(wait_until="networkidle")
        first, second = page.locator("article .quiz").nth(0), page.locator("article .quiz").nth(1)
        assert words["wrong"] in first.locator(".quiz-feedback").inner_text()
        assert words["right"] in second.locator(".quiz-feedback").inner_text()
        assert first.locator("input:checked").count() == 1
        assert first.locator("input:checked").is_disabled()
        assert f"{words['correct']} 1 / 2" in score(page)

        # the reset clears the page's progress, after the reader confirms
        page.once("dialog", lambda d: d.accept())
        page.locator(".quiz-intro-reset").click()
        assert f"{words['correct']} 0 / 0" in score(page)
        page.reload(wait_until="networkidle")
        assert page.locator("article .quiz").nth(0).locator("input:checked").count() == 0
        assert not errors, errors
    finally:
        context.close()


def test_the_korean_page_speaks_korean_and_the_english_page_english(served_site, browser):
    for prefix, lang, other in (("", "ko", "en"), ("en/", "en", "ko")):
        context = browser.new_context()
        page = context.new_page()
        try:
            page.goto(f"{served_site.base_url}{prefix}optimizers/momentum/",
                      wait_until="networkidle")
            quiz = page.locator("article .quiz").first
            assert quiz.locator("button[type=submit]").inner_text() == WORDS[lang]["submit"]
            choose(page, quiz, correct=False)
            text = quiz.inner_text()
            assert WORDS[lang]["wrong"] in text and WORDS[other]["wrong"] not in text
        finally:
            context.close()


def test_a_question_answered_with_the_keyboard_alone(served_site, browser):
    context = browser.new_context()
    page = context.new_page()
    try:
        page.goto(f"{served_site.base_url}en/optimizers/gd/", wait_until="networkidle")
        quiz = page.locator("article .quiz").first
        radios = quiz.locator("input[type=radio]")
        right = [i for i, r in enumerate(radios.all()) if r.get_attribute("data-correct")][0]
        # Tab from the quiz's anchor into the radio group, walk with the arrow keys
        quiz.locator(".quiz-header-link").focus()
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.type") == "radio"
        for _ in range(right):
            page.keyboard.press("ArrowDown")
        page.keyboard.press("Space")
        # moving through the choices must not answer yet
        assert not quiz.locator(".quiz-feedback").is_visible()
        assert radios.nth(right).is_checked()
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.className").startswith("quiz-button")
        page.keyboard.press("Enter")
        feedback = quiz.locator(".quiz-feedback")
        feedback.wait_for(state="visible")
        assert "Correct answer!" in feedback.inner_text()
        # focus moves to the feedback, so a screen reader reads it next
        assert page.evaluate("document.activeElement.classList.contains('quiz-feedback')")
        # a visible focus ring on the submit button of the next question
        nxt = page.locator("article .quiz").nth(1).locator("button[type=submit]")
        nxt.focus()
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Tab")
        outline = nxt.evaluate("el => getComputedStyle(el).outlineStyle + ' ' + "
                               "getComputedStyle(el).boxShadow")
        assert outline.split()[0] != "none" or "rgb" in outline, outline
    finally:
        context.close()
