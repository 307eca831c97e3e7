"""The numbers behind the analysis figures, and the sentences that state them.

Each ``compute_*`` takes a registry figure and returns what its picture shows, computed with
optim_ref (the rate from ``optim_ref.analysis`` and measured from runs, the EMA weights
read off Adam's own first moment, m_t from Adam's state, NAG's vectors from
``NAG.lecture_point``); each ``*_facts`` writes the caption's numbers and each ``*_story``
the alt text, in both languages, from the same result.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

import optim_ref
from optim_ref import analysis
from optim_ref.optimizers.momentum import MomentumState
from scripts.figures import races
from scripts.figures.registry import Figure

#: the betas of the drawn rate curve (the figure's own betas are the measured dots)
CURVE = np.linspace(0.0, 0.995, 200)
#: steps of each run that measures a rate
RATE_STEPS = 400


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%"


# ---- rate against beta ---------------------------------------------------------------------


@dataclass(frozen=True)
class RateBeta:
    curve_beta: np.ndarray
    curve_rate: np.ndarray
    beta: np.ndarray  # the figure's betas
    eta: np.ndarray  # the best learning rate at each
    rate: np.ndarray  # the spectral radius there
    measured: np.ndarray  # the rate read off a run at that (eta, beta)
    beta_star: float  # Polyak's beta: from here on the best rate is sqrt(beta)
    kappa: float


def compute_rate_beta(fig: Figure) -> RateBeta:
    surface = races.surface_of(fig)
    lams = races.curvatures(surface)
    curve = np.array([analysis.best_rate(b, lams, n=20_001)[1] for b in CURVE])
    best = [analysis.best_rate(b, lams, n=50_001) for b in fig.betas]
    measured = []
    for b, (eta, _) in zip(fig.betas, best, strict=True):
        run = optim_ref.run(optim_ref.Momentum(lr=eta, momentum=b), surface,
                            surface.start[None], RATE_STEPS)
        measured.append(analysis.measured_rate(run.loss[0]))
    return RateBeta(CURVE, curve, np.array(fig.betas), np.array([e for e, _ in best]),
                    np.array([r for _, r in best]), np.array(measured),
                    analysis.polyak(lams)[1], float(surface.kappa))


def rate_beta_facts(r: RateBeta, lang: str) -> str:
    pairs = ", ".join(f"β {b:g}: {rate:.3f}" for b, rate in zip(r.beta, r.rate, strict=True))
    if lang == "ko":
        return (f"학습률을 가장 잘 골랐을 때의 수렴률은 {pairs}입니다. "
                f"β* = {r.beta_star:.3f}부터는 "
                "√β와 같습니다.")
    return f"The best rates are {pairs}; from β* = {r.beta_star:.3f} on the rate equals √β."


def rate_beta_story(r: RateBeta, lang: str) -> str:
    i0 = int(np.argmin(r.curve_rate))
    gap = float(np.max(np.abs(r.measured - r.rate)))
    worst = float(r.beta[int(np.argmax(np.abs(r.measured - r.rate)))])
    if lang == "ko":
        return (f"가로축 β, 세로축 수렴률인 그래프. 실선(가장 좋은 학습률에서의 수렴률)은 β = 0의 "
                f"{r.curve_rate[0]:.3f}에서 내려가 β ≈ {r.curve_beta[i0]:.2f}에서 가장 낮은 "
                f"{r.curve_rate[i0]:.3f}에 이르고, 그 뒤로는 점선 √β 위를 따라 1로 올라갑니다. "
                f"점은 그 학습률로 {RATE_STEPS}걸음 달린 실행에서 잰 수렴률로, 실선과 가장 크게 "
                f"다른 곳이 β = {worst:g}에서 {gap:.3f}입니다.")
    return (f"Plot of the convergence rate against β. The solid line (the rate at the best "
            f"learning rate) falls from {r.curve_rate[0]:.3f} at β = 0 to its lowest, "
            f"{r.curve_rate[i0]:.3f}, near β = {r.curve_beta[i0]:.2f}, then follows the dashed √β "
            f"up toward 1. The dots, rates measured from {RATE_STEPS}-step runs at that learning "
            f"rate, differ from the line by at most {gap:.3f} (at β = {worst:g}).")


# ---- the weights of an exponential moving average ------------------------------------------


@dataclass(frozen=True)
class Weights:
    k: np.ndarray  # how many steps back
    beta: tuple[float, ...]
    weights: tuple[np.ndarray, ...]  # weight of the gradient k steps back, per beta
    window: tuple[float, ...]  # 1 / (1 - beta)
    share: tuple[float, ...]  # the share of all weight in the newest 1/(1 - beta) gradients


def compute_weights(fig: Figure, horizon: int = 300) -> Weights:
    """Each gradient's weight in Adam's m, read off m itself: one gradient of 1, then zeros."""
    out = []
    for b in fig.betas:
        opt = optim_ref.Adam(lr=0.0, betas=(b, 0.999))
        params, state = np.zeros(1), opt.init(np.zeros(1))
        trace = []
        for t in range(horizon + 1):
            params, state = opt.step(params, np.array([1.0 if t == 0 else 0.0]), state)
            trace.append(float(state.exp_avg[0]))  # = (1 - b) b^t
        out.append(np.array(trace))
    window = tuple(round(1.0 / (1.0 - b), 9) for b in fig.betas)
    # the weights of all the gradients ever sum to 1 (the read trace stops at the horizon)
    share = tuple(float(w[: int(round(n))].sum()) for w, n in zip(out, window, strict=True))
    return Weights(np.arange(horizon + 1), tuple(fig.betas), tuple(out), window, share)


def weights_facts(w: Weights, lang: str) -> str:
    if lang == "ko":
        return " ".join(f"β = {b:g}이면 최근 {n:g}개가 전체 무게의 {_pct(s)}를 가집니다."
                        for b, n, s in zip(w.beta, w.window, w.share, strict=True))
    return " ".join(f"At β = {b:g} the newest {n:g} carry {_pct(s)} of the weight."
                    for b, n, s in zip(w.beta, w.window, w.share, strict=True))


def weights_story(w: Weights, lang: str) -> str:
    newest = ", ".join(f"{x[0]:.3g}" for x in w.weights)
    if lang == "ko":
        return (f"세로축이 로그 눈금인 그래프. "
                f"β = {', '.join(f'{b:g}' for b in w.beta)}의 세 직선이 "
                f"각각 {newest}에서 시작해 β가 작을수록 가파르게 내려가고, 점선은 창의 길이("
                f"{', '.join(f'{n:g}' for n in w.window)})를 표시합니다. {weights_facts(w, 'ko')}")
    return (f"Plot with a log scale. Three straight lines for β = "
            f"{', '.join(f'{b:g}' for b in w.beta)} start at {newest} and fall the steeper the "
            f"smaller β is; dotted lines mark the windows "
            f"{', '.join(f'{n:g}' for n in w.window)}. {weights_facts(w, 'en')}")


# ---- m_t against its bias-corrected m_hat_t ------------------------------------------------


@dataclass(frozen=True)
class Bias:
    beta1: float
    steps: int
    panels: tuple[dict[str, np.ndarray], ...]  # constant, then noisy: g, m, m_hat


#: the noisy gradient: mean 1, standard deviation 0.5, seeded
NOISE = 0.5


def compute_bias(fig: Figure) -> Bias:
    """Adam's m_t and m_hat_t = m_t / (1 - beta1^t) for a constant and a noisy gradient."""
    opt = optim_ref.Adam(lr=float(fig.lr))
    beta1 = opt.betas[0]
    gradients = (np.ones(fig.steps),
                 1.0 + NOISE * np.random.default_rng(0).standard_normal(fig.steps))
    panels = []
    for g in gradients:
        params, state, m = np.zeros(1), opt.init(np.zeros(1)), []
        for gt in g:
            params, state = opt.step(params, np.array([gt]), state)
            m.append(float(state.exp_avg[0]))
        m = np.array(m)
        t = np.arange(1, fig.steps + 1)
        panels.append({"g": g, "m": m, "m_hat": m / (1.0 - beta1 ** t)})
    return Bias(beta1, fig.steps, tuple(panels))


