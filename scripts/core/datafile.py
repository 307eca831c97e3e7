"""Shared reading and validation of the site's data files (docs/data/*.yml).

A data file holds a list of records, each with an ``id``. Records are checked one by one
against a JSON schema, and every error names the file, the record (its id, or its position
when it has none) and the field, so a typo stops the build with a message a person can act
on: ``docs/data/timeline.yml: event 'gan': field 'paper.arxiv': ...``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from scripts.core.languages import LANGS

ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = ROOT / "docs" / "data"

ID_PATTERN = "^[a-z0-9]+(-[a-z0-9]+)*$"

#: a text in both languages
TEXT = {
    "type": "object",
    "properties": {lang: {"type": "string", "minLength": 1} for lang in LANGS},
    "required": list(LANGS),
    "additionalProperties": False,
}


@dataclass(frozen=True)
class Text:
    """One text in both languages; ``text[lang]`` picks one."""

    ko: str
    en: str

    def __getitem__(self, lang: str) -> str:
        return {"ko": self.ko, "en": self.en}[lang]


class DataFileError(ValueError):
    """A data file or record that cannot be used; the message names file, record, field."""


def fail(path: Path, kind: str, record: str, field: str, message: str) -> DataFileError:
    return DataFileError(f"{_show(path)}: {kind} {record!r}: field {field!r}: {message}")


def _show(path: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def read_records(path: Path, key: str) -> list[Any]:
    """The list under ``key`` in the YAML file, or an error naming the file."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise DataFileError(f"{_show(path)}: cannot read ({exc.strerror})") from None
    except yaml.YAMLError as exc:
        raise DataFileError(f"{_show(path)}: not valid YAML ({exc})") from None
    if not isinstance(data, dict) or not isinstance(data.get(key), list):
        raise DataFileError(f"{_show(path)}: expected a mapping with a {key!r} list")
    return data[key]


def label(raw: Any, index: int) -> str:
    """How a record is named in errors: its id, else its position in the file."""
    if isinstance(raw, dict) and isinstance(raw.get("id"), str) and raw["id"]:
        return raw["id"]
    return f"#{index + 1}"


def check(path: Path, kind: str, raw: Any, index: int, schema: dict) -> None:
    """Validate one record; raise on its first error (in field order)."""
    validator = jsonschema.Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(raw), key=lambda e: (len(e.absolute_path),
                                                               list(map(str, e.absolute_path))))
    if errors:
        error = errors[0]
        raise fail(path, kind, label(raw, index), _field(error), _message(error))


def _field(error: jsonschema.ValidationError) -> str:
    parts = [str(p) for p in error.absolute_path]
    if error.validator == "required" and isinstance(error.instance, dict):
        missing = [r for r in error.validator_value if r not in error.instance]
        if missing:
            parts.append(missing[0])
    elif error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = set(error.schema.get("properties", {}))
        extra = sorted(k for k in error.instance if k not in allowed)
        if extra:
            parts.append(str(extra[0]))
    return ".".join(parts) or "(record)"


def _message(error: jsonschema.ValidationError) -> str:
    if error.validator == "required":
        return "is required"
    if error.validator == "additionalProperties":
        allowed = ", ".join(sorted(error.schema.get("properties", {})))
        return f"is not a known field (known: {allowed})"
    if error.validator == "oneOf" and "description" in error.schema:
        return error.schema["description"]
    return error.message


def unique_ids(path: Path, kind: str, records: list[dict]) -> None:
    seen: set[str] = set()
    for record in records:
        if record["id"] in seen:
            raise fail(path, kind, record["id"], "id", "is used by an earlier record")
        seen.add(record["id"])
