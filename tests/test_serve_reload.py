"""Under a running ``mkdocs serve``, an edit to an optimizer's update reaches the served page.

Issue 10: the page's figure and its alt text change, the result equals a fresh build of the
edited tree, and editing back brings the first bytes back. The serve runs in a copy of the
repository (the files git tracks), on a free port of 127.0.0.1, with its own cache.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from site_support import free_port

from scripts.core import cache

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
FIRST_PAGE_S = 300  # a warm build under load; the cold-build budget is 60 s on a quiet machine
REBUILD_S = 180
#: the Adagrad page's Rosenbrock animation: its run (and so its story) moves with the edit
PAGE = "optimizers/adagrad/"
FIGURES = ("figures/path-adagrad-rosenbrock.gif", "figures/path-adagrad-rosenbrock.png")
UPDATE = Path("optim_ref/optimizers/adagrad.py")
LINE = "params = params - eta_t * (g / (np.sqrt(G) + eps))"
HALVED = "params = params - 0.5 * eta_t * (g / (np.sqrt(G) + eps))"
IMG_ALT = re.compile(r'<img src="[^"]*path-adagrad-rosenbrock\.gif" alt="([^"]*)"')


def _copy_repo(dest: Path) -> None:
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True,
                             check=True).stdout.decode().split("\0")
    for rel in filter(None, tracked):
        src = ROOT / rel
        if src.is_file():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / rel)
    (dest / "node_modules").symlink_to(ROOT / "node_modules")


def _get(url: str) -> bytes | None:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.read()
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


class _Log(threading.Thread):
    """The serve's output, kept for a failure, with the time of its last line."""

    def __init__(self, stream) -> None:
        super().__init__(daemon=True)
        self.stream, self.lines, self.last = stream, [], time.monotonic()

    def run(self) -> None:
        for line in self.stream:
            self.lines.append(line)
            self.last = time.monotonic()

    def tail(self) -> str:
        return "".join(self.lines[-60:])


def _snapshot(base: str) -> tuple[tuple[bytes | None, ...], str | None]:
    html = _get(base + PAGE)
    found = IMG_ALT.search(html.decode()) if html else None
    return tuple(_get(base + f) for f in FIGURES), found.group(1) if found else None


def _wait(base: str, log: _Log, proc, until, seconds: float, what: str):
    """Poll the served page until ``until(snapshot)``, then until the serve is quiet."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert proc.poll() is None, f"mkdocs serve exited {proc.returncode}:\n{log.tail()}"
        snap = _snapshot(base)
        if until(snap):
            while time.monotonic() - log.last < 5 and time.monotonic() < deadline:
                time.sleep(1)  # a rebuild may still be writing the other language
            return _snapshot(base)
        time.sleep(2)
    raise AssertionError(f"{what} within {seconds:.0f} s:\n{log.tail()}")


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{path}: the line to edit is not there once: {old}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_an_edit_to_an_optimizer_reaches_the_served_page_and_equals_a_fresh_build(tmp_path):
    repo, caches = tmp_path / "repo", tmp_path / "cache"
    _copy_repo(repo)
    update = repo / UPDATE
    _edit(update, LINE, LINE)  # the line is there, once
    if cache.CACHE_DIR.is_dir():  # warm: entries of the code as it is (the edit misses them)
        shutil.copytree(cache.CACHE_DIR, caches)
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    env = {**os.environ, "SITE_URL": base, "OPTIM_REF_CACHE": str(caches),
           "PYTHONPATH": str(repo)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "--livereload", "-a", f"127.0.0.1:{port}"],
        cwd=repo, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        start_new_session=True)
    log = _Log(proc.stdout)
    log.start()
    try:
        first = _wait(base, log, proc, lambda s: all(s[0]) and s[1], FIRST_PAGE_S,
                      "no first page with the Adagrad figure")
        # the oracle's cache: entries rendered before the edit, by a process that ran them
        shutil.copytree(caches, tmp_path / "oracle-cache")

        _edit(update, LINE, HALVED)
        edited = _wait(base, log, proc, lambda s: s[0] != first[0] and all(s[0]), REBUILD_S,
                       "the served figure did not change after the edit")
        assert edited[1] != first[1], "the figure changed but its alt text did not"
        for name, before, after in zip(FIGURES, first[0], edited[0], strict=True):
            assert before != after, f"{name} did not change after the edit"

        built = tmp_path / "built"
        subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(built)],
                       cwd=repo, check=True, capture_output=True, timeout=600,
                       env={**env, "OPTIM_REF_CACHE": str(tmp_path / "oracle-cache")})
        for name, served in zip(FIGURES, edited[0], strict=True):
            assert served == (built / name).read_bytes(), f"served {name} != a fresh build's"
        fresh_alt = IMG_ALT.search((built / PAGE / "index.html").read_text(encoding="utf-8"))
        assert fresh_alt and fresh_alt.group(1) == edited[1]

        _edit(update, HALVED, LINE)
        back = _wait(base, log, proc, lambda s: s[0] == first[0], REBUILD_S,
                     "the first bytes did not come back after editing back")
        assert back == first
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
