"""Time to first page: a fresh clone, ``make serve`` in it, until the Korean home answers.

What a newcomer does first, measured the way they meet it: a new clone of HEAD with no
venv, no node_modules and no cache, so the timing includes creating the venv from the
site's lock alone, ``npm ci --omit=dev`` and the cold build. Then it checks what they see:
the Korean home with every figure it shows, and its English twin behind the language
switcher; and that ``make build`` in the same clone leaves ``git status`` clean.

Standard library only: it runs before any venv exists (``.ci/run`` runs it before
``make test``, so a site lock that cannot build the site on its own fails CI).

    python3 scripts/bench/first_page.py            # print the seconds
    python3 scripts/bench/first_page.py --check    # and exit 1 if anything is wrong
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BUDGET_S = 90.0
#: the longest a first page may take before the check gives up (a cold pip cache included)
TIMEOUT_S = 900.0


class _Page(HTMLParser):
    """The facts of a page the check needs: its language, its images, its language links."""

    def __init__(self) -> None:
        super().__init__()
        self.lang = None
        self.images: list[str] = []
        self.alternates: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang")
        elif tag == "img" and a.get("src"):
            self.images.append(a["src"])
        elif tag == "source" and a.get("srcset"):
            self.images.extend(s.strip().split()[0] for s in a["srcset"].split(","))
        elif tag == "a" and a.get("hreflang") and "md-select__link" in (a.get("class") or ""):
            self.alternates[a["hreflang"]] = a["href"]


def _get(url: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, r.headers.get("Content-Type", ""), r.read()
    except urllib.error.HTTPError as exc:
        return exc.code, "", b""


def _parse(body: bytes) -> _Page:
    page = _Page()
    page.feed(body.decode("utf-8", "replace"))
    return page


def check_pages(base: str) -> list[str]:
    """What is wrong with the served home and its English twin (empty: nothing)."""
    problems = []
    status, _, body = _get(base)
    home = _parse(body)
    if status != 200 or home.lang != "ko":
        return [f"{base}: status {status}, lang {home.lang!r} (want 200 and the Korean home)"]
    if not home.images:
        problems.append(f"{base}: the home shows no figure")
    for src in home.images:
        url = urllib.parse.urljoin(base, src)
        code, ctype, data = _get(url)
        if code != 200 or not ctype.startswith("image/") or not data:
            problems.append(f"{url}: status {code}, type {ctype!r}, {len(data)} bytes")
    twin = home.alternates.get("en")
    if twin is None:
        problems.append(f"{base}: no language link to English")
    else:
        url = urllib.parse.urljoin(base, twin)
        code, _, body = _get(url)
        en = _parse(body)
        if code != 200 or en.lang != "en" or url.rstrip("/") != base.rstrip("/") + "/en":
            problems.append(f"{url}: status {code}, lang {en.lang!r} (want the English home)")
    return problems


class _Log(threading.Thread):
    """Keep the served process's output (for a failure) and when the build started."""

    def __init__(self, stream, started: float) -> None:
        super().__init__(daemon=True)
        self.stream, self.started = stream, started
        self.lines: list[str] = []
        self.build_at: float | None = None

    def run(self) -> None:
        for line in self.stream:
            self.lines.append(line)
            if self.build_at is None and "Building documentation" in line:
                self.build_at = time.perf_counter() - self.started


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def _port_free(port: int) -> bool:
    import socket

    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


def measure(port: int, workdir: Path) -> tuple[float, _Log, list[str]]:
    clone = workdir / "optim-ref"
    subprocess.run(["git", "clone", "--quiet", "--no-hardlinks", str(ROOT), str(clone)],
                   check=True)
    base = f"http://127.0.0.1:{port}/"
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "SITE_URL")}
    started = time.perf_counter()
    proc = subprocess.Popen(["make", "serve", f"PORT={port}"], cwd=clone, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True)
    log = _Log(proc.stdout, started)
    log.start()
    try:
        while True:
            elapsed = time.perf_counter() - started
            if proc.poll() is not None:
                return elapsed, log, [f"make serve exited {proc.returncode} before serving"]
            if elapsed > TIMEOUT_S:
                return elapsed, log, [f"no answer from {base} after {TIMEOUT_S:.0f} s"]
            try:
                with urllib.request.urlopen(base, timeout=2) as r:
                    if r.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.25)
        problems = check_pages(base)
    finally:
        _stop(proc)
    problems += _build_clean(clone, env)
    return elapsed, log, problems


def _build_clean(clone: Path, env: dict) -> list[str]:
    """``make build`` in the same clone works, and leaves ``git status`` clean."""
    proc = subprocess.run(["make", "build"], cwd=clone, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        return [f"make build exited {proc.returncode}:\n{(proc.stdout + proc.stderr)[-3000:]}"]
    status = subprocess.run(["git", "status", "--porcelain"], cwd=clone, capture_output=True,
                            text=True, check=True).stdout
    return [f"git status after make build is not clean:\n{status}"] if status.strip() else []


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 on any problem")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args()
    if not _port_free(args.port):
        print(f"first page: port {args.port} is taken; stop what serves it or pass --port")
        return 1
    dirty = subprocess.run(["git", "status", "--porcelain"], cwd=ROOT, capture_output=True,
                           text=True).stdout.strip()
    if dirty:
        print("first page: note: the clone is of HEAD; uncommitted changes are not in it")
    with tempfile.TemporaryDirectory(prefix="optim-ref-first-page-") as tmp:
        elapsed, log, problems = measure(args.port, Path(tmp))
    install = f"{log.build_at:.1f} s install, " if log.build_at is not None else ""
    verdict = "ok" if elapsed <= BUDGET_S else "over"
    print(f"first page: make serve on a fresh clone answered http://127.0.0.1:{args.port}/ "
          f"in {elapsed:.1f} s ({install}the rest the cold build; budget {BUDGET_S:.0f} s: "
          f"{verdict})")
    if problems:
        print("first page: problems:\n  " + "\n  ".join(problems))
        tail = "".join(log.lines[-60:])
        print(f"first page: the last lines of make serve:\n{tail}")
    return 1 if args.check and problems else 0


if __name__ == "__main__":
    sys.exit(main())
