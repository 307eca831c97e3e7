"""The animation encoder: frame count, size budget, shared palette, cropped frames, the
PNG twin, determinism, and agreement with a plain full redraw of the same frame."""

from __future__ import annotations

import io
import struct
import subprocess
import sys

import matplotlib as mpl
import numpy as np
import pytest
from PIL import Image, ImageSequence

import optim_ref
from optim_ref import functions
from optim_ref.viz import animate

LABELS = ["SGD", "Momentum", "Adam", "too fast"]


def race(surface, steps):
    start = np.asarray(surface.start, dtype=float)[None, :]
    opts = [optim_ref.SGD(lr=1e-3), optim_ref.Momentum(lr=1e-3), optim_ref.Adam(lr=5e-2),
            optim_ref.SGD(lr=0.05)]
    runs = [optim_ref.run(o, surface, start, steps) for o in opts]
    paths = np.concatenate([r.path for r in runs])
    diverged = [int(r.diverged_at[0]) if r.diverged[0] else None for r in runs]
    return paths, diverged


@pytest.fixture(scope="module")
def rosenbrock_race():
    surface = functions.get("rosenbrock")
    paths, diverged = race(surface, 60)
    return surface, paths, diverged


@pytest.fixture(scope="module")
def small(rosenbrock_race):
    surface, paths, diverged = rosenbrock_race
    scene = animate.race_scene(surface, paths, LABELS, diverged_at=diverged, frames=40,
                               size=(320, 240), title="Rosenbrock")
    return scene, animate.encode(scene)


def rgb_frames(gif: bytes) -> list[np.ndarray]:
    with Image.open(io.BytesIO(gif)) as im:
        return [np.asarray(f.convert("RGB"), dtype=np.int16) for f in ImageSequence.Iterator(im)]


def gif_blocks(gif: bytes) -> dict:
    """Walk the GIF's blocks: global table, and per image its descriptor and control."""
    assert gif[:6] == b"GIF89a"
    width, height, flags = struct.unpack("<HHB", gif[6:11])
    pos = 13
    global_table = None
    if flags & 0x80:
        n = 3 * 2 ** ((flags & 7) + 1)
        global_table = gif[pos:pos + n]
        pos += n
    images, control = [], None
    while gif[pos] != 0x3B:
        if gif[pos] == 0x21:  # extension
            label = gif[pos + 1]
            pos += 2
            if label == 0xF9:
                packed, delay, transparent = struct.unpack("<BHB", gif[pos + 1:pos + 5])
                control = {"disposal": (packed >> 2) & 7, "transparent": bool(packed & 1),
                           "delay": delay}
            while gif[pos] != 0:
                pos += gif[pos] + 1
            pos += 1
        elif gif[pos] == 0x2C:  # image descriptor
            x, y, w, h, iflags = struct.unpack("<HHHHB", gif[pos + 1:pos + 10])
            pos += 10
            local = bool(iflags & 0x80)
            if local:
                pos += 3 * 2 ** ((iflags & 7) + 1)
            pos += 1  # LZW minimum code size
            while gif[pos] != 0:
                pos += gif[pos] + 1
            pos += 1
            images.append({"box": (x, y, w, h), "local_table": local, "control": control})
            control = None
        else:
            raise AssertionError(f"unexpected GIF block 0x{gif[pos]:02x} at {pos}")
    return {"size": (width, height), "global_table": global_table, "images": images}


def test_gif_is_animated_with_the_expected_frame_count(small):
    scene, anim = small
    with Image.open(io.BytesIO(anim.gif)) as im:
        assert im.format == "GIF" and im.is_animated
        assert im.n_frames == scene.n_frames == anim.n_frames == 40
        assert im.size == (320, 240)
        assert im.info["loop"] == 0  # forever


def test_frame_steps_cover_first_and_last_step():
    steps = animate.frame_steps(200, 150)
    assert len(steps) == 150 and steps[0] == 0 and steps[-1] == 200
    assert np.all(np.diff(steps) > 0)
    assert list(animate.frame_steps(5, None)) == [0, 1, 2, 3, 4, 5]
    with pytest.raises(ValueError, match="frames"):
        animate.frame_steps(10, 1)


def test_one_shared_palette_and_only_changed_boxes_are_stored(small):
    _, anim = small
    blocks = gif_blocks(anim.gif)
    images = blocks["images"]
    assert blocks["global_table"] is not None
    assert not any(img["local_table"] for img in images), "a frame carries its own palette"
    full = (0, 0, *blocks["size"])
    assert images[0]["box"] == full
    later = [img["box"] for img in images[1:]]
    area = blocks["size"][0] * blocks["size"][1]
    assert all(w * h < area / 2 for _, _, w, h in later), "later frames are not cropped"
    assert all(img["control"]["disposal"] == 1 for img in images[1:])
    assert all(img["control"]["transparent"] for img in images[1:])
    # Pillow sees the same palette on every frame
    with Image.open(io.BytesIO(anim.gif)) as im:
        first = im.getpalette()
        for frame in ImageSequence.Iterator(im):
            assert frame.getpalette() == first or frame.mode == "RGB"


