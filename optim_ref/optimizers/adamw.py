"""AdamW (Loshchilov & Hutter 2017, "Decoupled Weight Decay Regularization",
arXiv:1711.05101; ICLR 2019).

With an L2 penalty, Adam divides the decay term lambda * theta by sqrt(v_hat) like any other
gradient, so weights with large gradients are barely regularised. AdamW takes the decay out
of the gradient and applies it to the weights directly, then takes a plain Adam step with
the bare gradient (Algorithm 2 of the paper):

    theta_t = theta_{t-1} - eta_t * (alpha * m_hat_t / (sqrt(v_hat_t) + eps) + lambda * theta_{t-1})

torch writes this as theta <- (1 - lr * lambda) * theta, followed by Adam's step: the decay
is scaled by lr, where the paper scales it by the schedule multiplier eta_t alone. That is
``Adam(decoupled_weight_decay=True)``, whose update holds the one branch where the two differ.
"""

from __future__ import annotations

from optim_ref.optimizers.adam import Adam


class AdamW(Adam):
    """torch.optim.AdamW: lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2,
    amsgrad=False. The Adam step itself is ``Adam``'s; only the decay differs."""

    def __init__(
        self,
        lr=1e-3,
        betas=(0.9, 0.999),
        eps=1e-8,
        weight_decay=1e-2,
        amsgrad: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        super().__init__(lr, betas, eps, weight_decay, amsgrad, maximize=maximize,
                         decoupled_weight_decay=True)

    def hyperparameters(self) -> dict:
        return {k: v for k, v in super().hyperparameters().items()
                if k != "decoupled_weight_decay"}

