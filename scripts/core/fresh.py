"""Run cache renders in fresh ``spawn`` processes, so they run the source on disk.

A cache key hashes the source files on disk (``keys.py``); the render must run exactly that
source. ``mkdocs serve`` reloads the hook on an edit but not the ``optim_ref`` and
``scripts`` modules it imported, and a ``fork`` worker inherits them, so an in-process or
forked render would store the old code's output under the new key. A ``spawn`` process
imports everything from disk. Every renderer goes through here (figures, the timeline).
Notebooks need nothing: nbclient runs them in a fresh kernel process already.
"""

from __future__ import annotations

import multiprocessing
import sys
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path

ROOT = str(Path(__file__).resolve().parents[2])


def pool(workers: int) -> ProcessPoolExecutor:
    """A pool of fresh ``spawn`` workers (never ``fork``, never this process).

    The workers must import ``scripts`` from this checkout. A spawn worker starts from the
    parent's ``sys.path`` of the moment, and MkDocs puts back its own ``sys.path`` after it
    has run the hook file (which inserts the checkout), so the checkout goes back on here.
    """
    if ROOT not in sys.path:
        sys.path.insert(0, ROOT)
    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"))


def done(value) -> Future:
    """A future that already holds ``value``: what a caller waits on when the cache had it."""
    future: Future = Future()
    future.set_result(value)
    return future
