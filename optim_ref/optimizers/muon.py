"""Muon, MomentUm Orthogonalized by Newton-schulz (Jordan et al. 2024, "Muon: An optimizer
for hidden layers in neural networks", kellerjordan.github.io/posts/muon), as
torch.optim.Muon (PyTorch 2.9 on).

For a weight matrix, Muon replaces the momentum M = U S V^T by its nearest semi-orthogonal
matrix U V^T: every direction of the update gets the same size, so the rare directions that
a gradient step barely moves are not drowned by the dominant ones. U V^T is approximated by
k steps of a quintic Newton-Schulz iteration, which maps each singular value sigma of X
through p(sigma) = a sigma + b sigma^3 + c sigma^5 without computing an SVD:

    B_t = mu B_{t-1} + (1 - mu) g_t                 (torch: a moving average, by lerp)
    M_t = mu B_t + (1 - mu) g_t  if nesterov, else B_t
    X_0 = M_t / max(||M_t||_F, eps)                 (so every sigma <= 1)
    X_{j+1} = a X_j + b (X_j X_j^T) X_j + c (X_j X_j^T)^2 X_j,   O_t = X_k
    theta_t = theta_{t-1} (1 - lr lambda) - lr s O_t
    s = sqrt(max(1, rows / cols))  (adjust_lr_fn "original"),  0.2 sqrt(max(rows, cols))
        ("match_rms_adamw", Liu et al. 2025, "Muon is Scalable for LLM Training")

(a, b, c) = (3.4445, -4.7750, 2.0315) are Jordan's, chosen for a steep slope at 0: after 5
steps the singular values are spread around 1 (roughly 0.5 to 1.5, says Jordan's code),
not at 1, which training does not mind. torch's docs write B_t = mu B_{t-1} + g_t; its
code keeps the moving average above, and so does optim_ref (from B_0 = 0 the two differ by
the factor 1/(1 - mu), which the normalisation of X_0 removes: the steps agree, the stored
buffers do not). torch runs Newton-Schulz in bfloat16 (8 significant bits); optim_ref runs
it in float64, so the two differ by what bfloat16's rounding explains (the tests derive a
first-order worst-case bound and check it; measured: a few percent of ||O||_F). Muon is for
2-D weights only: biases, gains and embeddings go to AdamW, as torch's docs recommend.
Hyperparameters are scalars.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from optim_ref.optimizers._base import Array, Optimizer, as_float_array, check_hyper
from optim_ref.optimizers._whole import check_scalar

NS_COEFFICIENTS = (3.4445, -4.7750, 2.0315)
ADJUST_LR_FNS = (None, "original", "match_rms_adamw")


class MuonState(NamedTuple):
    step: int
    #: B, the momentum (a moving average of gradients)
    momentum_buffer: Array


def check_matrix(shape: tuple[int, ...], what: str = "parameter") -> None:
    if len(shape) != 2:
        raise ValueError(
            f"Muon only supports 2-D parameters (weight matrices); got a {what} of shape "
            f"{tuple(shape)}. Give biases, gains and embeddings to AdamW instead"
        )


def newton_schulz(M: Array, coefficients=NS_COEFFICIENTS, steps: int = 5,
                  eps: float = 1e-7) -> Array:
    """k quintic Newton-Schulz steps towards U V^T, in float64 (torch: bfloat16)."""
    a, b, c = coefficients
    # --8<-- [start:newton_schulz]
    tall = M.shape[0] > M.shape[1]
    X = M.T if tall else M                       # X X^T is the smaller Gram matrix
    X = X / max(np.linalg.norm(X), eps)          # Frobenius norm >= spectral norm: sigma <= 1
    for _ in range(steps):
        A = X @ X.T
        X = a * X + (b * A + c * A @ A) @ X      # sigma -> a sigma + b sigma^3 + c sigma^5
    # --8<-- [end:newton_schulz]
    return X.T if tall else X


class Muon(Optimizer):
    """torch.optim.Muon: lr=1e-3, weight_decay=0.1, momentum=0.95, nesterov=True,
    ns_coefficients=(3.4445, -4.7750, 2.0315), eps=1e-7, ns_steps=5, adjust_lr_fn=None."""

    State = MuonState

    def __init__(
        self,
        lr=1e-3,
        weight_decay=0.1,
        momentum=0.95,
        nesterov: bool = True,
        ns_coefficients=NS_COEFFICIENTS,
        eps=1e-7,
        ns_steps: int = 5,
        adjust_lr_fn: str | None = None,
    ) -> None:
        name = type(self).__name__
        self.lr = check_hyper("lr", check_scalar(name, "lr", lr), 0.0, label="learning rate")
        self.weight_decay = check_hyper("weight_decay", check_scalar(name, "weight_decay",
                                                                     weight_decay),
                                        0.0, label="weight_decay value")
        # torch allows any momentum >= 0; above 1 the moving average diverges
        self.momentum = check_hyper("momentum", check_scalar(name, "momentum", momentum),
                                    0.0, 1.0, label="momentum value")
        self.nesterov = bool(nesterov)
        ns_coefficients = tuple(ns_coefficients)
        if len(ns_coefficients) != 3:
            raise ValueError(f"Invalid ns_coefficients: {ns_coefficients} (three numbers "
                             "(a, b, c) are needed)")
        for i, value in enumerate(check_scalar(name, "ns_coefficients", ns_coefficients)):
            check_hyper(f"ns_coefficients[{i}]", value, label=f"ns_coefficients[{i}] value")
        self.ns_coefficients = ns_coefficients
        self.eps = check_hyper("eps", check_scalar(name, "eps", eps), 0.0,
                               label="epsilon value")
        if int(check_scalar(name, "ns_steps", ns_steps)) != ns_steps or not 0 <= ns_steps < 100:
            raise ValueError(f"Invalid ns_steps: {ns_steps} (ns_steps must be an integer in "
                             "[0, 100), as torch)")
        self.ns_steps = int(ns_steps)
        if adjust_lr_fn not in ADJUST_LR_FNS:
            raise ValueError(f"Invalid adjust_lr_fn: {adjust_lr_fn!r} (adjust_lr_fn must be "
                             "one of None, 'original', 'match_rms_adamw')")
        self.adjust_lr_fn = adjust_lr_fn

    def init(self, params) -> MuonState:
        params = as_float_array(params)
        check_matrix(params.shape)
        return MuonState(step=0, momentum_buffer=np.zeros_like(params))

    def adjusted_lr(self, shape: tuple[int, int]) -> float:
        """lr times the shape's scale s, so updates of any aspect ratio have a like RMS."""
        rows, cols = shape
        if self.adjust_lr_fn == "match_rms_adamw":
            return self.lr * 0.2 * max(rows, cols) ** 0.5
        return self.lr * max(1.0, rows / cols) ** 0.5

    def orthogonalize(self, M: Array) -> Array:
        """newton_schulz with this optimizer's coefficients, steps and eps."""
        return newton_schulz(M, self.ns_coefficients, self.ns_steps, self.eps)

    def step(self, params, grads, state: MuonState):
        check_matrix(np.shape(params))
        return super().step(params, grads, state)

    def _update(self, params: Array, grads: Array, state: MuonState):
        # --8<-- [start:update]
        lr, lam, mu = self.lr, self.weight_decay, self.momentum
        B = state.momentum_buffer + (1 - mu) * (grads - state.momentum_buffer)  # lerp, not mu B + g
        M = grads + mu * (B - grads) if self.nesterov else B     # Nesterov: lerp(g, B, mu)
        O = self.orthogonalize(M)                            # noqa: E741  ~U V^T, Newton-Schulz
        params = params * (1 - lr * lam) - self.adjusted_lr(params.shape) * O
        # --8<-- [end:update]
        return params, MuonState(step=state.step + 1, momentum_buffer=B)
