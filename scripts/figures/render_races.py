"""Draw one registry figure into a folder: the files the cache stores and the site serves.

trajectory -> NAME.gif (the animation) and NAME.png (its last frame, the static twin)
loss       -> NAME.png, in the language asked for (its axes carry words)
and, for both, meta.json: the learning rates and the alt-text story in both languages,
which the hook fills into the caption templates.
"""

from __future__ import annotations

import json
from pathlib import Path

from optim_ref.viz import animate, fonts, paths
from scripts.core import words
from scripts.core.languages import LANGS
from scripts.figures import races
from scripts.figures.registry import Figure

SIZE = (600, 450)



def render(fig: Figure, lang: str | None, out: Path) -> None:
    race = races.compute(fig)
    surface = races.surface_of(fig)
    diverged_at = [int(r.diverged_at[0]) if r.diverged[0] else None for r in race.runs]
    if fig.kind == "trajectory":
        # Only names and symbols on the picture: one rendering serves both languages.
        anim = animate.race_gif(
            surface, race.paths, race.labels, diverged_at=diverged_at, frames=fig.frames,
            counter="t = {step}/{steps}", size=SIZE, legend_loc="upper right",
        )
        (out / f"{fig.name}.gif").write_bytes(anim.gif)
        (out / f"{fig.name}.png").write_bytes(anim.png)
    elif fig.kind == "loss":
        axes = words.section("loss_axes")[lang]
        xlabel, ylabel = axes["x"], axes["y"]
        png = paths.loss_png(race.losses, race.labels, diverged_at=diverged_at,
                             xlabel=xlabel, ylabel=ylabel, font=fonts.family(lang), size=SIZE)
        (out / f"{fig.name}.png").write_bytes(png)
    else:  # the registry validates kinds; this guards a new kind added there only
        raise ValueError(f"figure {fig.name!r}: field 'kind': no renderer for {fig.kind!r}")
    meta = {
        "lrs": races.lrs_text(race),
        "rule": {lg: races.rule_text(fig, lg) for lg in LANGS},
        "story": {lg: races.story(race, lg) for lg in LANGS},
        "size": list(SIZE),
    }
    (out / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1, sort_keys=True),
                                   encoding="utf-8")
