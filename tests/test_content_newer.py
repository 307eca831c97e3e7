"""The numbers the newer-optimizers, second-order and summary pages state, recomputed from
optim_ref (issue 15), so a page cannot keep a number the code no longer gives."""

from __future__ import annotations

import functools
import re

import numpy as np
import pytest
import torch.optim
from site_support import ROOT

import optim_ref
from optim_ref import functions, mlp, tuning
from optim_ref.data import load_digits
from scripts.figures import fits, muon_split, races, registry

pytestmark = pytest.mark.content  # make test-fast leaves the pages' numbers out

DOCS = ROOT / "docs"


def both(page: str) -> list[str]:
    return [(DOCS / f"{page}{suffix}").read_text(encoding="utf-8") for suffix in (".md", ".en.md")]


def table_rows(text: str, first_cell: str) -> list[list[str]]:
    """The cells of every table row whose first cell starts with ``first_cell``."""
    return [[c.strip() for c in ln.strip().strip("|").split("|")] for ln in text.splitlines()
            if ln.startswith("|") and ln.strip("| ").startswith(first_cell)]


def test_radam_numbers_are_the_formulas_and_the_code():
    beta2 = 0.999
    rho_inf = 2 / (1 - beta2) - 1
    rho = [rho_inf - 2 * t * beta2**t / (1 - beta2**t) for t in range(1, 8)]
    first = next(t for t, r in enumerate(rho, 1) if r > 5)
    r6 = np.sqrt((rho[5] - 4) * (rho[5] - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho[5]))
    # optim_ref's RAdam takes momentum steps (size lr) until `first`, then lr * r_t * ~1
    opt, theta = optim_ref.RAdam(lr=1e-3), np.zeros(1)
    state, moves = opt.init(theta), []
    for _ in range(first):
        new, state = opt.step(theta, np.ones(1), state)
        moves.append(abs(float(new[0] - theta[0])))
        theta = new
    assert np.allclose(moves[:-1], 1e-3) and moves[-1] == pytest.approx(1e-3 * r6, rel=1e-6)
    for text in both("optimizers/newer"):
        assert f"{rho_inf:.0f}" in text and f"{rho[4]:.3f}" in text and f"{r6:.3f}" in text
        assert first == 6 and round(1 / r6) == 39  # "a fortieth" of Adam's step


def test_adafactor_memory_on_the_page_is_optim_refs_state():
    n, m = 768, 3072
    state = optim_ref.Adafactor().init(np.zeros((n, m)))
    kept = state.row_var.size + state.col_var.size
    assert kept == n + m == 3840
    for text in both("optimizers/newer"):
        assert f"{kept}" in text and f"{n * m:,}".replace(",", "{,}") in text
        assert f"{n * m // kept}" in text


def test_the_singular_value_table_is_the_figures_run():
    fig = registry.by_name(registry.load())["muon-singular-values"]
    spectra = fits.compute_spectra(fig)
    b, a = spectra.before, spectra.after
    for text in both("optimizers/newer"):
        x0, x5 = table_rows(text, "$X_0$")[0], table_rows(text, "$X_5$")[0]
        assert x0[1:] == [f"{b.max():.3f}", f"{b.min():.4f}", f"{b.max() / b.min():.1f}"]
        assert x5[1:] == [f"{a.max():.3f}", f"{a.min():.3f}", f"{a.max() / a.min():.2f}"]


@functools.cache
def _split_runs():
    """The muon-digits-split figure and its four runs (one computation for the tests below)."""
    fig = registry.by_name(registry.load())["muon-digits-split"]
    return fig, muon_split.compute(fig)


def test_the_muon_and_adamw_table_is_the_figures_run():
    fig, runs = _split_runs()
    assert fig.optimizers == ("AdamW", "Muon") and fig.steps == 300 and float(fig.lr) == 0.01
    for text in both("optimizers/newer"):
        rows = [r for r in (table_rows(text, "AdamW") + table_rows(text, "$W_1$")
                            + table_rows(text, "Muon")) if r[1][:1] == "0"]
        want = [muon_split.run(runs, lr, split) for split in (False, True) for lr in fig.rates]
        assert [r[1:] for r in rows] == [[f"{r.train_loss[-1]:.4f}", f"{r.val_acc[-1]:.1%}"]
                                         for r in want], rows
        for cells, r in zip(rows, want, strict=True):
            assert f"`lr={r.lr:g}`" in cells[0]


