"""Read the built site as files: its pages, their languages, their links and their anchors.

The link gate walks the built HTML itself rather than running a link checker from a
registry: linkchecker's AnchorCheck plugin is disabled upstream as unreliable
(linkchecker/linkchecker#575) and cannot resolve anchors behind directory URLs such as
MkDocs' ``optimizers/adam/#update-rule`` (linkchecker/linkchecker#678), lychee is not on
the registries these machines reach, and mkdocs' own ``validation`` sees Markdown links only,
not the navigation, the templates, the hook's figures or the notebooks. Reading every page
with the standard library's HTML parser checks every one of those, offline, in well under
a second.
"""

from __future__ import annotations

import html.parser
import json
import posixpath
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urljoin, urlparse

LANGS = ("ko", "en")
# Attributes whose value a browser follows or fetches by itself.
LINK_ATTRS = {("a", "href"), ("link", "href"), ("area", "href"), ("img", "src"),
              ("script", "src"), ("iframe", "src"), ("source", "src"), ("video", "src"),
              ("audio", "src"), ("embed", "src"), ("video", "poster")}


@dataclass
class Parsed:
    """What the link gate needs from one page: its anchors, its links, its language."""

    lang: str = ""
    ids: set[str] = field(default_factory=set)
    links: list[tuple[str, str]] = field(default_factory=list)  # (tag.attr, url)


class _Collector(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out = Parsed()

    def handle_starttag(self, tag: str, attrs) -> None:
        a = {k: (v or "") for k, v in attrs}
        if tag == "html":
            self.out.lang = a.get("lang", "")
        for key in ("id",) + (("name",) if tag == "a" else ()):
            if a.get(key):
                self.out.ids.add(a[key])
        for t, attr in LINK_ATTRS:
            if tag == t and attr in a:
                self.out.links.append((f"{tag}.{attr}", a[attr]))
        if "srcset" in a:
            for part in a["srcset"].split(","):
                if part.strip():
                    self.out.links.append((f"{tag}.srcset", part.strip().split(" ")[0]))


def parse(doc: str) -> Parsed:
    collector = _Collector()
    collector.feed(doc)
    collector.close()
    return collector.out


def pages(site: Path) -> list[str]:
    """Every HTML page of the site as a path relative to it (``en/optimizers/adam/index.html``)."""
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))


def page_lang(rel: str) -> str:
    """The language a page is written in, from where it lives (English under ``en/``)."""
    return "en" if rel.startswith("en/") else "ko"


def page_url(rel: str) -> str:
    """The site path a reader visits for a page (``en/optimizers/adam/``)."""
    return rel[: -len("index.html")] if rel.endswith("index.html") else rel


@cache
def _parsed_file(path: Path) -> Parsed:
    return parse(path.read_text(encoding="utf-8"))


@dataclass
class LinkReport:
    broken: list[str] = field(default_factory=list)
    external: dict[str, set[str]] = field(default_factory=dict)  # url -> pages that link it
    checked: int = 0


def resolve(site: Path, base_url: str, from_rel: str, url: str) -> tuple[str, Path | None, str]:
    """Where ``url`` on page ``from_rel`` leads: ('internal', file, fragment) or ('external',..)."""
    here = base_url + page_url(from_rel)
    absolute = urljoin(here, url)
    parts = urlparse(absolute)
    base = urlparse(base_url)
    if parts.scheme not in ("http", "https") or parts.netloc != base.netloc \
            or not parts.path.startswith(base.path):
        return "external", None, ""
    rel = unquote(parts.path[len(base.path):])
    target = site / rel
    if rel == "" or rel.endswith("/") or target.is_dir():
        target = target / "index.html"
    return "internal", target, unquote(parts.fragment)


def check_links(site: Path, base_url: str) -> LinkReport:
    """Every internal link, image and script on every page leads to a file that exists, and
    every ``#fragment`` to an element with that id on the page it names."""
    report = LinkReport()
    for rel in pages(site):
        parsed = _parsed_file(site / rel)
        for where, url in parsed.links:
            url = url.strip()
            if url.startswith(("data:", "javascript:", "blob:")):
                continue
            kind, target, fragment = resolve(site, base_url, rel, url)
            if kind == "external":
                report.external.setdefault(url, set()).add(rel)
                continue
            report.checked += 1
            if not target.is_file():
                report.broken.append(f"{rel}: {where}={url!r} -> {target.relative_to(site)}"
                                     " does not exist")
                continue
            if fragment and target.suffix == ".html" \
                    and fragment not in _parsed_file(target).ids:
                report.broken.append(f"{rel}: {where}={url!r}: no id {fragment!r} on "
                                     f"{target.relative_to(site)}")
    return report


def check_search_index(site: Path) -> list[str]:
    """Each language's search index points at pages and anchors that exist."""
    broken = []
    for index in sorted(site.rglob("search/search_index.json")):
        root = index.parent.parent
        for doc in json.loads(index.read_text(encoding="utf-8"))["docs"]:
            path, _, fragment = doc["location"].partition("#")
            target = root / path / "index.html" if not path.endswith(".html") else root / path
            target = Path(posixpath.normpath(target.as_posix()))
            if not target.is_file():
                broken.append(f"{index.relative_to(site)}: {doc['location']!r}: no page")
            elif fragment and unquote(fragment) not in _parsed_file(target).ids:
                broken.append(f"{index.relative_to(site)}: {doc['location']!r}: no such anchor")
    return broken


def external_link_form(url: str) -> str | None:
    """Why an external link is malformed, or None; the test machines cannot fetch it."""
    if url.startswith("mailto:"):
        return None if "@" in url[len("mailto:"):] else "mailto without an address"
    parts = urlparse(url)
    if parts.scheme not in ("http", "https"):
        return f"scheme {parts.scheme!r} is not http(s)"
    if parts.scheme == "http":
        return "plain http (use https)"
    if not parts.netloc or "." not in parts.hostname or " " in url:
        return "no host, or a space in the address"
    if parts.hostname in ("localhost", "127.0.0.1") or parts.hostname.endswith(".local"):
        return "points at a local machine"
    return None
