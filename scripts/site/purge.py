"""A notebook page's JupyterLab stylesheet, cut to the rules the page uses.

mkdocs-jupyter inlines nbconvert's whole JupyterLab stylesheet (its ``index.css``, 574 KB:
every JupyterLab widget, editor and panel) into each notebook page. On a throttled phone
the lab page spent most of its blocking time parsing it and matching its rules against
the page (Lighthouse TBT 970 ms, performance 76, with the stylesheet; 430 ms without).
PurgeCSS (npm, run by ``purge.mjs``) keeps only the rules whose selectors name classes,
ids and tags that occur in the page, which is what cells, outputs and prompts need (14 KB).
The result is cached under its inputs' digest, like the figures.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from importlib import resources
from pathlib import Path

from scripts.core import cache
from scripts.site import upstream

SCRIPT = resources.files("scripts.site") / "purge.mjs"
#: PurgeCSS's own version is part of the key: another release may keep other rules
PURGECSS_PACKAGE = (Path(__file__).resolve().parents[2] / "node_modules" / "purgecss"
                    / "package.json")
KIND = "notebook-css"
#: opens the trimmed stylesheet, so a test can put the whole one back in its place
MARK = "/* JupyterLab's stylesheet, trimmed to this page by scripts/site/purge.py */\n"


class PurgeError(RuntimeError):
    """node or PurgeCSS is missing, PurgeCSS failed, or the stylesheet is not in the page."""


def _purgecss_version() -> str:
    try:
        return json.loads(PURGECSS_PACKAGE.read_text(encoding="utf-8"))["version"]
    except (OSError, ValueError, KeyError) as exc:
        raise PurgeError(f"{PURGECSS_PACKAGE} unreadable ({exc}): `npm ci` installs "
                         "PurgeCSS") from None


def _purge(html: str, css: str) -> str:
    node = shutil.which("node")
    if node is None:
        raise PurgeError("node not found: PurgeCSS trims the notebook stylesheet at build "
                         "time (install nodejs, then `npm ci`)")
    done = subprocess.run([node, str(SCRIPT)], input=json.dumps({"html": html, "css": css}),
                          capture_output=True, text=True, encoding="utf-8")
    if done.returncode != 0:
        raise PurgeError(f"{SCRIPT.name} failed (is node_modules/purgecss installed? "
                         f"`npm ci`): {done.stderr.strip()[-800:]}")
    return done.stdout


def trim_notebook_css(output: str) -> str:
    """``output`` with mkdocs-jupyter's inlined JupyterLab stylesheet cut to what it uses."""
    css = upstream.jupyterlab_css()
    at = output.find(css)
    if at < 0:
        raise PurgeError("mkdocs-jupyter's JupyterLab stylesheet (templates/mkdocs_html/"
                         "assets/index.css) is not inlined in the page: its template changed")
    page = output[:at] + output[at + len(css):]
    key = cache.digest(KIND, css, page, SCRIPT.read_text(encoding="utf-8"), _purgecss_version())

    def render(folder):
        (folder / "kept.css").write_text(_purge(page, css), encoding="utf-8")

    files, _ = cache.store(KIND, key, render)
    kept = MARK + files["kept.css"].read_text(encoding="utf-8")
    return output[:at] + kept + output[at + len(css):]
