"""Notebooks: execute them once per change, and keep them rendered under mkdocs-static-i18n.

Two things here, both used by the MkDocs hook:

* ``executed_copy`` runs a notebook with nbclient and caches the executed copy, keyed by the
  notebook's bytes and by the source of optim_ref (which it imports), so an unchanged
  notebook is never executed again and a changed optimizer re-runs it. mkdocs-jupyter then
  renders the executed copy with ``execute: false``. (mkdocs-jupyter's own cache is keyed by
  the notebook alone, and with one build per language each build evicts the other's entry.)

* ``wrap_notebook_pages`` fixes the notebook page that comes out as raw JSON: the i18n
  plugin's ``on_files`` runs last (priority -100) and rebuilds every File, so the
  ``NotebookFile`` wrappers of mkdocs-jupyter are lost and ``.ipynb`` files are copied as
  static files (upstream mkdocs-static-i18n issue #198). We wrap them again afterwards,
  keeping the destination and URL that the i18n plugin computed (``lab.en.ipynb`` belongs
  at ``en/lab/``).
"""

from __future__ import annotations

import html as html_lib
import importlib.metadata
import json
import os
import re
import time
from pathlib import Path

from mkdocs.structure.files import File, Files
from pymdownx import slugs

from scripts.core import cache, keys, words
from scripts.site import upstream

KERNEL_TIMEOUT_S = 120
#: a code cell with this tag is shown but not run by the build: the lab's torch check, so the
#: page is the same whether or not torch is installed where the site is built
NOT_RUN_TAG = "not-run-by-site-build"
#: what the executed outputs depend on besides the notebook and optim_ref
KERNEL_PACKAGES = ("numpy", "matplotlib", "matplotlib-inline", "nbclient", "scikit-learn",
                   "koreanize-matplotlib")
