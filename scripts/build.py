"""The build object: one per MkDocs build, made in ``on_config``, fed every later event.

It reads and validates every data file once, up front (the figure registry, the timeline,
the glossary and every quiz file, whose timeline and term questions are written from the
timeline and glossary loaded here), so a bad record stops the build before anything is
drawn or rendered. Then, per language (mkdocs-static-i18n builds the site once per
language): ``files`` renders what the cache lacks and adds every generated file to the
build; ``page_markdown``, ``page_content`` and ``post_page`` finish each page;
``post_build`` writes what needs every language built. ``scripts/hook.py`` only forwards
MkDocs events here; errors become ``PluginError``, which stops a strict build with the
message alone.
"""

from __future__ import annotations

import logging
import os
import re
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

from scripts.content import pages, tooltips
from scripts.content.glossary import Term, load_glossary
from scripts.content.quizzes import bank
from scripts.content.quizzes import markup as quiz_markup
from scripts.content.quizzes.model import Question, QuizError
from scripts.content.timeline import Event, load_timeline
from scripts.core import cache, fresh
from scripts.core.datafile import DataFileError
from scripts.explorer import page as explorer_page
from scripts.figures import jobs, markup, races
from scripts.figures.registry import Figure, RegistryError, load
from scripts.site import (
    katex,
    language_homes,
    notebooks,
    purge,
    snippets,
    translations,
    upstream,
    wheel,
)

ROOT = Path(__file__).resolve().parent.parent
KATEX_DIST = ROOT / "node_modules" / "katex" / "dist"
KATEX_FILES = ("katex.min.css",)  # the build typesets every formula: no script
#: the explorer's formula parser (mathjs on npm), loaded by the page only for a custom surface
MATHJS_DIST = ROOT / "node_modules" / "mathjs" / "lib" / "browser"
MATHJS_FILES = ("math.js", "math.js.LICENSE.txt")
LANGUAGE_LINK = re.compile(r'href="([^"]*)" hreflang="([a-z-]+)"')

log = logging.getLogger("mkdocs.hooks.optim_ref")


