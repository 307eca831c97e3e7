"""The figure pipeline without a browser: registry validation, cache keys, the cache itself,
figure markup, and the notebook guards."""

from __future__ import annotations

import copy
import dataclasses
import json

import pytest
import yaml

from scripts.core import cache, fresh, keys
from scripts.figures import jobs, markup, races, registry
from scripts.site import notebooks

REGISTRY = yaml.safe_load(registry.REGISTRY.read_text(encoding="utf-8"))


def _entry(data: dict, name: str) -> dict:
    return next(e for e in data["figures"] if e["name"] == name)


def _broken(mutate) -> registry.RegistryError:
    data = copy.deepcopy(REGISTRY)
    mutate(data)
    with pytest.raises(registry.RegistryError) as info:
        registry.parse(data, registry.REGISTRY)
    return info.value


def test_the_registry_declares_the_figures_the_site_needs():
    names = {f.name for f in registry.load()}
    for opt in ("sgd", "momentum", "nag", "adagrad", "adadelta", "rmsprop", "adam"):
        for surface in ("quadratic", "rosenbrock"):
            assert f"path-{opt}-{surface}" in names
    for surface in ("quadratic", "rosenbrock", "beale", "saddle"):
        assert {f"race-{surface}", f"race-{surface}-loss"} <= names


@pytest.mark.parametrize(("mutate", "figure", "field"), [
    (lambda d: d["figures"][1]["each"].update(surface=["moon"]), "race-moon", "surface"),
    (lambda d: d["figures"][1].pop("each"), "race-{surface}", "name"),
    (lambda d: d["figures"][0]["each"].update(optimizer=["Adamm"]), "path-adamm-quadratic",
     "optimizers"),
    (lambda d: d["figures"][1]["caption"].pop("en"), "race-{surface}", "caption"),
    (lambda d: d["figures"][1]["alt"].update(ko="{storyy}"), "race-quadratic", "alt.ko"),
    (lambda d: d["figures"][1].update(steps=-3), "race-{surface}", "steps"),
    (lambda d: d["figures"][1].update(kind="movie"), "race-{surface}", "kind"),
    (lambda d: d["figures"].append(d["figures"][1]), "race-quadratic", "name"),
    (lambda d: _entry(d, "muon-digits-split").update(optimizers=["Muon", "AdamW"]),
     "muon-digits-split", "optimizers"),
    (lambda d: _entry(d, "muon-digits-split").pop("rates"), "muon-digits-split", "rates"),
    (lambda d: _entry(d, "muon-digits-split").update(lr="rule"), "muon-digits-split", "lr"),
    (lambda d: _entry(d, "muon-digits-split").update(surface="quadratic"), "muon-digits-split",
     "surface"),
])
def test_a_bad_registry_entry_names_the_file_the_figure_and_the_field(mutate, figure, field):
    message = str(_broken(mutate))
    assert str(registry.REGISTRY) in message
    assert f"figure {figure!r}" in message
    assert f"field {field!r}" in message


@pytest.mark.parametrize("field", registry.DEFAULTED)
def test_the_defaults_are_set_in_the_registry_alone(field):
    """figures.yml's ``defaults`` is the one place: the code has no fallback of its own."""
    err = _broken(lambda d: d["defaults"].pop(field))
    assert "field 'defaults'" in str(err) and field in str(err)


def test_editing_one_optimizer_changes_exactly_the_keys_of_the_figures_that_show_it(
        monkeypatch):
    todo = jobs.jobs(registry.load())
    before = {job: jobs.key(job) for job in todo}
    real = keys.module_source

    def edited(name: str) -> bytes:
        text = real(name)
        return text + b"\n# an edit\n" if name == "optim_ref.optimizers.adagrad" else text

    monkeypatch.setattr(keys, "module_source", edited)
    keys._imports.cache_clear()
    after = {job: jobs.key(job) for job in todo}
    changed = {job.figure.name for job in todo if before[job] != after[job]}
    shows_adagrad = {job.figure.name for job in todo if "Adagrad" in job.figure.optimizers}
    assert changed == shows_adagrad
    assert "path-adagrad-quadratic" in changed and "path-adam-quadratic" not in changed


def test_editing_the_registry_code_changes_no_key(monkeypatch):
    """An error message of the registry is not in any key; its parsed parameters are."""
    todo = jobs.jobs(registry.load())
    before = {job: jobs.key(job) for job in todo}
    real = keys.module_source

    def edited(name: str) -> bytes:
        text = real(name)
        if name == "scripts.figures.registry":
            assert b"declared twice" in text
            return text.replace(b"declared twice", b"is declared twice")
        return text

    monkeypatch.setattr(keys, "module_source", edited)
    assert {job: jobs.key(job) for job in todo} == before
    longer = jobs.Job(dataclasses.replace(todo[0].figure, steps=todo[0].figure.steps + 1),
                      todo[0].lang)
    assert jobs.key(longer) != before[todo[0]]


