"""GIF writing with one shared palette, so Pillow can store only what changed.

Why by hand: handed RGB frames, Pillow (like matplotlib's PillowWriter) builds a new
adaptive palette for every frame, writes it as a local colour table, and, since the
palettes differ, must compare frames in RGBA. Quantising every frame to ONE palette,
built once, and passing it as ``palette=`` lets Pillow's writer (checked in Pillow 10-13)
diff consecutive frames index by index, crop each frame to the box that changed, fill its
unchanged pixels with a spare transparent index (disposal 1, "leave in place") and reuse
the global colour table. No dithering: dither noise would change pixels in every frame.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import numpy as np
from PIL import Image

#: palette entries for image colours; one of the 256 stays free for transparency
MAX_COLORS = 255


def pack(rgba: np.ndarray) -> np.ndarray:
    """An (..., 4) uint8 RGBA array viewed as (...) uint32 keys, one per pixel, no copy."""
    rgba = np.ascontiguousarray(rgba, dtype=np.uint8)
    return rgba.view(np.uint32)[..., 0]


def unpack(keys: np.ndarray) -> np.ndarray:
    """uint32 keys back to (n, 3) RGB."""
    return np.ascontiguousarray(keys, dtype=np.uint32).view(np.uint8).reshape(-1, 4)[:, :3]


class SharedPalette:
    """At most 255 RGB colours, and nearest-colour lookup into them, memoised per colour."""

    def __init__(self, rgb: np.ndarray) -> None:
        rgb = np.asarray(rgb, dtype=np.uint8).reshape(-1, 3)
        _, first = np.unique(rgb, axis=0, return_index=True)
        rgb = rgb[np.sort(first)]  # unique, in the order given
        if not 0 < len(rgb) <= MAX_COLORS:
            raise ValueError(f"a shared palette holds 1 to {MAX_COLORS} colours, got {len(rgb)}")
        self.rgb = rgb
        self._rgb_i = rgb.astype(np.int32)
        self._known_keys = np.empty(0, dtype=np.uint32)
        self._known_index = np.empty(0, dtype=np.uint8)

    @classmethod
    def build(
        cls,
        background: np.ndarray,
        foreground: Sequence[np.ndarray] = (),
        reserved: Sequence[tuple[int, int, int]] = (),
        size: int = MAX_COLORS,
    ) -> SharedPalette:
        """Reserved colours exactly, then median-cut colours of the background and of what
        the frames draw over it, each on its own budget.

        Median cut spends its colours where the pixels are; cut over whole frames, the
        few thousand pixels of paths and markers (and their anti-aliased edges) would get
        next to none. ``background`` is an (h, w, 3|4) uint8 image, ``foreground`` the
        pixels (n, 3|4) that frames change; both cuts are deterministic, so is the palette.
        """
        rgb = [np.asarray(list(reserved), dtype=np.uint8).reshape(-1, 3)]
        fg = [np.asarray(f)[..., :3].reshape(-1, 3) for f in foreground]
        fg_pixels = np.concatenate(fg) if fg else np.empty((0, 3), dtype=np.uint8)
        n_fg = min((size - len(rgb[0])) // 3, len(np.unique(fg_pixels, axis=0)))
        n_bg = size - len(rgb[0]) - n_fg
        rgb.append(_median_cut(np.asarray(background)[..., :3].reshape(-1, 3), n_bg))
        if n_fg:
            rgb.append(_median_cut(fg_pixels, n_fg))
        merged = np.concatenate(rgb)
        _, first = np.unique(merged, axis=0, return_index=True)
        return cls(merged[np.sort(first)][:size])

    def palette_bytes(self) -> bytes:
        return self.rgb.tobytes()

    def _nearest(self, keys: np.ndarray) -> np.ndarray:
        """Palette index nearest (squared RGB distance) to each uint32 key; ties to lowest."""
        rgb = unpack(keys).astype(np.int32)
        out = np.empty(len(rgb), dtype=np.uint8)
        for lo in range(0, len(rgb), 2048):
            chunk = rgb[lo : lo + 2048]
            dist = ((chunk[:, None, :] - self._rgb_i[None, :, :]) ** 2).sum(axis=-1)
            out[lo : lo + 2048] = dist.argmin(axis=1)
        return out

    def index(self, keys: np.ndarray) -> np.ndarray:
        """Palette indices for uint32 pixel keys (see ``pack``), same shape as ``keys``."""
        flat = keys.reshape(-1)
        uniq, inverse = np.unique(flat, return_inverse=True)
        if len(self._known_keys):
            pos = np.minimum(np.searchsorted(self._known_keys, uniq), len(self._known_keys) - 1)
            known = self._known_keys[pos] == uniq
        else:
            pos = np.zeros(len(uniq), dtype=np.intp)
            known = np.zeros(len(uniq), dtype=bool)
        result = np.empty(len(uniq), dtype=np.uint8)
        result[known] = self._known_index[pos[known]]
        if not known.all():
            new_keys = uniq[~known]
            new_index = self._nearest(new_keys)
            result[~known] = new_index
            keys_all = np.concatenate([self._known_keys, new_keys])
            index_all = np.concatenate([self._known_index, new_index])
            order = np.argsort(keys_all, kind="stable")
            self._known_keys, self._known_index = keys_all[order], index_all[order]
        return result[inverse].reshape(keys.shape)


def _median_cut(pixels: np.ndarray, n: int) -> np.ndarray:
    """Up to ``n`` representative colours of (m, 3) uint8 ``pixels``, by Pillow's median cut."""
    if n <= 0 or len(pixels) == 0:
        return np.empty((0, 3), dtype=np.uint8)
    image = Image.fromarray(np.ascontiguousarray(pixels, dtype=np.uint8)[None, :, :], "RGB")
    quant = image.quantize(colors=n, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    used = np.flatnonzero(np.bincount(np.asarray(quant).reshape(-1), minlength=256))
    return np.asarray(quant.getpalette()[: 3 * 256], dtype=np.uint8).reshape(-1, 3)[used]


class FrameQuantizer:
    """Maps canvas buffers to palette indices, touching only pixels that differ from the
    background (the blitted frames differ from it in a few thousand pixels, not 270 000)."""

    def __init__(self, palette: SharedPalette, background_rgba: np.ndarray) -> None:
        self.palette = palette
        self.background = pack(background_rgba).copy()
        self.background_index = palette.index(self.background)

    def __call__(self, rgba: np.ndarray) -> np.ndarray:
        keys = pack(rgba)
        changed = keys != self.background
        out = self.background_index.copy()
        out[changed] = self.palette.index(keys[changed])
        return out


def indexed_image(index: np.ndarray, palette: SharedPalette) -> Image.Image:
    """A 'P' image from an (h, w) uint8 index array and the shared palette."""
    h, w = index.shape
    image = Image.frombytes("P", (w, h), np.ascontiguousarray(index, dtype=np.uint8).tobytes())
    image.putpalette(palette.palette_bytes())
    return image


def gif_bytes(
    frames: Sequence[np.ndarray],
    palette: SharedPalette,
    durations_ms: Sequence[int],
    loop: int = 0,
) -> bytes:
    """An animated GIF of index frames sharing ``palette``: one global colour table, each
    later frame cropped by Pillow to what changed, unchanged pixels transparent."""
    if len(frames) != len(durations_ms):
        raise ValueError(f"{len(frames)} frames but {len(durations_ms)} durations")
    images = [indexed_image(f, palette) for f in frames]
    buf = io.BytesIO()
    images[0].save(
        buf,
        format="GIF",
        save_all=True,
        append_images=images[1:],
        duration=list(durations_ms),
        loop=loop,
        disposal=1,  # leave each frame in place: the next draws only its changes over it
        optimize=True,  # lets Pillow fill unchanged pixels with the spare transparent index
        palette=palette.palette_bytes(),  # one global table, no per-frame local tables
    )
    return buf.getvalue()


def png_bytes(index: np.ndarray, palette: SharedPalette) -> bytes:
    """One index frame as a palette PNG: pixel for pixel the GIF's frame, and deterministic."""
    buf = io.BytesIO()
    indexed_image(index, palette).save(buf, format="PNG", optimize=False)
    return buf.getvalue()
