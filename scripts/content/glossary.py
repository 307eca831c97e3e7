"""The glossary: read ``docs/data/glossary.yml`` into terms, and check Korean spelling.

One record per term holds the Korean and English term, a one-line definition in each, and
the Korean spellings the site rules out (``variants``). Korean attaches particles to words
(학습률을, 그래디언트는), so a variant is found at the start of a word, whatever Hangul
follows it; :func:`variant_uses` is what the spelling test runs over every Korean page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from scripts.core.datafile import (
    DATA_DIR,
    ID_PATTERN,
    TEXT,
    DataFileError,
    Text,
    check,
    fail,
    read_records,
    unique_ids,
)

GLOSSARY = DATA_DIR / "glossary.yml"
KIND = "term"
HANGUL = "\uac00-\ud7a3"

SCHEMA = {
    "type": "object",
    "required": ["id", "ko", "en", "variants", "definition"],
    "additionalProperties": False,
    "properties": {
        "id": {"type": "string", "pattern": ID_PATTERN},
        "ko": {"type": "string", "minLength": 1},
        "en": {"type": "string", "minLength": 1},
        "variants": {"type": "array", "uniqueItems": True,
                     "items": {"type": "string", "minLength": 1}},
        "definition": TEXT,
    },
}


@dataclass(frozen=True)
class Term:
    """A glossary term: both languages, its definitions, the spellings ruled out."""

    id: str
    ko: str
    en: str
    variants: tuple[str, ...]
    definition: Text

    def __getitem__(self, lang: str) -> str:
        return {"ko": self.ko, "en": self.en}[lang]


@dataclass(frozen=True)
class VariantUse:
    """A ruled-out spelling found in a text: where, what, and what to write instead."""

    line: int
    found: str
    variant: str
    term: Term


def parse(records: list, path: Path = GLOSSARY) -> list[Term]:
    for index, raw in enumerate(records):
        check(path, KIND, raw, index, SCHEMA)
    unique_ids(path, KIND, records)
    terms = [Term(id=r["id"], ko=r["ko"].strip(), en=r["en"].strip(),
                  variants=tuple(v.strip() for v in r["variants"]),
                  definition=Text(ko=r["definition"]["ko"].strip(),
                                  en=r["definition"]["en"].strip()))
             for r in records]
    owner: dict[str, str] = {}
    for term in terms:
        for word in (term.ko, term.en.lower()):
            if word in owner:
                raise fail(path, KIND, term.id, "ko" if word == term.ko else "en",
                           f"{word!r} is already the term of {owner[word]!r}")
            owner[word] = term.id
    spelled = {t.ko: t.id for t in terms}
    for term in terms:
        for variant in term.variants:
            if variant in spelled:
                raise fail(path, KIND, term.id, "variants",
                           f"{variant!r} is the chosen term of {spelled[variant]!r}")
    return terms


def load_glossary(path: Path | None = None) -> list[Term]:
    """Every term of the glossary file, in file order; raises DataFileError if malformed."""
    path = path or GLOSSARY
    return parse(read_records(path, "terms"), path)


def word_start_pattern(word: str) -> str:
    """``word`` at the start of a word (not inside another Hangul or Latin word); any
    Hangul after it (a particle, 하다 endings) belongs to the same word."""
    body = r"\s+".join(re.escape(part) for part in word.split())
    return rf"(?<![{HANGUL}A-Za-z0-9]){body}"


_FENCE = re.compile(r"^(```|~~~).*?^\1[^\n]*$", re.M | re.S)
_INLINE = re.compile(r"`[^`\n]*`")
_LINK_TARGET = re.compile(r"\]\([^)]*\)")
_MATH = re.compile(r"\$\$.*?\$\$|\$[^$\n]+\$", re.S)


def prose(markdown: str) -> str:
    """Markdown with code, link targets and math blanked out (line numbers kept)."""

    def blank(match: re.Match) -> str:
        return re.sub(r"[^\n]", " ", match.group(0))

    for pattern in (_FENCE, _INLINE, _LINK_TARGET, _MATH):
        markdown = pattern.sub(blank, markdown)
    return markdown


def variant_uses(markdown: str, terms: list[Term]) -> list[VariantUse]:
    """Every ruled-out Korean spelling in the page's prose, with its line number."""
    text = prose(markdown)
    found = []
    for term in terms:
        for variant in term.variants:
            pattern = re.compile(word_start_pattern(variant) + f"[{HANGUL}]*")
            for match in pattern.finditer(text):
                found.append(VariantUse(line=text.count("\n", 0, match.start()) + 1,
                                        found=match.group(0), variant=variant, term=term))
    return sorted(found, key=lambda u: (u.line, u.found))


__all__ = ["GLOSSARY", "DataFileError", "Term", "VariantUse", "load_glossary", "parse",
           "prose", "variant_uses", "word_start_pattern"]
