"""The optimizers, one module each, so a figure's cache key can follow exactly the code it shows."""

from optim_ref.optimizers.adadelta import Adadelta
from optim_ref.optimizers.adagrad import Adagrad
from optim_ref.optimizers.adam import Adam, AMSGrad
from optim_ref.optimizers.adamax import Adamax
from optim_ref.optimizers.adamw import AdamW
from optim_ref.optimizers.gd import GD
from optim_ref.optimizers.momentum import Momentum
from optim_ref.optimizers.nadam import NAdam
from optim_ref.optimizers.nag import NAG
from optim_ref.optimizers.rmsprop import RMSprop
from optim_ref.optimizers.sgd import SGD

#: the seven optimizers of the lecture, in the order it teaches them
LECTURE = ("SGD", "Momentum", "NAG", "Adagrad", "Adadelta", "RMSprop", "Adam")
#: what came after Adam
AFTER_ADAM = ("AdamW", "AMSGrad", "NAdam", "Adamax")

__all__ = [
    "GD", "SGD", "Momentum", "NAG", "Adagrad", "Adadelta", "RMSprop", "Adam",
    "AdamW", "AMSGrad", "NAdam", "Adamax", "LECTURE", "AFTER_ADAM",
]