#: the kernel draws inline (PNG outputs on the page) with a fixed hash seed, so two executions
#: give the same outputs; one BLAS thread, since the lab's small matrices run several times
#: slower when threads fight over the build's two cores
KERNEL_ENV = {"MPLBACKEND": "module://matplotlib_inline.backend_inline", "PYTHONHASHSEED": "0",
              "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}


def notebook_key(path: Path) -> str:
    versions = {p: importlib.metadata.version(p) for p in KERNEL_PACKAGES}
    return cache.digest("notebook-v3", path.read_bytes().hex(), keys.package_digest(), versions)


def execute(src: Path, out_dir: Path, *, run_all: bool = False) -> None:
    """Run ``src`` in a fresh kernel; cells tagged ``NOT_RUN_TAG`` stay unrun unless ``run_all``."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(src, as_version=4)
    cells = nb.cells
    nb.cells = [c for c in cells if run_all or NOT_RUN_TAG not in c.metadata.get("tags", ())]
    client = NotebookClient(
        nb,
        timeout=KERNEL_TIMEOUT_S,
        kernel_name="python3",
        allow_errors=False,
        # the kernel flushes stdout on a timer, so how a cell's prints are cut into outputs
        # depends on the machine's load; merged, two executions give the same outputs
        coalesce_streams=True,
        resources={"metadata": {"path": str(src.parent)}},
    )
    # the kernel's own environment: the build's process environment stays untouched, so
    # notebooks can run side by side in threads
    client.execute(env={**os.environ, **KERNEL_ENV})
    nb.cells = cells  # the unrun cells back in place, without outputs
    for cell in nb.cells:  # execution times would make every build differ
        cell.get("metadata", {}).pop("execution", None)
    (out_dir / src.name).write_text(nbformat.writes(nb) + "\n", encoding="utf-8")


def executed_copy(src: Path, *, force: bool = False) -> tuple[Path, bool]:
    """Path of the executed copy of ``src`` (same file name), and whether it ran now."""
    files, ran = cache.store(
        "notebooks", notebook_key(src), lambda d: execute(src, d), force=force
    )
    return files[src.name], ran


class Executions:
    """Every notebook of the docs, executed in threads while the build renders its figures.

    A kernel is a process of its own, so a thread only waits on it; started at the first
    language's ``on_files``, the kernels share the cores with the figure workers instead of
    running one after another once the figures are done. ``result`` waits for one notebook.
    """

    def __init__(self, docs: Path) -> None:
        from concurrent.futures import ThreadPoolExecutor

        paths = sorted(p for p in docs.rglob("*.ipynb")
                       if not any(part.startswith(".") for part in p.relative_to(docs).parts))
        self._pool = ThreadPoolExecutor(max_workers=max(1, len(paths)))
        self._runs = {p.resolve(): self._pool.submit(self._timed, p) for p in paths}
        self._pool.shutdown(wait=False)

    @staticmethod
    def _timed(src: Path) -> tuple[Path, float | None]:
        started = time.perf_counter()
        path, ran = executed_copy(src)
        return path, (time.perf_counter() - started) if ran else None

    def result(self, src: Path) -> tuple[Path, float | None]:
        """The executed copy of ``src``, and the seconds its execution took (None: cached)."""
        run = self._runs.get(src.resolve())
        return run.result() if run is not None else self._timed(src)


def wrap_notebook_pages(files: Files, config, executed: dict[str, Path]) -> Files:
    """Re-wrap the i18n plugin's plain ``.ipynb`` Files as mkdocs-jupyter notebook pages.

    ``executed`` maps a notebook's ``src_uri`` to its executed copy, which is what gets
    rendered (and offered for download) instead of the unexecuted source.
    """
    for file in list(files):
        if not file.src_uri.endswith(".ipynb") or file.is_documentation_page():
            continue
        if not file.abs_src_path or not Path(file.abs_src_path).is_relative_to(config.docs_dir):
            continue
        page = upstream.notebook_file(file, config)
        # NotebookFile derives its destination from the unsuffixed name; the i18n plugin
        # already computed the right one (en/lab/index.html), so keep that.
        page.dest_path = file.dest_path
        page.abs_dest_path = file.abs_dest_path
        page.url = file.url
        _link_translations(page, config)
        if file.src_uri in executed:
            # abs_src_path is a cached property of File, so it must be set on the wrapper
            page.abs_src_path = str(executed[file.src_uri])
        files.remove(file)
        files.append(page)
    return files


def _link_translations(page, config) -> None:
    """Give a notebook page its other-language twins, as the i18n plugin does for Markdown.

    The plugin computes ``alternates`` (what the language switcher links to) for
    documentation pages only, and a notebook was not one when it ran; without this the
    switcher on ``lab/`` would lead to the English home page instead of ``en/lab/``.
    """
    i18n = upstream.i18n_state(config)
    if i18n is None or not hasattr(page, "norm_src_uri"):
        return
    stem = page.norm_src_uri[: -len(".ipynb")]
    alternates = dict(getattr(page, "alternates", {}))
    for lang in i18n.build_languages:
        src = f"{stem}.ipynb" if lang == i18n.default_language else f"{stem}.{lang}.ipynb"
        if lang in alternates or not (Path(config.docs_dir) / src).is_file():
            continue
        plain = File(src, config.docs_dir, config.site_dir, config.use_directory_urls)
        alternates[lang] = upstream.create_i18n_file(
            upstream.notebook_file(plain, config), lang, i18n.default_language,
            i18n.all_languages, config,
        )
    page.alternates = alternates


def is_raw_notebook_json(html: str) -> bool:
    """True when a page is an unrendered notebook (the bug this module guards against)."""
    head = html.lstrip()[:200]
    if head.startswith("{"):
        try:
            return "nbformat" in json.loads(html)
        except ValueError:
            return '"nbformat"' in html
    return '"nbformat":' in html and '"cells":' in html



NOTEBOOK_HEADING = re.compile(
    r'<h([1-6]) id="([^"]*)">(.*?)<a class="anchor-link" href="#[^"]*">(.*?)</a></h\1>', re.S)
SLUGIFY = slugs.slugify(case="lower")  # the site's own (mkdocs.yml, toc.slugify)


def anchor_headings(html: str, toc) -> str:
    """Give a notebook's headings the same readable ids as its table of contents.

    nbconvert slugifies headings to ASCII, so a Korean heading gets ``id=""``, while
    mkdocs-jupyter's table of contents links ``#_1``, ``#_2``: every link to a section of
    the Korean notebook was broken. Both now use the site's Unicode slugify (Hangul kept),
    made unique in page order; table-of-contents entries are matched by their titles.
    """
    found: list[tuple[str, str]] = []  # (plain text, id) in document order

    def one(match: re.Match) -> str:
        level, text, mark = match.group(1), match.group(3), match.group(4)
        plain = html_lib.unescape(re.sub(r"<[^>]+>", "", text)).strip()
        slug = base = SLUGIFY(plain, "-") or "section"
        n = 1
        while slug in {s for _, s in found}:
            slug, n = f"{base}_{n}", n + 1
        found.append((plain, slug))
        return (f'<h{level} id="{slug}">{text}<a class="anchor-link" href="#{slug}">{mark}'
                f"</a></h{level}>")

    out = NOTEBOOK_HEADING.sub(one, html)
    unused = list(found)

    def relabel(entries) -> None:
        for entry in entries:
            title = html_lib.unescape(re.sub(r"<[^>]+>", "", entry.title)).strip()
            match = next((f for f in unused if f[0] == title), None)
            if match is not None:
                unused.remove(match)
                entry.id = match[1]
            relabel(entry.children)

    relabel(toc)
    return out


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





def _with_download_link(output: str, name: str, lang: str) -> str:
    """A visible link to the executed .ipynb that mkdocs-jupyter copies next to the page."""
    label = words.section("notebook")[lang]["download"]
    link = (f'<p class="optim-download"><a href="{name}" download>'
            f"{label} ({name})</a></p>")
    wrapper = '<div class="jupyter-wrapper">'
    return output.replace(wrapper, link + wrapper, 1)


#: what nbconvert writes into an image's alt when it has none (nbconvert/exporters/html.py)
NO_ALT = 'alt="No description has been provided for this image"'


def figure_alts(notebook: Path) -> list[str]:
    """The alt text of every image output, in page order: its cell's ``alt`` metadata.

    nbconvert's template reads no alt for an output, so each code cell that draws says what
    its picture shows, in the notebook's language; a cell without one is an error.
    """
    alts = []
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    for i, cell in enumerate(cells):
        for output in cell.get("outputs", ()):
            if any(kind.startswith("image/") for kind in output.get("data", {})):
                alt = str(cell.get("metadata", {}).get("alt", "")).strip()
                if not alt:
                    raise ValueError(f"{notebook.name}: cell {i}: draws an image but its "
                                     "metadata has no 'alt' text")
                alts.append(alt)
    return alts


def _with_alts(output: str, alts: list[str]) -> str:
    found = output.count(NO_ALT)
    if found != len(alts):
        raise ValueError(f"{found} image(s) without alt text on the page, "
                         f"{len(alts)} alt text(s) in the notebook's cells")
    for alt in alts:
        output = output.replace(NO_ALT, f'alt="{html_lib.escape(alt)}"', 1)
    return output


def finish_page(output: str, name: str, lang: str, alts: list[str] = ()) -> str:
    """A rendered notebook page made fit for the site, or ValueError if it is raw JSON.

    Adds the download link to ``name`` (the executed .ipynb beside the page), gives the
    output images the ``alts`` of their cells (``figure_alts``), removes the CDN MathJax
    and mermaid that nbconvert's template loads (the site's KaTeX typesets notebook math)
    and lets the keyboard reach code cells that scroll sideways.
    """
    output = _with_download_link(output, name, lang)
    output = _with_alts(output, list(alts))
    output = MATHJAX_CONFIG.sub("", output)
    output = EXTERNAL_SCRIPT.sub("", output)
    output = EXTERNAL_IMPORT.sub("", output)
    output = output.replace('<div class="highlight-ipynb hl-', '<div tabindex="0" '
                            'class="highlight-ipynb hl-')
    if is_raw_notebook_json(output):
        raise ValueError("the notebook page came out as raw JSON")
    return output
