"""What a newcomer meets before the site: the prerequisite checks, the npm split, the wheel.

The fresh clone itself (``make serve`` and ``make build`` from the site's lock alone) is
checked by ``make fresh-clone``, which ``.ci/run`` runs before ``make test``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from site_support import ROOT

from scripts.site import wheel


def _bin_without(tmp_path: Path, *missing: str) -> str:
    """A PATH holding only the tools the Makefile's checks call, less ``missing``."""
    folder = tmp_path / "bin"
    folder.mkdir()
    for tool in ("sh", "make", "python3", "node", "npm", "cut", "env", "id"):
        # python3 as the real interpreter: a pyenv shim needs pyenv on the PATH
        found = os.path.realpath(sys.executable) if tool == "python3" else shutil.which(tool)
        if tool not in missing and found:
            (folder / tool).symlink_to(found)
    return str(folder)


@pytest.mark.parametrize("missing,words", [
    ("python3", "Python 3.11 or newer"),
    ("node", "Node.js 20 or newer"),
    ("npm", "npm 9 or newer"),
])
def test_make_stops_with_one_line_naming_what_is_missing(tmp_path, missing, words):
    # a top-level make, as a newcomer runs it (under `make test` this runs inside a make)
    env = {k: v for k, v in os.environ.items() if k not in ("MAKELEVEL", "MAKEFLAGS", "MFLAGS")}
    env["PATH"] = _bin_without(tmp_path, missing)
    make = shutil.which("make")
    proc = subprocess.run([make, "-s", "prereqs"], cwd=ROOT, env=env, capture_output=True,
                          text=True)
    assert proc.returncode != 0
    ours = [line for line in (proc.stdout + proc.stderr).splitlines()
            if not re.match(r"make(\[\d+\])?: \*\*\*", line)]  # make's own closing line
    assert len(ours) == 1 and words in ours[0] and "install" in ours[0], ours


def test_prerequisites_pass_on_this_machine():
    proc = subprocess.run(["make", "-s", "prereqs", "prereqs-test"], cwd=ROOT,
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_site_needs_only_npm_dependencies_and_the_gates_only_dev_ones():
    package = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))
    # KaTeX and math.js ship with the site; PurgeCSS trims the notebook pages' stylesheet
    assert set(package["dependencies"]) == {"katex", "mathjs", "purgecss"}
    assert set(package["devDependencies"]) == {"axe-core", "lighthouse"}
    lock = json.loads((ROOT / "package-lock.json").read_text(encoding="utf-8"))
    for name in ("axe-core", "lighthouse"):
        assert lock["packages"][f"node_modules/{name}"].get("dev") is True, name
    for name in ("katex", "mathjs", "purgecss"):
        assert not lock["packages"][f"node_modules/{name}"].get("dev"), name
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "npm ci --omit=dev" in makefile


def test_site_lock_pins_the_build_backend():
    pins = dict(line.split("==", 1) for line in
                (ROOT / "requirements" / "site.lock").read_text(encoding="utf-8").splitlines()
                if "==" in line and not line.startswith("#"))
    major, minor = (int(x) for x in pins["setuptools"].split(".")[:2])
    assert (major, minor) >= (70, 1), "setuptools < 70.1 has no bdist_wheel of its own"


@pytest.mark.slow  # pip builds the wheel in a subprocess
def test_wheel_build_leaves_the_checkout_alone(tmp_path):
    before = {p.name for p in ROOT.iterdir()}
    wheel._build(tmp_path)
    assert [p.suffix for p in tmp_path.iterdir()] == [".whl"]
    assert {p.name for p in ROOT.iterdir()} == before  # no build/, no *.egg-info


@pytest.mark.slow  # pip runs (and fails) in a subprocess
def test_a_failing_wheel_build_shows_pips_own_message(tmp_path, monkeypatch):
    fake = tmp_path / "repo"
    shutil.copytree(ROOT / "optim_ref", fake / "optim_ref")
    for name in wheel.SOURCES[:-1]:
        shutil.copy2(ROOT / name, fake / name)
    broken = (ROOT / "pyproject.toml").read_text(encoding="utf-8").replace(
        'version = "0.1.0"', 'version = "not a version"')
    (fake / "pyproject.toml").write_text(broken, encoding="utf-8")
    monkeypatch.setattr(wheel, "ROOT", fake)
    with pytest.raises(wheel.WheelError) as info:
        wheel._build(tmp_path / "out")
    message = str(info.value)
    assert "pip exited" in message and "not a version" in message, message
