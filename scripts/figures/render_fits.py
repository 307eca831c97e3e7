"""Draw one fit figure (line-fit, width-fit, singular-values) into a folder, in one language.

NAME.png with the words of ``lang`` on it, and meta.json with the alt-text story in both
languages (and the empty learning-rate rule the hook's caption templates expect).
Separate from ``scripts/render.py`` on purpose: a figure's cache key covers the code that
draws it, so the races do not re-render when the loss functions or the network change,
and the fits do not when the race drawing does.
"""

from __future__ import annotations

import json
from pathlib import Path

from optim_ref.viz import fits as fit_plots
from optim_ref.viz import fonts, spectra
from scripts.core import words
from scripts.core.languages import LANGS
from scripts.figures import fits
from scripts.figures.registry import Figure

FIT_SIZE = {"line-fit": (600, 450), "width-fit": (720, 540), "singular-values": (640, 420)}


def render(fig: Figure, lang: str, out: Path) -> None:
    """A fit figure in one language, and meta.json with its story in both."""
    legend, font = words.section("fit")[lang], fonts.family(lang)
    if fig.kind == "line-fit":
        result = fits.compute_lines(fig)
        png = fit_plots.line_fit_png(
            result.x, result.y, result.lines, result.labels, outliers=result.outliers,
            truth=fits.TRUE_LINE, data_label=legend["data"], outlier_label=legend["outliers"],
            truth_label=legend["truth"], font=font, size=FIT_SIZE[fig.kind])
        story = {lg: fits.line_story(result, lg) for lg in LANGS}
    elif fig.kind == "singular-values":
        result = fits.compute_spectra(fig)
        png = spectra.spectra_png([result.before, result.after],
                                  [legend["before"], legend["after"]], xlabel=legend["rank"],
                                  ylabel=legend["sigma"], font=font, size=FIT_SIZE[fig.kind])
        story = {lg: fits.spectra_story(result, lg) for lg in LANGS}
    else:
        result = fits.compute_widths(fig)
        png = fit_plots.panels_png(
            result.x, result.y, result.grid, result.curves,
            [fits.width_title(w, m, lang) for w, m in zip(result.widths, result.mse, strict=True)],
            target=fits.target(result.grid), data_label=legend["data"],
            target_label=legend["target"], model_label=legend["model"], font=font,
            size=FIT_SIZE[fig.kind])
        story = {lg: fits.width_story(result, lg) for lg in LANGS}
    (out / f"{fig.name}.png").write_bytes(png)
    lrs = "" if fig.lr == "rule" else f"{float(fig.lr):.3g}"  # singular-values trains nothing
    meta = {"lrs": lrs, "rule": {lg: "" for lg in LANGS}, "story": story,
            "size": list(FIT_SIZE[fig.kind])}
    (out / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1, sort_keys=True),
                                   encoding="utf-8")
