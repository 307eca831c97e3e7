"""The fits behind the figures that are not races, and the words that describe them.

``line-fit``: a line fitted by ``optim_ref.losses.fit_line`` to data that came from
``y = 0.5 x + 2`` plus small noise, three of whose points were pushed far down (the
outliers), once per loss. ``width-fit``: ``optim_ref.mlp`` with one hidden layer of each
width fitted to samples of ``sin(3x) + 0.3x``. ``singular-values``: the singular values of a
momentum-like matrix before and after Muon's Newton-Schulz iteration. The data are fixed
here (seeded), so this module's source is part of the figures' cache key; the alt text
("story") is written from the computed fits, so it states what the picture shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

import optim_ref
from optim_ref import losses, mlp
from scripts.figures.registry import Figure

#: the line the regression data came from, (slope, intercept)
TRUE_LINE = (0.5, 2.0)
#: which of the 24 points are outliers, and how far each is pushed down
OUTLIERS = {18: 6.0, 20: 7.0, 22: 8.0}
#: the 1-D function the network figure fits, on [-3, 3]
TARGET_TEXT = "sin(3x) + 0.3x"
LOSS_LABELS = {"mse": "MSE", "mae": "MAE", "huber": "Huber (δ = 1)"}


def line_data() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """x, y and the outlier mask: 24 points on [0, 10], noise N(0, 0.3^2), three outliers."""
    rng = np.random.default_rng(0)
    x = np.linspace(0.0, 10.0, 24)
    y = TRUE_LINE[0] * x + TRUE_LINE[1] + rng.normal(0.0, 0.3, x.size)
    mask = np.zeros(x.size, bool)
    for i, drop in OUTLIERS.items():
        y[i] -= drop
        mask[i] = True
    return x, y, mask


def target(x: np.ndarray) -> np.ndarray:
    return np.sin(3.0 * x) + 0.3 * x


def width_data() -> tuple[np.ndarray, np.ndarray]:
    """80 evenly spaced samples of the target on [-3, 3] (no noise: only capacity matters)."""
    x = np.linspace(-3.0, 3.0, 80)
    return x, target(x)


def _optimizer(fig: Figure):
    return getattr(optim_ref, fig.optimizers[0])(lr=float(fig.lr))


@dataclass(frozen=True)
class LineFits:
    x: np.ndarray
    y: np.ndarray
    outliers: np.ndarray
    losses: tuple[str, ...]
    lines: tuple[np.ndarray, ...]  # (a, b) per loss

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(LOSS_LABELS[name] for name in self.losses)


#: the languages of a figure are drawn one after the other in one worker (jobs.py), from one run
@lru_cache(maxsize=1)
def compute_lines(fig: Figure) -> LineFits:
    """One line per loss of the figure, each fitted from (0, 0) with the same budget."""
    x, y, mask = line_data()
    lines = tuple(losses.fit_line(x, y, name, _optimizer(fig), steps=fig.steps)
                  for name in fig.losses)
    return LineFits(x, y, mask, tuple(fig.losses), lines)


@dataclass(frozen=True)
class WidthFits:
    x: np.ndarray
    y: np.ndarray
    grid: np.ndarray
    widths: tuple[int, ...]
    curves: tuple[np.ndarray, ...]  # the network's output on the grid, per width
    mse: tuple[float, ...]  # training loss at the end, per width


#: the languages of a figure are drawn one after the other in one worker (jobs.py), from one run
@lru_cache(maxsize=1)
def compute_widths(fig: Figure) -> WidthFits:
    """Train one network per width from seed 0, full batch, with the figure's optimizer."""
    x, y = width_data()
    grid = np.linspace(-3.0, 3.0, 400)
    curves, final = [], []
    for width in fig.widths:
        params = mlp.init_params(1, width, 1, seed=0)
        params, history = mlp.train(_optimizer(fig), params, x, y, steps=fig.steps)
        curves.append(mlp.forward(params, grid))
        final.append(float(history[-1]))
    return WidthFits(x, y, grid, tuple(fig.widths), tuple(curves), tuple(final))


def _line(ab: np.ndarray) -> str:
    a, b = float(ab[0]), float(ab[1])
    return f"y = {a:.2f}x {'+' if b >= 0 else '−'} {abs(b):.2f}"


