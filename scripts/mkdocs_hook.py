"""The MkDocs hook: joins optim_ref's generated assets to the site, in both languages.

* on_config: read and validate the figure registry (a bad entry stops the build at once);
* on_files: render what the cache lacks, add figures, GIFs and KaTeX to the build as
  generated files (nothing is written into docs/), execute notebooks through their cache
  and make the i18n plugin's notebooks render again (after its on_files, priority -100);
* on_page_markdown: replace ``[[figure NAME]]`` with the figure in the page's language;
* on_post_page: drop the CDN MathJax that nbconvert's template adds (KaTeX, shipped with
  the site, renders notebook math too), and refuse a notebook page left as raw JSON.

mkdocs-static-i18n builds the site once per language, so every event runs twice; the
cache is what makes the second pass cheap.
"""

from __future__ import annotations

import logging
import re
import shutil
import sys
import time
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from scripts import assets, figure_markup, notebooks, races, wheel  # noqa: E402
from scripts.figures import Figure, RegistryError, load  # noqa: E402

log = logging.getLogger("mkdocs.hooks.optim_ref")

KATEX_DIST = ROOT / "node_modules" / "katex" / "dist"
KATEX_FILES = ("katex.min.js", "katex.min.css", "contrib/auto-render.min.js")
EXTERNAL_SCRIPT = re.compile(r"<script\b[^>]*\bsrc=[\"']https?://[^>]*>\s*</script>", re.I)
# nbconvert's template also inlines a module that imports mermaid from a CDN when a
# notebook has diagrams (ours have none); the site must request nothing from other hosts.
EXTERNAL_IMPORT = re.compile(
    r"<script\b[^>]*>(?:(?!</script>).)*?import\(\s*[\"'`]https?://(?:(?!</script>).)*?</script>",
    re.S | re.I,
)
MATHJAX_CONFIG = re.compile(
    r"<!-- Load mathjax -->.*?<!-- End of mathjax configuration -->", re.S | re.I
)

HEAD_ALTERNATE = re.compile(r'<link rel="alternate" href="[^"]*" hreflang="([a-z-]+)">')

_state: dict = {"figures": None, "files": {}, "placed": {}, "executed": {}}


def _lang(config) -> str:
    plugin = config.plugins.get("i18n")
    return getattr(plugin, "current_language", None) or config.theme.get("language", "en")


def on_config(config):
    try:
        _state["figures"] = load()
    except RegistryError as exc:
        raise PluginError(str(exc)) from None
    return config


@event_priority(-110)  # after mkdocs-static-i18n (-100), which rebuilds the file list
def on_files(files: Files, config) -> Files:
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


def on_page_markdown(markdown: str, page, config, files) -> str:
    lang = _lang(config)
    try:
        return figure_markup.expand(markdown, _state["placed"].get, page.url, lang,
                                    page.file.src_uri)
    except figure_markup.FigureMarkupError as exc:
        raise PluginError(str(exc)) from None


def on_post_page(output: str, page, config) -> str:
    output = _alternates_at_language_roots(output, page, config)
    if page.file.src_uri.endswith(".ipynb"):
        output = MATHJAX_CONFIG.sub("", output)
        output = EXTERNAL_SCRIPT.sub("", output)
        output = EXTERNAL_IMPORT.sub("", output)
        if notebooks.is_raw_notebook_json(output):
            raise PluginError(f"{page.file.src_uri}: the notebook page came out as raw JSON")
    return output


def _language_root(lang: str, config) -> str:
    plugin = config.plugins.get("i18n")
    default = getattr(plugin, "default_language", lang)
    return "" if lang == default else f"{lang}/"


def _alternates_at_language_roots(output: str, page, config) -> str:
    """Point the head's ``<link rel=alternate hreflang>`` at each language's home.

    Material's script fetches ``sitemap.xml`` next to every such link; pointing at the page
    itself (``./``) makes it ask for ``optimizers/adam/sitemap.xml``, a 404 on every page.
    The language switcher in the header keeps its links to the same page.
    """

    def root(match: re.Match) -> str:
        target = _language_root(match.group(1), config)
        href = figure_markup.relative(target.rstrip("/") or ".", page.url) + "/"
        return f'<link rel="alternate" href="{href}" hreflang="{match.group(1)}">'

    return HEAD_ALTERNATE.sub(root, output)


@event_priority(-200)  # after mkdocs-static-i18n has built every language
def on_post_build(config) -> None:
    """Each language's home gets the sitemap Material's script asks for there."""
    plugin = config.plugins.get("i18n")
    site = Path(config.site_dir)
    if plugin is None or not (site / "sitemap.xml").is_file():
        return
    for lang in plugin.build_languages:
        folder = site / _language_root(lang, config)
        for name in ("sitemap.xml", "sitemap.xml.gz"):
            if (site / name).is_file() and folder != site:
                folder.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(site / name, folder / name)
