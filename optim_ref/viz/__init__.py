"""optim_ref.viz: draws what optim_ref computes (matplotlib + Pillow); knows no website.

Callers pass every string drawn and the font (``fonts.family('ko')`` or ``('en')``);
viz returns deterministic bytes: two renders of the same input are byte-identical.

    from optim_ref import viz
    png = viz.path_png(surface, run.path, ["Adam"], diverged_at=run.diverged_at)
    anim = viz.race_gif(surface, run.path, ["Adam"], font=viz.fonts.family("ko"))
    anim.write("race.gif", "race.png")   # the PNG is the GIF's last frame
"""

from optim_ref.viz import fonts
from optim_ref.viz.animate import Animation, RaceScene, encode, race_gif, race_scene
from optim_ref.viz.canvas import new_figure, png_bytes, write_bytes
from optim_ref.viz.contour import draw_surface
from optim_ref.viz.paths import loss_figure, loss_png, path_figure, path_png

__all__ = [
    "fonts", "Animation", "RaceScene", "encode", "race_gif", "race_scene",
    "new_figure", "png_bytes", "write_bytes", "draw_surface",
    "path_figure", "path_png", "loss_figure", "loss_png",
]
