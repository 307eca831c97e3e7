"""The explorer's JavaScript kernels proven equal to optim_ref under Node (`node --test`).

The cases are exported at test time (tests/kernels_export.py) into a temporary folder, so
they always come from the optim_ref being tested; Node runs tests/kernels/*.test.mjs on
them. A missing node fails here: it never skips.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from kernels_export import CONFIGS, CONFIGS_BY_CLASS, export, names, reference_run

from optim_ref import functions
from optim_ref.trajectory import run

ROOT = Path(__file__).resolve().parent.parent
NODE_TESTS = sorted((ROOT / "tests" / "kernels").glob("*.test.mjs"))


@pytest.fixture(scope="module")
def kernel_cases(tmp_path_factory) -> Path:
    return export(tmp_path_factory.mktemp("kernel-cases"))


@pytest.mark.slow  # exports every kernel case, then Node runs them all (most of the module)
def test_node_kernels_equal_optim_ref(kernel_cases):
    node = shutil.which("node")
    assert node, "node is not on PATH: the explorer's kernels are tested under Node 20+"
    assert NODE_TESTS, "no Node tests found under tests/kernels/"
    # the kernels are ES modules in plain .js files (the site serves them as they are), in a
    # package.json without "type": Node 20.19+ detects the syntax; the flag says so on 20.x
    cmd = [node, "--experimental-detect-module",
           "--disable-warning=MODULE_TYPELESS_PACKAGE_JSON", "--test", *map(str, NODE_TESTS)]
    proc = subprocess.run(cmd, cwd=ROOT, env={"PATH": "/usr/bin:/bin",
                                             "KERNEL_CASES": str(kernel_cases)},
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-6000:] + proc.stderr[-3000:]
    assert "# fail 0" in proc.stdout and "# pass 0" not in proc.stdout, proc.stdout[-3000:]


@pytest.mark.parametrize("cfg", CONFIGS, ids=str)
def test_reference_run_is_optim_refs_run(cfg):
    """The exporter's loop (lr per step, noise) is `run` when neither is used: bit for bit."""
    surface = functions.get("himmelblau")
    starts = np.array([surface.start, [4.9, 4.9], [-4.0, 1.0]])
    ours = reference_run(cfg.ours, cfg.path, surface, starts, 120)
    theirs = run(cfg.ours(**cfg.path), surface, starts, 120)
    np.testing.assert_array_equal(ours[0], theirs.path)
    np.testing.assert_array_equal(ours[1], theirs.loss)
    np.testing.assert_array_equal(ours[2], theirs.diverged_at)
    constant = np.full(120, cfg.path["lr"])
    np.testing.assert_array_equal(
        reference_run(cfg.ours, cfg.path, surface, starts, 120, constant)[0], theirs.path)
    # and with noise: `run(noise=sigma, seed=...)` is the exporter's noisy loop, bit for bit
    noisy = run(cfg.ours(**cfg.path), surface, starts, 120, noise=0.7, seed=11)
    ours = reference_run(cfg.ours, cfg.path, surface, starts, 120, sigma=0.7, seed=11)
    np.testing.assert_array_equal(ours[0], noisy.path)
    np.testing.assert_array_equal(ours[2], noisy.diverged_at)
    # the noise reaches the step: loud enough to flip gradient signs, as Rprop and Lion read
    # only those (Rprop-maximize's runs here flee with the same signs under sigma = 0.7)
    loud = run(cfg.ours(**cfg.path), surface, starts, 120, noise=1e3, seed=11)
    assert not np.array_equal(loud.path, theirs.path)


def test_every_optimizer_has_a_configuration_named_after_it():

    assert set(CONFIGS_BY_CLASS) == set(names())
