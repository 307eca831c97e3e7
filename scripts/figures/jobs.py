"""Render every figure of the registry into the cache, in parallel, once per change.

Both ``python -m scripts.figures.build_assets`` (the command) and the MkDocs hook call ``ensure``; a
second call with nothing changed only computes keys and verifies the cache.
"""

from __future__ import annotations

import importlib.metadata
import json
import multiprocessing
import os
import sys
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from scripts.core import cache, keys
from scripts.core.languages import LANGS
from scripts.figures.registry import Figure

KIND = "figures"
#: modules every figure's pixels depend on, besides its optimizers
COMMON_MODULES = (
    "optim_ref.trajectory", "optim_ref.tuning", "optim_ref.functions",
    "optim_ref.viz.animate", "optim_ref.viz.paths", "scripts.figures.races",
    "scripts.figures.render_races",
)
#: the fits (scripts/render_fits.py and what it imports: data, losses, network, drawing)
KIND_MODULES = {kind: ("scripts.figures.render_fits",) for kind in ("line-fit", "width-fit")}
#: the analysis figures (scripts/figures/render_theory.py: optim_ref.analysis, viz.theory)
KIND_MODULES.update({kind: ("scripts.figures.render_theory",)
                     for kind in ("rate-beta", "ema-weights", "bias-correction",
                                  "nag-lookahead")})


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
    return cache.digest("figure-v1", job.figure.params(), job.lang, code, _environment())


def jobs(figures: list[Figure]) -> list[Job]:
    return [Job(f, lang) for f in figures for lang in (LANGS if f.localized else (None,))]


def _render(job: Job, force: bool) -> tuple[str, dict[str, str], bool]:
    from scripts.figures import render_fits, render_races, render_theory

    draw = {"scripts.figures.render_fits": render_fits.render,
            "scripts.figures.render_theory": render_theory.render}.get(
        KIND_MODULES.get(job.figure.kind, ("",))[0], render_races.render)
    files, rendered = cache.store(
        KIND, key(job), lambda d: draw(job.figure, job.lang, d), force=force
    )
    return job.label, {n: str(p) for n, p in files.items()}, rendered


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
    workers = max(1, min(workers or os.cpu_count() or 1, len(missing)))
    bar = _progress(len(missing), progress)
    # Fresh ``spawn`` workers, never ``fork`` or this process: a worker imports optim_ref and
    # scripts from disk, so what it renders is the source the key was computed from, even
    # under ``mkdocs serve``, which reloads the hook but not the modules it imported.
    ctx = multiprocessing.get_context("spawn")
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
            by_label = {job.label: job for job in missing}
            for label, files, _ in pool.map(_render, missing, [force] * len(missing)):
                done[by_label[label]] = {n: Path(p) for n, p in files.items()}
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
