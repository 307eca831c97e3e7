"""The MkDocs hook: joins optim_ref's generated assets to the site, in both languages.

* on_config: read and validate the figure registry (a bad entry stops the build at once);
* on_files: render what the cache lacks, add figures, GIFs and KaTeX to the build as
  generated files (nothing is written into docs/), execute notebooks through their cache
  and make the i18n plugin's notebooks render again (after its on_files, priority -100);
* on_page_markdown: replace ``[[figure NAME]]`` with the figure in the page's language;
  end every page that has a quiz file with its self-check quiz (scripts/quizzes.py), as
  mkdocs-quiz markup, before the quiz plugin reads the page (so at priority 10);
* on_post_page: typeset formulas with the shipped KaTeX; finish notebook pages
  (scripts/notebooks.py: download link, no CDN scripts, refuse raw JSON); point links and
  Material's base at each language's home (scripts/language_homes.py);
* on_post_build: each language's home gets its search index and sitemap; one 404 page.

mkdocs-static-i18n builds the site once per language, so every event runs twice; the
cache is what makes the second pass cheap.
"""

from __future__ import annotations

import logging
import re
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from scripts import (  # noqa: E402
    assets,
    cache,
    explorer,
    figure_markup,
    katex_ssr,
    language_homes,
    notebooks,
    races,
    wheel,
)
from scripts.data_files import DataFileError  # noqa: E402
from scripts.data_pages import expand_data_page, figure_site_path, timeline_figures  # noqa: E402
from scripts.figures import Figure, RegistryError, load  # noqa: E402
from scripts.glossary import load_glossary  # noqa: E402
from scripts.quizzes import QuizError, append_quiz, page_id  # noqa: E402
from scripts.snippet_refs import SnippetError, check_snippets  # noqa: E402
from scripts.term_tips import add_tooltips  # noqa: E402
from scripts.timeline import load_timeline  # noqa: E402
from scripts.translations import TranslationError, from_i18n_config  # noqa: E402
from scripts.translations import check as check_translations  # noqa: E402

log = logging.getLogger("mkdocs.hooks.optim_ref")

KATEX_DIST = ROOT / "node_modules" / "katex" / "dist"
KATEX_FILES = ("katex.min.js", "katex.min.css", "contrib/auto-render.min.js")
_state: dict = {"figures": None, "files": {}, "placed": {}, "executed": {}}


def _lang(config) -> str:
    return language_homes.current_language(config)


def on_config(config):
    try:
        _state["figures"] = load()
        _state["timeline"], _state["glossary"] = load_timeline(), load_glossary()
    except (RegistryError, DataFileError) as exc:
        raise PluginError(str(exc)) from None
    return config


@event_priority(-110)  # after mkdocs-static-i18n (-100), which rebuilds the file list
def on_files(files: Files, config) -> Files:
    default, nav_translations = from_i18n_config(config)
    try:  # every page in every language, every nav title translated (scripts/translations.py)
        check_translations(Path(config.docs_dir), config.nav, default, nav_translations)
    except TranslationError as exc:
        raise PluginError(str(exc)) from None
    lang = _lang(config)
    started = time.perf_counter()
    try:
        done, rendered = assets.ensure(_state["figures"])
    except RegistryError as exc:
        raise PluginError(str(exc)) from None
    log.info("figures: %d rendered, %d from cache, %.2f s", rendered, len(done) - rendered,
             time.perf_counter() - started)
    _state["files"] = done
    placed = {}
    for job, paths in done.items():
        fig = job.figure
        if fig.kind == "trajectory":
            for suffix in (".gif", ".png"):
                _add(files, config, figure_markup.site_path(fig.name, suffix),
                     paths[fig.name + suffix])
        else:
            _add(files, config, figure_markup.site_path(fig.name, f".{job.lang}.png"),
                 paths[f"{fig.name}.png"])
        if job.lang in (None, lang):
            placed[fig.name] = _placed(fig, paths, lang)
    _state["placed"] = placed
    for name in KATEX_FILES:
        _add(files, config, f"assets/katex/{name}", KATEX_DIST / name)
    for font in sorted((KATEX_DIST / "fonts").glob("*.woff2")):
        _add(files, config, f"assets/katex/fonts/{font.name}", font)

    for lang_of, path in timeline_figures(_state["timeline"]).items():
        _add(files, config, figure_site_path(lang_of), path)

    for src_uri, path in explorer.site_files():  # the explorer page's grid and contours
        _add(files, config, src_uri, path)

    built = wheel.wheel()
    _add(files, config, f"downloads/{built.name}", built)

    executed = {}
    for file in files:
        if file.src_uri.endswith(".ipynb") and file.abs_src_path:
            path, ran = notebooks.executed_copy(Path(file.abs_src_path))
            executed[file.src_uri] = path
            log.info("notebook %s: %s", file.src_uri, "executed" if ran else "from cache")
    _state["executed"] = executed
    return notebooks.wrap_notebook_pages(files, config, executed)


