"""Build the optim_ref wheel that the site publishes for the downloadable notebooks.

A reader who downloads the lab notebook needs optim_ref with it; the wheel is built from
this checkout (cached by the package's source digest) and served at ``downloads/``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from scripts.core import cache
from scripts.core import keys

ROOT = Path(__file__).resolve().parents[2]


def _build(out: Path) -> None:
    # No build isolation: the venv already has setuptools, and the build then needs no network.
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
         "--quiet", "--wheel-dir", str(out), str(ROOT)],
        check=True, capture_output=True, text=True,
        # every entry dated 1980-01-01 (zip's first date): the same source, the same bytes
        env={**os.environ, "SOURCE_DATE_EPOCH": "315532800"},
    )
    for leftover in (ROOT / "build", *ROOT.glob("*.egg-info")):
        if leftover.is_dir():
            import shutil

            shutil.rmtree(leftover, ignore_errors=True)


def wheel() -> Path:
    """The path of the cached wheel (built now if the package source changed)."""
    key = cache.digest("wheel-v1", keys.package_digest(),
                       (ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    files, _ = cache.store("wheel", key, _build)
    (path,) = (p for name, p in files.items() if name.endswith(".whl"))
    return path
