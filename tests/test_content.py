"""The content: every page in both languages with the same skeleton, code snippets that resolve,
papers cited, figures built with alt text in the page's language, and the numbers the pages
state recomputed from optim_ref (so a page cannot keep a number the code no longer gives)."""

from __future__ import annotations

import ast
import functools
import inspect
import json
import re
from pathlib import Path

import numpy as np
import pytest
from site_support import ROOT

import optim_ref
from optim_ref import functions, losses, mlp, tuning
from scripts.figures import fits, races, registry

pytestmark = pytest.mark.content  # make test-fast leaves the pages' numbers out

DOCS = ROOT / "docs"
HANGUL = re.compile(r"[\uac00-\ud7a3]")
FENCE = re.compile(r"^(```|~~~)")


# ---- reading pages ------------------------------------------------------------------------


def korean_pages() -> list[Path]:
    """Every Korean page (``x.md``, ``x.ipynb``); its English twin is ``x.en.md``/``x.en.ipynb``."""
    return sorted(p for p in DOCS.rglob("*") if p.suffix in (".md", ".ipynb")
                  and not p.name.endswith((".en.md", ".en.ipynb")) and "data" not in p.parts)


def english_twin(path: Path) -> Path:
    return path.with_name(path.name[: -len(path.suffix)] + ".en" + path.suffix)


def page_text(path: Path) -> str:
    """A page's Markdown; for a notebook, its Markdown cells (code is the same in both)."""
    if path.suffix == ".ipynb":
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        return "\n\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    return path.read_text(encoding="utf-8")


def prose_lines(text: str) -> list[str]:
    """The lines outside fenced code blocks (a ``# comment`` in code is no heading)."""
    out, fenced = [], False
    for line in text.splitlines():
        if FENCE.match(line.strip()):
            fenced = not fenced
            continue
        if not fenced:
            out.append(line)
    return out


def sections(text: str) -> list[str]:
    return [ln for ln in prose_lines(text) if re.match(r"^#{2,3} ", ln)]


def figure_count(text: str) -> int:
    """Registry figures, hand-made <figure> elements and Markdown images."""
    body = "\n".join(prose_lines(text))
    return (len(re.findall(r"^\[\[figure [a-z0-9-]+\]\]\s*$", body, re.M))
            + body.count("<figure") + len(re.findall(r"!\[[^\]]*\]\(", body)))


def display_formulas(text: str) -> list[str]:
    """Each ``$$ ... $$`` block, exactly as written."""
    return [m.strip() for m in re.findall(r"\$\$(.+?)\$\$", "\n".join(prose_lines(text)), re.S)]


PAIRS = [(p, english_twin(p)) for p in korean_pages()]
PAIR_IDS = [str(p.relative_to(DOCS)) for p, _ in PAIRS]


def test_every_page_exists_in_both_languages():
    names = {str(p.relative_to(DOCS)) for p, _ in PAIRS}
    assert {"index.md", "components.md", "neural-networks.md", "summary.md", "about.md",
            "lab.ipynb", "optimizers/adam.md"} <= names, names
    missing = [str(en.relative_to(ROOT)) for _, en in PAIRS if not en.is_file()]
    orphans = [str(p.relative_to(ROOT)) for p in DOCS.rglob("*.en.*")
               if p.suffix in (".md", ".ipynb")
               and not p.with_name(p.name.replace(".en.", ".", 1)).is_file()]
    assert not missing, f"pages without an English twin: {missing}"
    assert not orphans, f"English pages without a Korean original: {orphans}"


@pytest.mark.parametrize(("ko", "en"), PAIRS, ids=PAIR_IDS)
def test_both_languages_have_the_same_sections_figures_and_formulas(ko, en):
    ko_text, en_text = page_text(ko), page_text(en)
    assert len(sections(ko_text)) == len(sections(en_text)), (
        f"{ko.name}: {len(sections(ko_text))} sections (##/###), {en.name}: "
        f"{len(sections(en_text))}\n" + "\n".join(sections(ko_text) + ["--"] + sections(en_text)))
    assert figure_count(ko_text) == figure_count(en_text), f"{ko.name}: figure counts differ"
    assert display_formulas(ko_text) == display_formulas(en_text), (
        f"{ko.name} and {en.name}: display formulas differ (they must match character for "
        "character)")


def test_the_parity_checks_can_fail():
    page = ("## A\n\n### B\n\n```python\n# not a heading\n```\n\n[[figure race-beale]]\n\n"
            "$$\nx^2\n$$\n")
    assert len(sections(page)) == 2
    assert figure_count(page) == 1
    assert display_formulas(page) == ["x^2"]
    assert display_formulas(page.replace("x^2", "x^{2}")) != display_formulas(page)


# ---- optimizer pages: snippets and references ---------------------------------------------

OPTIMIZER_PAGES = sorted((DOCS / "optimizers").glob("*.md"))
SNIPPET = re.compile(r'^\s*--8<--\s+"([^":]+)(?::([A-Za-z0-9_-]+))?"\s*$', re.M)
ARXIV = re.compile(r"arXiv:\s?\d{4}\.\d{4,5}")
DOI = re.compile(r"doi:\s?10\.\d{4,9}/\S+", re.I)
VENUE = re.compile(r"ICLR|ICML|NeurIPS|NIPS|COLT|CVPR|NAACL|Journal of Machine Learning Research|"
                   r"Coursera|Comptes rendus|Annals of|Doklady|Computational Mathematics|"
                   r"Neural Networks|Mathematics of Control")
YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")


def test_there_are_optimizer_pages_in_both_languages():
    names = {p.name for p in OPTIMIZER_PAGES}
    for page in ("gd", "momentum", "nag", "adagrad", "adadelta", "rmsprop", "adam", "after-adam"):
        assert {f"{page}.md", f"{page}.en.md"} <= names


