"""The one adapter over other packages' internals that the build relies on.

Public APIs are used where they exist; these are the places where none does. Each is named
once here, and ``check()`` verifies them all (tests/test_upstream.py runs it, and the build
calls it in ``on_config``), so an upgrade that moves or renames one fails with a message that
says what changed and where, instead of a traceback deep inside a page.

* mkdocs-static-i18n: ``suffix.create_i18n_file`` (the File of a page in one language) and
  the plugin's attributes ``current_language``, ``default_language``, ``build_languages``,
  ``all_languages`` and ``building`` (true during a nested per-language build);
* mkdocs-quiz: ``translations.TranslationManager(lang).get(text)``, its own UI words;
* mkdocs-jupyter: ``plugin.NotebookFile`` (a notebook wrapped as a documentation page),
  and ``templates/mkdocs_html/assets/index.css``, the JupyterLab stylesheet its template
  inlines into every notebook page (``purge.py`` trims it);
* Material: the head's ``<script id="__config">`` JSON, whose ``base`` its scripts load
  search from (``MATERIAL_CONFIG_BASE`` rewrites it in place); the header's two palette
  partials and its head's ``__md_get``/``__md_set``, which ``overrides/partials`` replace
  and use (``MATERIAL_PALETTE``); its bundle's XMLHttpRequest for
  ``search/search_index.json``, which ``partials/javascripts/search-index.html`` holds back
  until the page has loaded, and base.html's ``scripts`` block that script goes in
  (``MATERIAL_SEARCH_INDEX``).
"""

from __future__ import annotations

import importlib
import inspect
import re
from importlib import resources
from pathlib import Path
from typing import NamedTuple

#: Material's inline config: ``{"annotate": ..., "base": "<here>"...``
MATERIAL_CONFIG_BASE = re.compile(
    r'(<script id="__config" type="application/json">\{"annotate": [^,]*, '
    r'"base": ")([^"]*)(")')

#: what overrides/partials/palette.html and javascripts/palette.html rely on in Material
MATERIAL_PALETTE = {"partials/header.html": ('"partials/palette.html"',
                                             '"partials/javascripts/palette.html"'),
                    "partials/javascripts/base.html": ("__md_get", "__md_set")}

#: what overrides/main.html and partials/javascripts/search-index.html rely on in Material
MATERIAL_SEARCH_INDEX = {"base.html": ("{% block scripts %}", "assets/javascripts/bundle."),
                         "assets/javascripts/bundle.*.min.js": ("search/search_index.json",
                                                               "new XMLHttpRequest")}

I18N_PLUGIN_ATTRIBUTES = ("current_language", "default_language", "build_languages",
                          "all_languages", "building")


class UpstreamChanged(RuntimeError):
    """A package the build relies on no longer has what this module expects."""


def _attr(module: str, name: str):
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError) as exc:
        raise UpstreamChanged(f"{module}.{name} is gone ({exc}); scripts/site/upstream.py "
                              "relies on it: adapt the adapter to the upgraded package") from None


def create_i18n_file(file, lang: str, default: str, languages, config):
    """mkdocs-static-i18n's File of ``file`` in ``lang`` (what its language switcher links)."""
    return _attr("mkdocs_static_i18n.suffix", "create_i18n_file")(
        file, lang, default, languages, config)


def notebook_file(file, config):
    """mkdocs-jupyter's wrapper that makes an ``.ipynb`` File a documentation page."""
    return _attr("mkdocs_jupyter.plugin", "NotebookFile")(file, **config)


def jupyterlab_css() -> str:
    """The stylesheet mkdocs-jupyter's page template inlines into each notebook page."""
    try:
        return (resources.files("mkdocs_jupyter") / "templates" / "mkdocs_html" / "assets"
                / "index.css").read_text(encoding="utf-8")
    except (ImportError, OSError) as exc:
        raise UpstreamChanged(f"mkdocs-jupyter's templates/mkdocs_html/assets/index.css is "
                              f"gone ({exc}): scripts/site/purge.py trims it") from None


