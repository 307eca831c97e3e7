"""scikit-learn's 8x8 handwritten digits (1,797 images, 10 classes), read from the copy that
ships inside scikit-learn (``sklearn.datasets.load_digits``): no download, at build time.

The split is fixed: ``train_test_split(..., test_size=validation, random_state=seed,
stratify=labels)``, so both parts hold the ten digits in the same proportions, and a pinned
scikit-learn gives the same split on every machine. Pixels (0..16 in the file) are scaled to
[0, 1]; labels are int64 class indices, as ``F.cross_entropy`` takes them.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from optim_ref.optimizers._base import check_hyper

Array = np.ndarray


class Split(NamedTuple):
    x_train: Array  # (n_train, 64) float64 in [0, 1]
    y_train: Array  # (n_train,) int64 in 0..9
    x_val: Array    # (n_val, 64)
    y_val: Array    # (n_val,)


def load_digits(validation: float = 0.2, seed: int = 0) -> Split:
    """The digits, split into training and validation parts (by default 1,437 and 360)."""
    check_hyper("validation", validation, 0.0, 1.0, low_open=True, high_open=True,
                label="validation fraction")
    # imported here: only the real-data figures and tests need scikit-learn
    from sklearn.datasets import load_digits as sklearn_digits
    from sklearn.model_selection import train_test_split

    data = sklearn_digits()
    x = data.data.astype(np.float64) / 16.0
    y = data.target.astype(np.int64)
    x_train, x_val, y_train, y_val = train_test_split(
        x, y, test_size=validation, random_state=seed, stratify=y)
    return Split(x_train, y_train, x_val, y_val)
