"""optim_ref: a small numpy reference of the deep-learning optimizers, exact against torch.optim.

    from optim_ref import Adam
    opt = Adam(lr=1e-3)
    state = opt.init(params)
    params, state = opt.step(params, grads, state)

The math lives here and knows nothing of drawing (see ``optim_ref.viz``) or of the website.
"""

from optim_ref import functions, losses, mlp, noise
from optim_ref.optimizers import (
    AFTER_ADAM,
    LECTURE,
    NAG,
    SGD,
    Adadelta,
    Adagrad,
    Adam,
    Adamax,
    AdamW,
    AMSGrad,
    Momentum,
    NAdam,
    RMSprop,
)
from optim_ref.trajectory import Run, run

__version__ = "0.1.0"

__all__ = [
    "SGD", "Momentum", "NAG", "Adagrad", "Adadelta", "RMSprop", "Adam",
    "AdamW", "AMSGrad", "NAdam", "Adamax", "LECTURE", "AFTER_ADAM",
    "functions", "losses", "mlp", "noise", "run", "Run",
]
