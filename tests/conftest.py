"""Session fixtures: one strict build of the whole site (both languages), served under a
sub-path on 127.0.0.1, shared by the build and browser tests."""

from __future__ import annotations

import pytest
from playwright.sync_api import sync_playwright
from site_support import CHROMIUM_ARGS, Server, build_site, free_port, require_chromium


@pytest.fixture(scope="session")
def site_port() -> int:
    return free_port()


@pytest.fixture(scope="session")
def built_site(tmp_path_factory, site_port):
    """The site, built once with ``--strict`` (figures may come from the warm cache)."""
    return build_site(tmp_path_factory.mktemp("site"), site_port)


@pytest.fixture(scope="session")
def served_site(built_site, site_port):
    with Server(built_site.site, site_port):
        yield built_site


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium through Playwright, one per test module (a missing one fails).

    Module scope, not session: the accessibility gate drives Playwright's async API in its
    own event loop, which must not run while a sync Playwright is open.
    """
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=require_chromium(), args=CHROMIUM_ARGS,
                               headless=True)
        yield b
        b.close()
