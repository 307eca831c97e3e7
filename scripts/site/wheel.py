"""Build the optim_ref wheel that the site publishes for the downloadable notebooks.

A reader who downloads the lab notebook needs optim_ref with it; the wheel is built from
this checkout (cached by the package's source digest) and served at ``downloads/``.
"""

from __future__ import annotations

import importlib.metadata
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from scripts.core import cache, keys

ROOT = Path(__file__).resolve().parents[2]
#: what setuptools reads to build the wheel (pyproject, the readme and licences it embeds)
SOURCES = ("pyproject.toml", "README.md", "LICENSE", "LICENSE-CONTENT", "optim_ref")


class WheelError(RuntimeError):
    """pip could not build the wheel; the message carries pip's own output."""


def _copy_sources(dest: Path) -> None:
    """Build from a copy: setuptools writes ``build/`` and ``*.egg-info`` beside its input,
    and the checkout (a developer's own ``build/`` included) must stay as it was."""
    for name in SOURCES:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, dest / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(src, dest / name)


def _build(out: Path) -> None:
    with tempfile.TemporaryDirectory(prefix="optim-ref-wheel-") as tmp:
        src = Path(tmp) / "src"
        src.mkdir()
        _copy_sources(src)
        # No build isolation: the build backend is pinned in requirements/site.lock and
        # installed in the venv, so the build needs no network and no unpinned setuptools.
        proc = subprocess.run(
            [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
             "--quiet", "--wheel-dir", str(out), str(src)],
            capture_output=True, text=True,
            # every entry dated 1980-01-01 (zip's first date): the same source, the same bytes
            env={**os.environ, "SOURCE_DATE_EPOCH": "315532800"},
        )
    if proc.returncode != 0:
        raise WheelError(
            f"building the optim_ref wheel for downloads/ failed (pip exited "
            f"{proc.returncode}); pip said:\n{(proc.stdout + proc.stderr).strip()}\n"
            "Is the venv installed from requirements/site.lock (it pins setuptools)? "
            "`make build` installs it."
        )


def wheel() -> Path:
    """The path of the cached wheel (built now if the package source changed)."""
    files = {name: cache.file_sha256(ROOT / name) for name in SOURCES if name != "optim_ref"}
    key = cache.digest("wheel-v2", keys.package_digest(), files,
                       importlib.metadata.version("setuptools"))
    files, _ = cache.store("wheel", key, _build)
    (path,) = (p for name, p in files.items() if name.endswith(".whl"))
    return path