def bias_facts(b: Bias, lang: str) -> str:
    const = b.panels[0]
    half = int(np.flatnonzero(const["m"] >= 0.5)[0]) + 1
    if lang == "ko":
        return (f"일정한 기울기 1에서 m₁ = {const['m'][0]:.2f}이고, m_t는 {half}걸음째에야 0.5를 "
                f"넘습니다. 보정한 m̂_t는 첫 걸음부터 {const['m_hat'][0]:g}입니다.")
    return (f"For a constant gradient of 1, m₁ = {const['m'][0]:.2f}, and m_t passes 0.5 only at "
            f"step {half}; the corrected m̂_t is {const['m_hat'][0]:g} from the first step.")


def bias_story(b: Bias, lang: str) -> str:
    noisy = b.panels[1]
    last = b.steps
    if lang == "ko":
        return (f"두 칸짜리 그래프. 왼쪽은 기울기가 늘 1일 때, 오른쪽은 평균 1, 표준편차 {NOISE}인 "
                f"잡음 섞인 기울기일 때 {b.steps}걸음 동안의 m_t(점선)와 m̂_t(실선)입니다. "
                f"{bias_facts(b, 'ko')} 잡음이 있어도 m_t는 0에서 천천히 올라오고(첫 걸음 "
                f"{noisy['m'][0]:.2f}), m̂_t는 첫 걸음부터 기울기 크기 근처"
                f"({noisy['m_hat'][0]:.2f})에 있으며, {last}걸음째에는 "
                f"m_t = {noisy['m'][-1]:.2f}, m̂_t = {noisy['m_hat'][-1]:.2f}로 "
                "거의 같아집니다.")
    return (f"Two panels: m_t (dashed) and m̂_t (solid) over {b.steps} steps, on the left for a "
            f"gradient that is always 1, on the right for a noisy gradient with mean 1 and "
            f"standard deviation {NOISE}. {bias_facts(b, 'en')} With noise too, m_t climbs slowly "
            f"from 0 (first step {noisy['m'][0]:.2f}) while m̂_t starts near the gradients' size "
            f"({noisy['m_hat'][0]:.2f}); by step {last} the two are almost equal, "
            f"{noisy['m'][-1]:.2f} and {noisy['m_hat'][-1]:.2f}.")


