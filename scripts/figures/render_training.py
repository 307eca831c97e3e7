"""Draw the real-data figure (kind ``training``) into a folder, in one language.

NAME.png: loss (top) and accuracy (bottom) against the epoch, constant rate (left) and
warm-up then cosine (right), validation solid and training dotted; meta.json: the rates
the rule chose and the story, in both languages. Its own module so that its cache key
covers the digits, the network and this drawing, and nothing of the races.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from optim_ref.viz import fonts
from optim_ref.viz import training as plots
from scripts.core.languages import LANGS
from scripts.figures import training
from scripts.figures.registry import Figure

SIZE = (760, 620)
WORDS = {
    "ko": {"epoch": "에포크", "loss": "교차 엔트로피 손실", "acc": "정확도",
           "val": "검증 데이터", "train": "학습 데이터"},
    "en": {"epoch": "epoch", "loss": "cross-entropy loss", "acc": "accuracy",
           "val": "validation data", "train": "training data"},
}


def render(fig: Figure, lang: str, out: Path) -> None:
    result = training.compute(fig.optimizers, fig.steps)
    words, sched = WORDS[lang], training.SCHEDULE_WORDS[lang]
    panels, titles = [], []
    for what in ("loss", "acc"):
        for s in training.SCHEDULES:
            cs = [result.curve(name, s) for name in fig.optimizers]
            panels.append({"val": np.array([getattr(c, f"val_{what}") for c in cs]),
                           "train": np.array([getattr(c, f"train_{what}") for c in cs])})
            titles.append(sched[s])
    epochs = result.curves[0].at / result.per_epoch
    png = plots.curves_png(epochs, panels, list(fig.optimizers), titles=titles,
                           ylabels=[words["loss"], words["acc"]], xlabel=words["epoch"],
                           val_label=words["val"], train_label=words["train"],
                           font=fonts.family(lang), size=SIZE)
    (out / f"{fig.name}.png").write_bytes(png)
    meta = {"lrs": training.lrs_text(result, "constant"),
            "rule": {lg: training.rule_text(result, lg) for lg in LANGS},
            "story": {lg: training.story(result, lg) for lg in LANGS}, "size": list(SIZE)}
    (out / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1, sort_keys=True),
                                   encoding="utf-8")
