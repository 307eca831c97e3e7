// The comparisons of the kernel tests, as functions of a kernel, so that a deliberately wrong
// kernel goes through exactly the checks the real ones pass (kernels.test.mjs).

import { readFileSync } from "node:fs";
import { join } from "node:path";

import { optimizer, run, surface } from "../../docs/assets/javascripts/explorer/kernels.js";

export const STEP_RTOL = 1e-12;
export const PATH_RTOL = 1e-9;
export const NOISE_RTOL = 1e-15;

const folder = process.env.KERNEL_CASES;
export function cases(name) {
  if (!folder) throw new Error("KERNEL_CASES is not set: run these tests from tests/test_kernels_node.py");
  return JSON.parse(readFileSync(join(folder, name), "utf8"));
}

// max |ours - theirs| / (|theirs| + floor) over the elements (0 where exactly equal); the
// floor, 1e-3 of the largest |theirs|, admits the rounding of values near zero by cancellation,
// as tests/test_optimizers_oracle.py's case_error does.
export function relativeError(ours, theirs, floor = null) {
  let top = 0;
  for (let i = 0; i < theirs.length; i++) top = Math.max(top, Math.abs(theirs[i]));
  const f = floor === null ? 1e-3 * top : floor;
  let worst = 0;
  if (ours.length !== theirs.length) return Infinity;
  for (let i = 0; i < theirs.length; i++) {
    const d = Math.abs(ours[i] - theirs[i]);
    if (d !== 0) worst = Math.max(worst, Number.isNaN(d) ? Infinity : d / (Math.abs(theirs[i]) + f));
  }
  return worst;
}

export function stateFromJson(state) {
  const out = {};
  for (const [k, v] of Object.entries(state)) out[k] = Array.isArray(v) ? Float64Array.from(v) : v;
  return out;
}

// One step from each random state of a configuration: new params, the update itself and
// every state field. Returns the worst relative difference.
export function oneStepWorst(kernel, group) {
  let worst = 0;
  for (const c of group.cases) {
    const opt = optimizer(kernel, c.hyper);
    const [p, s] = opt.step(c.params, c.grads, stateFromJson(c.state), c.lr);
    worst = Math.max(worst, relativeError(p, c.new_params));
    const delta = p.map((v, i) => v - c.params[i]);
    const theirs = c.new_params.map((v, i) => v - c.params[i]);
    // the update new - old, to 1e-12 of its size up to the rounding of theta + delta
    let f = 0;
    for (const v of c.new_params) f = Math.max(f, 1e-3 * Math.abs(v));
    worst = Math.max(worst, relativeError(delta, theirs, f));
    for (const [k, v] of Object.entries(c.new_state)) {
      if (k === "step") {
        if (s.step !== v) return Infinity;
      } else if (v === null) {
        if (s[k] !== null) return Infinity;
      } else {
        worst = Math.max(worst, relativeError(typeof v === "number" ? [s[k]] : s[k],
          typeof v === "number" ? [v] : v));
      }
    }
  }
  return worst;
}

const surfaces = new Map();
function surfaceOf(name, params) {
  const key = name + JSON.stringify(params);
  if (!surfaces.has(key)) surfaces.set(key, surface(name, params));
  return surfaces.get(key);
}

// The largest relative difference of a whole path (and its loss) over the points where
// optim_ref agrees with its perturbed self (r.held), and whether diverged_at agrees.
export function pathCheck(kernel, r) {
  const opt = optimizer(kernel, r.hyper);
  const f = surfaceOf(r.surface, r.params);
  const ours = run(opt, f, r.start, r.steps, { lr: r.lr ?? undefined, noise: r.noise });
  const theirs = r.path.flat();
  const held = r.held;
  let top = 0, topLoss = 0;
  for (const v of theirs) top = Math.max(top, Math.abs(v));
  for (const v of r.loss) topLoss = Math.max(topLoss, Math.abs(v));
  const worst = Math.max(
    relativeError(ours.path.subarray(0, 2 * held), theirs.slice(0, 2 * held), 1e-3 * top),
    relativeError(ours.loss.subarray(0, held), r.loss.slice(0, held), 1e-3 * topLoss));
  const divergedOk = !r.diverged_at_held || ours.diverged_at === r.diverged_at;
  return { worst, divergedOk, ours };
}
