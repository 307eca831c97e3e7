"""Gate: the same sources give the same site, byte for byte.

Two builds, each with an empty cache of its own (OPTIM_REF_CACHE), so every figure, GIF,
explorer rates, notebook and wheel is made from scratch twice. Every file of the two sites is
compared: figures and GIFs, data files, the wheel, and every page's HTML (quiz markup and
figure markup included). What used to vary is pinned where it is made (the wheel's zip dates
by SOURCE_DATE_EPOCH in scripts/site/wheel.py; PNG and GIF encoders write no timestamps).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from site_support import build_site

pytestmark = pytest.mark.slow


def _digests(site: Path) -> dict[str, str]:
    return {p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(site.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def two_clean_builds(tmp_path_factory, site_port) -> tuple[Path, Path]:
    sites = []
    for name in ("first", "second"):
        work = tmp_path_factory.mktemp(f"clean-{name}")
        build = build_site(work / "site", site_port,
                           extra_env={"OPTIM_REF_CACHE": str(work / "cache")})
        assert "0 from cache" in build.log, "the build was meant to start from an empty cache"
        sites.append(build.site)
    return sites[0], sites[1]


def test_two_clean_builds_are_byte_identical(two_clean_builds):
    first, second = (_digests(site) for site in two_clean_builds)
    assert set(first) == set(second), {"only in the first": sorted(set(first) - set(second)),
                                       "only in the second": sorted(set(second) - set(first))}
    differ = sorted(path for path in first if first[path] != second[path])
    assert not differ, f"{len(differ)} files differ between two clean builds: {differ[:20]}"


def test_the_comparison_covers_the_generated_assets(two_clean_builds):
    names = set(_digests(two_clean_builds[0]))
    assert any(n.startswith("figures/") and n.endswith(".gif") for n in names)
    assert any(n.startswith("figures/") and n.endswith(".png") for n in names)
    assert any(n.startswith("downloads/") and n.endswith(".whl") for n in names)
    assert sum(n.endswith("index.html") for n in names) >= 20
    if "explorer/index.html" in names:  # the explorer's rates, computed at build time
        assert "explorer/data/rates.json" in names
