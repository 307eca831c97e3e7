"""What the optimizers that act on a whole tensor share (Adafactor, Muon, L-BFGS).

Their step couples all entries of the parameter (a norm, a matrix product, a dot product),
so a row of a batch is not a run of its own: their hyperparameters must be scalars.
"""

from __future__ import annotations

import numpy as np


def check_scalar(owner: str, name: str, value):
    """Refuse an array hyperparameter, saying why; return the value as given."""
    for item in value if isinstance(value, tuple) else (value,):
        if item is not None and np.ndim(item) != 0:
            raise ValueError(
                f"{owner} takes a scalar {name}, got an array of shape {np.shape(item)}: its "
                "step couples every entry of the parameter, so a batch row is no run of its own"
            )
    return value
