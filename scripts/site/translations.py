"""Every page in every language, and every navigation title translated: checked before a build.

mkdocs-static-i18n's suffix structure keeps the Korean page as ``x.md`` and its English twin
as ``x.en.md``. With ``fallback_to_default: false`` a page without its twin silently drops out
of the other language's site (or, the other way round, an English page has no Korean one),
and a section title missing from ``nav_translations`` shows Korean in the English
navigation. Both are caught here and stop the build, naming the file and the missing record.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from scripts.site import upstream

PAGE_SUFFIXES = (".md", ".ipynb")
LANGUAGE_NAMES = {"ko": "Korean", "en": "English"}


class TranslationError(ValueError):
    """A page without its twin, or a navigation title without its translation."""


def page_language(name: str, default: str, others: Iterable[str]) -> tuple[str, str]:
    """``("optimizers/adam.md", "en")`` for ``optimizers/adam.en.md``: the page and its language."""
    for suffix in PAGE_SUFFIXES:
        if name.endswith(suffix):
            stem = name[: -len(suffix)]
            for lang in others:
                if stem.endswith(f".{lang}"):
                    return stem[: -len(lang) - 1] + suffix, lang
            return name, default
    raise ValueError(f"{name}: not a page")


def twin_name(page: str, lang: str, default: str) -> str:
    """The file that holds ``page`` (its default-language name) in ``lang``."""
    if lang == default:
        return page
    for suffix in PAGE_SUFFIXES:
        if page.endswith(suffix):
            return f"{page[: -len(suffix)]}.{lang}{suffix}"
    raise ValueError(f"{page}: not a page")


def missing_twins(docs_dir: Path, default: str, others: list[str]) -> list[str]:
    """One line per page that lacks a language: the file that is there, the one that is not."""
    langs = [default, *others]
    found: dict[str, dict[str, str]] = {}
    for path in sorted(docs_dir.rglob("*")):
        if not path.is_file() or not path.name.endswith(PAGE_SUFFIXES):
            continue
        if any(part.startswith(".") for part in path.relative_to(docs_dir).parts):
            continue  # editor and checkpoint folders (.ipynb_checkpoints) are not pages
        rel = path.relative_to(docs_dir).as_posix()
        page, lang = page_language(rel, default, others)
        found.setdefault(page, {})[lang] = rel
    problems = []
    for page, have in sorted(found.items()):
        for lang in langs:
            if lang not in have:
                there = next(iter(have.values()))
                problems.append(
                    f"{docs_dir.name}/{there}: no {LANGUAGE_NAMES.get(lang, lang)} twin "
                    f"({docs_dir.name}/{twin_name(page, lang, default)} is missing)")
    return problems


def nav_titles(nav) -> list[str]:
    """The titles written in ``nav`` (sections and titled pages), in order."""
    titles = []
    for item in nav or []:
        if isinstance(item, dict):
            for title, value in item.items():
                titles.append(title)
                if isinstance(value, list):
                    titles += nav_titles(value)
        elif isinstance(item, list):
            titles += nav_titles(item)
    return titles


def untranslated_nav(nav, translations: dict[str, dict[str, str]]) -> list[str]:
    """One line per navigation title that some language's ``nav_translations`` lacks."""
    return [f"mkdocs.yml: nav title {title!r} has no {LANGUAGE_NAMES.get(lang, lang)} entry in "
            f"the i18n plugin's nav_translations"
            for lang, table in translations.items()
            for title in nav_titles(nav) if not (table or {}).get(title)]


def check(docs_dir: Path, nav, default: str, translations: dict[str, dict[str, str]]) -> None:
    """Raise one TranslationError listing every missing twin and untranslated nav title."""
    problems = missing_twins(docs_dir, default, list(translations))
    problems += untranslated_nav(nav, translations)
    if problems:
        raise TranslationError("translations incomplete:\n  " + "\n  ".join(problems))


def from_i18n_config(config) -> tuple[str, dict[str, dict[str, str]]]:
    """The default language and ``{other language: nav_translations}`` from mkdocs.yml."""
    plugin = upstream.i18n_plugin(config)
    if plugin is None:
        return config.theme.get("language", "en"), {}
    default, others = None, {}
    for lang in plugin.config.languages:
        if lang.default:
            default = lang.locale
        else:
            others[lang.locale] = dict(lang.nav_translations or {})
    return default, others