def test_captions_do_not_enter_the_key(monkeypatch):
    fig = registry.load()[0]
    job = jobs.Job(fig, None)
    reworded = jobs.Job(registry.Figure(**{**fig.__dict__, "caption": {"ko": "a", "en": "b"}}),
                          None)
    assert jobs.key(job) == jobs.key(reworded)


def test_cache_renders_once_and_then_serves(tmp_path):
    calls = []

    def render(folder):
        calls.append(folder)
        (folder / "a.txt").write_text("hello")

    files, rendered = cache.store("k", "key1", render, root=tmp_path)
    assert rendered and files["a.txt"].read_text() == "hello"
    files, rendered = cache.store("k", "key1", render, root=tmp_path)
    assert not rendered and len(calls) == 1


def test_a_damaged_cache_entry_is_detected_and_rendered_again(tmp_path):
    def render(folder):
        (folder / "a.png").write_bytes(b"\x89PNG good")

    files, _ = cache.store("k", "key1", render, root=tmp_path)
    files["a.png"].write_bytes(b"\x89PNG tru")  # truncated on disk
    assert cache.valid_files("k", "key1", root=tmp_path) is None
    files, rendered = cache.store("k", "key1", render, root=tmp_path)
    assert rendered and files["a.png"].read_bytes() == b"\x89PNG good"


def test_an_interrupted_render_leaves_nothing_behind(tmp_path):
    def render(folder):
        (folder / "half.gif").write_bytes(b"GIF89a")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        cache.store("k", "key1", render, root=tmp_path)
    assert cache.valid_files("k", "key1", root=tmp_path) is None
    assert list((tmp_path / "k").iterdir()) == []


def test_a_manifest_without_its_file_is_not_an_entry(tmp_path):
    folder = tmp_path / "k" / "key1"
    folder.mkdir(parents=True)
    (folder / cache.MANIFEST).write_text(json.dumps({"files": {"a.png": "0" * 64}}))
    assert cache.valid_files("k", "key1", root=tmp_path) is None


def _placed(name="race-quadratic", animated=True):
    fig = registry.by_name(registry.load())[name]
    return markup.Placed(
        fig, f"figures/{name}.png", f"figures/{name}.gif" if animated else None,
        caption="A caption", alt='Alt with "quotes"', size=(600, 450))


def test_a_render_worker_runs_the_source_on_disk_not_this_process_modules(monkeypatch):
    """What ``mkdocs serve`` needs: a module changed in memory (as a stale import is) does
    not reach the worker, which imports it from disk (figures and the timeline use it)."""
    from scripts.content import pages

    monkeypatch.setattr(pages, "FIGURE_SIZE", (1, 1))
    with fresh.pool(1) as pool:
        seen = pool.submit(eval, "__import__('scripts.content.pages').content.pages.FIGURE_SIZE")
        assert seen.result() != (1, 1)


def test_figure_markup_is_relative_accessible_and_has_a_reduced_motion_twin():
    out = markup.render_figure(_placed(), "en/optimizers/adam/", "en")
    assert 'src="../../../figures/race-quadratic.gif"' in out
    assert ('<source media="(prefers-reduced-motion: reduce)" '
            'srcset="../../../figures/race-quadratic.png">') in out
    assert 'alt="Alt with &quot;quotes&quot;"' in out and 'loading="lazy"' in out
    assert 'data-pause-label="Pause animation"' in out
    assert "<figcaption>A caption</figcaption>" in out


def test_a_page_naming_an_unknown_figure_fails_with_the_page_and_the_name():
    with pytest.raises(markup.FigureMarkupError) as info:
        markup.expand("x\n[[figure no-such]]\n", lambda n: None, "", "ko", "docs/x.md")
    assert "docs/x.md" in str(info.value) and "no-such" in str(info.value)


def test_the_raw_notebook_guard_recognises_raw_json():
    raw = json.dumps({"cells": [], "nbformat": 4, "nbformat_minor": 5, "metadata": {}})
    assert notebooks.is_raw_notebook_json(raw)
    assert not notebooks.is_raw_notebook_json("<!doctype html><html><body>ok</body></html>")


def test_a_korean_figure_renders_every_glyph(tmp_path, caplog):
    """The saddle race's loss plot has Korean axis words and negative ticks (minus signs)."""
    import logging
    import warnings

    from scripts.figures import render_races

    fig = registry.by_name(registry.load())["race-saddle-loss"]
    with warnings.catch_warnings(record=True) as caught, caplog.at_level(logging.WARNING):
        warnings.simplefilter("always")
        render_races.render(fig, "ko", tmp_path)
    messages = [str(w.message) for w in caught] + [r.getMessage() for r in caplog.records]
    assert not [m for m in messages if "glyph" in m.lower()], messages
    assert (tmp_path / "race-saddle-loss.png").stat().st_size > 10_000
    meta = json.loads((tmp_path / "meta.json").read_text(encoding="utf-8"))
    assert set(meta["story"]) == {"ko", "en"} and "GD" in meta["story"]["ko"]


def _entry(data, name):
    return next(e for e in data["figures"] if e["name"] == name)