def _add(files: Files, config, src_uri: str, path: Path) -> None:
    if not path.is_file():
        raise PluginError(f"generated asset {src_uri}: missing source file {path}"
                          + (" (run `npm ci`)" if "node_modules" in str(path) else ""))
    existing = files.get_file_from_path(src_uri)
    if existing is not None:
        files.remove(existing)
    files.append(File.generated(config, src_uri, abs_src_path=str(path)))


def _placed(fig: Figure, paths: dict[str, Path], lang: str) -> figure_markup.Placed:
    info = assets.meta(paths)
    words = {
        "optimizer": ", ".join(races.LABELS[o] for o in fig.optimizers),
        "surface": fig.surface,
        "surface_name": fig.surface_name[lang],
        "steps": fig.steps,
        "rule": info["rule"][lang],
        "lrs": info["lrs"],
        "story": info["story"][lang],
    }
    if fig.kind == "trajectory":
        still = figure_markup.site_path(fig.name, ".png")
        animation = figure_markup.site_path(fig.name, ".gif")
    else:
        still, animation = figure_markup.site_path(fig.name, f".{lang}.png"), None
    return figure_markup.Placed(
        figure=fig, still=still, animation=animation,
        caption=fig.caption[lang].format(**words).strip(),
        alt=fig.alt[lang].format(**words).strip(),
        size=tuple(info["size"]),
    )


@event_priority(10)  # before mkdocs-quiz (0) turns <quiz> blocks into placeholders
def on_page_markdown(markdown: str, page, config, files) -> str:
    lang = _lang(config)
    try:
        check_snippets(markdown, f"{Path(config.docs_dir).name}/{page.file.src_uri}", ROOT)
        markdown = figure_markup.expand(markdown, _state["placed"].get, page.url, lang,
                                        page.file.src_uri)
        markdown, source = expand_data_page(markdown, lang, page.url, _state["timeline"],
                                            _state["glossary"])
        if source is not None and config.repo_url and config.edit_uri:  # edit the data file
            page.edit_url = (config.repo_url.rstrip("/") + "/" + config.edit_uri.lstrip("/")
                             + source.relative_to(Path(config.docs_dir)).as_posix())
        return append_quiz(markdown, page_id(page.file.src_uri), lang)
    except (figure_markup.FigureMarkupError, QuizError, DataFileError,
            SnippetError) as exc:
        raise PluginError(str(exc)) from None


def on_page_content(html: str, page, config, files) -> str:
    if page.file.src_uri.endswith(".ipynb"):
        return notebooks.anchor_headings(html, page.toc)
    if page.file.src_uri.split(".")[0] == "glossary":
        return html  # the glossary defines every term already
    return add_tooltips(html, _state["glossary"], _lang(config))


def on_post_page(output: str, page, config) -> str:
    output = language_homes.alternates_at_language_roots(output, page, config)
    if not page.file.src_uri.endswith(".ipynb"):
        try:  # formulas typeset now, not in the reader's browser (scripts/katex_ssr.py)
            output = katex_ssr.typeset(output)
        except katex_ssr.KatexError as exc:
            raise PluginError(f"{page.file.src_uri}: {exc}") from None
    output = language_homes.search_base_at_language_root(output, page, config)
    if page.file.src_uri.endswith(".ipynb"):
        try:
            output = notebooks.finish_page(output, Path(page.file.abs_src_path).name,
                                           _lang(config))
        except ValueError as exc:
            raise PluginError(f"{page.file.src_uri}: {exc}") from None
    return output


def on_post_template(output: str, template_name: str, config) -> str:
    """The 404 page: its language links lead to the two homes, not to the last page built.

    Each language's build renders ``404.html`` into the site's root and the last one wins;
    the default language's copy is kept and written back in ``on_post_build``.
    """
    if template_name != "404.html":
        return output
    base = urlsplit(config.site_url or "/").path or "/"

    def home(match: re.Match) -> str:
        lang = match.group(2)
        return f'href="{base}{language_homes.language_root(lang, config)}" hreflang="{lang}"'

    output = LANGUAGE_LINK.sub(home, output)
    plugin = config.plugins.get("i18n")
    if plugin is None or _lang(config) == plugin.default_language:
        _state["not_found"] = output
    return output


LANGUAGE_LINK = re.compile(r'href="([^"]*)" hreflang="([a-z-]+)"')


@event_priority(-200)  # after mkdocs-static-i18n has built every language
def on_post_build(config) -> None:
    """Each language's home gets its own search index and the sitemap Material asks for."""
    plugin = config.plugins.get("i18n")
    site = Path(config.site_dir)
    if plugin is None or getattr(plugin, "building", False):
        return  # a nested per-language build: the combined index is not complete yet
    if _state.get("not_found"):  # the one 404 page GitHub Pages serves: the default language's
        cache.atomic_write_bytes(site / "404.html", _state["not_found"].encode("utf-8"))
    language_homes.publish_per_language(site, config)
