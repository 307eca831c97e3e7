"""The MkDocs hook: each event is one line into the build object (scripts/build.py).

mkdocs-static-i18n builds the site once per language, so every event after ``on_config``
runs once per language; the cache is what makes the second pass cheap. The priorities
order this hook among the plugins: after the i18n plugin rebuilds the file list (-100),
before mkdocs-quiz turns ``<quiz>`` blocks into placeholders (0), after every language is
built (-200).
"""

from __future__ import annotations

import sys
from pathlib import Path

from mkdocs.plugins import event_priority

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # MkDocs loads this file by path, not as scripts.hook
    sys.path.insert(0, str(ROOT))

from scripts.build import Build  # noqa: E402

build: Build | None = None


def on_config(config):
    global build
    build = Build.start(config, build)
    return config


@event_priority(-110)  # after mkdocs-static-i18n (-100), which rebuilds the file list
def on_files(files, config):
    return build.files(files, config)


@event_priority(10)  # before mkdocs-quiz (0) turns <quiz> blocks into placeholders
def on_page_markdown(markdown, page, config, files):
    return build.page_markdown(markdown, page, config)


def on_page_content(html, page, config, files):
    return build.page_content(html, page, config)


def on_post_page(output, page, config):
    return build.post_page(output, page, config)


def on_post_template(output, template_name, config):
    return build.post_template(output, template_name, config)


@event_priority(-200)  # after mkdocs-static-i18n has built every language
def on_post_build(config):
    build.post_build(config)
