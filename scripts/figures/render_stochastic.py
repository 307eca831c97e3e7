"""Draw one stochastic figure (sgd-batches, sgd-decay, noise-spread, schedule-shapes), in one
language, with meta.json carrying its story in both (the runs are in ``stochastic.py``).

Separate from the races and fits so that their cache keys do not cover each other's code.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

from optim_ref.viz import fonts
from optim_ref.viz import stochastic as plots
from scripts.core.languages import LANGS
from scripts.figures import stochastic
from scripts.figures.registry import Figure

WORDS = {
    "ko": {"w": "가중치 w", "b": "편향 b", "step": "걸음", "excess": "손실 − 최솟값",
           "lr": "학습률", "full": "전체 배치 (경사 하강법)", "batch": "배치 크기 {size}",
           "constant": "고정 학습률", "cosine": "CosineAnnealingLR",
           "msd": "평균 제곱 거리 {msd}"},
    "en": {"w": "slope w", "b": "intercept b", "step": "step", "excess": "loss − minimum",
           "lr": "learning rate", "full": "full batch (gradient descent)",
           "batch": "batch size {size}", "constant": "constant lr",
           "cosine": "CosineAnnealingLR", "msd": "mean squared distance {msd}"},
}


#: pixel size of each kind (the page reserves it before the image loads)
SIZES = {"sgd-batches": (720, 600), "sgd-decay": (760, 380), "noise-spread": (780, 340),
         "schedule-shapes": (760, 900)}


def _spread_title(label: str, lr: float, msd: float, words: dict[str, str]) -> str:
    name = "SGD" if label.startswith("SGD") else f"Momentum β={stochastic.BETA}"
    return f"{name}, lr {stochastic.fmt(lr)}\n" + words["msd"].format(msd=stochastic.fmt(msd))


def render(fig: Figure, lang: str, out: Path) -> None:
    words, font = WORDS[lang], fonts.family(lang)
    lr, steps = float(fig.lr), fig.steps
    size = SIZES[fig.kind]
    axes = {"xlabel": words["w"], "ylabel": words["b"], "font": font, "size": size}
    if fig.kind == "sgd-batches":
        result = stochastic.batch_paths(lr, steps)
        titles = [words["full"] if s is None else words["batch"].format(size=s)
                  for s in result.batch_sizes]
        png = plots.paths_panels_png(stochastic.PROBLEM, result.paths, titles, **axes)
        story = {lg: stochastic.batch_story(result, lg) for lg in LANGS}
    elif fig.kind == "sgd-decay":
        result = stochastic.decay(lr, steps)
        png = plots.decay_png(stochastic.PROBLEM, result.paths, result.excess,
                              [words["constant"], words["cosine"]], step_label=words["step"],
                              loss_label=words["excess"], **axes)
        story = {lg: stochastic.decay_story(result, lg) for lg in LANGS}
    elif fig.kind == "noise-spread":
        result = stochastic.spread(lr, steps)
        titles = [_spread_title(lab, r, m, words)
                  for lab, r, m in zip(result.labels, result.lrs, result.msd, strict=True)]
        png = plots.clouds_png(result.points, stochastic.minimum(), titles, **axes)
        story = {lg: stochastic.spread_story(result, lg) for lg in LANGS}
    elif fig.kind == "schedule-shapes":
        scheds = stochastic.shapes(steps)
        titles = ["\n".join(textwrap.wrap(repr(s), 58)) for s in scheds]
        png = plots.schedules_png([s.lrs(lr, steps) for s in scheds], titles,
                                  xlabel=words["step"], ylabel=words["lr"], font=font,
                                  size=size)
        story = {lg: stochastic.shapes_story(steps, lr, lg) for lg in LANGS}
    else:  # the registry admits only the kinds above
        raise ValueError(f"figure {fig.name!r}: not a stochastic kind: {fig.kind!r}")
    (out / f"{fig.name}.png").write_bytes(png)
    meta = {"lrs": stochastic.fmt(lr), "rule": {lg: "" for lg in LANGS}, "story": story,
            "size": list(size)}
    (out / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1, sort_keys=True),
                                   encoding="utf-8")
