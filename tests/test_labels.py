"""Every optimizer of optim_ref has one label, particle and colour (scripts/figures/labels.py)."""

from __future__ import annotations

import inspect
import json
import re

import optim_ref
from optim_ref.optimizers._base import Optimizer
from scripts.figures import labels


def _optimizer_classes() -> set[str]:
    return {name for name in optim_ref.__all__
            if inspect.isclass(cls := getattr(optim_ref, name)) and issubclass(cls, Optimizer)}


def test_every_optimizer_in_optim_ref_has_a_label_and_a_colour():
    names = _optimizer_classes()
    assert names >= {"SGD", "Adam", "LBFGS"}  # the scan finds the classes
    assert sorted(names - set(labels.OPTIMIZERS)) == []
    assert sorted(set(labels.OPTIMIZERS) - names) == []  # no label for a class that is gone


def test_labels_particles_and_colours_are_well_formed():
    for name, o in labels.OPTIMIZERS.items():
        assert o.text and o.topic_ko in ("은", "는"), name
        assert re.fullmatch(r"#[0-9A-F]{6}", o.color), (name, o.color)
    # one colour per label: two classes share one only when they share the label (SGD, GD)
    by_color = {}
    for o in labels.OPTIMIZERS.values():
        assert by_color.setdefault(o.color, o.text) == o.text, o.color


def test_the_explorer_gets_the_same_table(monkeypatch):
    from scripts.explorer import page

    monkeypatch.setattr(page, "rates", dict)  # the rule's sweep is not what this checks
    table = {n: {"label": o.text, "color": o.color} for n, o in labels.OPTIMIZERS.items()}
    assert labels.site_table() == table
    assert json.loads(json.dumps(page.data()["optimizers"])) == table
