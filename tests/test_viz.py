"""Static figures, fonts and contours: Korean renders with Hangul glyphs, outputs are
deterministic PNGs, levels are log-spaced where the surface needs it."""

from __future__ import annotations

import io
import logging
import warnings

import numpy as np
import pytest
from PIL import Image

import optim_ref
from optim_ref import functions, viz
from optim_ref.viz import animate, contour, fonts, paths

KOREAN = "학습률 경사 하강법 손실"


def rendering_complaints(draw, caplog) -> list[str]:
    """Every missing-glyph complaint matplotlib makes while ``draw()`` runs: warnings
    (text layout, 'Glyph ... missing from font(s)') and log records (mathtext)."""
    with warnings.catch_warnings(record=True) as caught, caplog.at_level(logging.WARNING):
        warnings.simplefilter("always")
        draw()
    said = [str(w.message) for w in caught] + [r.getMessage() for r in caplog.records]
    return [s for s in said if "glyph" in s.lower() or "findfont" in s.lower()]


@pytest.fixture(scope="module")
def runs():
    surface = functions.get("rosenbrock")
    start = np.asarray(surface.start, dtype=float)[None, :]
    results = [optim_ref.run(o, surface, start, 80)
               for o in (optim_ref.Momentum(lr=1e-3), optim_ref.Adam(lr=5e-2),
                         optim_ref.SGD(lr=0.05))]
    return surface, results


def test_nanum_gothic_is_found_and_registered():
    path = fonts.nanum_gothic_path()
    assert path.name == "NanumGothic.ttf" and path.is_file()
    name = fonts.register_korean_font()
    assert name == fonts.KOREAN
    assert fonts.family("ko") == (fonts.KOREAN, fonts.LATIN)
    assert fonts.family("en") == (fonts.LATIN,)
    with pytest.raises(ValueError, match="lang"):
        fonts.family("fr")


def test_the_glyph_check_has_teeth(caplog):
    # Hangul in the Latin font must be reported, or the next test proves nothing
    complaints = rendering_complaints(
        lambda: paths.loss_png([[3.0, 2.0, 1.0]], [KOREAN], font=fonts.family("en")), caplog)
    assert any("missing from font" in c for c in complaints)


def test_korean_figures_render_without_missing_glyphs(runs, caplog):
    surface, results = runs
    ko = fonts.family("ko")

    def draw():
        paths.path_png(surface, np.concatenate([r.path for r in results]),
                       ["모멘텀", "아담", "확산 −1"], title=f"{KOREAN} (x−1)²",
                       xlabel="가로 x", ylabel="세로 y", font=ko)
        # losses below 1 give log ticks with negative exponents (mathtext minus signs)
        paths.loss_png([r.loss[0] for r in results] + [np.geomspace(10, 1e-4, 30)],
                       ["모멘텀", "아담", "확산", "기준"],
                       diverged_at=[r.diverged_at[0] for r in results] + [None],
                       xlabel="걸음", ylabel="손실 $f(x, y)$", font=ko)
        animate.race_gif(surface, np.concatenate([r.path for r in results]),
                         ["모멘텀", "아담", "확산"], frames=6, size=(240, 180),
                         counter="{step}번째 걸음 / {steps}", font=ko)

    assert rendering_complaints(draw, caplog) == []


def test_style_context_uses_the_language_font():
    from matplotlib import rcParams

    with fonts.style("ko") as names:
        assert list(rcParams["font.family"]) == list(names)
        assert names[0] == fonts.KOREAN
    assert fonts.font_properties("ko").get_family()[0] == fonts.KOREAN


def test_static_pngs_are_deterministic_and_untagged(runs):
    surface, results = runs
    path = np.concatenate([r.path for r in results])
    kwargs = {"diverged_at": [r.diverged_at[0] for r in results], "size": (300, 225)}
    a = viz.path_png(surface, path, ["M", "A", "S"], **kwargs)
    b = viz.path_png(surface, path, ["M", "A", "S"], **kwargs)
    assert a == b and a[:8] == b"\x89PNG\r\n\x1a\n"
    assert b"Software" not in a and b"matplotlib" not in a
    with Image.open(io.BytesIO(a)) as im:
        assert im.size == (300, 225)
        pixels = np.asarray(im.convert("RGB"))
    assert pixels[0, 0].tolist() != [0, 0, 0]  # opaque, light paper
    assert im.mode == "P" and pixels.mean() > 150  # indexed: a third of the bytes
    losses = [r.loss[0] for r in results]
    assert viz.loss_png(losses, ["M", "A", "S"]) == viz.loss_png(losses, ["M", "A", "S"])