@pytest.mark.parametrize("page", OPTIMIZER_PAGES, ids=lambda p: p.name)
def test_optimizer_page_snippets_name_existing_code_sections(page):
    found = SNIPPET.findall(page.read_text(encoding="utf-8"))
    assert found, f"{page.name}: no --8<-- snippet of optim_ref code"
    for file, section in found:
        source = ROOT / file
        assert source.is_file(), f"{page.name}: snippet file {file} does not exist"
        assert file.startswith("optim_ref/"), f"{page.name}: snippet {file} is not optim_ref code"
        assert section, f"{page.name}: snippet {file} names no section (use file:section)"
        code = source.read_text(encoding="utf-8")
        for marker in (f"--8<-- [start:{section}]", f"--8<-- [end:{section}]"):
            assert marker in code, f"{page.name}: {file} has no marker {marker!r}"


def references(text: str) -> list[str]:
    """The list items of the page's References / 참고 문헌 section."""
    match = re.search(r"^## (?:References|참고 문헌)\s*$(.*?)(?=^## |\Z)", text, re.M | re.S)
    if not match:
        return []
    return [item.replace("\n", " ") for item in re.split(r"^- ", match.group(1), flags=re.M)[1:]]


def is_citation(item: str) -> bool:
    return bool(ARXIV.search(item) or DOI.search(item)
                or (VENUE.search(item) and YEAR.search(item)))


@pytest.mark.parametrize("page", OPTIMIZER_PAGES, ids=lambda p: p.name)
def test_optimizer_page_cites_its_paper(page):
    items = references(page.read_text(encoding="utf-8"))
    assert items, f"{page.name}: no '## References' / '## 참고 문헌' section with a list"
    assert any(is_citation(item) for item in items), (
        f"{page.name}: no reference carries an arXiv id, a DOI or a named venue with its year")


def test_the_citation_check_can_fail():
    assert not references("# T\n\nSome text.\n")
    assert not is_citation("A. Person. *A blog post about Adam*.")
    assert is_citation("Kingma, Ba. *Adam*. arXiv:1412.6980 (2014)")
    assert is_citation("Duchi et al. Journal of Machine Learning Research 12 (2011)")


# ---- the new figures, built ---------------------------------------------------------------

FIT_FIGURES = {"components/": "outlier-line-fit", "neural-networks/": "mlp-width-fit"}


def _figure_html(doc: str, name: str) -> str:
    match = re.search(rf'<figure[^>]*data-figure="{name}"[^>]*>.*?</figure>', doc, re.S)
    assert match, f"figure {name} is not on the page"
    return match.group(0)


@pytest.mark.parametrize("lang", ["ko", "en"])
@pytest.mark.parametrize(("url", "name"), FIT_FIGURES.items())
def test_fit_figures_are_built_with_alt_text_in_the_page_language(built_site, url, name, lang):
    page_dir = built_site.site / ("" if lang == "ko" else "en/") / url
    figure = _figure_html((page_dir / "index.html").read_text(encoding="utf-8"), name)
    src = re.search(r'<img[^>]*\bsrc="([^"]+)"', figure).group(1)
    alt = re.search(r'<img[^>]*\balt="([^"]+)"', figure).group(1)
    caption = re.search(r"<figcaption>(.*?)</figcaption>", figure, re.S).group(1)
    image = (page_dir / src).resolve()
    assert image.is_file() and image.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", src
    assert src.endswith(f"{name}.{lang}.png"), f"{src}: not the {lang} rendering"
    for text in (alt, caption):
        assert len(text) > 60
        assert bool(HANGUL.search(text)) == (lang == "ko"), f"{name} ({lang}): {text!r}"
    fig = registry.by_name(registry.load())[name]
    if name == "outlier-line-fit":
        result = fits.compute_lines(fig)
        for a, _ in result.lines:
            assert f"{a:.2f}x" in alt  # the alt text states the computed slopes
    else:
        result = fits.compute_widths(fig)
        assert f"{result.mse[-1]:.3g}" in alt


# ---- the numbers the pages state are what optim_ref computes -------------------------------


def _both(page: str) -> list[str]:
    return [(DOCS / f"{page}.md").read_text(encoding="utf-8"),
            (DOCS / f"{page}.en.md").read_text(encoding="utf-8")]


def test_the_cross_entropy_table_is_what_optim_ref_computes():
    rows = [(2, 1, 0.1), (12, 11, 10.1), (4, 2, 0.2), (2, 1.9, 1.8), (1.9, 2, 1.8)]
    for text in _both("components"):
        for logits in rows:
            z = np.array([logits], dtype=float)
            probs = losses.softmax(z)[0]
            loss = losses.cross_entropy(z, np.array([0]))
            shown = "(" + ", ".join(f"{v:g}" for v in logits) + ")"
            row = next((ln for ln in text.splitlines() if ln.startswith(f"| {shown} |")), None)
            assert row, f"no table row for logits {shown}"
            assert "(" + ", ".join(f"{p:.3f}" for p in probs) + ")" in row
            assert f"| {loss:.3f} |" in row
            said = row.strip("|").split("|")[-1].strip()
            assert said == {True: ("예", "yes"), False: ("아니요", "no")}[
                bool(np.argmax(z) == 0)][0 if HANGUL.search(text[:200]) else 1], row
        grad = losses.cross_entropy_grad(np.array([[2, 1, 0.1]]), np.array([0]))[0]
        assert "(" + ", ".join(f"{g:.3f}".replace("-", "−") for g in grad) + ")" in text


def test_the_outlier_slopes_on_the_page_are_the_fitted_ones():
    fig = registry.by_name(registry.load())["outlier-line-fit"]
    result = fits.compute_lines(fig)
    slopes = dict(zip(result.losses, (f"{ab[0]:.2f}" for ab in result.lines), strict=True))
    for text in _both("components"):
        section = text.split("[[figure outlier-line-fit]]")[0].rsplit("\n\n", 2)[-2]
        for name in ("mse", "mae", "huber"):
            assert slopes[name] in section, f"slope {slopes[name]} ({name}) not stated"
    assert fits.TRUE_LINE == (0.5, 2.0)


