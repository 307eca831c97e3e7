"""The live explorer's build-time data: the stated rule's learning rate per surface and
optimizer, from optim_ref, and the surfaces' names in each language.

The page (docs/explorer.md, docs/assets/javascripts/explorer/page.js) computes every path in
the browser with the kernels; the only thing it cannot compute cheaply is the rule of the
site's figures (``optim_ref.tuning.best_lr``: a sweep over 26 rates), so the build runs it
once per surface and optimizer, from the surface's own start over RULE_STEPS steps, caches
it like the figures and adds one small file to the site:

    explorer/data/rates.json   {"steps", "rates": {surface: {class: lr}}, "surfaces": {...},
                                "optimizers": {class: {label, color}}}

The render runs in a fresh spawn worker (``core/fresh.py``), like the figures, so a
long-lived ``mkdocs serve`` stores what the code on disk computes under the key of that code.
"""

from __future__ import annotations

import importlib.metadata
import json
from concurrent.futures import Executor, Future
from pathlib import Path

import optim_ref
from optim_ref import functions, tuning
from scripts.core import cache, fresh, keys
from scripts.figures import labels, registry

KIND = "explorer"
FORMAT = "explorer-v3"
SITE_DIR = "explorer"
RULE_STEPS = 200
#: the point optimizers the rule is run for (the page shows those it has a kernel for)
OPTIMIZERS = (*optim_ref.LECTURE, "GD", *optim_ref.AFTER_ADAM, *optim_ref.NEWER_POINT)
MODULES = ["optim_ref.tuning", "optim_ref.trajectory", "optim_ref.functions",
           "optim_ref.optimizers", "scripts.explorer.page"]


def rates() -> dict[str, dict[str, float]]:
    """best_lr of every optimizer on every surface, from the surface's start."""
    out = {}
    for name in functions.NAMES:
        surface = functions.get(name)
        out[name] = {cls: tuning.best_lr(getattr(optim_ref, cls), surface, surface.start,
                                         RULE_STEPS).lr for cls in OPTIMIZERS}
    return out


def data() -> dict:
    names = registry.surface_names()
    return {"steps": RULE_STEPS, "rates": rates(), "optimizers": labels.site_table(),
            "surfaces": {n: {"label": names[n]} for n in functions.NAMES}}


def key() -> str:
    code = keys.digest_modules(MODULES + ["scripts.figures.labels"])
    return cache.digest(FORMAT, list(OPTIMIZERS), RULE_STEPS, code,
                        importlib.metadata.version("numpy"), registry.surface_names())


def write(folder: str) -> None:
    """The entry's one file (run in a fresh worker: the code on disk, not this process's)."""
    (Path(folder) / "rates.json").write_text(
        json.dumps(data(), ensure_ascii=False, sort_keys=True), "utf-8")


def _pairs(entry: dict[str, Path]) -> list[tuple[str, Path]]:
    return [(f"{SITE_DIR}/data/rates.json", entry["rates.json"])]


def store(force: bool = False) -> list[tuple[str, Path]]:
    """(site path, file) pairs for the hook, the file computed now if missing (run in a
    fresh worker, so it holds what the code on disk computes)."""
    entry, _ = cache.store(KIND, key(), lambda folder: write(str(folder)), force=force)
    return _pairs(entry)


def start(pool: Executor, *, force: bool = False) -> Future:
    """``store``'s pairs as a future: read from the cache now, or computed in ``pool``."""
    entry = None if force else cache.valid_files(KIND, key())
    return fresh.done(_pairs(entry)) if entry is not None else pool.submit(store, force)


def site_files(*, force: bool = False) -> list[tuple[str, Path]]:
    """``store``'s pairs (a fresh worker of its own computes them if missing)."""
    with fresh.pool(1) as pool:
        return start(pool, force=force).result()
