"""Render every figure of the registry into the cache, in parallel, once per change.

Both ``python -m scripts.figures.build_assets`` (the command) and the MkDocs hook call ``ensure``; a
second call with nothing changed only computes keys and verifies the cache.
"""

from __future__ import annotations

import importlib.metadata
import json
import logging
import os
import sys
import time
from concurrent.futures import Executor, as_completed
from contextlib import ExitStack
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from scripts.core import cache, fresh, keys, words
from scripts.core.languages import LANGS
from scripts.figures import races
from scripts.figures.registry import Figure

KIND = "figures"
#: each render's seconds at debug level (`mkdocs build -v`): what the cold build spends where
log = logging.getLogger("mkdocs.hooks.optim_ref.figures")
#: modules every figure's pixels depend on, besides its optimizers
COMMON_MODULES = (
    "optim_ref.trajectory", "optim_ref.tuning", "optim_ref.functions",
    "optim_ref.viz.animate", "optim_ref.viz.paths", "scripts.figures.races",
    "scripts.figures.render_races",
)
#: the fits (scripts/render_fits.py and what it imports: data, losses, network, drawing)
KIND_MODULES = {kind: ("scripts.figures.render_fits",)
                for kind in ("line-fit", "width-fit", "singular-values")}
#: the stochastic figures (scripts/figures/render_stochastic.py: runs, schedules, drawing)
KIND_MODULES.update({kind: ("scripts.figures.render_stochastic",)
                     for kind in ("sgd-batches", "sgd-decay", "noise-spread", "schedule-shapes")})
#: the real-data figure (scripts/figures/render_training.py: digits, network, drawing)
KIND_MODULES["training"] = ("scripts.figures.render_training",)
#: Muon on the digits network's W1, AdamW on the rest (render_muon_split.py: runs, drawing)
KIND_MODULES["muon-split"] = ("scripts.figures.render_muon_split",)
#: the analysis figures (scripts/figures/render_theory.py: optim_ref.analysis, viz.theory)
KIND_MODULES.update({kind: ("scripts.figures.render_theory",)
                     for kind in ("rate-beta", "ema-weights", "bias-correction",
                                  "nag-lookahead")})
#: the sections of core/words.yml a render writes (on the picture, or in meta.json's rule);
#: the stochastic and training kinds keep their words beside their own renderers
KIND_WORDS = {"trajectory": ("rule",), "loss": ("rule", "loss_axes"),
              "line-fit": ("fit",), "width-fit": ("fit",), "singular-values": ("fit",),
              "sgd-batches": (), "sgd-decay": (), "noise-spread": (), "schedule-shapes": (),
              "training": (), "rate-beta": (), "ema-weights": (), "bias-correction": (),
              "nag-lookahead": (), "muon-split": ("muon_split",)}
#: what one figure's render costs, every language of it together, in CPU seconds on the
#: 2-core machine (``mkdocs build -v`` prints each render's; a trajectory costs more with
#: every runner). Only the order of work depends on it: the pool starts the longest renders
#: first (longest-processing-time-first), so no long one is left alone on a core at the end.
COST_S = {"loss": 0.5, "line-fit": 0.4, "width-fit": 1.5, "singular-values": 0.2,
          "sgd-batches": 1.6, "sgd-decay": 0.9, "noise-spread": 0.9, "schedule-shapes": 0.8,
          "training": 2.2, "muon-split": 2.5, "rate-beta": 0.5, "ema-weights": 0.3,
          "bias-correction": 0.25, "nag-lookahead": 0.2}
TRAJECTORY_COST_S = (0.35, 0.09)  # a GIF's drawing, and each runner's rate sweep and trail
#: the kinds drawn from races.compute's runs
RACE_KINDS = ("trajectory", "loss")


@dataclass(frozen=True)
class Job:
    figure: Figure
    lang: str | None  # None: one rendering serves both languages

    @property
    def label(self) -> str:
        return self.figure.name + (f" ({self.lang})" if self.lang else "")


@lru_cache(maxsize=1)
def _environment() -> dict[str, str]:
    from optim_ref.viz import fonts

    versions = {p: importlib.metadata.version(p) for p in ("numpy", "matplotlib", "pillow")}
    versions["font"] = cache.file_sha256(Path(fonts.nanum_gothic_path()))
    return versions


def optimizer_modules(fig: Figure) -> list[str]:
    import optim_ref
    from scripts.figures.registry import base_optimizer

    return sorted({getattr(optim_ref, base_optimizer(name)).__module__
                   for name in fig.optimizers})


#: the registry's code reads and checks figures.yml; what it parses is in the key
#: (``Figure.params()``), so editing its validation or its messages re-renders nothing
NOT_IN_KEY = ("scripts.figures.registry",)