# ---- NAG's look-ahead ----------------------------------------------------------------------


@dataclass(frozen=True)
class LookAhead:
    after: int  # NAG steps taken from the start before the drawn one
    lr: float
    beta: float
    point: np.ndarray  # the lecture's w_t
    momentum: np.ndarray  # -lr beta a_t, the same for both methods
    grad_here: np.ndarray  # -lr g(w_t): Momentum's gradient part
    grad_ahead: np.ndarray  # -lr g(w_t - lr beta a_t): NAG's
    next_momentum: np.ndarray  # w_{t+1} by Momentum's update
    next_nag: np.ndarray  # w_{t+1} by NAG's update
    window: tuple[tuple[float, float], tuple[float, float]]


def compute_lookahead(fig: Figure) -> LookAhead:
    """One step from the state NAG reaches after ``fig.steps`` steps, taken by both methods."""
    surface = races.surface_of(fig)
    lr = float(fig.lr)
    nag = optim_ref.NAG(lr=lr)
    theta, state = surface.start.copy(), nag.init(surface.start)
    for _ in range(fig.steps):
        theta, state = nag.step(theta, surface.grad(theta), state)
    w = nag.lecture_point(theta, state)  # theta is the look-ahead point w - lr beta a
    momentum = optim_ref.Momentum(lr=lr, momentum=nag.momentum)
    # the same velocity, the gradient taken where the point is
    next_m, _ = momentum.step(w, surface.grad(w), MomentumState(fig.steps, state.velocity))
    theta_next, state_next = nag.step(theta, surface.grad(theta), state)
    next_n = nag.lecture_point(theta_next, state_next)
    pts = np.stack([w, theta, next_m, next_n])
    lo, hi = pts.min(axis=0), pts.max(axis=0)
    pad = 0.2 * float(np.max(hi - lo))
    window = ((float(lo[0] - pad), float(hi[0] + pad)), (float(lo[1] - pad), float(hi[1] + pad)))
    return LookAhead(fig.steps, lr, nag.momentum, w, theta - w, -lr * surface.grad(w),
                     -lr * surface.grad(theta), next_m, next_n, window)


def lookahead_facts(a: LookAhead, lang: str) -> str:
    m, n = (float(np.linalg.norm(a.next_momentum)), float(np.linalg.norm(a.next_nag)))
    if lang == "ko":
        return (f"η = {a.lr:g}, β = {a.beta:g}에서 {a.after}걸음 간 뒤의 한 걸음입니다. 다음 점은 "
                f"최솟값에서 모멘텀이 {m:.3f}, NAG가 {n:.3f}만큼 떨어져 있습니다.")
    return (f"One step after {a.after} steps at η = {a.lr:g}, β = {a.beta:g}. The next point lies "
            f"{m:.3f} from the minimum with momentum, {n:.3f} with NAG.")


def lookahead_story(a: LookAhead, lang: str) -> str:
    def pt(p):
        return f"({p[0]:.2f}, {p[1]:.2f})"

    ahead = a.point + a.momentum
    if lang == "ko":
        return (f"이차 함수의 등고선 일부를 확대한 그림. 현재 점 {pt(a.point)}에서 "
                f"관성 걸음 −ηβa가 미리 볼 점 {pt(ahead)}까지 이어집니다. "
                f"그 끝에서 모멘텀은 현재 점에서 잰 기울기 걸음을, "
                f"NAG는 미리 볼 점에서 잰 기울기 걸음을 더해, 모멘텀은 {pt(a.next_momentum)}, "
                f"NAG는 {pt(a.next_nag)}에 닿습니다. {lookahead_facts(a, 'ko')}")
    return (f"A zoomed part of the quadratic's contours. From the current point {pt(a.point)} the "
            f"momentum step −ηβa leads to the look-ahead point {pt(ahead)}. At its tip momentum "
            f"adds "
            f"the gradient step measured at the current point and NAG the one measured at the "
            f"look-ahead point, so momentum lands at {pt(a.next_momentum)} and NAG at "
            f"{pt(a.next_nag)}. {lookahead_facts(a, 'en')}")
