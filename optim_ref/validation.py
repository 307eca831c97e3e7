"""Argument checks shared by the schedules, the sampler and the problems, with the optimizers'
message (``Invalid gamma: -0.1 (gamma must be in (0, inf))``: the argument, the value, the range).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from optim_ref.optimizers._base import check_hyper


def check_int(name: str, value: Any, low: int) -> int:
    """An integer argument ``>= low``; bools and floats are refused (torch counts steps in ints)."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
        raise ValueError(f"Invalid {name}: {value!r} ({name} must be an integer in [{low}, inf))")
    return int(value)


def check_float(name: str, value: Any, low: float | None = None, high: float | None = None,
                **open_ends: bool) -> float:
    """A finite float argument in a range, with check_hyper's message (``Invalid gamma: ...``)."""
    if isinstance(value, bool) or np.ndim(value) != 0:
        raise ValueError(f"Invalid {name}: {value!r} ({name} must be a number)")
    return float(check_hyper(name, value, low, high, **open_ends))
