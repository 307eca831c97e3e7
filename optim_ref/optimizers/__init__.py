"""The optimizers, one module each, so a figure's cache key can follow exactly the code it shows."""

from optim_ref.optimizers.adadelta import Adadelta
from optim_ref.optimizers.adafactor import Adafactor
from optim_ref.optimizers.adagrad import Adagrad
from optim_ref.optimizers.adam import Adam, AMSGrad
from optim_ref.optimizers.adamax import Adamax
from optim_ref.optimizers.adamw import AdamW
from optim_ref.optimizers.asgd import ASGD
from optim_ref.optimizers.gd import GD
from optim_ref.optimizers.lbfgs import LBFGS
from optim_ref.optimizers.lion import Lion
from optim_ref.optimizers.momentum import Momentum
from optim_ref.optimizers.muon import Muon
from optim_ref.optimizers.nadam import NAdam
from optim_ref.optimizers.nag import NAG
from optim_ref.optimizers.radam import RAdam
from optim_ref.optimizers.rmsprop import RMSprop
from optim_ref.optimizers.rprop import Rprop
from optim_ref.optimizers.sgd import SGD

#: the seven optimizers of the lecture, in the order it teaches them
LECTURE = ("SGD", "Momentum", "NAG", "Adagrad", "Adadelta", "RMSprop", "Adam")
#: what came after Adam
AFTER_ADAM = ("AdamW", "AMSGrad", "NAdam", "Adamax")
#: the rest of torch.optim's first-order methods and the large-model era's (Lion: not in torch)
NEWER = ("Rprop", "ASGD", "RAdam", "Adafactor", "Lion", "Muon")
#: of these, the ones that step a point on a surface coordinate by coordinate (batched
#: hyperparameters work); Adafactor's factored moment and Muon act on whole matrices
NEWER_POINT = ("Rprop", "ASGD", "RAdam", "Lion")
#: methods that take the function, not a gradient: step(params, loss_and_grad, state)
SECOND_ORDER = ("LBFGS",)
#: every optimizer that steps a point coordinate by coordinate, so array hyperparameters
#: batch many runs in one call (a row equals its run alone) and the explorer's kernels mirror
#: it: the lecture-shaped GD, the lecture, what came after Adam, the newer point methods
POINT = ("GD",) + LECTURE + AFTER_ADAM + NEWER_POINT
#: the ones whose step couples a whole tensor (an RMS, a matrix product, a line search):
#: scalar hyperparameters only, refused with a message otherwise
WHOLE = ("Adafactor", "Muon") + SECOND_ORDER

__all__ = [
    "GD", "SGD", "Momentum", "NAG", "Adagrad", "Adadelta", "RMSprop", "Adam",
    "AdamW", "AMSGrad", "NAdam", "Adamax", "LECTURE", "AFTER_ADAM",
    "Rprop", "ASGD", "RAdam", "Adafactor", "Lion", "Muon", "LBFGS",
    "NEWER", "NEWER_POINT", "SECOND_ORDER", "POINT", "WHOLE",
]
