"""Data for stochastic training: the seeded mini-batch sampler and the digits data set."""

from optim_ref.data.digits import Split, load_digits
from optim_ref.data.sampler import batches, steps_per_epoch

__all__ = ["batches", "steps_per_epoch", "Split", "load_digits"]