def test_the_seed_losses_on_the_neural_network_page_are_computed():
    fig = registry.by_name(registry.load())["mlp-width-fit"]
    x, y = fits.width_data()
    finals = []
    for seed in (0, 1, 2):
        params = mlp.init_params(1, 3, 1, seed=seed)
        _, history = mlp.train(optim_ref.Adam(lr=float(fig.lr)), params, x, y, steps=fig.steps)
        finals.append(f"{history[-1]:.3f}")
    assert len(set(finals)) == 3
    for text in _both("neural-networks"):
        assert all(v in text for v in finals), finals


def _race(surface: str) -> tuple[dict[str, str], races.Race]:
    race = races.compute(registry.by_name(registry.load())[f"race-{surface}"])
    fn = races.surface_of(race.figure)
    return {label: races.describe_run(run, label, fn, "en")
            for run, label in zip(race.runs, race.labels, strict=True)}, race


def test_what_the_summary_says_about_the_races_is_what_they_show():
    quad, _ = _race("quadratic")
    assert all("reaches the minimum" in s for s in quad.values())
    assert "overshooting" in quad["Momentum"]
    step = {k: int(re.search(r"by step (\d+)", s).group(1)) for k, s in quad.items()}
    assert max(step, key=step.get) == "Adadelta"

    rosen, _ = _race("rosenbrock")
    assert {k for k, s in rosen.items() if "reaches the minimum" in s} == {"Momentum", "Adam"}

    beale, _ = _race("beale")
    assert all("reaches the minimum" in s for s in beale.values())
    step = {k: int(re.search(r"by step (\d+)", s).group(1)) for k, s in beale.items()}
    assert max(step, key=step.get) == "Adadelta"

    _, saddle = _race("saddle")
    final = {label: float(run.loss[0, -1]) for label, run in zip(saddle.labels, saddle.runs,
                                                                 strict=True)}
    assert max(final[k] for k in ("Adagrad", "RMSprop", "Adam")) < min(
        final[k] for k in ("GD", "Momentum", "NAG"))
    assert max(final, key=final.get) == "Adadelta"


def _table_rows(text: str, first_header: str) -> list[list[str]]:
    lines = text.splitlines()
    start = next(i for i, ln in enumerate(lines) if ln.startswith(f"| {first_header} |"))
    rows = []
    for ln in lines[start + 2:]:
        if not ln.startswith("|"):
            break
        rows.append([cell.strip() for cell in ln.strip("|").split("|")])
    return rows


@pytest.mark.parametrize(("page", "header"), [("summary.md", "옵티마이저"),
                                              ("summary.en.md", "Optimizer")])
def test_the_comparison_table_has_optim_refs_defaults_and_state(page, header):
    rows = _table_rows((DOCS / page).read_text(encoding="utf-8"), header)
    names = {"GD (`SGD`)": "SGD"}
    seen = []
    for name_cell, state_cell, hyper_cell, *_ in rows:
        cls = getattr(optim_ref, names.get(name_cell, name_cell))
        seen.append(cls.__name__)
        fields = set(cls().init(np.zeros(2))._fields)
        for state in re.findall(r"`([a-z_]+)`", state_cell):
            assert state in fields, f"{page}: {cls.__name__} keeps no state {state!r}"
        defaults = {k: v.default for k, v in inspect.signature(cls.__init__).parameters.items()}
        pairs = re.findall(r"`([a-z_]+)=([^`]+)`", hyper_cell)
        assert pairs and pairs[0][0] == "lr"
        for key, value in pairs:
            assert key in defaults, f"{page}: {cls.__name__} has no hyperparameter {key!r}"
            assert ast.literal_eval(value) == defaults[key], f"{page}: {cls.__name__}.{key}"
    assert seen == list(optim_ref.LECTURE + optim_ref.AFTER_ADAM)


# ---- issue 13: every sentence about a run is tied to the run -------------------------------


def _first_below(run, threshold: float = 1e-6) -> int:
    """The first step whose loss is below ``threshold`` (the pages' "brings the loss below")."""
    hits = np.flatnonzero(run.loss[0] < threshold)
    assert hits.size, "the run never gets below the threshold"
    return int(hits[0])


def _rate(eta: float, beta: float, curvatures=(1.0, 10.0)) -> float:
    """Heavy ball on a quadratic: the largest root magnitude over the eigendirections."""
    return max(float(np.abs(np.roots([1.0, -(1 + beta - eta * lam), beta])).max())
               for lam in curvatures)


def _race_of(name: str) -> races.Race:
    return races.compute(registry.by_name(registry.load())[name])


def _lr(race: races.Race, label: str) -> float:
    return race.lrs[race.labels.index(label)]


def _run(race: races.Race, label: str):
    return race.runs[race.labels.index(label)]


