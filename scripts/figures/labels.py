"""How each optimizer is called and drawn, once: its label, the Korean topic particle after
it, and its colour in the live explorer.

The label is the same in both languages; ``SGD`` is plain gradient descent in the races, so
it reads ``GD`` like the lecture-shaped ``GD``. The particle follows how the name is read
aloud (Adam은, GD는). The colours are Okabe-Ito for the lecture's seven and Paul Tol's
muted and medium-contrast palettes after them (colour-blind safe); the races draw with
``optim_ref.viz.colors`` by position instead. ``site_table`` is what the explorer page
gets, inside its ``rates.json`` (scripts/explorer/page.py).
"""

from __future__ import annotations

from typing import NamedTuple


class Label(NamedTuple):
    text: str
    topic_ko: str  # 은 or 는
    color: str


OPTIMIZERS = {
    "GD": Label("GD", "는", "#D55E00"),
    "SGD": Label("GD", "는", "#D55E00"),
    "Momentum": Label("Momentum", "은", "#0072B2"),
    "NAG": Label("NAG", "는", "#009E73"),
    "Adagrad": Label("Adagrad", "는", "#E69F00"),
    "Adadelta": Label("Adadelta", "는", "#CC79A7"),
    "RMSprop": Label("RMSprop", "은", "#56B4E9"),
    "Adam": Label("Adam", "은", "#000000"),
    "AdamW": Label("AdamW", "는", "#882255"),
    "AMSGrad": Label("AMSGrad", "는", "#44AA99"),
    "NAdam": Label("NAdam", "은", "#999933"),
    "Adamax": Label("Adamax", "는", "#AA4499"),
    "Rprop": Label("Rprop", "은", "#332288"),
    "ASGD": Label("ASGD", "는", "#88CCEE"),
    "RAdam": Label("RAdam", "은", "#117733"),
    "Adafactor": Label("Adafactor", "는", "#DDCC77"),
    "Lion": Label("Lion", "은", "#CC6677"),
    "Muon": Label("Muon", "은", "#6699CC"),
    "LBFGS": Label("L-BFGS", "는", "#997700"),
}


def label(name: str) -> str:
    return OPTIMIZERS[name].text


def topic_ko(text: str) -> str:
    """The particle after a label (``races.story`` writes labels, not class names)."""
    return next((o.topic_ko for o in OPTIMIZERS.values() if o.text == text), "는")


def site_table() -> dict[str, dict[str, str]]:
    """The labels and colours for the explorer page's script, by class name."""
    return {name: {"label": o.text, "color": o.color} for name, o in OPTIMIZERS.items()}
