"""Self-check quizzes: question records in data files, validated, rendered as mkdocs-quiz markup.

Each content page may have a file ``docs/data/quizzes/<page-id>.yml`` (the page's path
without its language suffix: ``components``, ``optimizers/adam``). One record is one question
in both languages, so a translation cannot go missing silently. Four kinds of record:

* concept: the question, its choices (one or more right), per-choice feedback for every
  wrong choice, and the explanation shown after answering;
* computed: names a computer in ``scripts/quiz_computed.py`` and gives its numbers; the
  choices are values that optim_ref computes at build time (the right one and classic
  mistakes), rounded to the record's ``decimals``;
* timeline: "which came first" or "which year", written from the timeline data file;
* term: a sentence with a blank, written from the glossary data file.

Every record is checked against a JSON schema and a few rules the schema cannot say; an
error names the file, the question id and the field, and stops the build. The MkDocs hook
calls ``append_quiz``: the page ends with the quiz under one heading, in the page's
language, as mkdocs-quiz's own markup, which the plugin turns into the interactive quiz.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

import jsonschema
import yaml
from mkdocs_quiz.translations import TranslationManager

from scripts import quiz_computed, quiz_sources
from scripts.quiz_model import LANGS, Choice, Question, QuizError

ROOT = Path(__file__).resolve().parent.parent
QUIZ_DIR = ROOT / "docs" / "data" / "quizzes"
MIN_PER_PAGE = 3

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

PLACEHOLDER = re.compile(r"\{=(\w+)\}")
MATH = re.compile(r"\$[^$]*\$")
CHECKBOX_LINE = re.compile(r"^\s*[-*] \[.?\] ", re.M)
ID_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"


# --------------------------------------------------------------------------- the schema

_TEXT = {
    "type": "object",
    "properties": {lang: {"type": "string", "minLength": 1} for lang in LANGS},
    "required": list(LANGS),
    "additionalProperties": False,
}
_LINE = {  # a choice is one line of mkdocs-quiz markup
    "type": "object",
    "properties": {lang: {"type": "string", "minLength": 1, "pattern": r"^[^\n]+$"}
                   for lang in LANGS},
    "required": list(LANGS),
    "additionalProperties": False,
}
_ID = {"type": "string", "pattern": ID_PATTERN}
_CHOICE = {
    "type": "object",
    "required": ["text"],
    "additionalProperties": False,
    "properties": {"text": _LINE, "correct": {"type": "boolean"}, "feedback": _TEXT},
    # a wrong choice must say why it is wrong
    "if": {"properties": {"correct": {"const": True}}, "required": ["correct"]},
    "else": {"required": ["feedback"]},
}
_VALUE_CHOICE = {
    "type": "object",
    "required": ["value"],
    "additionalProperties": False,
    "properties": {"value": {"type": "string"}, "correct": {"type": "boolean"},
                   "feedback": _TEXT},
    "if": {"properties": {"correct": {"const": True}}, "required": ["correct"]},
    "else": {"required": ["feedback"]},
}
SCHEMAS: dict[str, dict] = {
    "concept": {
        "type": "object",
        "required": ["id", "question", "choices", "explanation"],
        "additionalProperties": False,
        "properties": {
            "id": _ID, "question": _TEXT, "explanation": _TEXT,
            "choices": {"type": "array", "minItems": 2, "maxItems": 6, "items": _CHOICE},
        },
    },
    "computed": {
        "type": "object",
        "required": ["id", "computed", "given", "decimals", "question", "choices",
                     "explanation"],
        "additionalProperties": False,
        "properties": {
            "id": _ID,
            "computed": {"enum": sorted(quiz_computed.COMPUTERS)},
            "given": {"type": "object", "additionalProperties": {"type": "number"}},
            "decimals": {"type": "integer", "minimum": 0, "maximum": 6},
            "question": _TEXT, "explanation": _TEXT,
            "choices": {"type": "array", "minItems": 3, "maxItems": 6, "items": _VALUE_CHOICE},
        },
    },
    "timeline": {
        "type": "object",
        "required": ["id", "timeline", "events"],
        "additionalProperties": False,
        "properties": {
            "id": _ID,
            "timeline": {"enum": ["which-came-first", "which-year"]},
            "events": {"type": "array", "minItems": 1, "maxItems": 4, "uniqueItems": True,
                       "items": {"type": "string"}},
        },
    },
    "term": {
        "type": "object",
        "required": ["id", "term", "sentence", "distractors"],
        "additionalProperties": False,
        "properties": {
            "id": _ID,
            "term": {"type": "string"},
            # the sentence with ___ where the term goes, in both languages
            "sentence": _TEXT,
            "distractors": {"type": "array", "minItems": 2, "maxItems": 4, "uniqueItems": True,
                            "items": {"type": "string"}},
        },
    },
}
FILE_SCHEMA = {"type": "array", "items": {"type": "object"}}


def kind_of(record: dict) -> str:
    """The record's kind, told by the one key that only that kind has."""
    for kind in ("computed", "timeline", "term"):
        if kind in record:
            return kind
    return "concept"