def quiz_translation(lang: str, text: str) -> str:
    """mkdocs-quiz's own translation of one of its interface strings."""
    return _attr("mkdocs_quiz.translations", "TranslationManager")(lang).get(text)


def i18n_plugin(config):
    """The mkdocs-static-i18n plugin instance of this build, or None without it."""
    return config.plugins.get("i18n")


class I18n(NamedTuple):
    """What the build reads of the i18n plugin, at the moment it is read."""

    current_language: str | None
    default_language: str
    build_languages: list[str]
    all_languages: object  # the plugin's own records, passed back to create_i18n_file
    building: bool  # inside a nested per-language build


def i18n_state(config) -> I18n | None:
    """The plugin's attributes (``I18N_PLUGIN_ATTRIBUTES``), or None without the plugin."""
    plugin = i18n_plugin(config)
    if plugin is None:
        return None
    return I18n(*(getattr(plugin, name) for name in I18N_PLUGIN_ATTRIBUTES))


def check(i18n=None) -> None:
    """Raise UpstreamChanged naming the first internal that is missing or changed.

    ``i18n``: a configured mkdocs-static-i18n plugin whose attributes to check too.
    """
    params = list(inspect.signature(_attr("mkdocs_static_i18n.suffix",
                                          "create_i18n_file")).parameters)
    if params[:5] != ["file", "current_language", "default_language", "all_languages",
                      "config"]:
        raise UpstreamChanged(f"mkdocs_static_i18n.suffix.create_i18n_file takes {params}, "
                              "not (file, current_language, default_language, all_languages, "
                              "config): scripts/site/upstream.py calls it positionally")
    params = list(inspect.signature(_attr("mkdocs_jupyter.plugin", "NotebookFile")).parameters)
    if params[:1] != ["file"]:
        raise UpstreamChanged(f"mkdocs_jupyter.plugin.NotebookFile takes {params}, not a File "
                              "first: scripts/site/notebooks.py wraps Files with it")
    jupyterlab_css()
    templates = resources.files("material") / "templates"
    for name, needles in MATERIAL_PALETTE.items():
        text = (templates / name).read_text(encoding="utf-8")
        missing = [n for n in needles if n not in text]
        if missing:
            raise UpstreamChanged(f"Material's templates/{name} no longer has "
                                  f"{', '.join(missing)}: overrides/partials/palette.html and "
                                  "javascripts/palette.html replace or use them")
    for pattern, needles in MATERIAL_SEARCH_INDEX.items():
        found = sorted(Path(str(templates)).glob(pattern))  # the bundle's name has a hash
        text = found[0].read_text(encoding="utf-8") if len(found) == 1 else ""
        missing = [n for n in needles if n not in text]
        if missing:
            raise UpstreamChanged(f"Material's templates/{pattern} ({len(found)} file(s)) no "
                                  f"longer has {', '.join(missing)}: overrides/main.html and "
                                  "partials/javascripts/search-index.html rely on it")
    word = quiz_translation("ko", "Incorrect answer.")
    if not isinstance(word, str) or not word or word == "Incorrect answer.":
        raise UpstreamChanged("mkdocs_quiz's TranslationManager('ko') no longer translates "
                              f"'Incorrect answer.' (got {word!r}): the quiz feedback uses it")
    if i18n is not None:
        missing = [a for a in I18N_PLUGIN_ATTRIBUTES if not hasattr(i18n, a)]
        if missing:
            raise UpstreamChanged(f"the mkdocs-static-i18n plugin has no {', '.join(missing)}: "
                                  "scripts/site/upstream.py's i18n_state reads them")


def check_material_config(page_html: str) -> None:
    """Raise UpstreamChanged if a page from Material lacks the ``__config`` base we rewrite."""
    if MATERIAL_CONFIG_BASE.search(page_html) is None:
        raise UpstreamChanged('Material\'s <script id="__config"> no longer starts with '
                              '{"annotate": ..., "base": "..."}: scripts/site/upstream.py\'s '
                              "MATERIAL_CONFIG_BASE cannot point English search at en/")
