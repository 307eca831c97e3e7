"""The explorer's data: what the page draws is what optim_ref computes, and it stays small.

The files are made by the same pipeline the build uses (scripts/explorer/page.site_files, through
the cache), decoded here, and compared with optim_ref run again, one cell at a time, for
cells sampled over every surface and optimizer.
"""

from __future__ import annotations

import gzip
import json
import math

import numpy as np
import pytest

import optim_ref
from optim_ref import functions
from scripts.explorer import grid, packing, page


@pytest.fixture(scope="module")
def site_files():
    return dict(page.site_files())


@pytest.fixture(scope="module")
def manifest(site_files):
    return json.loads(site_files["explorer/data/manifest.json"].read_text("utf-8"))


def _decoded(site_files, manifest, name):
    info = next(s for s in manifest["surfaces"] if s["name"] == name)
    name = f"explorer/{info['data']}"
    data = packing.unpack(site_files[name].read_bytes(), name)
    return info, packing.decode(data, info["window"], info)


def test_the_grid_covers_what_the_page_promises(manifest, site_files):
    names = [s["name"] for s in manifest["surfaces"]]
    assert len(names) >= 5 and set(names) <= set(functions.NAMES)
    optimizers = {o["name"]: o for o in manifest["optimizers"]}
    assert set(optimizers) == set(optim_ref.LECTURE) | set(optim_ref.AFTER_ADAM)
    assert manifest["steps"] >= 150
    for o in optimizers.values():
        lrs = np.array(o["lrs"])
        assert len(lrs) >= 12
        ratios = np.diff(np.log10(lrs))
        assert np.allclose(ratios, ratios[0], atol=1e-4) and ratios[0] > 0, o["name"]
        has_beta = o["name"] not in ("SGD", "Adagrad")
        assert (o["beta"] is not None) == has_beta, o["name"]
        if has_beta:
            assert len(o["beta"]["values"]) >= 3
            assert set(o["beta"]["label"]) == {"ko", "en"}
    for s in manifest["surfaces"]:
        assert len(s["starts"]) >= 4
        assert set(s["label"]) == {"ko", "en"}
        assert s["points"] == manifest["steps"] + 1
        assert f"explorer/{s['image']}" in site_files
    assert set(manifest["labels"]["ko"]) == set(manifest["labels"]["en"])


def _sampled_cells(manifest, per_surface=24, seed=7):
    """Cells spread over every optimizer of every surface (deterministic)."""
    rng = np.random.default_rng(seed)
    for s in manifest["surfaces"]:
        for k in range(per_surface):
            o = manifest["optimizers"][k % len(manifest["optimizers"])]
            n_beta = len(o["beta"]["values"]) if o["beta"] else 1
            yield (s["name"], o["name"], int(rng.integers(len(o["lrs"]))),
                   int(rng.integers(n_beta)), int(rng.integers(len(s["starts"]))))


def test_data_equals_optim_ref_recomputed_for_sampled_cells(manifest, site_files):
    checked = diverged = 0
    for name, opt, li, bi, si in _sampled_cells(manifest):
        info, dec = _decoded(site_files, manifest, name)
        spec = grid.SPEC[opt]
        o = next(x for x in manifest["optimizers"] if x["name"] == opt)
        lr = spec.lrs[li]
        assert math.isclose(lr, o["lrs"][li], rel_tol=1e-5)
        beta = spec.betas[bi]
        surface = functions.get(name)
        run = optim_ref.run(spec.make(float(lr), beta), surface,
                            np.array(info["starts"][si]), manifest["steps"])
        row = grid.run_index(opt, li, bi, si, len(info["starts"]))
        assert row == o["offset"] + (li * len(spec.betas) + bi) * len(info["starts"]) + si
        where = f"{name} {opt} lr={lr:.3g} beta={beta} start={si}"
        assert dec.diverged_at[row] == run.diverged_at[0], where
        diverged += bool(run.diverged[0])
        (x0, x1), (y0, y1) = info["window"]
        for axis, (lo, hi), q, got in ((0, (x0, x1), dec.qx, dec.x), (1, (y0, y1), dec.qy, dec.y)):
            true = run.path[0, :, axis]
            inside = (true >= lo) & (true <= hi)
            step = (hi - lo) / packing.Q_SPAN
            # inside the window: within half a quantisation step (and a hair for rounding)
            np.testing.assert_allclose(got[row][inside], true[inside], rtol=0,
                                       atol=step * 0.5 + 1e-9, err_msg=where)
            # outside: clamped to the edge and flagged by 0 (below) or 65535 (above)
            assert np.all(q[row][true < lo] == 0), where
            assert np.all(q[row][true > hi] == packing.Q_MAX), where
        s_min, s_max = info["lossRange"]
        s_true = np.arcsinh((run.loss[0] - info["lossRef"]) / info["lossScale"])
        s_got = np.arcsinh((dec.loss[row] - info["lossRef"]) / info["lossScale"])
        ds = (s_max - s_min) / packing.Q_MAX
        np.testing.assert_allclose(s_got, s_true, rtol=0, atol=ds * 0.5 + 1e-9, err_msg=where)
        checked += 1
    assert checked >= 5 * 24 and diverged > 0


