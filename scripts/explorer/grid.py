"""The explorer's grid: which runs it holds and how they are computed.

Every cell (optimizer, learning rate, beta, start) is run here at build time, batched: one
``optim_ref.run`` per surface and optimizer covers every learning rate, beta and start.
``scripts/explorer/packing.py`` packs the runs small; ``scripts/explorer/page.py`` caches
them and gives the page its files.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

import optim_ref
from optim_ref import functions, tuning

STEPS = 200
N_LR = 13  # 3 per decade over 4 decades
SURFACES = functions.NAMES
FIRST = "quadratic"

#: four starts per surface, the surface's own default first
STARTS = {
    "quadratic": ((-2.5, 1.5), (-2.8, -0.4), (1.0, -1.8), (2.6, 1.0)),
    "saddle": ((-1.8, 0.01), (-1.8, 0.3), (1.6, -0.05), (-1.0, 1.0)),
    "rosenbrock": ((-1.5, 2.0), (-1.0, -0.5), (0.5, 2.5), (1.8, 1.0)),
    "beale": ((1.0, 1.5), (-1.0, 1.0), (2.0, -1.5), (-3.0, -0.5)),
    "himmelblau": ((0.2, -4.2), (-0.3, 0.5), (-4.5, 0.0), (4.0, 4.5)),
    "six_hump_camel": ((-1.4, -1.1), (0.3, 0.3), (-1.8, 0.6), (1.9, -1.0)),
    "rastrigin": ((-3.5, 2.5), (4.3, 4.0), (-1.2, -4.5), (2.2, -0.7)),
}



@dataclass(frozen=True)
class Beta:
    """The optimizer's momentum-like hyperparameter the reader can change."""

    name: str  # how the explorer calls it: momentum, beta1, alpha, rho
    symbol: str  # as the pages write it
    values: tuple[float, ...]
    default: float


@dataclass(frozen=True)
class Spec:
    """One optimizer of the explorer: its learning-rate decades and its beta, if any."""

    name: str
    group: str  # "lecture" or "after"
    lr_low: float  # the lowest rate, a power of ten; the grid spans 4 decades above it
    beta: Beta | None
    color: str
    dashed: bool = False

    @property
    def lrs(self) -> np.ndarray:
        return np.logspace(math.log10(self.lr_low), math.log10(self.lr_low) + 4, N_LR)

    @property
    def betas(self) -> tuple[float, ...]:
        return self.beta.values if self.beta else (None,)

    def make(self, lr, beta):
        """The optimizer with ``lr`` and ``beta`` (arrays of shape (n, 1) for a sweep)."""
        cls = getattr(optim_ref, self.name)
        if self.beta is None:
            return cls(lr=lr)
        if self.beta.name == "beta1":
            return cls(lr=lr, betas=(beta, 0.999))
        return cls(lr=lr, **{self.beta.name: beta})


MOMENTUM = Beta("momentum", "β", (0.5, 0.9, 0.99), 0.9)
BETA1 = Beta("beta1", "β₁", (0.5, 0.9, 0.99), 0.9)

#: colours: the site's Okabe-Ito order for the lecture's seven, Tol's muted for the rest
SPECS = (
    Spec("SGD", "lecture", 1e-4, None, "#D55E00"),
    Spec("Momentum", "lecture", 1e-4, MOMENTUM, "#0072B2"),
    Spec("NAG", "lecture", 1e-4, MOMENTUM, "#009E73"),
    Spec("Adagrad", "lecture", 1e-2, None, "#E69F00"),
    # Adadelta's lr multiplies a step that starts near sqrt(eps) = 1e-3
    Spec("Adadelta", "lecture", 1e-1, Beta("rho", "ρ", (0.5, 0.9, 0.99), 0.9), "#CC79A7"),
    Spec("RMSprop", "lecture", 1e-4, Beta("alpha", "α", (0.9, 0.99, 0.999), 0.99), "#56B4E9"),
    Spec("Adam", "lecture", 1e-3, BETA1, "#000000"),
    Spec("AdamW", "after", 1e-3, BETA1, "#882255", dashed=True),
    Spec("AMSGrad", "after", 1e-3, BETA1, "#44AA99", dashed=True),
    Spec("NAdam", "after", 1e-3, BETA1, "#999933", dashed=True),
    Spec("Adamax", "after", 1e-3, BETA1, "#AA4499", dashed=True),
)
SPEC = {s.name: s for s in SPECS}


# --- the grid ---------------------------------------------------------------------------

def cells(spec: Spec, n_starts: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Learning rate, beta and start index of every run of ``spec``, in run order."""
    lrs, betas = spec.lrs, spec.betas
    li, bi, si = np.meshgrid(np.arange(len(lrs)), np.arange(len(betas)), np.arange(n_starts),
                             indexing="ij")
    return li.ravel(), bi.ravel(), si.ravel()


def runs_per(spec: Spec, n_starts: int = 4) -> int:
    return len(spec.lrs) * len(spec.betas) * n_starts


def run_index(optimizer: str, lr_i: int, beta_i: int, start_i: int, n_starts: int = 4) -> int:
    """Row of a cell in a surface's data: optimizers in SPECS order, then lr, beta, start."""
    offset = 0
    for spec in SPECS:
        if spec.name == optimizer:
            return offset + (lr_i * len(spec.betas) + beta_i) * n_starts + start_i
        offset += runs_per(spec, n_starts)
    raise KeyError(f"unknown optimizer {optimizer!r}")


def compute_spec(spec: Spec, surface_name: str) -> optim_ref.Run:
    """Every run of one optimizer on one surface, in one batched ``optim_ref.run``."""
    surface = functions.get(surface_name)
    starts = np.array(STARTS[surface_name], dtype=np.float64)
    li, bi, si = cells(spec, len(starts))
    lr = spec.lrs[li][:, None]
    beta = None if spec.beta is None else np.array(spec.betas)[bi][:, None]
    return optim_ref.run(spec.make(lr, beta), surface, starts[si], STEPS)


def compute(surface_name: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Paths (R, T, 2), losses (R, T) and diverged_at (R,) of every run on the surface."""
    runs = [compute_spec(spec, surface_name) for spec in SPECS]
    return (np.concatenate([r.path for r in runs]), np.concatenate([r.loss for r in runs]),
            np.concatenate([r.diverged_at for r in runs]))


def recommended(surface_name: str) -> dict[str, int]:
    """Per optimizer, the index in its rates of the one the site's stated rule picks.

    The rule is ``optim_ref.tuning.best_lr`` itself, over the explorer's own rates, from the
    surface's first start with the default beta: the page's "recommended" rate is the one
    the figures' races would pick on the same grid.
    """
    surface = functions.get(surface_name)
    start = np.array(STARTS[surface_name][0], dtype=np.float64)
    out = {}
    for spec in SPECS:
        beta = spec.beta.default if spec.beta else None
        choice = tuning.best_lr(lambda lr, s=spec, b=beta: s.make(lr, b), surface, start,
                                STEPS, grid=spec.lrs)
        out[spec.name] = int(np.flatnonzero(spec.lrs == choice.lr)[0])
    return out
