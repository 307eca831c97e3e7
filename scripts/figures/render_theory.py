"""Draw one analysis figure (rate-beta, ema-weights, bias-correction, nag-lookahead), one language.

NAME.png with the words of ``lang`` on it, and meta.json with the caption's numbers
("facts") and the alt-text story in both languages, computed by ``scripts/figures/theory.py``.
"""

from __future__ import annotations

import json
from pathlib import Path

from optim_ref.viz import fonts
from optim_ref.viz import theory as plots
from scripts.core.languages import LANGS
from scripts.figures import races, theory
from scripts.figures.registry import Figure

SIZE = {"rate-beta": (600, 450), "ema-weights": (600, 450), "bias-correction": (720, 360),
        "nag-lookahead": (720, 450)}

WORDS = {
    "ko": {
        "rate-beta": {"xlabel": "모멘텀 계수 β", "ylabel": "수렴률 (걸음마다 오차가 줄어드는 배율)",
                      "theory": "가장 좋은 η에서의 스펙트럼 반지름", "floor": "√β",
                      "measured": "실행에서 잰 수렴률", "critical": "β* (임계 감쇠)"},
        "ema-weights": {"xlabel": "몇 걸음 전의 기울기 k", "ylabel": "무게 (1−β)β^k"},
        "bias-correction": {"xlabel": "걸음 t", "g": "기울기 g_t", "m": "m_t",
                            "m_hat": "m̂_t = m_t/(1−β1^t)",
                            "titles": ("일정한 기울기", "잡음 섞인 기울기")},
        "nag-lookahead": {"point": "현재 점 w", "ahead": "미리 볼 점 w − ηβa",
                          "momentum": "관성 걸음 −ηβa",
                          "grad_here": "현재 점의 기울기 걸음 (모멘텀)",
                          "grad_ahead": "미리 볼 점의 기울기 걸음 (NAG)",
                          "step_momentum": "모멘텀의 한 걸음", "step_nag": "NAG의 한 걸음"},
    },
    "en": {
        "rate-beta": {"xlabel": "momentum β", "ylabel": "rate (error factor per step)",
                      "theory": "spectral radius at the best η", "floor": "√β",
                      "measured": "rate measured from runs", "critical": "β* (critical damping)"},
        "ema-weights": {"xlabel": "steps back k", "ylabel": "weight (1−β)β^k"},
        "bias-correction": {"xlabel": "step t", "g": "gradient g_t", "m": "m_t",
                            "m_hat": "m̂_t = m_t/(1−β1^t)",
                            "titles": ("constant gradient", "noisy gradient")},
        "nag-lookahead": {"point": "current point w", "ahead": "look-ahead point w − ηβa",
                          "momentum": "momentum step −ηβa",
                          "grad_here": "gradient step at w (Momentum)",
                          "grad_ahead": "gradient step at the look-ahead (NAG)",
                          "step_momentum": "Momentum's step", "step_nag": "NAG's step"},
    },
}


def render(fig: Figure, lang: str, out: Path) -> None:
    words, font, size = WORDS[lang][fig.kind], fonts.family(lang), SIZE[fig.kind]
    if fig.kind == "rate-beta":
        r = theory.compute_rate_beta(fig)
        png = plots.rate_beta_png(r.curve_beta, r.curve_rate, r.beta, r.measured,
                                  beta_star=r.beta_star, words=words, font=font, size=size)
        facts, story = theory.rate_beta_facts, theory.rate_beta_story
    elif fig.kind == "ema-weights":
        r = theory.compute_weights(fig)
        png = plots.weights_png(r.k, r.weights, r.window, [f"β = {b:g}" for b in r.beta],
                                words=words, font=font, size=size)
        facts, story = theory.weights_facts, theory.weights_story
    elif fig.kind == "bias-correction":
        r = theory.compute_bias(fig)
        panels = [{**p, "title": t} for p, t in zip(r.panels, words["titles"], strict=True)]
        png = plots.bias_png(panels, words=words, font=font, size=size)
        facts, story = theory.bias_facts, theory.bias_story
    elif fig.kind == "nag-lookahead":
        r = theory.compute_lookahead(fig)
        png = plots.lookahead_png(races.surface_of(fig), r.point, r.momentum, r.grad_here,
                                  r.grad_ahead, window=r.window, words=words, font=font,
                                  size=size)
        facts, story = theory.lookahead_facts, theory.lookahead_story
    else:  # the registry validates kinds; this guards a new kind added there only
        raise ValueError(f"figure {fig.name!r}: field 'kind': no renderer for {fig.kind!r}")
    (out / f"{fig.name}.png").write_bytes(png)
    lr = "" if fig.lr == "rule" else f"{float(fig.lr):.3g}"
    meta = {"lrs": lr, "rule": {lg: "" for lg in LANGS},
            "facts": {lg: facts(r, lg) for lg in LANGS},
            "story": {lg: story(r, lg) for lg in LANGS}, "size": list(size)}
    (out / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1, sort_keys=True),
                                   encoding="utf-8")