def test_the_momentum_pages_quadratic_analysis_is_what_the_runs_give():
    quad = functions.get("quadratic")
    kappa = quad.kappa
    race = _race_of("race-quadratic")
    eta_gd = 2 / (1 + kappa)
    s = np.sqrt(kappa)
    beta_t, eta_t = ((s - 1) / (s + 1)) ** 2, 4 / (1 + s) ** 2
    lr_m = _lr(race, "Momentum")
    gd = optim_ref.run(optim_ref.SGD(lr=eta_gd), quad, quad.start[None], 400)
    tuned = optim_ref.run(optim_ref.Momentum(lr=eta_t, momentum=beta_t), quad, quad.start[None],
                          400)
    numbers = {
        "gd rate": (f"{_rate(eta_gd, 0.0):.3f}", "0.818"),
        "beta 0.9 rate": (f"{_rate(lr_m, 0.9):.3f}", "0.949"),
        "tuned rate": (f"{_rate(eta_t, beta_t):.3f}", "0.519"),
        "tuned beta": (f"{beta_t:.3f}", "0.270"),
        "tuned eta": (f"{eta_t:.3f}", "0.231"),
        "gd steps": (str(_first_below(gd)), "42"),
        "race momentum steps": (str(_first_below(_run(race, "Momentum"))), "88"),
        "tuned steps": (str(_first_below(tuned)), "18"),
        "race momentum lr": (f"{lr_m:.3g}", "0.0398"),
        "momentum bound": (f"{2 * 1.9 / kappa:.2f}", "0.38"),
        "kappa for beta 0.9": (f"{((1 + 0.9**0.5) / (1 - 0.9**0.5)) ** 2:.0f}", "1442"),
    }
    for what, (computed, stated) in numbers.items():
        assert computed == stated, f"{what}: the run gives {computed}, the page says {stated}"
    # the rate at beta = 0.9 is sqrt(beta) for every rate the rule finds tied, and no rate beats it
    choice = tuning.best_lr(optim_ref.Momentum, quad, quad.start, 400)
    band = choice.grid[(choice.grid > 0.003) & (choice.grid < 0.2)]
    assert band.min() == pytest.approx(0.00398, rel=1e-2)
    assert band.max() == pytest.approx(0.158, rel=1e-2)
    assert choice.tied[np.isin(choice.grid, band)].all()
    # the old tie-break (the smaller rate) would have picked the slowest of the tied
    slow = optim_ref.run(optim_ref.Momentum(lr=float(band.min())), quad, quad.start[None], 400)
    assert (f"{band.min():.3g}", _first_below(slow)) == ("0.00398", 148)
    for lr in band:
        assert _rate(lr, 0.9) == pytest.approx(0.9**0.5, abs=1e-9)
        final = choice.final_loss[list(choice.grid).index(lr)]
        assert 1e-18 < final < 2e-17
    etas = np.linspace(1e-4, 0.38, 2000)
    assert min(_rate(e, 0.9) for e in etas) >= 0.9**0.5 - 1e-9
    # the bound: converges just below 2(1 + beta)/lambda_max, diverges above
    assert _rate(0.379, 0.9) < 1 < _rate(0.381, 0.9)
    assert _rate(0.215, 0.9) < 1 < _rate(0.215, 0.0)
    for text in _both("optimizers/momentum"):
        for _, stated in numbers.values():
            assert stated in text, f"momentum page: {stated} not stated"
        assert "0.004" in text and "0.16" in text
        assert "0.00398" in text and "148" in text


def test_the_gd_figure_zigzags_because_its_rate_is_large():
    race = _race_of("path-sgd-quadratic")
    kappa = functions.get("quadratic").kappa
    lr = race.lrs[0]
    assert 1 / kappa < lr < 2 / kappa
    y = race.runs[0].path[0, :10, 1]
    assert np.all(np.sign(y[1:]) == -np.sign(y[:-1])), "y does not flip its sign every step"
    for text in _both("optimizers/gd"):
        assert f"{lr:.3g}" in text


def test_the_nag_page_compares_figures_at_their_stated_learning_rates():
    nag = _race_of("path-nag-quadratic").lrs[0]
    mom = _race_of("path-momentum-quadratic").lrs[0]
    for text in _both("optimizers/nag"):
        assert f"{nag:.3g}" in text and f"{mom:.3g}" in text
        assert f"{nag / mom:.0f}" in text  # "25 times apart"


def _rotated_steps() -> dict[str, tuple[int, int]]:
    """Steps to loss < 1e-6 on the aligned bowl and on the bowl rotated by 30°, by the rule."""
    aligned = functions.get("quadratic")
    rotated = functions.Quadratic(kappa=aligned.kappa, angle=30.0)
    out = {}
    for name in ("SGD", "Adagrad", "RMSprop"):
        cls = getattr(optim_ref, name)
        out[name] = tuple(_first_below(tuning.best_lr(cls, fn, aligned.start, 400).run)
                          for fn in (aligned, rotated))
    return out


def test_the_rotated_bowl_numbers_are_what_the_runs_give():
    steps = _rotated_steps()
    assert steps["Adagrad"] == (9, 40) and steps["SGD"][1] == 41 and steps["RMSprop"] == (9, 90)
    gd_rot = steps["SGD"][1]
    for page, name in (("optimizers/adagrad", "Adagrad"), ("optimizers/rmsprop", "RMSprop"),
                       ("summary", "Adagrad")):
        for text in _both(page):
            paragraph = next((p for p in text.split("\n\n") if "30°" in p), "")
            numbers = set(re.findall(r"(?<![\d.^{-])\d+(?!\d|\.\d|})", paragraph))
            for n in (*steps[name], gd_rot):
                assert str(n) in numbers, f"{page}: {name}'s {n} not in {paragraph!r}"


def test_what_the_summary_says_of_each_race_is_what_the_runs_give():
    quad = {lab: races.describe_run(r, lab, functions.get("quadratic"), "en")
            for lab, r in zip(*(lambda race: (race.labels, race.runs))(_race_of("race-quadratic")),
                              strict=True)}
    step = {k: int(re.search(r"by step (\d+)", s).group(1)) for k, s in quad.items()}
    rosen = _race_of("race-rosenbrock")
    final = {lab: float(r.loss[0, -1]) for lab, r in zip(rosen.labels, rosen.runs, strict=True)}
    inertia = sorted(("Momentum", "Adam", "NAG"), key=final.get)
    assert inertia == sorted(final, key=final.get)[:3], "the three with inertia are not the closest"
    assert not any(r.diverged[0] for r in rosen.runs)
    for text in _both("summary"):
        assert f"{step['GD']}" in text and f"{step['Momentum']}" in text
        for lab in inertia:
            assert f"{final[lab]:.1g}" in text or f"{final[lab]:.2g}" in text, (lab, final[lab])
        assert f"{final['GD']:.3g}" in text
        assert f"{min(final.values()):.1g}" in text and f"{max(final.values()):.2g}" in text
        assert "Dauphin" in text and "1406.2572" in text


def _adamw_against_l2() -> dict[str, np.ndarray]:
    sigma, runs, steps = np.array([10.0, 0.1]), 1000, 2000
    out = {}
    for name, opt in (("L2", optim_ref.Adam(lr=1e-3, weight_decay=0.1)),
                      ("AdamW", optim_ref.AdamW(lr=1e-3, weight_decay=0.1))):
        rng = np.random.default_rng(0)
        params = np.ones((runs, 2))
        state = opt.init(params)
        for _ in range(steps):
            params, state = opt.step(params, rng.standard_normal((runs, 2)) * sigma, state)
        out[name] = params.mean(axis=0)
    return out


