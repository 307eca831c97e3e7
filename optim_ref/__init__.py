"""optim_ref: a small numpy reference of the deep-learning optimizers, exact against torch.optim.

    from optim_ref import Adam
    opt = Adam(lr=1e-3)
    state = opt.init(params)
    params, state = opt.step(params, grads, state)

The math lives here and knows nothing of drawing (see ``optim_ref.viz``) or of the website.
"""

from optim_ref import data, functions, losses, mlp, noise, problems, schedules
from optim_ref.optimizers import (
    AFTER_ADAM,
    ASGD,
    GD,
    LBFGS,
    LECTURE,
    NAG,
    NEWER,
    NEWER_POINT,
    POINT,
    SECOND_ORDER,
    SGD,
    WHOLE,
    Adadelta,
    Adafactor,
    Adagrad,
    Adam,
    Adamax,
    AdamW,
    AMSGrad,
    Lion,
    Momentum,
    Muon,
    NAdam,
    RAdam,
    RMSprop,
    Rprop,
)
from optim_ref.trajectory import Run, run

__version__ = "0.1.0"

__all__ = [
    "GD", "SGD", "Momentum", "NAG", "Adagrad", "Adadelta", "RMSprop", "Adam",
    "AdamW", "AMSGrad", "NAdam", "Adamax", "LECTURE", "AFTER_ADAM",
    "Rprop", "ASGD", "RAdam", "Adafactor", "Lion", "Muon", "LBFGS",
    "NEWER", "NEWER_POINT", "SECOND_ORDER", "POINT", "WHOLE",
    "functions", "losses", "mlp", "problems", "schedules", "data", "noise", "run", "Run",
]