# --------------------------------------------------------------------------- the questions


def _where(path: Path, record: Any, index: int) -> str:
    rid = record.get("id") if isinstance(record, dict) else None
    name = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
    return f"{name}: question {rid!r}" if rid else f"{name}: question #{index + 1}"


def _field(parts) -> str:
    out = ""
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out or "(record)"


def validate_record(record: Any, path: Path, index: int) -> str:
    """The record's kind, or QuizError naming file, id and field."""
    where = _where(path, record, index)
    if not isinstance(record, dict):
        raise QuizError(f"{where}: a question must be a mapping, not {type(record).__name__}")
    kind = kind_of(record)
    validator = jsonschema.Draft202012Validator(SCHEMAS[kind])
    errors = sorted(validator.iter_errors(record), key=lambda e: (list(e.absolute_path), e.message))
    if errors:
        err = errors[0]
        raise QuizError(f"{where}: field {_field(err.absolute_path)}: {err.message}")
    if kind in ("concept", "computed"):
        if not any(c.get("correct") for c in record["choices"]):
            raise QuizError(f"{where}: field choices: no choice is marked correct: true")
        for lang in LANGS:
            if CHECKBOX_LINE.search(record["question"][lang]):
                raise QuizError(f"{where}: field question.{lang}: a line looks like a choice "
                                "(- [ ] ...); write choices under choices")
    if kind == "concept":
        for i, choice in enumerate(record["choices"]):
            for lang in LANGS:
                if not MATH.sub("", choice["text"][lang]).strip(" ,.()"):
                    raise QuizError(f"{where}: field choices[{i}].text.{lang}: a choice of "
                                    "math alone leaves its label without a name for screen "
                                    "readers; say it in words too")
    if kind == "computed":
        _check_computed(record, where)
    return kind


def _check_computed(record: dict, where: str) -> None:
    comp = quiz_computed.COMPUTERS[record["computed"]]
    given = set(record["given"])
    if given != set(comp.given):
        raise QuizError(f"{where}: field given: {record['computed']} needs exactly "
                        f"{', '.join(comp.given)}; got {', '.join(sorted(given)) or 'nothing'}")
    seen = set()
    for i, choice in enumerate(record["choices"]):
        if choice["value"] not in comp.values:
            raise QuizError(f"{where}: field choices[{i}].value: {choice['value']!r} is not a "
                            f"value of {record['computed']} ({', '.join(comp.values)})")
        if choice["value"] in seen:
            raise QuizError(f"{where}: field choices[{i}].value: {choice['value']!r} twice")
        seen.add(choice["value"])
    if sum(bool(c.get("correct")) for c in record["choices"]) != 1:
        raise QuizError(f"{where}: field choices: a computed question has exactly one right "
                        "value")
    names = set(comp.given) | set(comp.values)
    for fld in ("question", "explanation"):
        for lang in LANGS:
            for name in PLACEHOLDER.findall(record[fld][lang]):
                if name not in names:
                    raise QuizError(f"{where}: field {fld}.{lang}: unknown placeholder "
                                    f"{{={name}}} (known: {', '.join(sorted(names))})")


def fmt_number(x: float, decimals: int) -> str:
    """Every choice of a question rounded the same way; no "-0.000"."""
    text = f"{x:.{decimals}f}"
    return text[1:] if text.startswith("-") and float(text) == 0 else text


def fmt_given(x: float) -> str:
    return f"{x:g}"


def _fill(text: str, words: dict[str, str], where: str) -> str:
    def one(m: re.Match) -> str:
        if m.group(1) not in words:
            raise QuizError(f"{where}: unknown placeholder {m.group(0)}")
        return words[m.group(1)]

    return PLACEHOLDER.sub(one, text)


def _both(value: str) -> dict[str, str]:
    return {lang: value for lang in LANGS}


def _concept(record: dict) -> Question:
    choices = tuple(Choice(c["text"], bool(c.get("correct")), c.get("feedback"))
                    for c in record["choices"])
    return Question(record["id"], "concept", record["question"], choices, record["explanation"])


def computed_values(record: dict) -> dict[str, float]:
    """The computer's values for the record's numbers (all of them, not only the choices)."""
    return quiz_computed.COMPUTERS[record["computed"]](**record["given"])


