"""Mini-batches as torch's ``DataLoader(shuffle=True, batch_size=..., drop_last=...)`` makes
them: every epoch a fresh permutation of the n examples, cut into consecutive batches, each
example once per epoch (without replacement); the last, short batch is kept unless
``drop_last``. The permutations come from ``numpy.random.default_rng(seed)``, one per epoch in
order, so the same seed gives the same batches bit for bit (torch's own generator draws other
permutations; a test hands these very index batches to torch).
"""

from __future__ import annotations

import numpy as np

from optim_ref.validation import check_int

Array = np.ndarray


def steps_per_epoch(n: int, batch_size: int, drop_last: bool = False) -> int:
    """``len(DataLoader)``: ``n // batch_size``, plus one short batch unless ``drop_last``."""
    n, batch_size = check_int("n", n, 1), check_int("batch_size", batch_size, 1)
    full, rest = divmod(n, batch_size)
    return full + (1 if rest and not drop_last else 0)


def batches(n: int, batch_size: int, steps: int, *, seed=0, drop_last: bool = False) -> list[Array]:
    """The index batches (int64 arrays) of the first ``steps`` optimizer steps, epoch after epoch.

    ``seed`` is an int or a ``numpy.random.Generator`` (which is advanced).
    """
    per_epoch = steps_per_epoch(n, batch_size, drop_last)
    steps = check_int("steps", steps, 0)
    if per_epoch == 0:
        raise ValueError(f"Invalid batch_size: {batch_size} (with drop_last=True and n={n} "
                         f"examples an epoch has no batch; batch_size must be in [1, {n}])")
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    out: list[Array] = []
    while len(out) < steps:
        order = rng.permutation(n)
        out.extend(order[i * batch_size:(i + 1) * batch_size] for i in range(per_epoch))
    return out[:steps]
