"""Benchmark: the same optimizer race as a GIF, the usual way and with optim_ref's encoder.

Renders a 200-frame, 600x450 race of four optimizers on Rosenbrock (real optim_ref runs)
twice in one process:

- the usual way: matplotlib's FuncAnimation, artists updated each frame, saved with
  PillowWriter (every frame redrawn in full, each with its own palette);
- the encoder: ``optim_ref.viz.animate.encode`` (background drawn once, moving artists
  blitted, one shared palette, only changed boxes stored).

Both draw the very same ``RaceScene`` (same figure, dpi, artists, colours), so comparing
their decoded frames is honest. Prints details, then three lines other tools parse:

    time ratio: 27.1x
    size ratio: 30.4x
    max frame difference: 1.3/255

Usage: python -m scripts.bench.gif [--out DIR] [--frames 200]
"""

from __future__ import annotations

import argparse
import gc
import sys
import tempfile
import time
from pathlib import Path

import matplotlib as mpl
import numpy as np
from matplotlib.animation import FuncAnimation, PillowWriter
from PIL import Image, ImageSequence

import optim_ref
from optim_ref import functions
from optim_ref.viz import animate

SIZE = (600, 450)
FPS = 25
#: four optimizers with the lecture's usual settings, each visibly different on Rosenbrock
RACERS = (
    ("SGD", optim_ref.SGD(lr=1e-3)),
    ("Momentum", optim_ref.Momentum(lr=1e-3, momentum=0.9)),
    ("RMSprop", optim_ref.RMSprop(lr=1e-2)),
    ("Adam", optim_ref.Adam(lr=5e-2)),
)


def race(steps: int):
    surface = functions.get("rosenbrock")
    start = np.asarray(surface.start, dtype=float)[None, :]
    runs = [optim_ref.run(opt, surface, start, steps) for _, opt in RACERS]
    paths = np.concatenate([r.path for r in runs])
    diverged_at = [int(r.diverged_at[0]) if r.diverged[0] else None for r in runs]
    return surface, paths, [name for name, _ in RACERS], diverged_at


def scene(surface, paths, labels, diverged_at, frames):
    return animate.race_scene(surface, paths, labels, diverged_at=diverged_at, frames=frames,
                              title="Rosenbrock", counter="step {step}/{steps}", size=SIZE,
                              legend_loc="upper right")


def decode(path: Path) -> list[np.ndarray]:
    """Every frame of a GIF as composited RGB, as a viewer shows it."""
    with Image.open(path) as im:
        return [np.asarray(f.convert("RGB"), dtype=np.int16) for f in ImageSequence.Iterator(im)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=None, help="keep the two GIFs here")
    parser.add_argument("--frames", type=int, default=200)
    args = parser.parse_args(argv)
    out = args.out or Path(tempfile.mkdtemp(prefix="bench_gif_"))
    out.mkdir(parents=True, exist_ok=True)
    usual_path, encoder_path = out / "usual.gif", out / "encoder.gif"

    surface, paths, labels, diverged_at = race(steps=args.frames - 1)
    print(f"race: {', '.join(labels)} on Rosenbrock, {paths.shape[1] - 1} steps, "
          f"{args.frames} frames, {SIZE[0]}x{SIZE[1]} px; diverged: {diverged_at}")

    t0 = time.perf_counter()
    usual = scene(surface, paths, labels, diverged_at, args.frames)
    anim = FuncAnimation(usual.fig, usual.update, frames=usual.n_frames, blit=False,
                         repeat=False)
    with mpl.rc_context(usual.rc):  # the scene's font settings, as the encoder uses them
        anim.save(usual_path, writer=PillowWriter(fps=FPS))
    t_usual = time.perf_counter() - t0
    del anim, usual
    gc.collect()  # time the encoder without the usual way's garbage to collect

    t0 = time.perf_counter()
    result = animate.encode(scene(surface, paths, labels, diverged_at, args.frames),
                            frame_ms=1000 // FPS)
    result.write(encoder_path, out / "encoder.png")
    t_encoder = time.perf_counter() - t0

    size_usual, size_encoder = usual_path.stat().st_size, encoder_path.stat().st_size
    frames_usual, frames_encoder = decode(usual_path), decode(encoder_path)
    if len(frames_usual) != len(frames_encoder):
        print(f"frame counts differ: usual {len(frames_usual)}, encoder {len(frames_encoder)}",
              file=sys.stderr)
        return 1
    diffs = [float(np.abs(a - b).mean()) for a, b in zip(frames_usual, frames_encoder, strict=True)]
    worst = int(np.argmax(diffs))

    print(f"usual way (FuncAnimation + PillowWriter): {t_usual:.2f} s, "
          f"{size_usual / 1e6:.2f} MB, {len(frames_usual)} frames -> {usual_path}")
    print(f"encoder (blit + shared palette):         {t_encoder:.2f} s, "
          f"{size_encoder / 1e6:.3f} MB, {len(frames_encoder)} frames -> {encoder_path}")
    print(f"mean abs RGB difference per frame: mean {np.mean(diffs):.2f}/255, "
          f"worst {diffs[worst]:.2f}/255 at frame {worst}")
    print(f"time ratio: {t_usual / t_encoder:.1f}x")
    print(f"size ratio: {size_usual / size_encoder:.1f}x")
    print(f"max frame difference: {max(diffs):.1f}/255")
    return 0


if __name__ == "__main__":
    sys.exit(main())
