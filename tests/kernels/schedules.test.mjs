// The explorer's learning-rate schedules against optim_ref.schedules (cases exported by
// tests/kernels_export.py): every schedule and option, lrs and momenta to 1e-12 relative.

import assert from "node:assert/strict";
import { test } from "node:test";

import { SCHEDULES, schedule } from "../../docs/assets/javascripts/explorer/kernels.js";
import { STEP_RTOL, cases, relativeError } from "./checks.mjs";

const all = cases("schedules.json");

test("every schedule of optim_ref.schedules has cases, and a JS twin", () => {
  assert.deepEqual([...new Set(all.map((c) => c.name))].sort(), Object.keys(SCHEDULES).sort());
});

test("lrs and momenta equal optim_ref's, step by step", (t) => {
  for (const c of all) {
    const s = schedule(c.name, c.args);
    const lrs = s.lrs(c.base_lr, c.steps), momenta = s.momenta(c.base_lr, c.steps);
    assert.ok(lrs instanceof Float64Array);
    const worst = relativeError(lrs, c.lrs, 0);
    const label = `${c.name} ${JSON.stringify(c.args)}`;
    t.diagnostic(`${label}: worst ${worst.toExponential(2)}`);
    assert.ok(worst <= STEP_RTOL, `${label}: lrs differ by ${worst}`);
    if (c.momenta === null) assert.equal(momenta, null, label);
    else assert.ok(relativeError(momenta, c.momenta, 0) <= STEP_RTOL, `${label}: momenta`);
  }
});

test("a wrong cosine (held at eta_min past T_max) fails the same check", () => {
  // torch's recursion follows the cosine back up past T_max; clamping there is another curve
  const c = all.find((x) => x.name === "CosineAnnealingLR" && x.args.T_max === 90);
  const { T_max: T, eta_min: lo } = c.args;
  const wrong = Float64Array.from({ length: c.steps }, (_, k) => (k >= T ? lo
    : lo + (c.base_lr - lo) * (1 + Math.cos(Math.PI * k / T)) / 2));
  assert.ok(relativeError(wrong, c.lrs, 0) > STEP_RTOL);
  assert.ok(relativeError(wrong.subarray(0, T), c.lrs.slice(0, T), 0) <= STEP_RTOL);
});

test("bad arguments are refused with optim_ref's messages", () => {
  assert.throws(() => schedule("StepLR", { step_size: 0 }),
    { message: "Invalid step_size: 0 (step_size must be an integer in [1, inf))" });
  assert.throws(() => schedule("ExponentialLR", { gamma: -0.5 }),
    { message: "Invalid gamma: -0.5 (gamma must be in (0, inf))" });
  assert.throws(() => schedule("MultiStepLR", { milestones: [10, 5] }),
    /milestones must be strictly increasing/);
  assert.throws(() => schedule("OneCycleLR", { max_lr: 0.1, total_steps: 10 }).lrs(0.1, 12),
    /stepped 11 times, past its total_steps=10/);
  assert.throws(() => schedule("SequentialLR", { schedulers: [{ name: "LinearLR", args: {} }],
    milestones: [5] }), /there must be 0 milestones/);
  assert.throws(() => schedule("Cyclic"), /unknown schedule Cyclic/);
});
