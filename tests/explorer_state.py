"""The explorer page's reported state turned back into optim_ref objects, so the tests can
recompute what the page drew: ``schedule`` ({name, ...torch arguments}, SequentialLR with
nested schedulers) to an ``optim_ref.schedules`` object, and a run's hyperparameters to its
optimizer (lists back to the tuples optim_ref takes for ``betas``)."""

from __future__ import annotations

import optim_ref
from optim_ref import schedules


def schedule(spec: dict | None):
    if spec is None:
        return None
    args = {k: v for k, v in spec.items() if k != "name"}
    if spec["name"] == "SequentialLR":
        args["schedulers"] = [schedule(s) for s in args["schedulers"]]
    return getattr(schedules, spec["name"])(**args)


def optimizer(name: str, hyper: dict):
    args = {k: tuple(v) if isinstance(v, list) else v for k, v in hyper.items()}
    return getattr(optim_ref, name)(**args)
