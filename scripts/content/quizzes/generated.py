"""Quiz questions written from the site's other data files: the timeline and the glossary.

A timeline record in a quiz file only names events (``which-came-first``: two to four,
``which-year``: one); the question, the choices, the feedback on each wrong choice and the
explanation are all written here from the timeline data, in both languages. A term record
names a glossary term and the terms to offer beside it; the blank is filled by the term's
own definition. So when the timeline or the glossary is corrected, its questions follow.
"""

from __future__ import annotations

from pathlib import Path

from scripts.content.glossary import GLOSSARY, Term
from scripts.content.quizzes.model import Choice, Question, QuizError
from scripts.content.timeline import TIMELINE, Event
from scripts.core import words
from scripts.core.languages import LANGS

BLANK = "＿＿＿＿"


def when(e: Event, lang: str) -> str:
    """When an event first appeared, as a reader of ``lang`` writes a date."""
    return words.when(e.year, e.month, lang)


def _year(year: int) -> dict[str, str]:
    return {lang: words.when(year, None, lang) for lang in LANGS}


def _lookup(table: dict, key: str, what: str, path: Path, where: str, field: str):
    if key not in table:
        raise QuizError(f"{where}: field {field}: {key!r} is not a {what} in "
                        f"{path.name} (have {', '.join(sorted(table))})")
    return table[key]


# --------------------------------------------------------------------------- timeline


def timeline_question(record: dict, where: str, timeline: list[Event]) -> Question:
    """The question a timeline record asks, written from the build's ``timeline``."""
    table = {e.id: e for e in timeline}
    evs = [_lookup(table, e, "event", TIMELINE, where, f"events[{i}]")
           for i, e in enumerate(record["events"])]
    if record["timeline"] == "which-came-first":
        return _which_came_first(record["id"], evs, where)
    if len(evs) != 1:
        raise QuizError(f"{where}: field events: which-year asks about exactly one event")
    return _which_year(record["id"], evs[0], list(table.values()))


def _which_came_first(qid: str, evs: list[Event], where: str) -> Question:
    if len(evs) < 2:
        raise QuizError(f"{where}: field events: which-came-first compares two to four events")
    ordered = sorted(evs, key=lambda e: e.when)
    first = ordered[0]
    if first.when == ordered[1].when or not first.month and first.year == ordered[1].year:
        raise QuizError(f"{where}: field events: {first.id} and {ordered[1].id} share "
                          f"{when(first, 'en')}; the timeline cannot say which came first")
    question = {
        "ko": "다음 가운데 가장 먼저 세상에 나온 것은 무엇입니까? (논문이 처음 공개된 때 기준)",
        "en": "Which of these appeared first? (By when its paper was first made public.)",
    }
    choices = []
    for e in evs:
        feedback = None
        if e is not first:
            feedback = {
                "ko": f"{e.label['ko']}: {when(e, 'ko')}에 나왔습니다. 더 먼저 나온 것은 "
                      f"{first.label['ko']}({when(first, 'ko')})입니다.",
                "en": f"{e.label['en']} appeared in {when(e, 'en')}; {first.label['en']} came "
                      f"earlier, in {when(first, 'en')}.",
            }
        choices.append(Choice({lang: e.label[lang] for lang in LANGS}, e is first, feedback))
    order = {lang: ", ".join(f"{e.label[lang]} ({when(e, lang)})" for e in ordered)
             for lang in LANGS}
    explanation = {
        "ko": f"나온 순서는 {order['ko']}입니다. {first.significance['ko']}",
        "en": f"In order: {order['en']}. {first.significance['en']}",
    }
    return Question(qid, "timeline", question, tuple(choices), explanation)


def _near_years(year: int, taken: set[int]) -> list[int]:
    """Three wrong years close to the right one, the same three for the same event."""
    out = []
    for step in (1, -1, 2, -2, 3, -3):
        y = year + step
        if y not in taken and y not in out:
            out.append(y)
    return out


def _which_year(qid: str, e: Event, all_events: list[Event]) -> Question:
    wrong = []
    if e.lecture_year and e.lecture_year != e.year:
        wrong.append(e.lecture_year)
    wrong += _near_years(e.year, {e.year, *wrong})
    wrong = wrong[:3]
    question = {
        "ko": f"{e.label['ko']}: 논문이 처음 공개된 해는 언제입니까?",
        "en": f"In which year was the {e.label['en']} paper first made public?",
    }
    choices = [Choice(_year(e.year), True)]
    for y in sorted(wrong):
        same = [x for x in all_events if x.year == y]
        seen = {
            "ko": (f"연표에서 {y}년에 나온 것은 {', '.join(x.label['ko'] for x in same)}입니다."
                   if same else f"연표에는 {y}년에 나온 것이 없습니다."),
            "en": (f"From {y} the timeline has {', '.join(x.label['en'] for x in same)}."
                   if same else f"The timeline has nothing from {y}."),
        }
        if y == e.lecture_year and e.lecture_note:
            feedback = {lang: e.lecture_note[lang] for lang in LANGS}
        else:
            feedback = {
                "ko": f"{e.label['ko']}: {when(e, 'ko')}에 처음 공개되었습니다. {seen['ko']}",
                "en": f"{e.label['en']} was first made public in {when(e, 'en')}. {seen['en']}",
            }
        choices.append(Choice(_year(y), False, feedback))
    explanation = {
        "ko": f"{e.label['ko']}: {when(e, 'ko')}. {e.significance['ko']}",
        "en": f"{e.label['en']}: {when(e, 'en')}. {e.significance['en']}",
    }
    return Question(qid, "timeline", question, tuple(choices), explanation)


# --------------------------------------------------------------------------- glossary


def term_question(record: dict, where: str, glossary: list[Term]) -> Question:
    """The fill-the-blank question a term record asks, from the build's ``glossary``."""
    table = {t.id: t for t in glossary}
    right = _lookup(table, record["term"], "term", GLOSSARY, where, "term")
    others = [_lookup(table, t, "term", GLOSSARY, where, f"distractors[{i}]")
              for i, t in enumerate(record["distractors"])]
    if right in others:
        raise QuizError(f"{where}: field distractors: {right.id} is the right term itself")
    sentence = record["sentence"]
    for lang in LANGS:
        if sentence[lang].count("___") != 1:
            raise QuizError(f"{where}: field sentence.{lang}: write ___ exactly once, where "
                              "the term goes")
    question = {
        "ko": "빈칸에 들어갈 용어를 고르십시오.\n\n"
              + sentence["ko"].replace("___", BLANK),
        "en": "Which term fills the blank?\n\n" + sentence["en"].replace("___", BLANK),
    }
    choices = [Choice(_names(right), True)]
    for t in others:
        choices.append(Choice(_names(t), False, {
            "ko": f"{t.ko}: {t.definition['ko']}",
            "en": f"{_upper_first(t.en)}: {t.definition['en']}",
        }))
    explanation = {
        "ko": f"{right.ko}: {right.definition['ko']}",
        "en": f"{_upper_first(right.en)}: {right.definition['en']}",
    }
    return Question(record["id"], "term", question, tuple(choices), explanation)


def _names(t: Term) -> dict[str, str]:
    return {"ko": t.ko, "en": t.en}


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]