def test_the_split_trains_w1_with_muon_and_the_rest_with_adamw():
    """One step of the split is Muon's step on the 64 x 32 matrix W1 and AdamW's on the rest."""
    fig, _ = _split_runs()
    split = load_digits()
    p0 = mlp.init_params(64, 32, 10, seed=0)
    _, g = mlp.loss_and_grad(p0, split.x_train, split.y_train, loss="cross_entropy", n_out=10)
    opt = muon_split.optimizer(fig, 0.03, True)
    p1, _ = opt.step(p0, g, opt.init(p0))
    muon, adamw = optim_ref.Muon(lr=0.03), optim_ref.AdamW(lr=0.01)
    w1, _ = muon.step(p0[:2048].reshape(64, 32), g[:2048].reshape(64, 32),
                      muon.init(np.zeros((64, 32))))
    rest, _ = adamw.step(p0[2048:], g[2048:], adamw.init(p0[2048:]))
    assert np.array_equal(p1, np.concatenate([w1.ravel(), rest]))
    with pytest.raises(ValueError, match="2-D"):  # Muon on the flat vector is refused
        muon.init(p0)


def test_what_the_muon_paragraph_says_of_the_curves_is_the_run():
    fig, runs = _split_runs()
    since = [muon_split.below_from(runs, lr) for lr in fig.rates]
    assert since == [285, 250]
    for lr, k in zip(fig.rates, since, strict=True):  # AdamW alone is lower before step k
        alone, split = muon_split.run(runs, lr, False), muon_split.run(runs, lr, True)
        assert np.all(split.train_loss[1:k] > alone.train_loss[1:k])
    images = sorted({round(360 * abs(muon_split.run(runs, lr, True).val_acc[-1]
                                     - muon_split.run(runs, lr, False).val_acc[-1]))
                     for lr in fig.rates})
    assert images == [1, 2]  # "one or two of the 360 validation images"
    rms = [muon_split.first_step_rms(fig, 0.01, split) for split in (True, False)]
    data = load_digits()
    p0 = mlp.init_params(64, 32, 10, seed=0)
    _, g = mlp.loss_and_grad(p0, data.x_train, data.y_train, loss="cross_entropy", n_out=10)
    opt = optim_ref.AdamW(lr=0.01)
    moved = np.abs(opt.step(p0, g, opt.init(p0))[0] - p0)[:2048]
    share = np.mean(np.abs(moved - 0.01) < 1e-4)  # within 1% of the rate
    ortho = optim_ref.Muon(lr=0.01).orthogonalize(g[:2048].reshape(64, 32))
    ortho_rms = np.sqrt(np.mean(ortho**2))
    scale = optim_ref.Muon(lr=0.01).adjusted_lr((64, 32)) / 0.01
    assert scale == pytest.approx(np.sqrt(2))  # the step is lr s O, and weight decay (< 0.1%)
    assert 0.01 * scale * ortho_rms == pytest.approx(rms[0], rel=1e-3)
    for text, phrase in zip(both("optimizers/newer"), ("한두 장", "one or two of the 360"),
                            strict=True):
        section = text.split("## Muon")[1].split("\n## ")[0]
        for number in [*map(str, since), f"{rms[0]:.4f}", f"{rms[1]:.4f}", f"{share:.0%}",
                       f"{ortho_rms:.3f}", "\\sqrt{32/2048} = 1/8", phrase]:
            assert number in section, number


def test_what_the_newer_page_says_of_the_races_is_what_they_show():
    figs = registry.by_name(registry.load())
    quad = races.compute(figs["race-newer-quadratic"])
    stories = {lab: races.describe_run(r, lab, functions.get("quadratic"), "en")
               for lab, r in zip(quad.labels, quad.runs, strict=True)}
    steps = {k: int(re.search(r"by step (\d+)", s).group(1)) for k, s in stories.items()}
    assert sorted(steps, key=steps.get) == ["Rprop", "ASGD", "Lion", "Adam", "RAdam"]
    lr_radam, lr_adam = (quad.lrs[quad.labels.index(n)] for n in ("RAdam", "Adam"))
    assert lr_radam < lr_adam
    rosen = races.compute(figs["race-newer-rosenbrock"])
    surface = functions.get("rosenbrock")
    reached = [lab for lab, r in zip(rosen.labels, rosen.runs, strict=True)
               if "reaches" in races.describe_run(r, lab, surface, "en")]
    final = {lab: float(r.loss[0, -1]) for lab, r in zip(rosen.labels, rosen.runs, strict=True)}
    assert reached == ["Adam"]
    for text in both("optimizers/newer"):
        assert f"{lr_radam:.3g}" in text and f"{lr_adam:.3g}" in text
        for n in steps.values():
            assert str(n) in text
        for lab in ("Lion", "Rprop", "RAdam", "ASGD"):
            assert f"{final[lab]:.3g}" in text, (lab, final[lab])


