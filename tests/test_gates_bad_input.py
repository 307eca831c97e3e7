"""Gate: bad input stops the build with a message that names the file and the record.

Each case copies the site's sources (mkdocs.yml, docs/, scripts/, overrides/) into a
temporary folder, breaks one file, and runs ``mkdocs build --strict`` there. The copies share
the warm figure cache (content-addressed: the same inputs read the same files), so a case
costs about one failing build; the cases run side by side. Each case asserts the words its
own failure must print, so a copy that failed for another reason (a file lost in copying)
fails the test rather than passing it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
from site_support import ROOT

from scripts.core import cache

COPIED = ("docs", "scripts", "overrides")
LINKED = ("optim_ref", "node_modules")


@dataclass(frozen=True)
class Case:
    """One broken input: which file, how it is broken, and what the message must name."""

    path: str
    old: str | None  # text replaced (None: the file is deleted)
    new: str
    expect: tuple[str, ...]  # every one of these appears in the build's output


CASES = {
    "figure registry": Case(
        "scripts/figures/figures.yml", "    kind: trajectory\n", "    kind: trajectroy\n",
        ("scripts/figures/figures.yml", "figure 'path-{optimizer}-{surface}'", "'kind'")),
    "missing translation": Case(
        "docs/optimizers/adam.en.md", None, "",
        ("docs/optimizers/adam.md", "no English twin", "docs/optimizers/adam.en.md")),
    "broken snippet": Case(
        "docs/optimizers/adam.md", '--8<-- "optim_ref/optimizers/adam.py:update"',
        '--8<-- "optim_ref/optimizers/adam.py:no-such-section"',
        ("docs/optimizers/adam.md", "optim_ref/optimizers/adam.py", "no-such-section")),
    "timeline": Case(
        "docs/data/timeline.yml", "  - id: alexnet\n    label: {ko: AlexNet, en: AlexNet}\n"
        "    year: 2012\n", "  - id: alexnet\n    label: {ko: AlexNet, en: AlexNet}\n"
        "    year: twelve\n",
        ("docs/data/timeline.yml", "'alexnet'", "'year'")),
    "glossary": Case(
        "docs/data/glossary.yml", "  - id: gradient\n    ko: 기울기\n    en: gradient\n",
        "  - id: gradient\n    ko: 기울기\n",
        ("docs/data/glossary.yml", "'gradient'", "'en'")),
    "quiz": Case(
        "docs/data/quizzes/optimizers/adam.yml",
        "  given: {g1: 1.0, g2: 3.0, beta1: 0.9}\n  decimals: 3\n",
        "  given: {g1: 1.0, g2: 3.0, beta1: 0.9}\n  decimals: three\n",
        ("adam.yml", "adam-bias-corrected-moment", "decimals")),
}


def _copy(dest: Path) -> None:
    for name in COPIED:
        shutil.copytree(ROOT / name, dest / name,
                        ignore=shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints"))
    for name in LINKED:
        (dest / name).symlink_to(ROOT / name)
    for name in ("mkdocs.yml", "pyproject.toml", "README.md", "LICENSE", "LICENSE-CONTENT"):
        shutil.copy2(ROOT / name, dest / name)


def _break(dest: Path, case: Case) -> None:
    target = dest / case.path
    if case.old is None:
        target.unlink()
        return
    text = target.read_text(encoding="utf-8")
    if case.old not in text:
        raise AssertionError(f"{case.path}: the text this case breaks is gone: {case.old!r} "
                             "(update the case in tests/test_gates_bad_input.py)")
    target.write_text(text.replace(case.old, case.new, 1), encoding="utf-8")


def _build(dest: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "OPTIM_REF_CACHE": str(cache.CACHE_DIR),
           "SITE_URL": "http://127.0.0.1:9/optim-ref/"}
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(dest / "site")],
        cwd=dest, env=env, capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def outcomes(built_site, tmp_path_factory) -> dict[str, tuple[int, str, Path]]:
    """{case: (exit code, output, copy)} after one build of each broken copy (the warm cache
    comes from built_site)."""
    missing = [c.path for c in CASES.values() if not (ROOT / c.path).is_file()]
    assert not missing, f"files these cases break are missing: {missing}"
    copies = {}
    for name, case in CASES.items():
        dest = tmp_path_factory.mktemp(re.sub(r"\W+", "-", name))
        _copy(dest)
        _break(dest, case)
        copies[name] = dest
    with ThreadPoolExecutor(max_workers=3) as pool:
        done = dict(zip(copies, pool.map(_build, copies.values()), strict=True))
    return {name: (proc.returncode, proc.stdout + proc.stderr, copies[name])
            for name, proc in done.items()}


pytestmark = pytest.mark.slow  # each case is a strict build of a copy of the site


@pytest.mark.parametrize("name", list(CASES))
def test_bad_input_fails_the_build_naming_file_and_record(outcomes, name):
    code, output, copy = outcomes[name]
    assert code != 0, f"{name}: the build passed:\n{output[-3000:]}"
    errors = "\n".join(line for line in output.splitlines()
                       if "ERROR" in line or "Error" in line or "Aborted" in line)
    for word in CASES[name].expect:
        assert word in output, f"{name}: {word!r} not in the build's message:\n{errors[-3000:]}"

