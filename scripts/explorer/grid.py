"""The optimizer explorer's data: a grid of runs computed by optim_ref, packed small.

The explorer page (docs/explorer.md) lets a reader pick a surface, optimizers, a learning
rate, a momentum or beta and a start, and watch the run. Nothing is computed in the
browser: every cell of the grid is run here, at build time, batched (one ``optim_ref.run``
per surface and optimizer covers every learning rate, beta and start), cached like the
figures, and added to the build by the hook:

    explorer/data/manifest.json   surfaces, windows, optimizers, axes, labels (ko and en)
    explorer/data/<surface>.bin.gz  every run on that surface, gzipped here, loaded when the
                                    surface is chosen and unzipped by the browser
    explorer/<surface>.png        the contour background (no words, so one per surface)

The binary format (little-endian, no header; the manifest gives the counts). With ``R``
runs of ``T = steps + 1`` points each, in run order (optimizer, learning rate, beta,
start; see ``run_index``):

    int16   diverged_at[R]       optim_ref's step of divergence, -1 when the run did not
    uint8   x_low[R*T], x_high[R*T]   x quantised (below), delta-coded along each run,
    uint8   y_low[R*T], y_high[R*T]   split in low and high byte planes so gzip finds
    uint8   l_low[R*T], l_high[R*T]   the long runs of small steps

Coordinates: ``q = 1 + round((x - lo) / (hi - lo) * 65533)`` inside the window, ``0`` below
it and ``65535`` above it (clamped, and flagged by those two values). Loss: ``e = f - ref``
(``ref`` the surface's minimum, or 0 for the saddle), ``s = asinh(e / c)`` (a log scale
that goes through zero), quantised linearly over the surface's ``[s_min, s_max]``.
Delta coding: ``d[0] = q[0]``, ``d[t] = (q[t] - q[t-1]) mod 65536``.

Why gzipped here: GitHub Pages compresses only text types, so a ``.bin`` would travel at its
full 1.8 MB. The file is written compressed (deterministic: no name, mtime 0, level 9) and
the page unzips it with ``DecompressionStream('gzip')``; what is published is what travels.
"""

from __future__ import annotations

import gzip
import importlib.metadata
import json
import math
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

import optim_ref
from optim_ref import functions
from scripts import cache, figures, sources

KIND = "explorer"
FORMAT = "explorer-v2"
STEPS = 200
N_LR = 13  # 3 per decade over 4 decades
#: budgets in bytes as served (the data files are published gzipped; Pages gzips the .json)
SURFACE_BUDGET = 1_000_000
TOTAL_BUDGET = 6_000_000
SITE_DIR = "explorer"

SURFACES = functions.NAMES
FIRST = "quadratic"

#: the registry's names for the surfaces, capitalised in English for the menu
SURFACE_LABELS = {
    name: {"ko": label["ko"], "en": label["en"][:1].upper() + label["en"][1:]}
    for name, label in figures.surface_names().items()
}

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

#: c in asinh(e / c): the loss resolution near the minimum (the saddle has no minimum)
LOSS_SCALE = {"saddle": 1e-3}
DEFAULT_LOSS_SCALE = 1e-6

Q_MAX = 65535
Q_SPAN = 65533  # inside the window: 1 .. 65534; 0 and 65535 flag "below" and "above"


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


# --- the packing ------------------------------------------------------------------------

def loss_ref(surface_name: str) -> float:
    value = functions.get(surface_name).min_value
    return float(value) if math.isfinite(value) else 0.0


def quantise_coords(v: np.ndarray, lo: float, hi: float) -> np.ndarray:
    q = 1 + np.rint((v - lo) / (hi - lo) * Q_SPAN)
    q = np.clip(q, 1, Q_SPAN + 1)
    q = np.where(v < lo, 0, np.where(v > hi, Q_MAX, q))
    return q.astype(np.uint16)