@dataclass
class Build:
    """Every input of one build, validated, and the figures placed in each language."""

    figures: list[Figure]
    timeline: list[Event]
    glossary: list[Term]
    quizzes: dict[str, list[Question]]
    #: language -> figure name -> how the page shows it (filled by ``files``)
    placed: dict[str, dict[str, markup.Placed]] = field(default_factory=dict)
    #: the default language's 404 page, written once every language is built
    not_found: str | None = None
    #: every language's notebooks, executing (or read from the cache) since the first ``files``
    notebooks: notebooks.Executions | None = None

    @classmethod
    def start(cls, config, previous: Build | None = None) -> Build:
        """Load and check every data file; any error stops the build here.

        mkdocs-static-i18n runs ``build()`` again for each further language, and that runs
        ``on_config`` again: such a nested build is the same build in another language, so
        it keeps ``previous`` (its data, and the default language's 404 page).
        """
        if previous is not None and (i18n := upstream.i18n_state(config)) and i18n.building:
            return previous
        try:
            upstream.check(upstream.i18n_plugin(config))
            timeline, glossary = load_timeline(), load_glossary()
            return cls(figures=load(), timeline=timeline, glossary=glossary,
                       quizzes=bank.load_all(timeline, glossary))
        except (RegistryError, DataFileError, QuizError, upstream.UpstreamChanged) as exc:
            raise PluginError(str(exc)) from None

    # ------------------------------------------------------------------ files

    def files(self, files: Files, config) -> Files:
        default, nav_translations = translations.from_i18n_config(config)
        try:  # every page in every language, every nav title translated
            translations.check(Path(config.docs_dir), config.nav, default, nav_translations)
        except translations.TranslationError as exc:
            raise PluginError(str(exc)) from None
        lang = language_homes.current_language(config)
        if self.notebooks is None:  # every language's notebooks run beside the figures
            self.notebooks = notebooks.Executions(Path(config.docs_dir))
        # Every render the cache lacks goes into one pool of fresh workers (core/fresh.py),
        # the longest first, and the wheel is built beside them: the cores stay busy until
        # the last file is ready, instead of waiting on one render after another.
        with fresh.pool(os.cpu_count() or 1) as pool, ThreadPoolExecutor(1) as thread:
            wheel_built = thread.submit(wheel.wheel)
            rates = explorer_page.start(pool)  # one of the longest renders: first
            timeline = pages.start_timeline_figures(self.timeline, pool)
            try:
                started = time.perf_counter()
                done, rendered = jobs.ensure(self.figures, pool=pool)
                seconds = time.perf_counter() - started
                timeline_paths = {lg: Path(future.result()) for lg, future in timeline.items()}
                explorer_files = rates.result()
                built = wheel_built.result()
            except (RegistryError, wheel.WheelError) as exc:
                raise PluginError(str(exc)) from None
        log.info("figures: %d rendered, %d from cache, %.2f s", rendered, len(done) - rendered,
                 seconds)
        placed = {}
        for job, paths in done.items():
            fig = job.figure
            if fig.kind == "trajectory":
                for suffix in (".gif", ".png"):
                    _add(files, config, markup.site_path(fig.name, suffix),
                         paths[fig.name + suffix])
            else:
                _add(files, config, markup.site_path(fig.name, f".{job.lang}.png"),
                     paths[f"{fig.name}.png"])
            if job.lang in (None, lang):
                placed[fig.name] = _placed(fig, paths, lang)
        self.placed[lang] = placed
        for name in KATEX_FILES:
            _add(files, config, f"assets/katex/{name}", KATEX_DIST / name)
        for font in sorted((KATEX_DIST / "fonts").glob("*.woff2")):
            _add(files, config, f"assets/katex/fonts/{font.name}", font)
        for lang_of, path in timeline_paths.items():
            _add(files, config, pages.figure_site_path(lang_of), path)
        for name in MATHJS_FILES:
            _add(files, config, f"assets/mathjs/{name}", MATHJS_DIST / name)
        for src_uri, path in explorer_files:  # the stated rule's learning rates
            _add(files, config, src_uri, path)
        _add(files, config, f"downloads/{built.name}", built)
        executed = {}
        for file in files:
            if file.src_uri.endswith(".ipynb") and file.abs_src_path:
                path, seconds = self.notebooks.result(Path(file.abs_src_path))
                executed[file.src_uri] = path
                log.info("notebook %s: %s", file.src_uri,
                         "from cache" if seconds is None else f"executed, {seconds:.2f} s")
        return notebooks.wrap_notebook_pages(files, config, executed)

    # ------------------------------------------------------------------ pages

    def page_markdown(self, markdown: str, page, config) -> str:
        lang = language_homes.current_language(config)
        try:
            snippets.check_snippets(markdown, f"{Path(config.docs_dir).name}/{page.file.src_uri}",
                                    ROOT)
            markdown = markup.expand(markdown, self.placed.get(lang, {}).get, page.url, lang,
                                     page.file.src_uri)
            markdown, source = pages.expand_data_page(markdown, lang, page.url, self.timeline,
                                                      self.glossary)
            if source is not None and config.repo_url and config.edit_uri:  # edit the data
                page.edit_url = (config.repo_url.rstrip("/") + "/" + config.edit_uri.lstrip("/")
                                 + source.relative_to(Path(config.docs_dir)).as_posix())
            page_id = quiz_markup.page_id(page.file.src_uri)
            return quiz_markup.append_quiz(markdown, self.quizzes.get(page_id), page_id, lang)
        except (markup.FigureMarkupError, QuizError, DataFileError,
                snippets.SnippetError) as exc:
            raise PluginError(str(exc)) from None

    def page_content(self, html: str, page, config) -> str:
        if page.file.src_uri.endswith(".ipynb"):
            return notebooks.anchor_headings(html, page.toc)
        if page.file.src_uri.split(".")[0] == "glossary":
            return html  # the glossary defines every term already
        return tooltips.add_tooltips(html, self.glossary, language_homes.current_language(config))

    def post_page(self, output: str, page, config) -> str:
        output = language_homes.alternates_at_language_roots(output, page, config)
        notebook = page.file.src_uri.endswith(".ipynb")
        if not notebook:
            try:  # formulas typeset now, not in the reader's browser (scripts/site/katex.py)
                output = katex.typeset(output)
            except katex.KatexError as exc:
                raise PluginError(f"{page.file.src_uri}: {exc}") from None
        output = language_homes.search_base_at_language_root(output, page, config)
        if notebook:
            try:
                executed = Path(page.file.abs_src_path)
                output = notebooks.finish_page(output, executed.name,
                                               language_homes.current_language(config),
                                               notebooks.figure_alts(executed))
                output = katex.typeset_cells(output)  # the Markdown cells' formulas
                output = purge.trim_notebook_css(output)
            except (ValueError, katex.KatexError, purge.PurgeError) as exc:
                raise PluginError(f"{page.file.src_uri}: {exc}") from None
        return output

    def post_template(self, output: str, template_name: str, config) -> str:
        """The 404 page: its language links lead to the two homes, not the last page built.

        Each language's build renders ``404.html`` into the site's root and the last one
        wins; the default language's copy is kept and written back in ``post_build``.
        """
        if template_name != "404.html":
            return output
        base = urlsplit(config.site_url or "/").path or "/"

        def home(match: re.Match) -> str:
            lang = match.group(2)
            return f'href="{base}{language_homes.language_root(lang, config)}" hreflang="{lang}"'

        output = LANGUAGE_LINK.sub(home, output)
        i18n = upstream.i18n_state(config)
        if i18n is None or language_homes.current_language(config) == i18n.default_language:
            self.not_found = output
        return output

    def post_build(self, config) -> None:
        """Each language's home gets its own search index and the sitemap Material asks for."""
        i18n = upstream.i18n_state(config)
        site = Path(config.site_dir)
        if i18n is None or i18n.building:
            return  # a nested per-language build: the combined index is not complete yet
        if self.not_found:  # the one 404 page GitHub Pages serves: the default language's
            cache.atomic_write_bytes(site / "404.html", self.not_found.encode("utf-8"))
        language_homes.publish_per_language(site, config)


