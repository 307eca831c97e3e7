"""The stochastic figures (SGD and mini-batches, momentum under noise, schedules): registry
checks, cache keys, one render, and the row-wise mini-batch gradient their seeds step with."""

from __future__ import annotations

import copy
import json

import numpy as np
import pytest
import yaml
from PIL import Image

import optim_ref
from optim_ref.data import batches
from scripts.core import keys
from scripts.figures import jobs, registry, render_stochastic, stochastic

REGISTRY = yaml.safe_load(registry.REGISTRY.read_text(encoding="utf-8"))
NAMES = ("sgd-batch-paths", "sgd-decay", "momentum-noise-spread", "schedule-shapes")


def _entry(name: str) -> int:
    return next(i for i, e in enumerate(REGISTRY["figures"]) if e.get("name") == name)


@pytest.mark.parametrize(("name", "mutate", "field"), [
    ("sgd-decay", lambda e: e.pop("lr"), "lr"),
    ("sgd-batch-paths", lambda e: e.update(surface="beale"), "surface"),
    ("schedule-shapes", lambda e: e.update(lr=-1), "lr"),
])
def test_a_bad_stochastic_entry_names_the_figure_and_the_field(name, mutate, field):
    data = copy.deepcopy(REGISTRY)
    mutate(data["figures"][_entry(name)])
    with pytest.raises(registry.RegistryError) as info:
        registry.parse(data, registry.REGISTRY)
    assert f"figure {name!r}" in str(info.value) and f"field {field!r}" in str(info.value)


def test_stochastic_figures_are_drawn_once_per_language_by_their_renderer():
    figs = registry.by_name(registry.load())
    for name in NAMES:
        assert [job.lang for job in jobs.jobs([figs[name]])] == list(registry.LANGS)
        assert jobs.KIND_MODULES[figs[name].kind] == ("scripts.figures.render_stochastic",)


def test_editing_the_stochastic_runs_changes_their_keys_and_no_other(monkeypatch):
    todo = jobs.jobs(registry.load())
    before = [jobs.key(job) for job in todo]
    edit = {"scripts.figures.stochastic": b"\n# an edit\n"}
    monkeypatch.setattr(keys, "module_source", lambda name, source=keys.module_source:
                        source(name) + edit.get(name, b""))
    keys._imports.cache_clear()
    changed = {job.figure.name for job, old in zip(todo, before, strict=True)
               if jobs.key(job) != old}
    keys._imports.cache_clear()
    assert changed == set(NAMES)


def test_a_render_writes_the_png_at_its_declared_size_and_the_story(tmp_path):
    fig = registry.by_name(registry.load())["schedule-shapes"]
    render_stochastic.render(fig, "en", tmp_path)
    meta = json.loads((tmp_path / "meta.json").read_text(encoding="utf-8"))
    with Image.open(tmp_path / "schedule-shapes.png") as im:
        assert list(im.size) == meta["size"] == list(render_stochastic.SIZES[fig.kind])
    assert "SequentialLR 3.05e-05" in meta["story"]["en"]  # the lr of step 100, computed
    assert set(meta["story"]) == set(registry.LANGS)


def test_each_row_of_a_batch_gets_its_own_batch():
    p = stochastic.PROBLEM
    params = np.array([[1.0, -1.0], [2.0, 0.5], [0.0, 0.0]])
    idx = np.stack([b for b in batches(p.n, 8, 3, seed=4)])  # (rows, 8)
    together = p.batch_grad(params, idx)
    alone = np.stack([p.batch_grad(params[i], idx[i]) for i in range(3)])
    np.testing.assert_allclose(together, alone, rtol=1e-15, atol=0)
    with pytest.raises(ValueError, match="idx must be"):
        p.batch_grad(params, idx[None])


def test_the_seeds_stepped_together_are_the_runs_one_by_one():
    """final_points (all seeds at once) equals optim_ref.run for each seed."""
    opt = optim_ref.Momentum(lr=0.005, momentum=0.9)
    seeds = (0, 1, 2)
    together = stochastic.final_points(opt, 50, seeds=seeds)
    for row, seed in enumerate(seeds):
        r = optim_ref.run(opt, stochastic.PROBLEM, stochastic.minimum(), 50, batch_size=1,
                          seed=seed)
        np.testing.assert_allclose(together[row], r.final[0], rtol=1e-12, atol=1e-15)
