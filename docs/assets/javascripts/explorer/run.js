// A whole path of one optimizer on one surface, as optim_ref's `run` (optim_ref/trajectory.py)
// computes it, with the same divergence rule: before each step the new point's loss and
// gradient must be finite and the point inside the surface's window scaled by BOX_SCALE
// about its centre. The first point that fails is rejected and the run frozen at its last
// good point: diverged_at = t means the point proposed at step t was rejected, so
// path[t..] all equal path[t - 1]; a start outside the box gives diverged_at = 0. optim_ref
// writes -1 for a run that never diverged; here it is null.
//
// Three inputs go beyond optim_ref's `run` today (see the report of issue 14's kernels):
//   lr     a number, an array (lr[k] drives step k + 1, as a schedule's lrs(base_lr, steps)),
//          or a function k -> lr; by default the optimizer's own lr at every step
//   momentum  null or an array: momentum[k] is step k + 1's momentum (betas[0] for the
//          optimizers with betas), as OneCycleLR's momenta(base_lr, steps) cycles it and
//          optim_ref.schedules.per_step hands it to a fresh optimizer each step
//   noise  { sigma, seed } or { sigma, xi }: the gradient handed to step t is
//          grad + sigma * xi[t] (noise.js), xi shared by all runs with the same seed
// Buffers can be passed in `out` ({ path, loss }) so that recomputing while the reader
// drags allocates nothing.

import { gaussians } from "./noise.js";
import { checkRange } from "./hyper.js";

export const BOX_SCALE = 10.0;

function stepRates(lr, steps, base) {
  const lrs = new Float64Array(steps);
  for (let k = 0; k < steps; k++) {
    const v = lr === undefined ? base : typeof lr === "number" ? lr
      : typeof lr === "function" ? lr(k) : lr[k];
    if (v === undefined) {
      throw new RangeError(`the learning rates stop at step ${k}; the run has ${steps} steps`);
    }
    lrs[k] = checkRange("lr", v, 0, null, { label: `learning rate at step ${k + 1}` });
  }
  return lrs;
}

function noiseTable(noise, steps) {
  if (!noise || noise.sigma === 0) return null;
  checkRange("sigma", noise.sigma, 0, null, { label: "noise sigma" });
  const xi = noise.xi || gaussians(noise.seed, steps);
  if (xi.length < 2 * steps) {
    throw new RangeError(`noise xi holds ${xi.length / 2} steps; the run has ${steps}`);
  }
  return xi;
}

function stepMomenta(opt, momentum, steps) {
  if (!momentum) return null;
  const key = "betas" in opt.hyper ? "betas" : "momentum" in opt.hyper ? "momentum" : null;
  if (!key) {
    throw new RangeError(`Invalid schedule: it cycles momentum, and ${opt.name} has neither ` +
      "momentum nor betas (as torch: pass cycle_momentum=False)");
  }
  if (momentum.length < steps) {
    throw new RangeError(`the momenta stop at step ${momentum.length}; the run has ${steps} steps`);
  }
  for (let k = 0; k < steps; k++) {
    checkRange(key === "betas" ? "betas[0]" : "momentum", momentum[k], 0, 1,
      { highOpen: key === "betas", label: `momentum at step ${k + 1}` });
  }
  return key;
}

// The optimizer of each step as optim_ref.schedules.per_step makes it: `init(p)` is step 1's
// (torch's scheduler has set the group's lr and momentum before the first step; Rprop and
// ASGD start from that lr), `update(p, g, s, k)` is step k + 1. With a momentum per step one
// mutable copy of the hyperparameters is rewritten in place, so no step allocates.
export function stepper(opt, steps, { lr, momentum } = {}) {
  const lrs = stepRates(lr, steps, opt.hyper.lr), key = stepMomenta(opt, momentum, steps);
  const k0 = opt.kernel, first = { ...opt.hyper, lr: steps ? lrs[0] : opt.hyper.lr };
  if (!key) {
    return { lrs, init: (p) => k0.init(first, p.length),
      update: (p, g, s, k) => k0.update(opt.hyper, lrs[k], p, g, s) };
  }
  const h = { ...opt.hyper };
  if (key === "betas") h.betas = [0, opt.hyper.betas[1]];
  const at = (k) => {
    if (key === "betas") h.betas[0] = momentum[k]; else h.momentum = momentum[k];
    return h;
  };
  return { lrs,
    init: (p) => k0.init(steps ? { ...at(0), lr: lrs[0] } : first, p.length),
    update: (p, g, s, k) => k0.update(at(k), lrs[k], p, g, s) };
}

export function run(opt, surface, start, steps, { lr, momentum, noise, out } = {}) {
  if (!Number.isInteger(steps) || steps < 0) {
    throw new RangeError(`Invalid steps: ${steps} (steps must be >= 0)`);
  }
  if (!(Number.isFinite(start[0]) && Number.isFinite(start[1]))) {
    throw new RangeError("start must be finite");
  }
  const step = stepper(opt, steps, { lr, momentum }), xi = noiseTable(noise, steps);
  const sigma = xi ? noise.sigma : 0;
  const path = out && out.path && out.path.length >= 2 * (steps + 1) ? out.path
    : new Float64Array(2 * (steps + 1));
  const loss = out && out.loss && out.loss.length >= steps + 1 ? out.loss
    : new Float64Array(steps + 1);
  const [[xlo, xhi], [ylo, yhi]] = surface.box(BOX_SCALE);
  const p = Float64Array.from(start), g = new Float64Array(2), q = new Float64Array(2);
  const good = (x, y, v) => Number.isFinite(v) && Number.isFinite(g[0]) &&
    Number.isFinite(g[1]) && x >= xlo && x <= xhi && y >= ylo && y <= yhi;

  let val = surface.value(p[0], p[1]);
  if (!Number.isFinite(val)) throw new RangeError("the loss is not finite at the start");
  surface.grad(p[0], p[1], g);
  let divergedAt = good(p[0], p[1], val) ? null : 0;
  path[0] = p[0]; path[1] = p[1]; loss[0] = val;
  const state = step.init(p);
  let t = 1;
  for (; divergedAt === null && t <= steps; t++) {
    if (xi) {
      g[0] = g[0] + sigma * xi[2 * t - 2];
      g[1] = g[1] + sigma * xi[2 * t - 1];
    }
    q[0] = p[0]; q[1] = p[1];
    step.update(q, g, state, t - 1);
    const v = surface.value(q[0], q[1]);
    surface.grad(q[0], q[1], g);
    if (!good(q[0], q[1], v)) {
      divergedAt = t;
      break;
    }
    p[0] = q[0]; p[1] = q[1]; val = v;
    path[2 * t] = p[0]; path[2 * t + 1] = p[1]; loss[t] = val;
  }
  for (; t <= steps; t++) {                          // frozen: the last good point, held
    path[2 * t] = p[0]; path[2 * t + 1] = p[1]; loss[t] = val;
  }
  return { path, loss, diverged_at: divergedAt };
}