def _add(files: Files, config, src_uri: str, path: Path) -> None:
    if not path.is_file():
        raise PluginError(f"generated asset {src_uri}: missing source file {path}"
                          + (" (run `npm ci`)" if "node_modules" in str(path) else ""))
    existing = files.get_file_from_path(src_uri)
    if existing is not None:
        files.remove(existing)
    files.append(File.generated(config, src_uri, abs_src_path=str(path)))


def _placed(fig: Figure, paths: dict[str, Path], lang: str) -> markup.Placed:
    info = jobs.meta(paths)
    words = {
        "optimizer": ", ".join(races.label(o) for o in fig.optimizers),
        "surface": fig.surface,
        "surface_name": fig.surface_name[lang],
        "steps": fig.steps,
        "rule": info["rule"][lang],
        "lrs": info["lrs"],
        "story": info["story"][lang],
        "facts": info.get("facts", {}).get(lang, ""),
    }
    if fig.kind == "trajectory":
        still = markup.site_path(fig.name, ".png")
        animation = markup.site_path(fig.name, ".gif")
    else:
        still, animation = markup.site_path(fig.name, f".{lang}.png"), None
    return markup.Placed(
        figure=fig, still=still, animation=animation,
        caption=fig.caption[lang].format(**words).strip(),
        alt=fig.alt[lang].format(**words).strip(),
        size=tuple(info["size"]),
    )