def test_the_adamw_against_l2_example_is_computed():
    means = _adamw_against_l2()
    assert means["L2"][0] > means["AdamW"][0] and means["L2"][1] < means["AdamW"][1]
    for text in _both("optimizers/after-adam"):
        rows = [ln for ln in text.splitlines() if ln.startswith("| ") and "weight_decay=0.1" in ln]
        assert len(rows) == 2, rows
        for row, name in zip(rows, ("L2", "AdamW"), strict=True):
            cells = [c.strip() for c in row.strip("|").split("|")]
            assert cells[1:] == [f"{v:.2f}" for v in means[name]], (row, means[name])
        assert f"{(1 - 1e-3 * 0.1) ** 2000:.3f}" in text


def test_the_adam_page_states_the_uncorrected_first_step():
    ratio = (1 - 0.9) / np.sqrt(1 - 0.999)
    opt = optim_ref.Adam(lr=1e-3)
    g = np.array([5.0, -0.01])
    params, state = opt.step(np.zeros(2), g, opt.init(np.zeros(2)))
    assert np.allclose(np.abs(params), 1e-3, rtol=1e-6)  # the corrected first step is alpha
    assert np.allclose(state.exp_avg / np.sqrt(state.exp_avg_sq), ratio * np.sign(g))
    for text in _both("optimizers/adam"):
        assert f"{ratio:.2f}" in text
        assert "0.98" in text and "1706.03762" in text


# ---- English: one spelling variety (American) ----------------------------------------------

#: British spellings and the American ones the site writes instead
BRITISH = {r"\w*(?:behaviour|colour|favour|flavour|honour|neighbour)\w*": "-or",
           r"\b(?:generali|maximi|minimi|normali|regulari|optimi|organi|reali|summari|"
           r"characteri|initiali|visuali)s(?:e|ed|es|ing|ation|ations)\b": "-ize",
           r"\banalys(?:e|ed|es|ing)\b": "analyze", r"\btowards\b": "toward",
           r"\bcentre[sd]?\b": "center", r"\bmodell(?:ing|ed)\b": "modeling",
           r"\blabell(?:ing|ed)\b(?!by)": "labeled", r"\bgrey\b": "gray"}


def british_spellings(text: str) -> list[str]:
    return [m.group(0) for pattern in BRITISH for m in re.finditer(pattern, text, re.I)]


def _english_texts() -> dict[str, str]:
    texts = {str(en.relative_to(ROOT)): page_text(en) for _, en in PAIRS}
    data = sorted((DOCS / "data").rglob("*.yml")) + [ROOT / "scripts" / "figures" / "figures.yml"]
    for path in data:
        lines = path.read_text(encoding="utf-8").splitlines()
        texts[str(path.relative_to(ROOT))] = "\n".join(
            ln for ln in lines
            if ln.strip().startswith("en:") or not re.search(r"[\uac00-\ud7a3]", ln))
    return texts


def test_english_texts_use_american_spelling():
    problems = {name: found for name, text in _english_texts().items()
                if (found := british_spellings(text))}
    assert not problems, f"British spellings (the site writes American): {problems}"


def test_the_spelling_variety_check_can_fail():
    assert british_spellings("Its behaviour is normalised towards zero.") == [
        "behaviour", "normalised", "towards"]
    assert british_spellings('aria-labelledby="x": normalized behavior toward zero') == []


# ---- SGD and mini-batches, momentum under noise, schedules: stated numbers ----------------
def _stochastic_figure(name: str) -> registry.Figure:
    return registry.by_name(registry.load())[name]


def _fmt(x: float) -> str:
    return f"{x:.3g}"


def test_the_sgd_pages_batch_and_decay_numbers_are_what_the_runs_give():
    from scripts.figures import stochastic

    fig = _stochastic_figure("sgd-batch-paths")
    paths = stochastic.batch_paths(float(fig.lr), fig.steps)
    d = paths.mean_distance
    # the noise ball shrinks with the batch; the full batch is smooth and monotone
    assert d[0] > d[1] > d[2] > d[3]
    full = stochastic.distance(paths.paths[-1])
    assert np.all(np.diff(full) <= 0), "the full-batch path does not approach at every step"
    decay_fig = _stochastic_figure("sgd-decay")
    # the page gives both runs the same rate and length: 0.05, 400 steps
    assert (decay_fig.lr, decay_fig.steps) == (fig.lr, fig.steps)
    decayed = stochastic.decay(float(decay_fig.lr), decay_fig.steps)
    const, cos = decayed.final_distance
    assert cos < const / 3
    gap = np.linalg.norm(decayed.paths[0] - decayed.paths[1], axis=1)
    assert gap[:101].max() < 0.1, "the paths part before step 100 (the page: less than 0.1 apart)"
    stated = [_fmt(v) for v in (*d, const, cos)] + [f"{fig.lr:g}", str(fig.steps)]
    assert stated == ["0.317", "0.0835", "0.0288", "0.018", "0.448", "0.0762", "0.05", "400"]
    for text in _both("optimizers/sgd"):
        for number in stated:
            assert number in text, f"sgd page: {number} not stated"
    for text in _both("schedules"):
        assert _fmt(const) in text and _fmt(cos) in text
    assert stochastic.PROBLEM.n == 400
    for text in _both("optimizers/sgd"):
        assert "n_examples=400, noise=1.0, seed=0" in text  # the code on the page is the problem


def test_the_sgd_pages_epoch_table_is_steps_per_epoch():
    from optim_ref.data import steps_per_epoch

    n, steps = 400, _stochastic_figure("sgd-batch-paths").steps
    for text in _both("optimizers/sgd"):
        rows = {int(m[0]): (int(m[1]), int(m[2]), int(m[3])) for m in re.findall(
            r"^\| (\d+)(?: \([^)]*\))? \| (\d+) \| (\d+) \| (\d+) \|$", text, re.M)}
        assert sorted(rows) == [1, 8, 64, 400]
        for b, (per_epoch, dropped, epochs) in rows.items():
            assert per_epoch == steps_per_epoch(n, b)
            assert dropped == steps_per_epoch(n, b, drop_last=True)
            assert epochs == steps * b // n


