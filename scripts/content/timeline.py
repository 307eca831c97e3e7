"""The deep-learning timeline: read ``docs/data/timeline.yml`` into events, or fail.

Each record holds both languages. Beyond the schema, the loader checks what a schema cannot:
ids are unique, an event that first appeared on arXiv carries an id whose year and month
(YYMM) are the event's, the venue is not earlier than the first appearance, and a lecture
year is given only where it differs. The quiz generator (issue 5) and the timeline page
both read events through :func:`load_timeline`.
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

TIMELINE = DATA_DIR / "timeline.yml"
KIND = "event"
TOPICS = ("vision", "language", "reinforcement", "optimization", "generative",
          "self-supervised", "science")
ARXIV_RE = re.compile(r"^(\d{2})(\d{2})\.\d{4,5}$")

_PAPER = {
    "description": "needs exactly one of: arxiv (id such as '1412.6980'), doi, "
                   "or proceedings/report with a url",
    "oneOf": [
        {"type": "object", "required": ["arxiv"], "additionalProperties": False,
         "properties": {"arxiv": {"type": "string", "pattern": ARXIV_RE.pattern}}},
        {"type": "object", "required": ["doi"], "additionalProperties": False,
         "properties": {"doi": {"type": "string", "pattern": r"^10\.\d{4,9}/\S+$"}}},
        {"type": "object", "required": ["proceedings", "url"], "additionalProperties": False,
         "properties": {"proceedings": {"type": "string", "minLength": 1},
                        "url": {"type": "string", "pattern": "^https://"}}},
        {"type": "object", "required": ["report", "url"], "additionalProperties": False,
         "properties": {"report": {"type": "string", "minLength": 1},
                        "url": {"type": "string", "pattern": "^https://"}}},
    ],
}
SCHEMA = {
    "type": "object",
    "required": ["id", "label", "year", "first", "title", "authors", "venue", "paper",
                 "topic", "significance"],
    "additionalProperties": False,
    "properties": {
        "id": {"type": "string", "pattern": ID_PATTERN},
        "label": TEXT,
        "year": {"type": "integer", "minimum": 1940, "maximum": 2100},
        "month": {"type": "integer", "minimum": 1, "maximum": 12},
        "first": {"enum": ["arxiv", "venue"]},
        "title": {"type": "string", "minLength": 1},
        "authors": {"type": "array", "minItems": 1,
                    "items": {"type": "string", "minLength": 1}},
        "et_al": {"type": "boolean"},
        "venue": {
            "type": "object", "required": ["name", "year"], "additionalProperties": False,
            "properties": {"name": {"type": "string", "minLength": 1},
                           "year": {"type": "integer", "minimum": 1940, "maximum": 2100}},
        },
        "paper": _PAPER,
        "later": {
            "type": "object", "required": ["title", "venue", "year", "doi"],
            "additionalProperties": False,
            "properties": {"title": {"type": "string", "minLength": 1},
                           "venue": {"type": "string", "minLength": 1},
                           "year": {"type": "integer", "minimum": 1940, "maximum": 2100},
                           "doi": {"type": "string", "pattern": r"^10\.\d{4,9}/\S+$"}},
        },
        "topic": {"enum": list(TOPICS)},
        "lecture": {
            "type": "object", "required": ["year", "note"], "additionalProperties": False,
            "properties": {"year": {"type": "integer", "minimum": 1940, "maximum": 2100},
                           "note": TEXT},
        },
        "significance": TEXT,
    },
}


@dataclass(frozen=True)
class Paper:
    """The primary paper: an arXiv id, a DOI, or a proceedings/report with its URL."""

    arxiv: str | None = None
    doi: str | None = None
    name: str | None = None  # proceedings or report, where neither id exists
    link: str | None = None

    @property
    def identifier(self) -> str:
        if self.arxiv:
            return f"arXiv:{self.arxiv}"
        if self.doi:
            return f"doi:{self.doi}"
        return self.name or ""

    @property
    def url(self) -> str:
        if self.arxiv:
            return f"https://arxiv.org/abs/{self.arxiv}"
        if self.doi:
            return f"https://doi.org/{self.doi}"
        return self.link or ""


@dataclass(frozen=True)
class Later:
    """A later, better-known publication of the same work (DQN's Nature paper)."""

    title: str
    venue: str
    year: int
    doi: str

    @property
    def url(self) -> str:
        return f"https://doi.org/{self.doi}"


@dataclass(frozen=True)
class Event:
    """One milestone: when it first appeared, what, by whom, where, and why it matters."""

    id: str
    label: Text
    year: int
    month: int | None
    first: str  # "arxiv" or "venue"
    title: str
    authors: tuple[str, ...]
    et_al: bool
    venue: str
    venue_year: int
    paper: Paper
    topic: str
    significance: Text
    later: Later | None = None
    lecture_year: int | None = None
    lecture_note: Text | None = None

    @property
    def when(self) -> tuple[int, int]:
        """A sort key: (year, month), with an unknown month first in its year."""
        return (self.year, self.month or 0)

    def authors_text(self, lang: str) -> str:
        names = ", ".join(self.authors)
        return names + (" 외" if lang == "ko" else " et al.") if self.et_al else names


def _text(raw: dict) -> Text:
    return Text(ko=raw["ko"].strip(), en=raw["en"].strip())


def _event(raw: dict) -> Event:
    paper = raw["paper"]
    later = raw.get("later")
    lecture = raw.get("lecture")
    return Event(
        id=raw["id"], label=_text(raw["label"]), year=raw["year"], month=raw.get("month"),
        first=raw["first"], title=raw["title"].strip(), authors=tuple(raw["authors"]),
        et_al=bool(raw.get("et_al", False)), venue=raw["venue"]["name"],
        venue_year=raw["venue"]["year"],
        paper=Paper(arxiv=paper.get("arxiv"), doi=paper.get("doi"),
                    name=paper.get("proceedings") or paper.get("report"),
                    link=paper.get("url")),
        topic=raw["topic"], significance=_text(raw["significance"]),
        later=Later(**later) if later else None,
        lecture_year=lecture["year"] if lecture else None,
        lecture_note=_text(lecture["note"]) if lecture else None,
    )


def arxiv_year_month(arxiv_id: str) -> tuple[int, int]:
    """The (year, month) an arXiv id was assigned: its YYMM prefix (ids since April 2007)."""
    match = ARXIV_RE.match(arxiv_id)
    if not match:
        raise ValueError(f"not a new-style arXiv id: {arxiv_id!r}")
    return 2000 + int(match.group(1)), int(match.group(2))


def _consistent(path: Path, event: Event) -> None:
    if event.first == "arxiv":
        if not event.paper.arxiv:
            raise fail(path, KIND, event.id, "paper.arxiv",
                       "first: arxiv needs the paper's arXiv id")
        if event.month is None:
            raise fail(path, KIND, event.id, "month",
                       "first: arxiv needs the month of the arXiv v1")
        if arxiv_year_month(event.paper.arxiv) != event.when:
            y, m = arxiv_year_month(event.paper.arxiv)
            raise fail(path, KIND, event.id, "month" if y == event.year else "year",
                       f"arXiv:{event.paper.arxiv} was submitted {y}-{m:02d}, "
                       f"not {event.year}-{event.month:02d}")
    if event.venue_year < event.year:
        raise fail(path, KIND, event.id, "venue.year",
                   f"{event.venue_year} is before the first appearance ({event.year})")
    if event.lecture_year == event.year:
        raise fail(path, KIND, event.id, "lecture.year",
                   "is the event's own year; give it only where the lecture differs")
    if event.later and event.later.year < event.year:
        raise fail(path, KIND, event.id, "later.year", "is before the first appearance")


def parse(records: list, path: Path = TIMELINE) -> list[Event]:
    """Validate raw records and return the events in chronological order."""
    for index, raw in enumerate(records):
        check(path, KIND, raw, index, SCHEMA)
    unique_ids(path, KIND, records)
    events = [_event(raw) for raw in records]
    for event in events:
        _consistent(path, event)
    order = {e.id: i for i, e in enumerate(events)}
    return sorted(events, key=lambda e: (e.when, order[e.id]))


def load_timeline(path: Path | None = None) -> list[Event]:
    """Every event of the timeline file, oldest first; raises DataFileError if malformed."""
    path = path or TIMELINE
    return parse(read_records(path, "events"), path)


__all__ = ["TIMELINE", "DataFileError", "Event", "Later", "Paper", "Text", "arxiv_year_month",
           "load_timeline", "parse"]
