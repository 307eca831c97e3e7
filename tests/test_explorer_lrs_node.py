"""The explorer's schedules (docs/assets/javascripts/explorer/lrs.js) equal optim_ref.schedules
to 1e-12 relative, under Node: the cases (each schedule the page offers, over a spread of
arguments, and bad arguments) are exported here at test time into a temporary folder."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from explorer_state import schedule

ROOT = Path(__file__).resolve().parent.parent
NODE_TEST = ROOT / "tests" / "explorer" / "lrs.test.mjs"


def specs() -> list[dict]:
    out = []
    for steps in (1, 7, 200, 1000):
        out += [{"name": "StepLR", "step_size": max(1, steps // 4), "gamma": g} for g in (0.1, 0.5)]
        out += [{"name": "CosineAnnealingLR", "T_max": t, "eta_min": e}
                for t in {steps, max(1, steps // 3)} for e in (0.0, 1e-4)]
        out += [{"name": "OneCycleLR", "max_lr": m, "total_steps": steps + extra,
                 "pct_start": 0.3, "anneal_strategy": a, "cycle_momentum": False}
                for m in (0.1, 2.0) for extra in (0, 5) for a in ("cos", "linear")
                if steps + extra > 3]
        out += [{"name": "LinearLR", "start_factor": 0.1, "end_factor": 1.0,
                 "total_iters": max(1, steps // 10)}]
        w = max(1, steps // 10)
        out += [{"name": "SequentialLR", "milestones": [w], "schedulers": [
            {"name": "LinearLR", "start_factor": 0.01, "end_factor": 1.0, "total_iters": w},
            {"name": "CosineAnnealingLR", "T_max": max(1, steps - w), "eta_min": 0.0}]}]
    return out


def export(folder: Path) -> Path:
    cases = []
    for spec in specs():
        for steps in sorted({1, 50, 1000}):
            for base in (0.01, 0.3):
                sched = schedule(spec)
                if spec["name"] == "OneCycleLR" and steps > spec["total_steps"]:
                    continue
                cases.append({"spec": spec, "base": base, "steps": steps,
                              "lrs": sched.lrs(base, steps).tolist()})
    bad = [{"name": "StepLR", "step_size": 0}, {"name": "CosineAnnealingLR", "T_max": 0},
           {"name": "LinearLR", "start_factor": 0.0}, {"name": "OneCycleLR", "max_lr": -1.0,
                                                        "total_steps": 10}]
    for spec in bad:  # optim_ref refuses them too
        try:
            schedule(spec)
        except (ValueError, TypeError):
            continue
        raise AssertionError(f"optim_ref accepted {spec}")
    path = folder / "lrs.json"
    path.write_text(json.dumps({"cases": cases, "bad": bad}))
    return path


def test_node_schedules_equal_optim_ref(tmp_path):
    node = shutil.which("node")
    assert node, "node is not on PATH: the explorer's schedules are tested under Node 20+"
    cases = export(tmp_path)
    cmd = [node, "--experimental-detect-module",
           "--disable-warning=MODULE_TYPELESS_PACKAGE_JSON", "--test", str(NODE_TEST)]
    proc = subprocess.run(cmd, cwd=ROOT, env={"PATH": "/usr/bin:/bin", "LRS_CASES": str(cases)},
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout[-6000:] + proc.stderr[-3000:]
    assert "# fail 0" in proc.stdout and "# pass 0" not in proc.stdout, proc.stdout[-3000:]