def test_the_momentum_pages_noise_numbers_are_what_the_seeds_give():
    from scripts.figures import stochastic

    fig = _stochastic_figure("momentum-noise-spread")
    spread = stochastic.spread(float(fig.lr), fig.steps)
    sgd, mom, eff = spread.msd
    assert spread.lrs == (0.005, 0.005, pytest.approx(0.05))
    # at the same effective step momentum spreads about as much; far more than SGD at its lr
    assert 0.7 < mom / eff < 1.3 and mom / sgd > 10
    stated = [_fmt(v) for v in spread.msd] + [f"{mom / sgd:.0f}", str(fig.steps),
                                             str(len(stochastic.SPREAD_SEEDS))]
    assert stated == ["0.00504", "0.108", "0.124", "21", "2000", "200"]
    for text in _both("optimizers/momentum"):
        section = text.split("{#momentum-under-noise}")[1].split("\n## ")[0]
        for number in stated:
            assert number in section, f"momentum page: {number} not stated"
        assert "filters out part of that noise" not in text
    for lang in registry.LANGS:  # the caption names the effective-step rate and the seeds
        assert f"{spread.lrs[2]:g}" in fig.caption[lang] and "200" in fig.caption[lang]


def test_the_schedules_page_warmup_numbers_are_what_optim_ref_gives():
    from optim_ref import schedules

    warm = schedules.SequentialLR([schedules.LinearLR(start_factor=0.1, total_iters=10),
                                   schedules.CosineAnnealingLR(T_max=90)], milestones=[10])
    lrs = warm.lrs(0.1, 100)
    assert lrs[0] == pytest.approx(0.01) and lrs[10] == pytest.approx(0.1)
    assert np.allclose(np.diff(lrs[:11]), 0.009)
    assert lrs.argmax() == 10  # the peak is step 11
    # the page's two-case formula is what the chained schedule gives, at every step
    k = np.arange(1, 101)
    formula = np.where(k <= 10, 0.1 * (0.1 + 0.9 * (k - 1) / 10),
                       0.1 * (1 + np.cos(np.pi * (k - 1 - 10) / 90)) / 2)
    assert np.allclose(lrs, formula, rtol=1e-12, atol=0)
    for text in _both("schedules"):
        assert "3.05" in text and f"{lrs[-1]:.2e}" == "3.05e-05"
        assert "0.009" in text and "11" in text

@functools.cache
def _digits_runs():
    """The digits-training figure and its runs (computed once for the tests below)."""
    from scripts.figures import training

    fig = registry.by_name(registry.load())["digits-training"]
    return fig, training.compute(fig.optimizers, fig.steps)


def test_the_real_data_page_states_what_its_runs_give():
    """The table of chosen rates and final validation accuracies, and each claim under the
    figure, from the very runs of the digits-training figure."""
    from scripts.figures import training

    fig, result = _digits_runs()
    rows = []
    for name in fig.optimizers:
        c, w = result.curve(name, "constant"), result.curve(name, "warmup-cosine")
        rows.append(f"| {name} | {c.lr:.3g} | {c.val_acc[-1]:.1%} | {w.lr:.3g} | "
                    f"{w.val_acc[-1]:.1%} |")
        assert w.val_acc[-1] > c.val_acc[-1], f"{name}: the schedule did not raise accuracy"
    for page in ("real-data.md", "real-data.en.md"):
        text = (DOCS / page).read_text(encoding="utf-8")
        for row in rows:
            assert row in text, f"{page}: row {row!r} not on the page"
        assert f"{fig.steps}" in text and f"{result.per_epoch}" in text
    assert result.per_epoch == 23 and result.n_train == 1437 and result.n_val == 360
    assert mlp.n_params(64, training.HIDDEN, 10) == 2410
    assert all(c.val_acc[-1] > 0.93 for c in result.curves)
    assert all(c.train_loss[-1] < c.val_loss[-1] for c in result.curves)
    adam, adamw = result.curve("Adam", "constant"), result.curve("AdamW", "constant")
    assert adam.lr == adamw.lr and np.max(np.abs(adam.val_loss - adamw.val_loss)) < 0.01
    assert round((1 - adamw.lr * 0.01) ** fig.steps, 2) == 0.96
    for name in ("Adam", "AdamW"):
        assert result.curve(name, "warmup-cosine").lr > result.curve(name, "constant").lr


@pytest.mark.parametrize("notebook", ["lab.ipynb", "lab.en.ipynb"])
def test_the_lab_exercise_answers_are_computed(notebook):
    """The worked answers' numbers: steps per epoch (drop_last, batch 16) and the warm-up then
    cosine rates, from optim_ref; the schedule and rates are the real-data page's."""
    from optim_ref.data import steps_per_epoch
    from scripts.figures import training

    cells = json.loads((DOCS / notebook).read_text(encoding="utf-8"))["cells"]
    answers = "\n".join("".join(c["source"]) for c in cells
                        if c["cell_type"] == "markdown" and "<details>" in "".join(c["source"]))
    code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    lrs = training.warmup_cosine(115, 23).lrs(0.1, 115)
    short = steps_per_epoch(1437, 64, drop_last=True)
    b16 = steps_per_epoch(1437, 16)
    for stated in (f"{short}", f"{5 * short}", f"{lrs[0]:.2f}", f"{lrs[22]:.4f}",
                   f"{lrs[23]:.1f}", f"{b16}", f"{5 * b16}", f"{1437 - 64 * short}"):
        assert stated in answers, f"{notebook}: {stated} not in the worked answers"
    _, result = _digits_runs()
    for c in result.curves:  # the notebook's rates are the rule's, as the page shows them
        assert f"{c.lr:.3g}" in code.split("rates = ")[1].split("}")[0], (c.optimizer, c.lr)


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_the_digits_figure_is_built_with_words_of_its_runs(built_site, lang):
    """The real-data figure: its own rendering per language, and alt text and caption that
    state the rule's rates and the accuracies of the runs."""
    from scripts.figures import training

    page_dir = built_site.site / ("" if lang == "ko" else "en/") / "real-data"
    figure = _figure_html((page_dir / "index.html").read_text(encoding="utf-8"),
                          "digits-training")
    src = re.search(r'<img[^>]*\bsrc="([^"]+)"', figure).group(1)
    alt = re.search(r'<img[^>]*\balt="([^"]+)"', figure).group(1)
    caption = re.search(r"<figcaption>(.*?)</figcaption>", figure, re.S).group(1)
    assert src.endswith(f"digits-training.{lang}.png") and (page_dir / src).resolve().is_file()
    _, result = _digits_runs()
    best = max(result.curves, key=lambda c: c.val_acc[-1])
    assert f"{best.val_acc[-1]:.1%}" in alt and bool(HANGUL.search(alt)) == (lang == "ko")
    for schedule in training.SCHEDULES:
        assert training.lrs_text(result, schedule) in caption