def dequantise_coords(q: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """Values of quantised coordinates (0 and 65535 come back as the window's edges)."""
    inside = np.clip(q.astype(np.float64), 1, Q_SPAN + 1)
    return lo + (inside - 1) / Q_SPAN * (hi - lo)


def loss_transform(loss: np.ndarray, ref: float, scale: float) -> np.ndarray:
    return np.arcsinh((loss - ref) / scale)


def quantise_loss(s: np.ndarray, s_min: float, s_max: float) -> np.ndarray:
    return np.rint((s - s_min) / (s_max - s_min) * Q_MAX).astype(np.uint16)


def dequantise_loss(q: np.ndarray, ref: float, scale: float, s_min: float,
                    s_max: float) -> np.ndarray:
    s = s_min + q.astype(np.float64) / Q_MAX * (s_max - s_min)
    return ref + scale * np.sinh(s)


def _planes(q: np.ndarray) -> bytes:
    """Delta-code each row of a (R, T) uint16 array and split it into byte planes."""
    d = q.astype(np.int64)
    d[:, 1:] = np.diff(d, axis=1)
    d = (d % 65536).astype("<u2").ravel()
    raw = d.view(np.uint8).reshape(-1, 2)
    return raw[:, 0].tobytes() + raw[:, 1].tobytes()


def _unplanes(buf: bytes, offset: int, rows: int, cols: int) -> np.ndarray:
    n = rows * cols
    low = np.frombuffer(buf, np.uint8, n, offset).astype(np.int64)
    high = np.frombuffer(buf, np.uint8, n, offset + n).astype(np.int64)
    d = (low | (high << 8)).reshape(rows, cols)
    return (np.cumsum(d, axis=1) % 65536).astype(np.uint16)


def encode(surface_name: str, path: np.ndarray, loss: np.ndarray,
           diverged_at: np.ndarray) -> tuple[bytes, dict]:
    """The binary data of one surface and the facts the manifest needs to read it."""
    (x0, x1), (y0, y1) = functions.get(surface_name).window
    ref, scale = loss_ref(surface_name), LOSS_SCALE.get(surface_name, DEFAULT_LOSS_SCALE)
    s = loss_transform(loss, ref, scale)
    s_min, s_max = float(s.min()), float(s.max())
    if s_max <= s_min:
        s_max = s_min + 1.0
    data = (diverged_at.astype("<i2").tobytes()
            + _planes(quantise_coords(path[..., 0], x0, x1))
            + _planes(quantise_coords(path[..., 1], y0, y1))
            + _planes(quantise_loss(s, s_min, s_max)))
    info = {"runs": int(path.shape[0]), "points": int(path.shape[1]), "lossRef": ref,
            "lossScale": scale, "lossRange": [s_min, s_max]}
    return data, info


@dataclass(frozen=True)
class Decoded:
    """One surface's data read back: quantised arrays and their values."""

    diverged_at: np.ndarray  # (R,)
    qx: np.ndarray  # (R, T) uint16
    qy: np.ndarray
    ql: np.ndarray
    x: np.ndarray  # (R, T) float, out-of-window points at the edge
    y: np.ndarray
    loss: np.ndarray


def decode(data: bytes, window, info: dict) -> Decoded:
    """Read a surface's binary data back (the tests' decoder; explorer.js has its twin)."""
    rows, cols = info["runs"], info["points"]
    expected = rows * 2 + 6 * rows * cols
    if len(data) != expected:
        raise ValueError(f"explorer data: {len(data)} bytes, expected {expected} "
                         f"for {rows} runs of {cols} points")
    div = np.frombuffer(data, "<i2", rows, 0).astype(np.int64)
    at = rows * 2
    qx = _unplanes(data, at, rows, cols)
    qy = _unplanes(data, at + 2 * rows * cols, rows, cols)
    ql = _unplanes(data, at + 4 * rows * cols, rows, cols)
    (x0, x1), (y0, y1) = window
    s_min, s_max = info["lossRange"]
    return Decoded(div, qx, qy, ql, dequantise_coords(qx, x0, x1), dequantise_coords(qy, y0, y1),
                   dequantise_loss(ql, info["lossRef"], info["lossScale"], s_min, s_max))


def pack(data: bytes) -> bytes:
    """The gzip file the site publishes: the same bytes for the same data (mtime 0, no
    file name in the header), so two builds stay identical."""
    return gzip.compress(data, compresslevel=9, mtime=0)


def unpack(packed: bytes, source: str = "explorer data") -> bytes:
    """The raw grid from a published ``.bin.gz`` (naming the file when it is not gzip)."""
    if packed[:2] != b"\x1f\x8b":
        raise ValueError(f"{source}: not a gzip file (starts with {packed[:2]!r})")
    return gzip.decompress(packed)


# --- recommended rates, backgrounds, labels ---------------------------------------------

def recommended(surface_name: str, path: np.ndarray, loss: np.ndarray,
                diverged_at: np.ndarray) -> dict[str, int]:
    """Per optimizer, the index of the rate the site's stated rule picks (tuning.best_lr):
    from the first start with the default beta, the lowest final loss among runs that
    neither diverge nor leave the window; ties (and no eligible run) go to the smaller."""
    from optim_ref import tuning

    window = functions.get(surface_name).window
    out = {}
    for spec in SPECS:
        bi = spec.betas.index(spec.beta.default) if spec.beta else 0
        rows = [run_index(spec.name, li, bi, 0) for li in range(N_LR)]
        ok = (diverged_at[rows] < 0) & tuning.inside(path[rows], window)
        final = np.where(ok, loss[rows, -1], np.inf)
        out[spec.name] = int(np.argmin(final)) if ok.any() else 0
    return out


IMAGE_WIDTH = 720


def image_size(surface_name: str) -> tuple[int, int]:
    """Pixels of the background: the window's shape, kept between 3:5 and square."""
    (x0, x1), (y0, y1) = functions.get(surface_name).window
    aspect = min(1.0, max(0.6, (y1 - y0) / (x1 - x0)))
    return IMAGE_WIDTH, round(IMAGE_WIDTH * aspect)


def background_png(surface_name: str) -> bytes:
    """The surface's contours filling the whole image, edge to edge with the window; no
    axes, no words and no minima (the page draws those crisp), so one image serves both
    languages."""
    import io

    from PIL import Image

    from optim_ref.viz import canvas, contour

    fig = canvas.new_figure(image_size(surface_name))
    fig.set_layout_engine("none")
    fig.patch.set_linewidth(0)
    ax = fig.add_axes((0, 0, 1, 1))
    contour.draw_surface(ax, functions.get(surface_name), show_minima=False)
    ax.set_axis_off()
    png = canvas.png_bytes(fig)
    # a palette of 128 colours: the filled levels are few, the file a third of the size
    image = Image.open(io.BytesIO(png)).convert("RGB").quantize(128, dither=Image.Dither.NONE)
    buf = io.BytesIO()
    image.save(buf, format="PNG", optimize=True)
    return buf.getvalue()


BETA_LABELS = {
    "momentum": {"ko": "모멘텀 β", "en": "Momentum β"},
    "beta1": {"ko": "β₁ (1차 모멘트 감쇠율)", "en": "β₁ (first-moment decay)"},
    "alpha": {"ko": "감쇠율 α", "en": "Decay α"},
    "rho": {"ko": "감쇠율 ρ", "en": "Decay ρ"},
}

LABELS = {
    "ko": {
        "surface": "손실 곡면", "optimizers": "옵티마이저", "lecture": "강의의 일곱 가지",
        "after": "Adam 이후", "lr": "학습률", "start": "출발점", "startN": "출발점 {n}",
        "play": "재생", "pause": "일시 정지", "step": "걸음", "stepOf": "{step} / {steps}걸음",
        "diverged": "발산", "divergedAt": "{step}걸음째 발산",
        "outside": "그림 밖", "loss": "손실", "lossGap": "손실 − 최솟값 (로그 눈금)",
        "lossSym": "손실 (0 근처는 선형, 바깥은 로그 눈금)",
        "pathsFigure": "등고선 위의 경로", "lossFigure": "걸음별 손실",
        "loading": "데이터를 불러오는 중…", "loadError": "데이터를 불러오지 못했습니다",
        "recommended": "추천 학습률로 되돌리기", "settings": "{name}의 초매개변수",
        "none": "옵티마이저를 하나 이상 고르세요.", "minimum": "최솟값", "startMark": "출발점",
        "summary": "{name}: {step}걸음째 손실 {loss}",
    },
    "en": {
        "surface": "Surface", "optimizers": "Optimizers", "lecture": "The lecture's seven",
        "after": "After Adam", "lr": "Learning rate", "start": "Start", "startN": "Start {n}",
        "play": "Play", "pause": "Pause", "step": "Step", "stepOf": "step {step} of {steps}",
        "diverged": "diverged", "divergedAt": "diverged at step {step}",
        "outside": "outside the picture", "loss": "Loss", "lossGap": "Loss − minimum (log scale)",
        "lossSym": "Loss (linear near 0, log scale beyond)",
        "pathsFigure": "Paths over the contour plot", "lossFigure": "Loss against step",
        "loading": "Loading the data…", "loadError": "The data could not be loaded",
        "recommended": "Back to the recommended rates", "settings": "{name}'s hyperparameters",
        "none": "Choose at least one optimizer.", "minimum": "minimum", "startMark": "start",
        "summary": "{name}: loss {loss} at step {step}",
    },
}

DEFAULT_OPTIMIZERS = ("SGD", "Momentum", "Adam")


# --- the pipeline: cache entries and the files the site gets ------------------------------

def _modules() -> list[str]:
    mods = sorted({getattr(optim_ref, s.name).__module__ for s in SPECS})
    return mods + ["optim_ref.trajectory", "optim_ref.functions", "optim_ref.tuning",
                   "optim_ref.viz.contour", "optim_ref.viz.canvas", "scripts.explorer"]


def _environment() -> dict[str, str]:
    versions = {p: importlib.metadata.version(p) for p in ("numpy", "matplotlib", "pillow")}
    return {**versions, "zlib": zlib.ZLIB_RUNTIME_VERSION}  # the gzip bytes depend on it


def grid_params(surface_name: str) -> dict:
    """Everything that decides a surface's data, for its cache key."""
    return {
        "surface": surface_name, "window": functions.get(surface_name).window,
        "starts": STARTS[surface_name], "steps": STEPS, "n_lr": N_LR,
        "specs": [{"name": s.name, "lrs": s.lrs.tolist(), "betas": s.betas} for s in SPECS],
        "loss_scale": LOSS_SCALE.get(surface_name, DEFAULT_LOSS_SCALE),
        "image": image_size(surface_name),
    }


def key(surface_name: str) -> str:
    """Hash of the grid's parameters, the code that computes and draws it, the libraries."""
    code = sources.digest_modules(_modules())
    return cache.digest(FORMAT, grid_params(surface_name), code, _environment())


def render_surface(surface_name: str, folder: Path) -> None:
    """Compute, pack and draw one surface into ``folder`` (a fresh cache entry)."""
    path, loss, diverged_at = compute(surface_name)
    data, info = encode(surface_name, path, loss, diverged_at)
    info["bestLr"] = recommended(surface_name, path, loss, diverged_at)
    packed = pack(data)
    info["bytes"] = len(packed)
    (folder / f"{surface_name}.bin.gz").write_bytes(packed)
    (folder / f"{surface_name}.png").write_bytes(background_png(surface_name))
    (folder / f"{surface_name}.json").write_text(json.dumps(info, sort_keys=True), "utf-8")


def ensure(*, force: bool = False) -> dict[str, dict[str, Path]]:
    """Every surface's cached files (computing what the cache lacks)."""
    return {name: cache.store(KIND, key(name), lambda d, n=name: render_surface(n, d),
                              force=force)[0]
            for name in SURFACES}


def manifest(files: dict[str, dict[str, Path]]) -> dict:
    """The page's table of contents: what each surface's data holds and how to read it."""
    surfaces = []
    for name in SURFACES:
        surface = functions.get(name)
        info = json.loads(files[name][f"{name}.json"].read_text("utf-8"))
        minima = surface.minima
        (x0, x1), (y0, y1) = surface.window
        inside = minima[(minima[:, 0] >= x0) & (minima[:, 0] <= x1)
                        & (minima[:, 1] >= y0) & (minima[:, 1] <= y1)]
        surfaces.append({
            "name": name, "label": SURFACE_LABELS[name], "window": surface.window,
            "minima": inside.tolist(), "hasMinimum": bool(len(minima)),
            "starts": STARTS[name], "data": f"data/{name}.bin.gz", "image": f"{name}.png",
            "imageSize": image_size(name), **info,
        })
    optimizers, offset = [], 0
    for spec in SPECS:
        beta = None
        if spec.beta:
            beta = {"name": spec.beta.name, "symbol": spec.beta.symbol,
                    "label": BETA_LABELS[spec.beta.name], "values": list(spec.beta.values),
                    "default": spec.beta.values.index(spec.beta.default)}
        optimizers.append({"name": spec.name, "group": spec.group, "color": spec.color,
                           "dashed": spec.dashed, "lrs": [float(f"{v:.6g}") for v in spec.lrs],
                           "beta": beta, "offset": offset})
        offset += runs_per(spec, 4)
    return {"format": FORMAT, "steps": STEPS, "first": FIRST, "surfaces": surfaces,
            "optimizers": optimizers, "defaultOptimizers": list(DEFAULT_OPTIMIZERS),
            "labels": LABELS}


def site_files(*, force: bool = False) -> list[tuple[str, Path]]:
    """(site path, file) pairs for the hook: the manifest, the data, the backgrounds."""
    files = ensure(force=force)
    text = json.dumps(manifest(files), ensure_ascii=False, sort_keys=True)
    manifest_key = cache.digest(FORMAT, "manifest", text)
    entry, _ = cache.store(KIND + "-manifest", manifest_key,
                           lambda d: (d / "explorer.json").write_text(text, "utf-8"))
    # (cache.MANIFEST is the cache's own manifest.json, so the entry names it otherwise)
    out = [(f"{SITE_DIR}/data/manifest.json", entry["explorer.json"])]
    for name in SURFACES:
        out.append((f"{SITE_DIR}/data/{name}.bin.gz", files[name][f"{name}.bin.gz"]))
        out.append((f"{SITE_DIR}/{name}.png", files[name][f"{name}.png"]))
    return out