def test_figures_are_opaque_so_dark_pages_do_not_show_through(runs):
    surface, results = runs
    png = viz.path_png(surface, results[0].path, ["M"], size=(200, 150))
    with Image.open(io.BytesIO(png)) as im:
        alpha = np.asarray(im.convert("RGBA"))[..., 3]
    assert alpha.min() == 255


def test_loss_axis_is_log_and_falls_back_for_negative_losses():
    fig = viz.loss_figure([[4.0, 2.0, 1.0]], ["a"])
    assert fig.axes[0].get_yscale() == "log"
    fig = viz.loss_figure([[0.5, -1.0, -4.0]], ["saddle"])
    assert fig.axes[0].get_yscale() == "symlog"


def test_diverged_run_ends_in_a_marker(runs):
    surface, results = runs
    stops = [r.diverged_at[0] for r in results]
    assert stops[-1] >= 0 and stops[0] < 0, "fixture: only the last run diverges"
    fig = viz.path_figure(surface, np.concatenate([r.path for r in results]), ["M", "A", "S"],
                          diverged_at=stops)
    crosses = [ln for ln in fig.axes[0].get_lines() if ln.get_marker() == "X"]
    assert len(crosses) == 1
    (xmin, xmax), (ymin, ymax) = surface.window
    x, y = crosses[0].get_xydata()[0]
    assert xmin <= x <= xmax and ymin <= y <= ymax


def test_legend_labels_and_distinct_styles(runs):
    surface, results = runs
    fig = viz.path_figure(surface, np.concatenate([r.path for r in results]), ["a", "b", "c"])
    legend = fig.axes[0].get_legend()
    assert [t.get_text() for t in legend.get_texts()] == ["a", "b", "c"]
    styles = [(h.get_color(), h.get_marker(), str(h.get_linestyle()))
              for h in legend.legend_handles]
    assert len({s[0] for s in styles}) == 3 and len({s[1] for s in styles}) == 3
    with pytest.raises(ValueError, match="labels"):
        viz.path_figure(surface, results[0].path, ["a", "b"])


def test_levels_are_log_spaced_for_surfaces_with_a_minimum():
    surface = functions.get("rosenbrock")
    _, _, zz = contour.grid(surface, 100)
    lv, floor = contour.levels(zz, 10, "log")
    ratios = lv[1:] / lv[:-1]
    assert np.allclose(ratios, ratios[0]) and ratios[0] > 1.5
    assert floor < zz.min()
    lin, offset = contour.levels(zz, 10, "linear")
    assert offset == 0 and np.allclose(np.diff(lin), np.diff(lin)[0])


@pytest.mark.parametrize("name", ["quadratic", "saddle", "rosenbrock", "beale"])
def test_every_surface_draws(name):
    surface = functions.get(name)
    png = viz.path_png(surface, np.asarray(surface.start, dtype=float)[None, None, :],
                       ["start"], size=(200, 150))
    assert png[:4] == b"\x89PNG"


def test_exit_point_is_on_the_window_edge():
    window = ((-1.0, 1.0), (-1.0, 1.0))
    path = np.array([[0.0, 0.0], [0.5, 0.0], [3.0, 0.0], [30.0, 0.0]])
    assert np.allclose(paths.exit_point(path, 3, window), [1.0, 0.0])
    assert np.allclose(paths.exit_point(path, 1, window), [0.5, 0.0])


def test_bad_paths_are_refused():
    with pytest.raises(ValueError, match="shape"):
        paths.as_paths(np.zeros((3, 2)))
    assert paths.as_diverged([-1, 4, None], 3) == [None, 4, None]