def line_story(fits: LineFits, lang: str) -> str:
    """Which line each loss found, against the true one."""
    true = _line(np.array(TRUE_LINE))
    n_out = int(fits.outliers.sum())
    if lang == "ko":
        head = (f"점 {fits.x.size}개는 {true} 근처에 있고, 그중 {n_out}개는 아래로 크게 "
                f"벗어난 이상치입니다. ")
        parts = [f"{label}: {_line(ab)}" for label, ab in zip(fits.labels, fits.lines,
                                                              strict=True)]
        return head + "찾은 직선은 " + ", ".join(parts) + "입니다."
    head = (f"{fits.x.size} points lie near {true}; {n_out} of them are outliers far below. ")
    parts = [f"{label} {_line(ab)}" for label, ab in zip(fits.labels, fits.lines, strict=True)]
    return head + "Fitted lines: " + "; ".join(parts) + "."


def width_title(width: int, mse: float, lang: str) -> str:
    return (f"은닉 유닛 {width}개 · MSE {mse:.3g}" if lang == "ko"
            else f"{width} hidden unit{'s' if width != 1 else ''} · MSE {mse:.3g}")


def width_story(fits: WidthFits, lang: str) -> str:
    """The training loss each width reached."""
    if lang == "ko":
        parts = [f"은닉 유닛 {w}개일 때 {m:.3g}"
                 for w, m in zip(fits.widths, fits.mse, strict=True)]
        return (f"목표 함수 {TARGET_TEXT}에서 뽑은 점 {fits.x.size}개에 맞춘 뒤의 학습 손실(MSE)은 "
                + ", ".join(parts) + "입니다.")
    parts = [f"{w} hidden unit{'s' if w != 1 else ''}: {m:.3g}"
             for w, m in zip(fits.widths, fits.mse, strict=True)]
    return (f"Fitting {fits.x.size} samples of {TARGET_TEXT}, the final training loss (MSE) "
            "is " + "; ".join(parts) + ".")


#: the matrix of the singular-values figure: 32 x 64 Gaussian, column scales from 1 to 0.01
SPECTRUM_SHAPE = (32, 64)
SPECTRUM_SCALES = (1.0, 0.01)


def spectrum_matrix() -> np.ndarray:
    """A stand-in for a momentum matrix dominated by a few directions (seeded)."""
    rows, cols = SPECTRUM_SHAPE
    scales = np.geomspace(*SPECTRUM_SCALES, cols)
    return np.random.default_rng(0).standard_normal((rows, cols)) * scales


@dataclass(frozen=True)
class Spectra:
    before: np.ndarray  # singular values of X_0 = M / ||M||_F, largest first
    after: np.ndarray  # singular values of the Newton-Schulz result


def compute_spectra(fig: Figure) -> Spectra:
    """X_0 and the figure's optimizer's (Muon's) orthogonalization of the matrix."""
    M = spectrum_matrix()
    opt = getattr(optim_ref, fig.optimizers[0])()
    before = np.linalg.svd(M / np.linalg.norm(M), compute_uv=False)
    after = np.linalg.svd(opt.orthogonalize(M), compute_uv=False)
    return Spectra(before, after)


def spectra_story(result: Spectra, lang: str) -> str:
    """The spread of each spectrum: largest, smallest and their ratio."""
    b, a = result.before, result.after
    rows, cols = SPECTRUM_SHAPE
    if lang == "ko":
        return (f"{rows} x {cols} 행렬의 특잇값 {b.size}개. 뉴턴–슐츠 전에는 {b.max():.3g}부터 "
                f"{b.min():.3g}까지({b.max() / b.min():.3g}배) 퍼져 있고, 뒤에는 {a.min():.3g}~"
                f"{a.max():.3g} 범위({a.max() / a.min():.3g}배)에 모입니다.")
    return (f"The {b.size} singular values of a {rows} x {cols} matrix. Before Newton–Schulz they "
            f"spread from {b.max():.3g} down to {b.min():.3g} "
            f"(a ratio of {b.max() / b.min():.3g}); "
            f"after it they lie between {a.min():.3g} and {a.max():.3g} (a ratio of "
            f"{a.max() / a.min():.3g}).")
