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
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from scripts.core import cache, fresh, keys, words
from scripts.core.languages import LANGS
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
    """Every language of one figure, one after the other in one worker. The computations the
    languages share (runs, rate sweeps) keep their last result (``lru_cache(maxsize=1)`` in
    races, fits, stochastic, training), so a localized figure runs once, is drawn twice."""
    return [_render(job, force) for job in group]



def ensure(
    figures: list[Figure], *, force: bool = False, workers: int | None = None,
    progress: bool | None = None,
) -> tuple[dict[Job, dict[str, Path]], int]:
    """Files of every figure job (rendering what is missing), and how many were rendered."""
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
    workers = max(1, min(workers or os.cpu_count() or 1, len({j.figure.name for j in missing})))
    bar = _progress(len(missing), progress)
    # Fresh ``spawn`` workers (core/fresh.py): what they render is the source the key hashed.
    try:
        with fresh.pool(workers) as pool:
            by_label = {job.label: job for job in missing}
            groups: dict[str, list[Job]] = {}
            for job in missing:
                groups.setdefault(job.figure.name, []).append(job)
            for rendered in pool.map(_render_figure, groups.values(), [force] * len(groups)):
                for label, files, cpu in rendered:
                    done[by_label[label]] = {n: Path(p) for n, p in files.items()}
                    log.debug("figure %s: %.2f s CPU", label, cpu)
                    bar.update(1)
    finally:
        bar.close()
    return done, len(missing)


def _progress(total: int, enabled: bool | None):
    from tqdm import tqdm

    return tqdm(total=total, desc="figures", unit="fig", file=sys.stderr,
                disable=(not sys.stderr.isatty()) if enabled is None else not enabled)


def meta(files: dict[str, Path]) -> dict:
    """The facts a render recorded for captions and alt text (learning rates, story)."""
    return json.loads(files["meta.json"].read_text(encoding="utf-8"))
