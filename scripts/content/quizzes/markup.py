"""Quiz questions as mkdocs-quiz markup: the section that ends a page, in its language.

Each choice's feedback opens with mkdocs-quiz's own "Incorrect answer." (read through
``scripts/site/upstream.py``), because the plugin shows a choice's feedback instead of its
own verdict.
"""

from __future__ import annotations

from scripts.content.quizzes.model import Question, QuizError
from scripts.core.languages import LANGS
from scripts.site import upstream

HEADING = {"ko": "스스로 확인하기", "en": "Check yourself"}
HEADING_ID = "check-yourself"
INTRO = {
    "ko": "이 페이지에서 배운 내용을 문제로 확인해 보세요. 답을 고르면 바로 맞았는지와 그 까닭을 "
          "보여 줍니다.",
    "en": "Check what this page taught. Pick an answer and the quiz tells you at once whether "
          "it is right, and why.",
}
CHOOSE_ALL = {"ko": "(맞는 것을 모두 고른 뒤 제출하세요.)",
              "en": "(Choose every right answer, then submit.)"}
EXPLANATION = {"ko": "풀이", "en": "Explanation"}


def _quote(text: str) -> str:
    """Per-choice feedback as mkdocs-quiz wants it: blockquote lines right under the choice."""
    return "\n".join(f"    > {line}".rstrip() for line in text.strip().splitlines())


def wrong_label(lang: str) -> str:
    """mkdocs-quiz's own "Incorrect answer." in ``lang``, opening each wrong choice's feedback
    (the plugin shows a choice's feedback instead of its own verdict)."""
    return upstream.quiz_translation(lang, "Incorrect answer.")


def render_question(q: Question, lang: str) -> str:
    """One question as mkdocs-quiz markup: question, ``- [x]``/``- [ ]`` choices, feedback
    under each wrong choice, then the explanation (shown once answered)."""
    lines = ["<quiz>", q.question[lang].strip()]
    if q.multiple:
        lines[-1] += f"\n\n{CHOOSE_ALL[lang]}"
    lines.append("")
    for choice in q.choices:
        lines.append(f"- [{'x' if choice.correct else ' '}] {choice.text[lang].strip()}")
        if choice.feedback:
            lines.append(_quote(f"**{wrong_label(lang)}** {choice.feedback[lang].strip()}"))
    lines += ["", f"**{EXPLANATION[lang]}.** {q.explanation[lang].strip()}", "</quiz>"]
    return "\n".join(lines)


def render_section(questions: list[Question], lang: str) -> str:
    """The quiz section that ends a page: heading, intro with reset, questions, score."""
    parts = [f"## {HEADING[lang]} {{#{HEADING_ID}}}", INTRO[lang], "<!-- mkdocs-quiz intro -->"]
    parts += [render_question(q, lang) for q in questions]
    parts.append("<!-- mkdocs-quiz results -->")
    return "\n\n".join(parts) + "\n"


def page_id(src_uri: str, langs=LANGS) -> str:
    """``optimizers/adam.en.md`` -> ``optimizers/adam`` (the page's path without its suffix)."""
    stem = src_uri.rsplit(".", 1)[0] if src_uri.endswith(".md") else src_uri
    for lang in langs:
        if stem.endswith(f".{lang}"):
            return stem[: -len(lang) - 1]
    return stem


def append_quiz(markdown: str, questions: list[Question] | None, page: str, lang: str) -> str:
    """The page's markdown with its ``questions`` at the end, unchanged if it has none."""
    if not questions:
        return markdown
    if lang not in LANGS:
        raise QuizError(f"{page}: no quiz texts for language {lang!r} (have {', '.join(LANGS)})")
    return markdown.rstrip() + "\n\n" + render_section(questions, lang)
