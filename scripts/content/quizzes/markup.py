"""Quiz questions as mkdocs-quiz markup: the section that ends a page, in its language.

Each choice's feedback opens with mkdocs-quiz's own "Incorrect answer." (read through
``scripts/site/upstream.py``), because the plugin shows a choice's feedback instead of its
own verdict.
"""

from __future__ import annotations

from scripts.content.quizzes.model import Question, QuizError
from scripts.core import words
from scripts.core.languages import LANGS
from scripts.site import upstream

HEADING_ID = "check-yourself"


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
    w = words.section("quiz")[lang]
    lines = ["<quiz>", q.question[lang].strip()]
    if q.multiple:
        lines[-1] += f"\n\n{w['choose_all']}"
    lines.append("")
    for choice in q.choices:
        lines.append(f"- [{'x' if choice.correct else ' '}] {choice.text[lang].strip()}")
        if choice.feedback:
            lines.append(_quote(f"**{wrong_label(lang)}** {choice.feedback[lang].strip()}"))
    lines += ["", f"**{w['explanation']}.** {q.explanation[lang].strip()}", "</quiz>"]
    return "\n".join(lines)


def render_section(questions: list[Question], lang: str) -> str:
    """The quiz section that ends a page: heading, intro with reset, questions, score."""
    w = words.section("quiz")[lang]
    parts = [f"## {w['heading']} {{#{HEADING_ID}}}", w["intro"], "<!-- mkdocs-quiz intro -->"]
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
