// Everything the page recomputes when the reader changes anything: every chosen optimizer's
// run with the kernels, the schedule's lr per step and the seeded noise, into buffers that
// are reused while the reader drags (no DOM here, so scripts/bench/kernels.py times exactly
// this). Also the state of one optimizer at a given step, replayed, for the drawing.

import { gaussians, schedule as makeSchedule, optimizer, run, stepper } from "./kernels.js";

//: the hyperparameters the page lets the reader move, by torch's names
export const TUNED = ["lr", "momentum", "rho", "alpha", "betas"];

// The schedule of a kind for a run of `steps` steps: null or { name, ...torch's arguments }.
export function scheduleSpec(kind, steps) {
  const w = Math.max(1, Math.round(steps / 10));
  switch (kind) {
    case "step": return { name: "StepLR", step_size: Math.max(1, Math.round(steps / 4)), gamma: 0.5 };
    case "cosine": return { name: "CosineAnnealingLR", T_max: steps, eta_min: 0 };
    case "warmup": return { name: "SequentialLR", milestones: [w], schedulers: [
      { name: "LinearLR", start_factor: 0.01, end_factor: 1, total_iters: w },
      { name: "CosineAnnealingLR", T_max: Math.max(1, steps - w), eta_min: 0 }] };
    case "onecycle": return { name: "OneCycleLR", total_steps: steps, pct_start: 0.3,
      anneal_strategy: "cos", cycle_momentum: true, base_momentum: 0.85, max_momentum: 0.95,
      div_factor: 25, final_div_factor: 1e4, three_phase: false };
    default: return null;
  }
}

// The page's { name, ...torch's arguments } as schedules.js builds it.
function build({ name, ...args }) {
  if (name === "SequentialLR") args.schedulers = args.schedulers.map(build);
  return makeSchedule(name, args);
}

// One run's schedule: OneCycleLR ignores the optimizer's lr and peaks at max_lr, so here each
// run peaks at its own; it cycles momentum (betas[0]) only where the optimizer has one, as
// torch refuses cycle_momentum=True for the others.
function runSchedule(spec, hyper) {
  if (!spec || spec.name !== "OneCycleLR") return spec;
  const cycles = spec.cycle_momentum && ("momentum" in hyper || "betas" in hyper);
  return { ...spec, max_lr: hyper.lr, cycle_momentum: cycles };
}

// lr[k] and momentum[k] (null unless the schedule cycles it) of steps k + 1 = 1..steps.
function perStep(spec, hyper, steps) {
  if (!spec) return { lrs: undefined, momenta: null };
  const s = build(runSchedule(spec, hyper));
  return { lrs: s.lrs(hyper.lr, steps), momenta: s.momenta(hyper.lr, steps) };
}

export function makeCache() {
  return { opts: {}, lrs: {}, out: {}, xi: null, xiKey: "" };
}

// setting: { surface, start, steps, chosen: {Name: hyper}, noise, seed, schedule }
// -> { Name: { opt, lrs, path, loss, diverged_at } }, or throws the kernel's RangeError.
export function computeAll(setting, cache) {
  const { surface, start, steps, chosen, noise, seed, schedule } = setting;
  let xi = null;
  if (noise > 0) {
    const key = `${seed}/${steps}`;
    if (cache.xiKey !== key) { cache.xi = gaussians(seed, steps); cache.xiKey = key; }
    xi = cache.xi;
  }
  const runs = {};
  for (const [name, hyper] of Object.entries(chosen)) {
    const hkey = JSON.stringify(hyper);
    let o = cache.opts[name];
    if (!o || o.key !== hkey) o = cache.opts[name] = { key: hkey, opt: optimizer(name, hyper) };
    const lkey = `${hkey}/${JSON.stringify(schedule)}/${steps}`;
    let l = cache.lrs[name];
    if (!l || l.key !== lkey) l = cache.lrs[name] = { key: lkey, ...perStep(schedule, o.opt.hyper, steps) };
    let out = cache.out[name];
    if (!out || out.path.length < 2 * (steps + 1)) {
      out = cache.out[name] = { path: new Float64Array(2 * 1001), loss: new Float64Array(1001) };
    }
    const r = run(o.opt, surface, start, steps, { lr: l.lrs, momentum: l.momenta,
      noise: xi ? { sigma: noise, xi } : undefined, out });
    runs[name] = { opt: o.opt, lrs: l.lrs, momenta: l.momenta, path: r.path, loss: r.loss,
      diverged_at: r.diverged_at };
  }
  return runs;
}

// The optimizer's state after `k` steps of its run, replayed as run.js steps it, with the
// point it reached and the lr of the next step.
export function stateAt(r, setting, cache, k) {
  const { surface, start, noise } = setting;
  const last = r.diverged_at === null ? k : Math.min(k, r.diverged_at - 1);
  const step = stepper(r.opt, setting.steps, { lr: r.lrs, momentum: r.momenta });
  const p = Float64Array.from(start), g = new Float64Array(2), s = step.init(p);
  for (let t = 1; t <= last; t++) {
    surface.grad(p[0], p[1], g);
    if (noise > 0) { g[0] += noise * cache.xi[2 * t - 2]; g[1] += noise * cache.xi[2 * t - 1]; }
    step.update(p, g, s, t - 1);
  }
  const next = last < setting.steps ? last : Math.max(0, last - 1);
  return { point: p, state: s, step: last, lr: step.lrs[next] ?? r.opt.hyper.lr,
    beta1: r.momenta ? r.momenta[Math.max(0, last - 1)] : r.opt.hyper.betas?.[0] };
}

// What to draw of a state: the velocity's next move (momentum family) or the step size of
// each coordinate (adaptive family), with the formula it comes from.
export function describe(opt, { state: s, point, lr, beta1 }) {
  const h = opt.hyper, v = s.velocity || s.momentum_buffer;
  if (v) {
    return { kind: "velocity", arrow: [point[0], point[1], point[0] - lr * v[0], point[1] - lr * v[1]] };
  }
  if (s.step === 0) return null;
  const t = s.step;
  let sizes = null, what = "";
  if (s.exp_avg_sq) {
    const sq = s.max_exp_avg_sq || s.exp_avg_sq, c2 = 1 - h.betas[1] ** t;
    sizes = [0, 1].map((i) => lr / (Math.sqrt(sq[i] / c2) + h.eps)); what = "η/(√v̂+ε)";
  } else if (s.acc_delta) {
    sizes = [0, 1].map((i) => lr * Math.sqrt(s.acc_delta[i] + h.eps) / Math.sqrt(s.square_avg[i] + h.eps));
    what = "η·RMS[Δθ]/RMS[g]";
  } else if (s.square_avg) {
    sizes = [0, 1].map((i) => lr / (Math.sqrt(s.square_avg[i]) + h.eps)); what = "η/(√v+ε)";
  } else if (s.sum) {
    sizes = [0, 1].map((i) => lr / (Math.sqrt(s.sum[i]) + h.eps)); what = "η/(√G+ε)";
  } else if (s.exp_inf) {
    sizes = [0, 1].map((i) => lr / ((1 - beta1 ** t) * s.exp_inf[i])); what = "η/((1−β₁ᵗ)u)";
  }
  return sizes ? { kind: "adaptive", point, sizes, what } : null;
}
