"""Shared helpers for the site tests: build the site, serve it under a sub-path, open Chromium.

The site is built the way GitHub Pages serves a project site, under ``/optim-ref/``, and
served from 127.0.0.1 only. Chromium is Debian's (Playwright cannot download its own here);
when it is missing the tests fail, never skip.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SUBPATH = "/optim-ref/"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Build:
    site: Path
    log: str
    seconds: float
    base_url: str


def build_site(dest: Path, port: int | None, *, extra_env: dict | None = None) -> Build:
    """``mkdocs build --strict`` into ``dest`` with site_url under the sub-path.

    ``port=None`` builds with no ``SITE_URL`` at all, as a plain ``make build`` does.
    """
    env = {k: v for k, v in os.environ.items() if k != "SITE_URL"}
    if port is not None:
        env["SITE_URL"] = f"http://127.0.0.1:{port}{SUBPATH}"
    env.update(extra_env or {})
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(dest)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
    )
    seconds = time.perf_counter() - started
    log = proc.stdout + proc.stderr
    if proc.returncode != 0:
        raise AssertionError(f"mkdocs build failed ({proc.returncode}):\n{log[-6000:]}")
    return Build(dest, log, seconds, f"http://127.0.0.1:{port}{SUBPATH}" if port else "")


class _SubPathHandler(http.server.SimpleHTTPRequestHandler):
    """Serve ``directory`` at a sub-path only, as GitHub Pages serves a project site."""

    subpath = SUBPATH

    def translate_path(self, path: str) -> str:
        clean = path.split("?", 1)[0].split("#", 1)[0]
        if not clean.startswith(self.subpath):
            return str(Path(self.directory) / "__outside_the_site__")
        return super().translate_path("/" + clean[len(self.subpath):])

    def log_message(self, *args) -> None:  # keep pytest output quiet
        pass


class _QuietServer(http.server.ThreadingHTTPServer):
    """A browser that leaves a page mid-download closes its connection: not an error."""

    def handle_error(self, request, client_address) -> None:
        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            super().handle_error(request, client_address)


class Server:
    def __init__(self, site: Path, port: int, subpath: str = SUBPATH) -> None:
        handler_class = type("Handler", (_SubPathHandler,), {"subpath": subpath})
        handler = functools.partial(handler_class, directory=str(site))
        self.httpd = _QuietServer(("127.0.0.1", port), handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> Server:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def require_chromium() -> str:
    """Debian's Chromium, or a failure that says how to get it (never a skip)."""
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        raise AssertionError(
            f"Chromium not found at {CHROMIUM}: `make test` installs Debian's chromium "
            "(apt-get install chromium); set CHROMIUM_PATH to use another build"
        )
    return CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium")
