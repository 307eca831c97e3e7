"""The live explorer's one build-time file (scripts/explorer/page.py): the stated rule's
learning rate per surface and optimizer, made through the cache, small, and equal to
``optim_ref.tuning.best_lr`` run here again; and its loader's list of modules."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import optim_ref
from optim_ref import functions, tuning
from scripts.explorer import page


@pytest.fixture(scope="module")
def rates_file():
    [(site_path, path)] = page.site_files()
    return site_path, path


def test_one_small_file_holds_every_surface_and_point_optimizer(rates_file):
    site_path, path = rates_file
    assert site_path == "explorer/data/rates.json"
    assert path.stat().st_size < 10_000
    data = json.loads(path.read_text("utf-8"))
    assert data["steps"] == page.RULE_STEPS
    assert sorted(data["rates"]) == sorted(functions.NAMES)
    for rates in data["rates"].values():
        assert set(rates) == {*optim_ref.LECTURE, *optim_ref.AFTER_ADAM, *optim_ref.NEWER_POINT,
                              "GD"}
    for name, info in data["surfaces"].items():
        assert info["label"]["ko"] and info["label"]["en"], name


@pytest.mark.parametrize(("surface", "cls"), [("quadratic", "Momentum"), ("rosenbrock", "Adam"),
                                              ("himmelblau", "GD")])
def test_each_rate_is_the_rule_run_again(rates_file, surface, cls):
    data = json.loads(rates_file[1].read_text("utf-8"))
    f = functions.get(surface)
    assert data["rates"][surface][cls] == tuning.best_lr(getattr(optim_ref, cls), f, f.start,
                                                         page.RULE_STEPS).lr


EXPLORER_JS = Path(__file__).resolve().parents[1] / "docs" / "assets" / "javascripts" / "explorer"


def test_the_loader_announces_exactly_the_modules_the_page_imports():
    """load.js preloads a hand-written list of modules, so that they arrive in parallel: it
    must be the modules page.js's static imports reach (custom.js is imported only when the
    reader opens the custom surface), or one is fetched late, or for nothing."""
    loader = (EXPLORER_JS / "load.js").read_text("utf-8")
    listed = re.search(r"const MODULES = \[(.*?)\];", loader, re.S)
    assert listed, "load.js has no MODULES list"
    announced = set(re.findall(r'"([a-z]+)"', listed.group(1)))
    reached, todo = set(), ["page"]
    while todo:
        name = todo.pop()
        if name not in reached:
            reached.add(name)
            source = (EXPLORER_JS / f"{name}.js").read_text("utf-8")
            todo += re.findall(r'^(?:import|export)\b[^;]*?from "\./([a-z]+)\.js";', source,
                               re.M | re.S)
    assert announced == reached
