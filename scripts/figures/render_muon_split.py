"""Draw the Muon-on-W1 figure (kind ``muon-split``) into a folder, in one language.

NAME.png: training loss (top, log scale) and validation accuracy (bottom) against the step,
one column per rate, AdamW on every weight against Muon on W1 with AdamW on the rest, in
each optimizer's colour (``labels.py``); meta.json: the story and the caption's facts in
both languages. Its own module so that its cache key covers these runs and this drawing,
and the digits figure's rate sweep does not re-render when they change.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from optim_ref.viz import fonts
from optim_ref.viz import training as plots
from scripts.core import words
from scripts.core.languages import LANGS
from scripts.figures import labels, muon_split
from scripts.figures.registry import Figure

SIZE = (760, 560)


def render(fig: Figure, lang: str, out: Path) -> None:
    runs = muon_split.compute(fig)
    said = words.section("muon_split")[lang]
    base, matrix = fig.optimizers
    names = [said["alone"].format(base=labels.label(base)),
             said["split"].format(base=labels.label(base), matrix=labels.label(matrix))]
    panels, titles = [], []
    for what in ("train_loss", "val_acc"):
        for lr in fig.rates:
            panels.append(np.array([getattr(muon_split.run(runs, lr, split), what)
                                    for split in (False, True)]))
            titles.append(said["column"].format(lr=f"{lr:g}"))
    png = plots.steps_png(np.arange(fig.steps + 1), panels, names,
                          [labels.OPTIMIZERS[base].color, labels.OPTIMIZERS[matrix].color],
                          titles=titles, ylabels=[said["loss"], said["acc"]],
                          xlabel=said["step"], log_rows=(0,), percent_rows=(1,),
                          ncols=len(fig.rates), font=fonts.family(lang), size=SIZE)
    (out / f"{fig.name}.png").write_bytes(png)
    meta = {"lrs": ", ".join(f"{lr:g}" for lr in fig.rates), "rule": {lg: "" for lg in LANGS},
            "story": {lg: muon_split.story(fig, runs, lg) for lg in LANGS},
            "facts": {lg: muon_split.facts(fig, lg) for lg in LANGS}, "size": list(SIZE)}
    (out / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1, sort_keys=True),
                                   encoding="utf-8")