def _lbfgs(surface, line_search_fn):
    """(iterations, evaluations) of one LBFGS call allowed k iterations, for the least k that
    ends below 1e-6."""
    f = lambda p: (float(surface.value(p)), surface.grad(p))  # noqa: E731
    for k in range(1, 300):
        opt = optim_ref.LBFGS(max_iter=k, max_eval=100 * k, line_search_fn=line_search_fn)
        x0 = np.asarray(surface.start, float)
        x, state = opt.step(x0, f, opt.init(x0))
        if f(x)[0] < 1e-6:
            return state.n_iter, state.func_evals
    raise AssertionError("L-BFGS never got below 1e-6")


SURFACES = {"quadratic": functions.get("quadratic"), "rotated": functions.quadratic(angle=30.0),
            "rosenbrock": functions.get("rosenbrock")}


def test_the_lbfgs_table_is_what_the_runs_give():
    for text in both("optimizers/second-order"):
        for line_search, first in ((None, "L-BFGS, `lr=1`"),
                                   ("strong_wolfe", 'L-BFGS, `line_search_fn="strong_wolfe"`')):
            cells = table_rows(text, first)[0]
            want = [f"{i} ({e})" for i, e in (_lbfgs(s, line_search) for s in SURFACES.values())]
            assert cells[1:] == want, (cells, want)
        for name, label in (("SGD", "GD"), ("Momentum", "Momentum"), ("Adam", "Adam")):
            cells = next(r for r in table_rows(text, label) if r[0] == label)
            for cell, surface in zip(cells[1:], SURFACES.values(), strict=True):
                run = tuning.best_lr(getattr(optim_ref, name), surface,
                                     np.asarray(surface.start, float), 400).run
                hits = np.flatnonzero(run.loss[0] < 1e-6)
                if hits.size:
                    assert cell == str(int(hits[0])), (name, cell)
                else:
                    assert "400" in cell and not cell.isdigit(), (name, cell)


def test_the_summary_lists_every_optimizer_of_torch_optim():
    names = sorted(n for n in dir(torch.optim) if n[0].isupper() and n != "Optimizer")
    for text in both("summary"):
        rows = [r for r in table_rows(text, "`") if r[0].startswith("`")]
        listed = sorted(r[0].strip("`") for r in rows)
        assert listed == names, (listed, names)
        assert f"{len(names)}" in text
        for row in rows:
            for link in re.findall(r"\]\(([^)]+)\)", row[3]):
                assert (DOCS / link).is_file(), link


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_the_muon_split_figure_is_built_with_words_of_its_runs(built_site, lang):
    """Its own rendering per language; alt text with every run's last loss and accuracy, and
    the caption with the columns' rates."""
    fig, runs = _split_runs()
    page = built_site.site / ("" if lang == "ko" else "en/") / "optimizers" / "newer"
    html = (page / "index.html").read_text(encoding="utf-8")
    figure = re.search(r'<figure[^>]*data-figure="muon-digits-split"[^>]*>.*?</figure>', html,
                       re.S).group(0)
    src = re.search(r'<img[^>]*\bsrc="([^"]+)"', figure).group(1)
    alt = re.search(r'<img[^>]*\balt="([^"]+)"', figure).group(1)
    caption = re.search(r"<figcaption>(.*?)</figcaption>", figure, re.S).group(1)
    image = (page / src).resolve()
    assert src.endswith(f"muon-digits-split.{lang}.png") and image.read_bytes()[:4] == b"\x89PNG"
    for r in runs:
        assert f"{r.train_loss[-1]:.4f}" in alt and f"{r.val_acc[-1]:.1%}" in alt
    assert muon_split.facts(fig, lang) in caption
    assert bool(re.search("[\uac00-\ud7a3]", alt + caption)) == (lang == "ko")