def _swings(x: np.ndarray) -> list[float]:
    """The widest |x| between one crossing of 0 and the next: how far each swing goes past."""
    cross = np.flatnonzero(np.sign(x[1:]) != np.sign(x[:-1]))
    return [float(np.abs(x[a + 1:b + 1]).max()) for a, b in zip(cross[:-1], cross[1:],
                                                                  strict=True)]


def test_the_adaptive_path_sentences_are_what_the_runs_show():
    rms = _race_of("path-rmsprop-quadratic")
    path, lr = rms.runs[0].path[0], rms.lrs[0]
    assert np.allclose(np.abs(path[1] - path[0]), 10 * lr, rtol=1e-3)  # "ten times the rate"
    assert np.all(path[:, 0] < 1e-9), "x never crosses the minimum"
    # y "only crosses the floor by a little" (until the late jump, see the next test)
    assert max(_swings(path[:100, 1])) < 0.1
    adam = _race_of("path-adam-quadratic").runs[0].path[0]
    for k in (0, 1):  # "again and again ... each swing roughly half as wide"
        widths = _swings(adam[:, k])[:6]
        assert len(widths) == 6
        ratios = np.array(widths[1:]) / np.array(widths[:-1])
        assert np.all((ratios > 0.4) & (ratios < 0.65)), ratios


def test_the_rmsprop_page_explains_the_late_jump_of_its_run():
    race = _race_of("path-rmsprop-quadratic")
    quad, lr = functions.get("quadratic"), race.lrs[0]
    loss = race.runs[0].loss[0]
    late = np.flatnonzero(loss[100:] > 1e-6) + 100
    peak = 100 + int(np.argmax(loss[100:]))
    opt = optim_ref.RMSprop(lr=lr)
    params, state, unstable = quad.start.copy(), opt.init(quad.start), None
    for t in range(1, 401):
        params, state = opt.step(params, quad.grad(params), state)
        if unstable is None and lr / (np.sqrt(state.square_avg[1]) + opt.eps) > 2 / quad.kappa:
            unstable = t
    stated = (str(late[0]), str(late[-1]), str(peak), f"{loss[peak]:.3g}", str(unstable),
              f"{2 / quad.kappa:g}")
    assert stated == ("295", "310", "301", "3.11", "129", "0.2")
    for text in _both("optimizers/rmsprop"):
        for value in stated:
            assert value in text, value


# ---- issue 13, the figures: each sentence about an analysis figure or a new race ----------


def _figure(name: str) -> registry.Figure:
    return registry.by_name(registry.load())[name]


def _steps_below(race: races.Race) -> dict[str, int]:
    """Steps to loss < 1e-6 of the runs that get there (Adadelta does not, in 400 steps)."""
    return {label: _first_below(run) for label, run in zip(race.labels, race.runs, strict=True)
            if (run.loss[0] < 1e-6).any()}


def _reach(race: races.Race) -> dict[str, int]:
    fn = races.surface_of(race.figure)
    return {label: int(re.search(r"by step (\d+)", races.describe_run(run, label, fn, "en"))[1])
            for label, run in zip(race.labels, race.runs, strict=True)}


def test_the_rate_against_beta_is_the_heavy_ball_analysis_and_the_runs():
    from scripts.figures import theory

    r = theory.compute_rate_beta(_figure("momentum-rate-beta"))
    for b, eta, rate in zip(r.beta, r.eta, r.rate, strict=True):  # against np.roots
        assert rate == pytest.approx(_rate(eta, b), abs=1e-12)
        if b >= r.beta_star:
            assert rate == pytest.approx(np.sqrt(b), abs=1e-9)
    gap = np.abs(r.measured - r.rate)
    stated = {"gd": f"{r.rate[0]:.3f}", "star": f"{r.beta_star:.3f}",
              "at star": f"{r.curve_rate.min():.3f}", "gap": f"{gap.max():.3f}",
              "gap beta": f"{r.beta[np.argmax(gap)]:g}"}
    assert stated == {"gd": "0.818", "star": "0.270", "at star": "0.520", "gap": "0.010",
                      "gap beta": "0.27"}
    for text in _both("optimizers/momentum"):
        for value in stated.values():
            assert value in text, value


def test_the_tuned_race_is_polyaks_pair_and_reaches_the_minimum_first():
    race = _race_of("race-quadratic-tuned")
    reach = _reach(race)
    assert f"{race.lrs[2]:.3f}" == "0.231" and f"{race.betas['Momentum (Polyak)']:.3f}" == "0.270"
    assert (reach["Momentum (Polyak)"], reach["GD"], reach["Momentum"]) == (8, 17, 40)
    polyak = race.runs[2]  # "swings widely across the valley on the way"
    assert "overshooting" in races.describe_run(polyak, "Momentum (Polyak)",
                                                functions.get("quadratic"), "en")
    assert np.abs(polyak.path[0, :8, 1]).max() > 1.0
    for text in _both("optimizers/momentum"):
        paragraph = next(p for p in text.split("\n\n") if "Polyak" in p and "0.231" in p)
        for n in ("8", "17", "40", "0.231", "0.270"):
            assert n in paragraph, n


def test_the_ema_weights_are_adams_and_the_page_states_their_shares():
    from scripts.figures import theory

    w = theory.compute_weights(_figure("ema-weights"))
    for b, weights in zip(w.beta, w.weights, strict=True):
        assert np.allclose(weights, (1 - b) * b ** w.k, rtol=1e-12)
    shares = [f"{100 * s:.0f}%" for s in w.share]
    assert shares == ["75%", "65%", "63%"]
    for text in _both("optimizers/momentum"):
        for share in shares:
            assert share in text


