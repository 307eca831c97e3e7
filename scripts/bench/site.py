"""Page speed: Lighthouse (mobile) on the built site, served on 127.0.0.1 with gzip.

GitHub Pages gzips text (HTML, CSS, JavaScript, JSON, SVG) and serves a project site under
``/<repo>/``; this script does the same with a small static server, builds the site under
that sub-path, runs Lighthouse 3 times on each page (its default mobile settings: a
throttled mid-range phone), and prints the median scores and bytes transferred:

    make bench-site            (or: .venv/bin/python -m scripts.bench.site [--site DIR])

Targets: performance >= 95, accessibility 100, best practices >= 95, SEO >= 95, and at most
1.5 MB transferred by an optimizer page before the reader scrolls (figures below the first
screen load lazily, so they are not part of it), at most 300 KB by the explorer (before its
custom-surface option loads math.js). Exits 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import json
import mimetypes
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SUBPATH = "/optim-ref/"
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
CHROME = os.environ.get("CHROME_PATH") or os.environ.get("CHROMIUM_PATH") or "/usr/bin/chromium"
CHROME_FLAGS = ("--headless=new --no-sandbox --disable-gpu --disable-background-networking "
                "--disable-component-update --disable-sync --no-first-run")
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
TARGETS = {"performance": 95, "accessibility": 100, "best-practices": 95, "seo": 95}
RUNS = 3
OPTIMIZER_PAGE = "optimizers/adam/"
OPTIMIZER_BYTES = 1_500_000
#: the live explorer before the reader opens the custom surface (issue 14)
EXPLORER_PAGE = "explorer/"
EXPLORER_BYTES = 300_000
# (label, page) in the order printed; pages that the site does not have are left out.
PAGES = (("home", ""), ("optimizer (Adam)", OPTIMIZER_PAGE), ("summary", "summary/"),
         ("explorer", "explorer/"), ("SGD", "optimizers/sgd/"), ("schedules", "schedules/"),
         ("real data", "real-data/"), ("newer", "optimizers/newer/"),
         ("second-order", "optimizers/second-order/"), ("momentum", "optimizers/momentum/"),
         ("lab", "lab/"))
GZIP_TYPES = ("text/", "application/javascript", "application/json", "image/svg+xml",
              "application/xml", "application/manifest+json")


class GzipHandler(http.server.SimpleHTTPRequestHandler):
    """Static files under SUBPATH, text gzipped when the client accepts it (as Pages does)."""

    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                      ".js": "application/javascript", ".json": "application/json",
                      ".svg": "image/svg+xml", ".woff2": "font/woff2", ".xml": "application/xml"}
    _compressed: dict[Path, bytes] = {}

    def translate_path(self, path: str) -> str:
        clean = path.split("?", 1)[0].split("#", 1)[0]
        if not clean.startswith(SUBPATH):
            return str(Path(self.directory) / "__outside_the_site__")
        return super().translate_path("/" + clean[len(SUBPATH):])

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            if not self.path.split("?", 1)[0].endswith("/"):
                return super().send_head()  # the redirect to the folder's URL
            path = path / "index.html"
        ctype = self.guess_type(str(path))
        wants_gzip = "gzip" in self.headers.get("Accept-Encoding", "")
        if not path.is_file():
            return self._not_found()
        if not (wants_gzip and ctype.startswith(GZIP_TYPES)):
            return super().send_head()
        body = self._compressed.get(path)
        if body is None:
            body = self._compressed[path] = compress(path)
        self.send_response(200)
        self.send_header("Content-Type", ctype + ("; charset=utf-8" if ctype.startswith("text/")
                                                  else ""))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Vary", "Accept-Encoding")
        self.end_headers()
        return _Body(body)

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "max-age=600")  # what Pages sends for every file
        super().end_headers()

    def _not_found(self):
        page = Path(self.directory) / "404.html"
        body = page.read_bytes() if page.is_file() else b"Not found"
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return _Body(body)

    def log_message(self, *args) -> None:
        pass


def compress(path: Path) -> bytes:
    return gzip.compress(path.read_bytes(), compresslevel=6, mtime=0)


def precompress(site: Path) -> None:
    """Gzip every text file before the first run: compressing on first request made the
    first run of each page wait for the server, which Lighthouse counts against the page."""
    for path in site.rglob("*"):
        ctype = (GzipHandler.extensions_map.get(path.suffix)
                 or mimetypes.guess_type(path.name)[0] or "")
        if path.is_file() and ctype.startswith(GZIP_TYPES):
            GzipHandler._compressed[path] = compress(path)


class _Body:
    """What send_head returns: a file-like object that copyfile reads once."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def read(self, *_):
        data, self.data = self.data, b""
        return data

    def close(self) -> None:
        pass


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def build(dest: Path, port: int) -> None:
    env = {**os.environ, "SITE_URL": f"http://127.0.0.1:{port}{SUBPATH}"}
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(dest)],
                   cwd=ROOT, env=env, check=True)


