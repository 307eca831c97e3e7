"""The GitHub workflows: CI runs `make test` on push and pull request; Pages builds strictly
with the right site URL, caches the generated assets and deploys with the Pages actions."""

from __future__ import annotations

from pathlib import Path

import yaml

WORKFLOWS = Path(__file__).resolve().parent.parent / ".github" / "workflows"


def load(name: str) -> dict:
    data = yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as True
    return data


def steps(job: dict) -> list[dict]:
    return job["steps"]


def uses(job: dict) -> list[str]:
    return [s["uses"].split("@")[0] for s in steps(job) if "uses" in s]


def test_ci_runs_make_test_on_push_and_pull_request():
    ci = load("ci.yml")
    assert {"push", "pull_request"} <= set(ci["on"])
    (job,) = ci["jobs"].values()
    assert any(s.get("run") == "make test" for s in steps(job))
    assert "whl/cpu" in job["env"]["PIP_EXTRA_INDEX_URL"]  # torch's CPU build, not CUDA
    assert job["env"]["CHROMIUM_PATH"]  # the runner's browser, not apt's snap stub
    assert "actions/setup-node" in uses(job)


def test_pages_builds_strictly_caches_assets_and_deploys_with_the_pages_actions():
    pages = load("pages.yml")
    assert pages["on"]["push"]["branches"] == ["main"]
    assert pages["permissions"]["pages"] == "write" and pages["permissions"]["id-token"] == "write"
    build, deploy = pages["jobs"]["build"], pages["jobs"]["deploy"]
    assert {"actions/configure-pages", "actions/upload-pages-artifact", "actions/cache"} <= set(
        uses(build))
    (cache,) = [s for s in steps(build) if s.get("uses", "").startswith("actions/cache")]
    assert cache["with"]["path"] == ".cache" and "hashFiles(" in cache["with"]["key"]
    (make,) = [s for s in steps(build) if s.get("run") == "make build"]
    assert "steps.pages.outputs.base_url" in make["env"]["SITE_URL"]
    assert "--strict" in (WORKFLOWS.parent.parent / "Makefile").read_text()
    assert deploy["needs"] == "build" and "actions/deploy-pages" in uses(deploy)
