"""Self-check quizzes: question records in data files, read once per build into questions.

Each content page may have a file ``docs/data/quizzes/<page-id>.yml`` (the page's path
without its language suffix: ``components``, ``optimizers/adam``). One record is one question
in both languages, so a translation cannot go missing silently. Four kinds of record:

* concept: the question, its choices (one or more right), per-choice feedback for every
  wrong choice, and the explanation shown after answering;
* computed: names a computer in ``scripts/content/quizzes/computed.py`` and gives its numbers; the
  choices are values that optim_ref computes at build time (the right one and classic
  mistakes), rounded to the record's ``decimals``;
* timeline: "which came first" or "which year", written from the timeline data file;
* term: a sentence with a blank, written from the glossary data file.

Every record is checked (``schema.py``) and built into a ``Question`` when the build starts
(``scripts/build.py`` calls ``load_all`` in ``on_config``), so a bad record stops the build
before any page renders; ``markup.py`` writes the questions as mkdocs-quiz markup.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import yaml

from scripts.content.glossary import Term
from scripts.content.quizzes import computed, generated
from scripts.content.quizzes.model import Choice, Question, QuizError
from scripts.content.quizzes.schema import PLACEHOLDER, validate_record, where_of
from scripts.content.timeline import Event
from scripts.core.datafile import DATA_DIR
from scripts.core.languages import LANGS

QUIZ_DIR = DATA_DIR / "quizzes"
MIN_PER_PAGE = 3

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
    return computed.COMPUTERS[record["computed"]](**record["given"])


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


def build_question(record: dict, kind: str, where: str, timeline: list[Event],
                   glossary: list[Term]) -> Question:
    if kind == "concept":
        return _concept(record)
    if kind == "computed":
        return _computed(record, where)
    if kind == "timeline":
        return _rotate_generated(generated.timeline_question(record, where, timeline))
    return _rotate_generated(generated.term_question(record, where, glossary))


def _rotate_generated(q: Question) -> Question:
    return Question(q.id, q.kind, q.question, _rotate(q.choices, q.id), q.explanation)


# --------------------------------------------------------------------------- the files


def page_id_of(path: Path, quiz_dir: Path) -> str:
    return path.relative_to(quiz_dir).with_suffix("").as_posix()


def load_file(path: Path, timeline: list[Event], glossary: list[Term]) -> list[Question]:
    """The questions of one file, validated; QuizError names the file, the id and the field.

    Timeline and term questions are written from the build's ``timeline`` and ``glossary``.
    """
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise QuizError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(data, list):
        raise QuizError(f"{path}: a quiz file is a list of questions, one record each")
    questions, ids = [], set()
    for index, record in enumerate(data):
        kind = validate_record(record, path, index)
        where = where_of(path, record, index)
        if record["id"] in ids:
            raise QuizError(f"{where}: field id: {record['id']!r} is used twice in this file")
        ids.add(record["id"])
        questions.append(build_question(record, kind, where, timeline, glossary))
    if len(questions) < MIN_PER_PAGE:
        raise QuizError(f"{path}: {len(questions)} question(s); a page's quiz has at least "
                        f"{MIN_PER_PAGE}")
    return questions


def load_all(timeline: list[Event], glossary: list[Term],
             quiz_dir: Path = QUIZ_DIR) -> dict[str, list[Question]]:
    """Every page's questions, keyed by page id (``optimizers/adam``), validated."""
    files = sorted(quiz_dir.rglob("*.yml")) if quiz_dir.is_dir() else []
    return {page_id_of(p, quiz_dir): load_file(p, timeline, glossary) for p in files}