@pytest.mark.parametrize(("mutate", "figure", "field"), [
    (lambda d: _entry(d, "momentum-rate-beta").pop("betas"), "momentum-rate-beta", "betas"),
    (lambda d: _entry(d, "momentum-rate-beta").update(betas=[1.0]), "momentum-rate-beta",
     "betas.0"),
    (lambda d: _entry(d, "ema-weights").update(surface="quadratic"), "ema-weights", "surface"),
    (lambda d: _entry(d, "nag-lookahead").pop("lr"), "nag-lookahead", "lr"),
    (lambda d: _entry(d, "race-quadratic-tuned")["optimizers"].append("Adam+polyak"),
     "race-quadratic-tuned", "optimizers"),
    (lambda d: _entry(d, "race-quadratic-tuned").update(surface="beale"),
     "race-quadratic-tuned", "optimizers"),
    (lambda d: _entry(d, "race-{surface}-rotated").update(angle="thirty"),
     "race-{surface}-rotated", "angle"),
])
def test_a_bad_analysis_entry_names_the_figure_and_the_field(mutate, figure, field):
    message = str(_broken(mutate))
    assert f"figure {figure!r}" in message and f"field {field!r}" in message


@pytest.mark.parametrize("name", ["momentum-rate-beta", "ema-weights", "adam-bias-correction",
                                  "nag-lookahead"])
def test_an_analysis_figure_renders_in_korean_with_every_glyph(name, tmp_path, caplog):
    import logging
    import warnings

    from scripts.figures import render_theory

    fig = registry.by_name(registry.load())[name]
    assert fig.localized and "betas" in fig.params()
    with warnings.catch_warnings(record=True) as caught, caplog.at_level(logging.WARNING):
        warnings.simplefilter("always")
        render_theory.render(fig, "ko", tmp_path)
    messages = [str(w.message) for w in caught] + [r.getMessage() for r in caplog.records]
    assert not [m for m in messages if "glyph" in m.lower()], messages
    png = (tmp_path / f"{name}.png").read_bytes()
    assert len(png) > 10_000
    meta = json.loads((tmp_path / "meta.json").read_text(encoding="utf-8"))
    assert set(meta["facts"]) == set(meta["story"]) == {"ko", "en"}
    assert all(meta["story"][lang] for lang in ("ko", "en"))
    again = tmp_path / "again"
    again.mkdir()
    render_theory.render(fig, "ko", again)
    assert (again / f"{name}.png").read_bytes() == png  # deterministic


def test_a_rotated_race_turns_its_surface_and_keys_its_angle():
    figs = registry.by_name(registry.load())
    rotated, aligned = figs["race-saddle-rotated"], figs["race-saddle"]
    assert rotated.angle == 30.0 and rotated.params()["angle"] == 30.0
    assert "angle" not in aligned.params()
    assert jobs.key(jobs.Job(rotated, None)) != jobs.key(jobs.Job(aligned, None))


def test_renders_start_longest_first_and_every_kind_has_a_cost():
    """The pool starts the most expensive figures first (a long render left for the end
    would run alone on one core); every kind of the registry has an expected cost."""
    figures = registry.load()
    assert {f.kind for f in figures} <= set(registry.KINDS)
    for kind in registry.KINDS:
        assert kind == "trajectory" or jobs.COST_S[kind] > 0, kind
    groups = [[job] for job in jobs.jobs(figures) if job.lang in (None, "ko")]
    order = [jobs.cost(group[0].figure) for group in jobs.longest_first(groups)]
    assert order == sorted(order, reverse=True)
    by_name = registry.by_name(figures)
    assert jobs.cost(by_name["race-rosenbrock"]) > jobs.cost(by_name["path-adam-rosenbrock"])


def test_a_shared_pool_renders_the_figures_and_returns_them_in_registry_order():
    """``ensure`` with the build's pool: every job rendered there, listed in the registry's
    order whatever order the workers finished in, each entry valid in the cache."""
    figures = [f for f in registry.load() if f.name in ("ema-weights", "nag-lookahead")]
    with fresh.pool(2) as pool:
        done, rendered = jobs.ensure(figures, force=True, pool=pool)
    assert rendered == len(done) == 4
    assert [job.label for job in done] == [job.label for job in jobs.jobs(figures)]
    for job, files in done.items():
        assert cache.valid_files(jobs.KIND, jobs.key(job)) == files


def test_a_race_and_its_loss_curves_render_in_one_worker_from_one_run():
    """race-X and race-X-loss share their runs (races.run_key): one group, one computation,
    and the group's cost counts both figures."""
    figures = registry.by_name(registry.load())
    race, loss = figures["race-rosenbrock"], figures["race-rosenbrock-loss"]
    assert races.run_key(race) == races.run_key(loss)
    assert races.run_key(race) != races.run_key(figures["race-beale"])
    races._runs.cache_clear()
    assert races.compute(race).runs is races.compute(loss).runs
    assert races._runs.cache_info().misses == 1
    assert races.compute(loss).figure is loss
    group = jobs.jobs([race, loss])
    assert len({jobs._shared(job.figure) for job in group}) == 1
    [together] = jobs.longest_first([group])
    assert together == group
