"""The two fit figures (outliers under three losses, networks of four widths): their registry
entries, the facts their alt text states, and their drawing."""

from __future__ import annotations

import copy

import numpy as np
import pytest
import yaml

from optim_ref.viz import fits as fit_plots
from scripts.core import keys
from scripts.figures import fits, jobs, registry

REGISTRY = yaml.safe_load(registry.REGISTRY.read_text(encoding="utf-8"))
BY_NAME = registry.by_name(registry.load())


def _entry(name: str) -> int:
    return next(i for i, e in enumerate(REGISTRY["figures"]) if e["name"] == name)


@pytest.mark.parametrize(("name", "mutate", "field"), [
    ("outlier-line-fit", lambda e: e.pop("losses"), "losses"),
    ("outlier-line-fit", lambda e: e.update(losses=["mse", "hinge"]), "losses.1"),
    ("outlier-line-fit", lambda e: e.pop("lr"), "lr"),
    ("mlp-width-fit", lambda e: e.update(widths=[0, 3]), "widths.0"),
    ("mlp-width-fit", lambda e: e.update(optimizers=["Adam", "SGD"]), "optimizers"),
    ("mlp-width-fit", lambda e: e.update(surface="beale"), "surface"),
])
def test_a_bad_fit_entry_names_the_figure_and_the_field(name, mutate, field):
    data = copy.deepcopy(REGISTRY)
    mutate(data["figures"][_entry(name)])
    with pytest.raises(registry.RegistryError) as info:
        registry.parse(data, registry.REGISTRY)
    assert f"figure {name!r}" in str(info.value)
    assert f"field {field!r}" in str(info.value)


def test_fit_figures_are_drawn_once_per_language():
    for name in ("outlier-line-fit", "mlp-width-fit"):
        fig = BY_NAME[name]
        assert fig.localized
        assert [job.lang for job in jobs.jobs([fig])] == list(registry.LANGS)


def test_squared_error_is_the_loss_the_outliers_drag_away():
    result = fits.compute_lines(BY_NAME["outlier-line-fit"])
    slopes = dict(zip(result.losses, (ab[0] for ab in result.lines), strict=True))
    true_slope = fits.TRUE_LINE[0]
    # MSE has a closed form: the fit must be the least-squares line
    exact = np.linalg.lstsq(np.c_[result.x, np.ones_like(result.x)], result.y, rcond=None)[0]
    assert np.allclose(result.lines[result.losses.index("mse")], exact, atol=1e-6)
    assert abs(slopes["mse"] - true_slope) > 3 * abs(slopes["huber"] - true_slope)
    assert abs(slopes["mae"] - true_slope) < 0.05
    # the story states the computed lines
    story = fits.line_story(result, "en")
    for ab in result.lines:
        assert f"{ab[0]:.2f}x" in story


def test_a_wider_hidden_layer_fits_the_function_better():
    result = fits.compute_widths(BY_NAME["mlp-width-fit"])
    assert list(result.mse) == sorted(result.mse, reverse=True)
    assert result.mse[0] > 100 * result.mse[-1]
    assert f"{result.mse[-1]:.3g}" in fits.width_story(result, "ko")


def test_the_fit_data_loss_and_network_are_in_the_cache_key_of_the_fits_only(monkeypatch):
    names = ("outlier-line-fit", "mlp-width-fit", "race-quadratic")
    todo = jobs.jobs([BY_NAME[n] for n in names])
    before = {job: jobs.key(job) for job in todo}
    real = keys.module_source
    for module in ("optim_ref.losses", "optim_ref.mlp", "optim_ref.viz.fits",
                   "scripts.figures.fits"):
        def edited(name: str, target: str = module) -> bytes:
            return real(name) + (b"\n# an edit\n" if name == target else b"")

        monkeypatch.setattr(keys, "module_source", edited)
        changed = {job.figure.name for job in todo if jobs.key(job) != before[job]}
        assert changed == {"outlier-line-fit", "mlp-width-fit"}, module


def test_viz_fits_is_deterministic_and_checks_its_inputs():
    x = np.linspace(0, 1, 5)
    png = fit_plots.line_fit_png(x, 2 * x, [(2.0, 0.0)], ["MSE"])
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert png == fit_plots.line_fit_png(x, 2 * x, [(2.0, 0.0)], ["MSE"])
    with pytest.raises(ValueError, match="one label per"):
        fit_plots.line_fit_png(x, 2 * x, [(2.0, 0.0)], ["MSE", "MAE"])
    with pytest.raises(ValueError, match="one title per curve"):
        fit_plots.panels_png(x, x, x, [x, x], ["one"])
