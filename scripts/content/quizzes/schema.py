"""The four kinds of quiz record and the rules they must keep (JSON schema, then the rest).

An error names the file, the question id and the field, and stops the build.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import jsonschema

from scripts.content.quizzes import computed
from scripts.content.quizzes.model import QuizError
from scripts.core.datafile import ID_PATTERN, ROOT
from scripts.core.languages import LANGS

PLACEHOLDER = re.compile(r"\{=(\w+)\}")
MATH = re.compile(r"\$[^$]*\$")
CHECKBOX_LINE = re.compile(r"^\s*[-*] \[.?\] ", re.M)


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
            "computed": {"enum": sorted(computed.COMPUTERS)},
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


def kind_of(record: dict) -> str:
    """The record's kind, told by the one key that only that kind has."""
    for kind in ("computed", "timeline", "term"):
        if kind in record:
            return kind
    return "concept"


# --------------------------------------------------------------------------- the questions


def where_of(path: Path, record: Any, index: int) -> str:
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
    where = where_of(path, record, index)
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
    comp = computed.COMPUTERS[record["computed"]]
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