def test_budgets_as_served(manifest, site_files):
    """GitHub Pages gzips text (the manifest) but sends other files as they are: a data
    file travels at its published size, so that is what the budget counts."""
    total = 0
    for s in manifest["surfaces"]:
        name = f"explorer/{s['data']}"
        assert name.endswith(".bin.gz"), name  # a type Pages would not compress itself
        published = site_files[name].read_bytes()
        assert published[:2] == b"\x1f\x8b", name  # gzip on disk, not a name only
        served = len(published)
        assert served == s["bytes"], name
        assert served <= page.SURFACE_BUDGET, (s["name"], served)
        total += served
    manifest_bytes = site_files["explorer/data/manifest.json"].read_bytes()
    total += len(gzip.compress(manifest_bytes, compresslevel=6, mtime=0))  # Pages gzips JSON
    assert total <= page.TOTAL_BUDGET, total


def test_the_published_gzip_is_deterministic():
    """No file name and no time in the gzip header: the same grid, the same bytes."""
    packed = packing.pack(b"explorer" * 1000)
    assert packed == packing.pack(b"explorer" * 1000)
    flags, mtime = packed[3], int.from_bytes(packed[4:8], "little")
    assert flags & 0x08 == 0 and mtime == 0
    assert packing.unpack(packed) == b"explorer" * 1000


def test_unpack_names_a_file_that_is_not_gzip():
    with pytest.raises(ValueError, match="explorer/data/x.bin.gz: not a gzip file"):
        packing.unpack(b"\0\1\2", "explorer/data/x.bin.gz")


def test_the_cache_key_follows_the_optimizer_code(monkeypatch):
    from scripts.core import keys

    before = page.key("quadratic")
    real = keys.module_source

    def edited(name):
        src = real(name)
        return src + b"\n# edited\n" if name == "optim_ref.optimizers.adam" else src

    monkeypatch.setattr(keys, "module_source", edited)
    assert page.key("quadratic") != before
    monkeypatch.setattr(keys, "module_source", real)
    assert page.key("quadratic") == before


def test_quantisation_flags_points_outside_the_window():
    q = packing.quantise_coords(np.array([-5.0, -3.0, 0.0, 3.0, 7.0]), -3.0, 3.0)
    assert q.tolist() == [0, 1, 32767, packing.Q_SPAN + 1, packing.Q_MAX]
    back = packing.dequantise_coords(q, -3.0, 3.0)
    assert back.tolist()[0] == -3.0 and back.tolist()[-1] == 3.0


def test_decode_names_a_truncated_file():
    with pytest.raises(ValueError, match="explorer data: 10 bytes"):
        packing.decode(b"\0" * 10, ((0, 1), (0, 1)), {"runs": 2, "points": 3,
                                                        "lossRange": [0, 1], "lossRef": 0,
                                                        "lossScale": 1})


def test_the_recommended_rate_is_the_rule_applied_to_the_published_runs(site_files, manifest):
    """The page's "recommended" rate is tuning.best_lr's choice; read back from the data the
    reader sees, it is the eligible run (no divergence, inside the window) with the lowest
    final loss from the first start with the default beta, ties to the smaller rate."""
    for name in grid.SURFACES:
        info, data = _decoded(site_files, manifest, name)
        for spec in grid.SPECS:
            bi = spec.betas.index(spec.beta.default) if spec.beta else 0
            rows = [grid.run_index(spec.name, li, bi, 0) for li in range(grid.N_LR)]
            # out-of-window points are flagged 0 / Q_MAX (decoded values sit at the edge)
            inside = np.all((data.qx[rows] > 0) & (data.qx[rows] < packing.Q_MAX)
                            & (data.qy[rows] > 0) & (data.qy[rows] < packing.Q_MAX), axis=-1)
            ok = (data.diverged_at[rows] < 0) & inside
            chosen = info["bestLr"][spec.name]
            if ok.any():
                assert ok[chosen], (name, spec.name)
                # quantised losses: the chosen run is among the lowest eligible finals
                finals = np.where(ok, data.loss[rows, -1], np.inf)
                assert np.isclose(finals[chosen], finals.min(), rtol=1e-4, atol=1e-9), \
                    (name, spec.name, finals[chosen], finals.min())
            else:
                assert chosen == 0, (name, spec.name)