def _computed(record: dict, where: str) -> Question:
    values = computed_values(record)
    dec = record["decimals"]
    shown = {name: fmt_number(values[name], dec) for name in values}
    words = {**{k: fmt_given(v) for k, v in record["given"].items()}, **shown}
    texts = [shown[c["value"]] for c in record["choices"]]
    for i, text in enumerate(texts):
        if texts.index(text) != i:
            raise QuizError(f"{where}: field choices[{i}].value: {record['choices'][i]['value']}"
                            f" and {record['choices'][texts.index(text)]['value']} both show "
                            f"{text} at {dec} decimals; choose numbers that tell them apart")
    choices = tuple(
        Choice(_both(shown[c["value"]]), bool(c.get("correct")),
               {lang: _fill(t, words, where) for lang, t in c["feedback"].items()}
               if c.get("feedback") else None)
        for c in record["choices"])
    fill = {lang: _fill(record["question"][lang], words, where) for lang in LANGS}
    expl = {lang: _fill(record["explanation"][lang], words, where) for lang in LANGS}
    return Question(record["id"], "computed", fill, _rotate(choices, record["id"]), expl)


def _rotate(choices: tuple[Choice, ...], key: str) -> tuple[Choice, ...]:
    """A fixed, id-derived order, so the right value is not always first (same id, same site)."""
    shift = int(hashlib.sha256(key.encode()).hexdigest(), 16) % len(choices)
    return choices[shift:] + choices[:shift]


def build_question(record: dict, kind: str, where: str) -> Question:
    if kind == "concept":
        return _concept(record)
    if kind == "computed":
        return _computed(record, where)
    if kind == "timeline":
        return _rotate_generated(quiz_sources.timeline_question(record, where))
    return _rotate_generated(quiz_sources.term_question(record, where))


def _rotate_generated(q: Question) -> Question:
    return Question(q.id, q.kind, q.question, _rotate(q.choices, q.id), q.explanation)


# --------------------------------------------------------------------------- the files


def page_id_of(path: Path, quiz_dir: Path) -> str:
    return path.relative_to(quiz_dir).with_suffix("").as_posix()


def load_file(path: Path) -> list[Question]:
    """The questions of one file, validated; QuizError names the file, the id and the field."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise QuizError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(data, list):
        raise QuizError(f"{path}: a quiz file is a list of questions, one record each")
    questions, ids = [], set()
    for index, record in enumerate(data):
        kind = validate_record(record, path, index)
        where = _where(path, record, index)
        if record["id"] in ids:
            raise QuizError(f"{where}: field id: {record['id']!r} is used twice in this file")
        ids.add(record["id"])
        questions.append(build_question(record, kind, where))
    if len(questions) < MIN_PER_PAGE:
        raise QuizError(f"{path}: {len(questions)} question(s); a page's quiz has at least "
                        f"{MIN_PER_PAGE}")
    return questions


_cache: dict[tuple, dict[str, list[Question]]] = {}


def load_all(quiz_dir: Path | None = None) -> dict[str, list[Question]]:
    """Every page's questions, keyed by page id; read again only when a source file changed."""
    quiz_dir = QUIZ_DIR if quiz_dir is None else quiz_dir
    files = sorted(quiz_dir.rglob("*.yml")) if quiz_dir.is_dir() else []
    key = (str(quiz_dir), *((str(p), p.stat().st_mtime_ns) for p in files),
           *quiz_sources.source_stamp())
    if key not in _cache:
        _cache.clear()
        _cache[key] = {page_id_of(p, quiz_dir): load_file(p) for p in files}
    return _cache[key]


# --------------------------------------------------------------------------- the markup


def _quote(text: str) -> str:
    """Per-choice feedback as mkdocs-quiz wants it: blockquote lines right under the choice."""
    return "\n".join(f"    > {line}".rstrip() for line in text.strip().splitlines())


def wrong_label(lang: str) -> str:
    """mkdocs-quiz's own "Incorrect answer." in ``lang``, opening each wrong choice's feedback
    (the plugin shows a choice's feedback instead of its own verdict)."""
    return TranslationManager(lang).get("Incorrect answer.")


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


def append_quiz(markdown: str, page: str, lang: str, quiz_dir: Path | None = None) -> str:
    """The page's markdown with its quiz at the end, or unchanged if it has no quiz file."""
    questions = load_all(quiz_dir).get(page)
    if not questions:
        return markdown
    if lang not in LANGS:
        raise QuizError(f"{page}: no quiz texts for language {lang!r} (have {', '.join(LANGS)})")
    return markdown.rstrip() + "\n\n" + render_section(questions, lang)