def key(job: Job) -> str:
    """Hash of what determines the files: parameters, code, library versions, font."""
    code = keys.digest_modules(optimizer_modules(job.figure) + list(COMMON_MODULES)
                               + list(KIND_MODULES.get(job.figure.kind, ())), NOT_IN_KEY)
    drawn = {name: words.raw(name) for name in KIND_WORDS[job.figure.kind]}
    return cache.digest("figure-v1", job.figure.params(), job.lang, code, _environment(), drawn)


def jobs(figures: list[Figure]) -> list[Job]:
    return [Job(f, lang) for f in figures for lang in (LANGS if f.localized else (None,))]


def _render(job: Job, force: bool) -> tuple[str, dict[str, str], float]:
    from scripts.figures import (
        render_fits,
        render_muon_split,
        render_races,
        render_stochastic,
        render_theory,
        render_training,
    )

    renderer = {"scripts.figures.render_fits": render_fits.render,
                "scripts.figures.render_stochastic": render_stochastic.render,
                "scripts.figures.render_theory": render_theory.render,
                "scripts.figures.render_training": render_training.render,
                "scripts.figures.render_muon_split": render_muon_split.render}
    draw = renderer[KIND_MODULES[job.figure.kind][0]] if job.figure.kind in KIND_MODULES \
        else render_races.render
    started = time.process_time()
    files, _ = cache.store(KIND, key(job), lambda d: draw(job.figure, job.lang, d), force=force)
    return job.label, {n: str(p) for n, p in files.items()}, time.process_time() - started


def _render_figure(group: list[Job], force: bool) -> list[tuple[str, dict[str, str], float]]:
    """Every language of one figure (and a race's loss curves), one after the other in one
    worker. The computations they share (runs, rate sweeps) keep their last result
    (``lru_cache(maxsize=1)`` in races, fits, stochastic, training), so a localized figure
    runs once, is drawn twice, and a race's loss curves reuse the race's runs."""
    return [_render(job, force) for job in group]


def _shared(fig: Figure) -> tuple:
    """Figures that share this key share their runs: one worker renders them together."""
    return ("runs", races.run_key(fig)) if fig.kind in RACE_KINDS else ("figure", fig.name)


def cost(fig: Figure) -> float:
    """The CPU seconds ``fig``'s render is expected to take (``COST_S``)."""
    if fig.kind == "trajectory":
        base, per_runner = TRAJECTORY_COST_S
        return base + per_runner * len(fig.optimizers)
    return COST_S[fig.kind]


def longest_first(groups: list[list[Job]]) -> list[list[Job]]:
    """Job groups, the most expensive first (ties keep the registry's order)."""
    return sorted(groups, key=lambda group: -sum(cost(f) for f in {j.figure for j in group}))


def ensure(
    figures: list[Figure], *, force: bool = False, workers: int | None = None,
    progress: bool | None = None, pool: Executor | None = None,
) -> tuple[dict[Job, dict[str, Path]], int]:
    """Files of every figure job (rendering what is missing), and how many were rendered.

    ``pool``: fresh workers (core/fresh.py) the build shares with its other renders, so they
    fill the cores together; without one, a pool of ``workers`` is made for these figures.
    """
    todo = jobs(figures)
    done: dict[Job, dict[str, Path]] = {}
    missing = []
    for job in todo:
        cached = None if force else cache.valid_files(KIND, key(job))
        if cached is None:
            missing.append(job)
        else:
            done[job] = cached
    if not missing:
        return done, 0
    groups: dict[tuple, list[Job]] = {}
    for job in missing:
        groups.setdefault(_shared(job.figure), []).append(job)
    workers = max(1, min(workers or os.cpu_count() or 1, len(groups)))
    bar = _progress(len(missing), progress)
    by_label = {job.label: job for job in missing}
    # Fresh ``spawn`` workers (core/fresh.py): what they render is the source the key hashed.
    with ExitStack() as stack:
        stack.callback(bar.close)
        if pool is None:
            pool = stack.enter_context(fresh.pool(workers))
        futures = [pool.submit(_render_figure, group, force)
                   for group in longest_first(list(groups.values()))]
        for future in as_completed(futures):
            for label, files, cpu in future.result():
                done[by_label[label]] = {n: Path(p) for n, p in files.items()}
                log.debug("figure %s: %.2f s CPU", label, cpu)
                bar.update(1)
    return {job: done[job] for job in todo}, len(missing)  # the registry's order, always


def _progress(total: int, enabled: bool | None):
    from tqdm import tqdm

    return tqdm(total=total, desc="figures", unit="fig", file=sys.stderr,
                disable=(not sys.stderr.isatty()) if enabled is None else not enabled)


def meta(files: dict[str, Path]) -> dict:
    """The facts a render recorded for captions and alt text (learning rates, story)."""
    return json.loads(files["meta.json"].read_text(encoding="utf-8"))