def lighthouse(url: str, out: Path) -> dict:
    """One Lighthouse run (mobile, simulated throttling: its defaults); the parsed report."""
    env = {**os.environ, "CHROME_PATH": CHROME}
    subprocess.run(
        [str(LIGHTHOUSE), url, "--quiet", "--output=json", f"--output-path={out}",
         f"--only-categories={','.join(CATEGORIES)}", f"--chrome-flags={CHROME_FLAGS}"],
        env=env, check=True, timeout=300)
    return json.loads(out.read_text(encoding="utf-8"))


def summarize(report: dict) -> dict:
    audits = report["audits"]
    requests = audits["network-requests"]["details"]["items"]
    failing = {cat: [a["id"] for a in report["categories"][cat]["auditRefs"]
                     if a["weight"] > 0 and (audits[a["id"]].get("score") is not None)
                     and audits[a["id"]]["score"] < 0.9]
               for cat in CATEGORIES}
    return {
        **{cat: round(report["categories"][cat]["score"] * 100) for cat in CATEGORIES},
        "bytes": int(audits["total-byte-weight"]["numericValue"]),
        "gifs": sum(1 for r in requests if r["url"].endswith(".gif")),
        "lcp_ms": int(audits["largest-contentful-paint"]["numericValue"]),
        "failing": failing,
    }


def median_run(runs: list[dict]) -> dict:
    """The median of each number over the runs (scores and bytes separately)."""
    keys = [*CATEGORIES, "bytes", "gifs", "lcp_ms"]
    out = {k: int(statistics.median(r[k] for r in runs)) for k in keys}
    out["failing"] = {cat: sorted({a for r in runs for a in r["failing"][cat]})
                      for cat in CATEGORIES}
    return out


def misses(label: str, page: str, row: dict) -> list[str]:
    found = [f"{label}: {cat} {row[cat]} < {goal}" for cat, goal in TARGETS.items()
             if row[cat] < goal]
    if page == OPTIMIZER_PAGE and row["bytes"] > OPTIMIZER_BYTES:
        found.append(f"{label}: {row['bytes']:,} bytes before scrolling > {OPTIMIZER_BYTES:,}")
    if page == EXPLORER_PAGE and row["bytes"] > EXPLORER_BYTES:
        found.append(f"{label}: {row['bytes']:,} bytes transferred > {EXPLORER_BYTES:,}")
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", type=Path, help="a site already built under "
                        f"{SUBPATH} with SITE_URL at the port given by --port")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--runs", type=int, default=RUNS)
    parser.add_argument("--only", nargs="*", help="page labels to measure (default: all)")
    args = parser.parse_args()
    if not LIGHTHOUSE.exists():
        print(f"{LIGHTHOUSE} missing: run `npm ci`", file=sys.stderr)
        return 2
    port = args.port or free_port()
    work = Path(tempfile.mkdtemp(prefix="bench-site-"))
    try:
        site = args.site
        if site is None:
            site = work / "site"
            print(f"building the site into {site} ...", flush=True)
            build(site, port)
        precompress(site)
        handler = functools.partial(GzipHandler, directory=str(site))
        httpd = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{port}{SUBPATH}"
        rows, missed = [], []
        for label, page in PAGES:
            if args.only and label not in args.only:
                continue
            if not (site / page / "index.html").is_file():
                print(f"({label}: no page {page} in this build, left out)")
                continue
            runs = []
            for i in range(args.runs):
                print(f"lighthouse {label} run {i + 1}/{args.runs} ...", flush=True)
                runs.append(summarize(lighthouse(base + page, work / f"lh-{i}.json")))
            row = median_run(runs)
            rows.append((label, page, row))
            missed += misses(label, page, row)
        httpd.shutdown()
        print_table(rows)
        for line in missed:
            print("MISSED " + line)
        return 1 if missed else 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


def print_table(rows) -> None:
    print(f"\nLighthouse {'mobile'}, median of the runs, served with gzip on 127.0.0.1\n")
    head = f"{'page':<18}{'perf':>6}{'a11y':>6}{'BP':>6}{'SEO':>6}{'bytes':>12}{'GIFs':>6}" \
           f"{'LCP ms':>8}"
    print(head)
    print("-" * len(head))
    for label, _, r in rows:
        print(f"{label:<18}{r['performance']:>6}{r['accessibility']:>6}{r['best-practices']:>6}"
              f"{r['seo']:>6}{r['bytes']:>12,}{r['gifs']:>6}{r['lcp_ms']:>8}")
    print()
    for label, _, r in rows:
        low = {cat: ids for cat, ids in r["failing"].items() if ids}
        if low:
            print(f"{label}: audits below 0.9: " + "; ".join(f"{c}: {', '.join(i)}"
                                                            for c, i in low.items()))


if __name__ == "__main__":
    sys.exit(main())