def test_the_bias_correction_figure_is_adams_state():
    from scripts.figures import theory

    b = theory.compute_bias(_figure("adam-bias-correction"))
    const, noisy = b.panels
    t = np.arange(1, b.steps + 1)
    assert np.allclose(const["m"], 1 - 0.9 ** t, rtol=1e-12)  # E[m_t] = (1 - beta1^t) g
    assert np.allclose(const["m_hat"], 1.0, rtol=1e-12)
    assert noisy["m_hat"][0] == pytest.approx(noisy["g"][0], rel=1e-12)
    stated = (f"{const['m'][0]:.2f}", str(int(np.flatnonzero(const["m"] >= 0.5)[0]) + 1))
    assert stated == ("0.10", "7")
    for text in _both("optimizers/adam"):
        paragraph = next(p for p in text.split("\n\n") if "30" in p and "0.10" in p)
        assert all(v in paragraph for v in stated)


def test_the_nag_diagram_is_one_step_of_each_from_the_same_state():
    from scripts.figures import theory

    a = theory.compute_lookahead(_figure("nag-lookahead"))
    quad = functions.get("quadratic")
    ahead = a.point + a.momentum
    # momentum's and NAG's next points are the two sums the diagram draws
    assert np.allclose(a.next_momentum, a.point + a.momentum + a.grad_here, atol=1e-12)
    assert np.allclose(a.next_nag, ahead - a.lr * quad.grad(ahead), atol=1e-12)
    # "the slide carries it further up the far wall, where the slope is steeper"
    assert a.point[1] < 0 and ahead[1] < a.point[1]
    assert abs(a.grad_ahead[1]) > abs(a.grad_here[1])
    stated = (f"{a.point[1]:.2f}", f"{ahead[1]:.2f}", f"{np.linalg.norm(a.next_nag):.3f}",
              f"{np.linalg.norm(a.next_momentum):.3f}", str(a.after), f"{a.lr:g}")
    assert stated == ("-0.24", "-0.65", "1.724", "1.760", "3", "0.04")
    for text in _both("optimizers/nag"):
        for v in stated:
            assert v.replace("-", "−") in text or v in text, v


def test_the_nag_page_compares_nag_and_momentum_at_one_rate():
    nag = _race_of("path-nag-quadratic").lrs[0]
    mom = _race_of("path-momentum-quadratic").lrs[0]
    race = _race_of("race-nag-momentum-quadratic")
    assert race.lrs[0] == race.lrs[1] == 0.04
    reach = _reach(race)
    fn = functions.get("quadratic")
    stories = {lab: races.describe_run(r, lab, fn, "en") for lab, r in
               zip(race.labels, race.runs, strict=True)}
    assert "overshooting" in stories["Momentum"] and "overshooting" not in stories["NAG"]
    m, n = (r.loss[0] for r in race.runs)
    assert np.all(n[3:] < m[3:]) and not n[2] < m[2]  # "below momentum's from step 3 on"
    pm, pn = (r.path[0] for r in race.runs)
    settled = int(np.flatnonzero(np.abs(pn[:, 1]) >= 0.01)[-1]) + 1
    swinging = int(np.flatnonzero(np.abs(pm[:, 1]) >= 0.01)[-1])
    stated = (f"{pn[:, 0].max():.2f}", f"{pm[:, 0].max():.2f}", str(settled), str(swinging),
              str(reach["NAG"]), str(reach["Momentum"]), "3")
    assert stated == ("0.80", "1.09", "15", "95", "23", "40", "3")
    for text in _both("optimizers/nag"):
        assert f"{nag:.3g}" in text and f"{mom:.3g}" in text
        paragraph = next(p for p in text.split("\n\n") if "0.04" in p and "23" in p)
        for v in stated:
            assert v in paragraph, v


def test_the_rotated_races_are_what_the_pages_say():
    aligned, rotated = (_steps_below(_race_of(n)) for n in ("race-quadratic",
                                                            "race-quadratic-rotated"))
    assert (aligned["RMSprop"], aligned["Adam"], rotated["RMSprop"], rotated["Adam"]) == (
        9, 74, 90, 95)
    assert rotated["Adagrad"] == rotated["GD"] - 1 and rotated["GD"] < min(
        rotated["RMSprop"], rotated["Adam"])
    for page in ("summary", "optimizers/adam"):
        for text in _both(page):
            paragraph = next(p for p in text.split("\n\n") if "95" in p and "<svg" not in p)
            for n in (rotated["Adam"], aligned["Adam"], rotated["GD"] if "adam" in page else 90):
                assert str(n) in paragraph, (page, n)


def test_the_rotated_saddle_sentences_are_what_the_runs_give():
    def finals(name):
        race = _race_of(name)
        return dict(zip(race.labels, race.lrs, strict=True)), {
            lab: float(r.loss[0, -1]) for lab, r in zip(race.labels, race.runs, strict=True)}

    lr_a, aligned = finals("race-saddle")
    lr_r, rotated = finals("race-saddle-rotated")
    for lab in ("GD", "Momentum", "NAG"):  # the same problem in other axes
        assert lr_a[lab] == lr_r[lab] and rotated[lab] == pytest.approx(aligned[lab], abs=1e-12)
    for lab in ("Adagrad", "Adam"):
        assert max(rotated[k] for k in ("GD", "Momentum", "NAG")) > rotated[lab] > aligned[lab]
    for lab in ("RMSprop", "Adadelta"):
        assert rotated[lab] < aligned[lab] and lr_r[lab] != lr_a[lab]
    for text in _both("summary"):
        paragraph = next(p for p in text.split("\n\n") if "−0.368" in p)
        for lab in ("GD", "Momentum", "NAG", "Adagrad", "Adam", "RMSprop", "Adadelta"):
            for value in (rotated[lab], aligned[lab]):
                assert f"{value:.3g}".replace("-", "−") in paragraph, (lab, value)
