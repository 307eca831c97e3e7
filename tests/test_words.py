"""The interface strings: one file, a text in every language, read where they are written."""

from __future__ import annotations

import pytest

from scripts.core import words
from scripts.core.languages import LANGS
from scripts.figures import jobs, registry


def test_every_section_has_every_language():
    for name in words._all():
        by_lang = words.section(name)
        assert set(by_lang) == set(LANGS)
        assert by_lang[LANGS[0]].keys() == by_lang[LANGS[-1]].keys()


@pytest.mark.parametrize(("text", "needle"), [
    ("quiz:\n  heading: {ko: 확인}\n", "quiz.heading: languages must be exactly ko, en"),
    ("quiz:\n  heading: {ko: 확인, en: Check, fr: Vérifier}\n", "unknown: ['fr']"),
    ("quiz:\n  heading: {ko: 확인, en: ''}\n", "quiz.heading.en: expected a non-empty text"),
    ("quiz: [a, b]\n", "quiz: expected a mapping"),
])
def test_a_bad_entry_names_the_file_the_key_and_the_language(tmp_path, monkeypatch, text,
                                                             needle):
    bad = tmp_path / "words.yml"
    bad.write_text(text, encoding="utf-8")
    monkeypatch.setattr(words, "WORDS", bad)
    with pytest.raises(words.WordsError, match="words.yml") as err:
        words.section("quiz")
    assert needle in str(err.value)


def test_dates_are_written_as_each_language_writes_them():
    assert words.when(2014, 12, "ko") == "2014년 12월"
    assert words.when(2014, 12, "en") == "December 2014"
    assert words.when(2014, None, "ko") == "2014년"
    assert words.when(2014, None, "en") == "2014"


def test_every_figure_kind_names_the_words_it_draws_for_its_key():
    assert set(jobs.KIND_WORDS) == set(registry.KINDS)
    for sections in jobs.KIND_WORDS.values():
        for name in sections:
            words.raw(name)  # exists