def test_last_frame_is_held_longer(small):
    _, anim = small
    delays = [img["control"]["delay"] for img in gif_blocks(anim.gif)["images"]]
    assert delays[:-1] == [animate.FRAME_MS // 10] * (len(delays) - 1)
    assert delays[-1] == (animate.FRAME_MS + animate.PAUSE_MS) // 10


def test_png_twin_equals_the_last_frame_exactly(small):
    _, anim = small
    last = rgb_frames(anim.gif)[-1]
    with Image.open(io.BytesIO(anim.png)) as png:
        assert png.format == "PNG"
        twin = np.asarray(png.convert("RGB"), dtype=np.int16)
    assert twin.shape == last.shape
    assert np.array_equal(twin, last)
    # and it is not just equal to any frame: the first differs
    assert not np.array_equal(twin, rgb_frames(anim.gif)[0])


def test_encoder_matches_a_full_redraw_of_the_same_frame(rosenbrock_race):
    surface, paths, diverged = rosenbrock_race
    scene = animate.race_scene(surface, paths, LABELS, diverged_at=diverged, frames=30,
                               size=(320, 240), title="Rosenbrock")
    frames = rgb_frames(animate.encode(scene).gif)
    assert len(frames) == 30
    moved = 0
    for i in (0, 7, 15, 29):
        scene.update(i)
        with mpl.rc_context(scene.rc):
            scene.fig.canvas.draw()  # the plain way: everything, in zorder
        full = np.asarray(scene.fig.canvas.buffer_rgba())[..., :3].astype(np.int16)
        diff = np.abs(frames[i] - full)
        assert diff.mean() <= 4.0, f"frame {i}: mean abs difference {diff.mean():.2f}/255"
        # the mean over a whole frame forgives a missing path; the count of badly wrong
        # pixels does not (a path is hundreds of pixels)
        bad = int((diff.max(axis=-1) > 64).sum())
        assert bad <= 30, f"frame {i}: {bad} pixels off by more than 64/255"
        moved = max(moved, int((np.abs(full - frames[0]).max(axis=-1) > 64).sum()))
    assert moved > 200  # the check above would see a path that is not drawn


def test_encoder_records_divergence(rosenbrock_race):
    surface, paths, diverged = rosenbrock_race
    assert diverged[-1] is not None, "the fixture race must contain a diverged run"
    scene = animate.race_scene(surface, paths, LABELS, diverged_at=diverged, frames=20)
    scene.update(scene.n_frames - 1)
    assert scene.crosses[-1].get_visible() and not scene.heads[-1].get_visible()
    assert not scene.crosses[0].get_visible() and scene.heads[0].get_visible()
    (xmin, xmax), (ymin, ymax) = surface.window
    x, y = scene.crosses[-1].get_xydata()[0]
    assert xmin <= x <= xmax and ymin <= y <= ymax  # marked where it left, on the picture


@pytest.mark.slow  # a full site-sized race of seven optimizers, 200 frames
def test_site_sized_race_stays_within_one_megabyte():
    surface = functions.get("rosenbrock")
    start = np.asarray(surface.start, dtype=float)[None, :]
    names = list(optim_ref.LECTURE)
    lrs = {"SGD": 1e-3, "Momentum": 1e-3, "NAG": 1e-3, "Adagrad": 0.5, "Adadelta": 1.0,
           "RMSprop": 1e-2, "Adam": 5e-2}
    runs = [optim_ref.run(getattr(optim_ref, n)(lr=lrs[n]), surface, start, 200) for n in names]
    paths = np.concatenate([r.path for r in runs])
    diverged = [int(r.diverged_at[0]) if r.diverged[0] else None for r in runs]
    anim = animate.race_gif(surface, paths, names, diverged_at=diverged, frames=200,
                            size=(600, 450), title="Rosenbrock")
    assert anim.n_frames == 200
    assert len(anim.gif) <= 1_000_000, f"{len(anim.gif)} bytes"


RENDER = """
import hashlib, sys
import numpy as np
import optim_ref
from optim_ref import functions
from optim_ref.viz import animate
f = functions.get("beale")
start = np.asarray(f.start, dtype=float)[None, :]
opts = (optim_ref.Adam(lr=0.1), optim_ref.RMSprop(lr=0.05))
runs = [optim_ref.run(o, f, start, 40) for o in opts]
a = animate.race_gif(f, np.concatenate([r.path for r in runs]), ["Adam", "RMSprop"],
                     frames=25, size=(240, 180))
sys.stdout.write(hashlib.sha256(a.gif).hexdigest() + hashlib.sha256(a.png).hexdigest())
"""


def test_two_runs_give_byte_identical_files():
    first, second = (
        subprocess.run([sys.executable, "-c", RENDER], capture_output=True, text=True,
                       check=True).stdout
        for _ in range(2)
    )
    assert len(first) == 128 and first == second


def test_same_process_renders_are_identical(rosenbrock_race):
    surface, paths, diverged = rosenbrock_race
    a, b = (animate.race_gif(surface, paths, LABELS, diverged_at=diverged, frames=12,
                             size=(240, 180)) for _ in range(2))
    assert a.gif == b.gif and a.png == b.png


def test_write_puts_both_files(tmp_path, small):
    _, anim = small
    anim.write(tmp_path / "a" / "race.gif", tmp_path / "a" / "race.png")
    assert (tmp_path / "a" / "race.gif").read_bytes() == anim.gif
    assert (tmp_path / "a" / "race.png").read_bytes() == anim.png
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == ["race.gif", "race.png"]
