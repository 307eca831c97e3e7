"""Session fixtures: one strict build of the whole site (both languages), served under a
sub-path on 127.0.0.1, shared by the build and browser tests."""

from __future__ import annotations

import pytest
import torch
from playwright.sync_api import sync_playwright
from site_support import CHROMIUM_ARGS, Server, build_site, free_port, require_chromium
from threadpoolctl import threadpool_limits

# One thread for numpy's BLAS and for torch in the test process. On a 2-core machine shared
# with other jobs their thread pools oversubscribe the cores and spin: one digits curve
# against torch took 62 s with them and 3 s without (load ~17). The site builds that tests
# start are subprocesses and keep the libraries' defaults, as `make build` has them.
torch.set_num_threads(1)
_ONE_THREAD = threadpool_limits(limits=1)


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


#: fixtures that make a test a layer above the units: a whole-site build, or Chromium
SLOW_FIXTURES = {"built_site", "served_site"}
BROWSER_FIXTURES = {"browser"}


def pytest_collection_modifyitems(items):
    """One rule for the markers: a test that builds the whole site is ``slow``, one that
    drives Chromium is ``browser`` (and slow), whatever its module says, so
    ``pytest -m "not slow and not browser"`` (``make test-fast``) runs the units only."""
    for item in items:
        used = set(getattr(item, "fixturenames", ()))
        if used & BROWSER_FIXTURES:
            item.add_marker(pytest.mark.browser)
        if used & (SLOW_FIXTURES | BROWSER_FIXTURES):
            item.add_marker(pytest.mark.slow)
