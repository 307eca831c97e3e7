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
"""

from __future__ import annotations

import importlib.metadata
import json
import zlib
from pathlib import Path

import optim_ref
from optim_ref import functions
from scripts.core import cache, keys
from scripts.explorer import packing
from scripts.explorer.grid import (
    FIRST,
    N_LR,
    SPECS,
    STARTS,
    STEPS,
    SURFACES,
    compute,
    recommended,
    runs_per,
)
from scripts.figures import registry

KIND = "explorer"
FORMAT = "explorer-v2"
#: budgets in bytes as served (the data files are published gzipped; Pages gzips the .json)
SURFACE_BUDGET = 1_000_000
TOTAL_BUDGET = 6_000_000
SITE_DIR = "explorer"

#: the registry's names for the surfaces, capitalised in English for the menu
SURFACE_LABELS = {
    name: {"ko": label["ko"], "en": label["en"][:1].upper() + label["en"][1:]}
    for name, label in registry.surface_names().items()
}


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
                   "optim_ref.viz.contour", "optim_ref.viz.canvas", "scripts.explorer.grid",
                   "scripts.explorer.packing", "scripts.explorer.page"]


def _environment() -> dict[str, str]:
    versions = {p: importlib.metadata.version(p) for p in ("numpy", "matplotlib", "pillow")}
    return {**versions, "zlib": zlib.ZLIB_RUNTIME_VERSION}  # the gzip bytes depend on it


def grid_params(surface_name: str) -> dict:
    """Everything that decides a surface's data, for its cache key."""
    return {
        "surface": surface_name, "window": functions.get(surface_name).window,
        "starts": STARTS[surface_name], "steps": STEPS, "n_lr": N_LR,
        "specs": [{"name": s.name, "lrs": s.lrs.tolist(), "betas": s.betas} for s in SPECS],
        "loss_scale": packing.LOSS_SCALE.get(surface_name, packing.DEFAULT_LOSS_SCALE),
        "image": image_size(surface_name),
    }


def key(surface_name: str) -> str:
    """Hash of the grid's parameters, the code that computes and draws it, the libraries."""
    code = keys.digest_modules(_modules())
    return cache.digest(FORMAT, grid_params(surface_name), code, _environment())


def render_surface(surface_name: str, folder: Path) -> None:
    """Compute, pack and draw one surface into ``folder`` (a fresh cache entry)."""
    path, loss, diverged_at = compute(surface_name)
    data, info = packing.encode(surface_name, path, loss, diverged_at)
    info["bestLr"] = recommended(surface_name)
    packed = packing.pack(data)
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
