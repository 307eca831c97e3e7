// The explorer's kernels against the cases optim_ref exported (tests/kernels_export.py).
// Run by tests/test_kernels_node.py, which exports the cases and sets KERNEL_CASES.

import assert from "node:assert/strict";
import { test } from "node:test";

import {
  KERNELS, NAMES, gaussians, optimizer, philox2x32, run, surface, uniform53,
} from "../../docs/assets/javascripts/explorer/kernels.js";
import { gaussianPair } from "../../docs/assets/javascripts/explorer/noise.js";
import {
  NOISE_RTOL, PATH_RTOL, STEP_RTOL, cases, oneStepWorst, pathCheck, relativeError,
} from "./checks.mjs";

const meta = cases("meta.json");
const steps = cases("steps.json");
const paths = cases("paths.json");

const fromJson = (v) => (v === "nan" ? NaN : v === "inf" ? Infinity : v === "-inf" ? -Infinity
  : Array.isArray(v) ? v.map(fromJson) : v);

test("a kernel for every optimizer of optim_ref, with torch's defaults", () => {
  assert.deepEqual(Object.keys(KERNELS), meta.optimizers);
  for (const name of meta.optimizers) {
    assert.deepEqual(KERNELS[name].defaults, meta.defaults[name], name);
  }
  const covered = new Set(steps.map((g) => g.optimizer));
  assert.deepEqual([...covered].sort(), [...meta.optimizers].sort());
});

test("one step from random states equals optim_ref, every optimizer and option", (t) => {
  for (const group of steps) {
    const worst = oneStepWorst(KERNELS[group.optimizer], group);
    t.diagnostic(`one step ${group.config}: worst ${worst.toExponential(2)}`);
    assert.ok(worst <= STEP_RTOL, `${group.config}: one step differs by ${worst}`);
  }
});

test("the step is pure and takes its learning rate as an input", () => {
  const opt = optimizer("AdamW", { lr: 0.1, weight_decay: 0.5 });
  const params = [1, -2], state = opt.init(params), before = JSON.stringify(state);
  const [p1, s1] = opt.step(params, [0.3, 0.4], state);
  assert.deepEqual(params, [1, -2]);
  assert.equal(JSON.stringify(state), before);
  const [p2] = opt.step(params, [0.3, 0.4], state, 0.01);
  assert.notDeepEqual(p1, p2);
  assert.equal(s1.step, 1);
});

test("bad hyperparameters and surface parameters give optim_ref's messages", () => {
  for (const c of cases("errors.json")) {
    const params = Object.fromEntries(Object.entries(c.hyper ?? c.params)
      .map(([k, v]) => [k, fromJson(v)]));
    const make = c.optimizer ? () => optimizer(c.optimizer, params)
      : () => surface(c.surface, params);
    assert.throws(make, (err) => err.message === c.message,
      `${c.optimizer ?? c.surface} ${JSON.stringify(c.hyper ?? c.params)}: ${c.message}`);
  }
  assert.throws(() => optimizer("Adam", { amsgrd: true }), /unexpected hyperparameter 'amsgrd'/);
  assert.throws(() => optimizer("Muon"), /unknown optimizer Muon/);  // a matrix method
  assert.throws(() => optimizer("SGD", { nesterov: 1 }), /Invalid nesterov: 1/);
});

test("every surface: window, start, minima, value and gradient equal optim_ref's", (t) => {
  assert.deepEqual(NAMES, Object.keys(meta.surfaces));
  for (const [name, m] of Object.entries(meta.surfaces)) {
    const s = surface(name);
    assert.deepEqual(s.window, m.window, name);
    assert.deepEqual(s.start, m.start, name);
    assert.deepEqual(s.minima, m.minima, name);
    assert.equal(s.min_value, m.min_value ?? -Infinity, name);
    assert.deepEqual(s.params, m.params, name);
    assert.deepEqual(s.box(meta.box_scale), m.box, name);
  }
  const g = new Float64Array(2);
  for (const c of cases("surfaces.json")) {
    const s = surface(c.surface, c.params);
    assert.deepEqual(s.minima, c.minima);
    const value = [], grad = [];
    for (const [x, y] of c.points) {
      value.push(s.value(x, y));
      s.grad(x, y, g);
      grad.push(g[0], g[1]);
    }
    const worst = Math.max(relativeError(value, c.value), relativeError(grad, c.grad.flat()));
    t.diagnostic(`surface ${c.surface} ${JSON.stringify(c.params)}: worst ${worst.toExponential(2)}`);
    assert.ok(worst <= STEP_RTOL, `${c.surface}: differs by ${worst}`);
  }
});

test("noise: Philox2x32-10 known answers (Random123 kat_vectors)", () => {
  const out = new Uint32Array(2);
  const kat = [[[0, 0, 0], [0xff1dae59, 0x6cd10df2]],
    [[0xffffffff, 0xffffffff, 0xffffffff], [0x2c3f628b, 0xab4fd7ad]],
    [[0x243f6a88, 0x85a308d3, 0x13198a2e], [0xdd7ce038, 0xf62a4c12]]];
  for (const [[c0, c1, key], expected] of kat) {
    philox2x32(c0, c1, key, out);
    assert.deepEqual([...out], expected);
  }
});

test("noise: words and uniforms bit-identical to optim_ref.noise, normals to 1e-15", (t) => {
  const n = cases("noise.json"), out = new Uint32Array(2);
  const { c0, c1, key, w0, w1 } = n.philox;
  for (let i = 0; i < c0.length; i++) {
    philox2x32(c0[i], c1[i], key[i], out);
    assert.deepEqual([out[0], out[1]], [w0[i], w1[i]], `counter ${c0[i]}, ${c1[i]}`);
  }
  const u = n.uniforms;
  for (let i = 0; i < u.steps.length; i++) {
    philox2x32(u.steps[i], 0, u.seed, out);
    assert.equal(uniform53(out[0], out[1]), u.u0[i]);
    philox2x32(u.steps[i], 1, u.seed, out);
    assert.equal(uniform53(out[0], out[1]), u.u1[i]);
  }
  let worst = 0;
  const xi = new Float64Array(2);
  for (const g of n.gaussians) {
    g.steps.forEach((step, i) => {
      gaussianPair(g.seed, step, 0, xi);
      worst = Math.max(worst, relativeError([xi[0]], [g.xi[i][0]], 0),
        relativeError([xi[1]], [g.xi[i][1]], 0));
    });
    const table = gaussians(g.seed, 1000);             // steps 1..1000 come first
    worst = Math.max(worst, relativeError(table, g.xi.slice(0, 1000).flat(), 0));
  }
  t.diagnostic(`noise normals: worst ${worst.toExponential(2)} relative`);
  assert.ok(worst <= NOISE_RTOL, `normals differ by ${worst}`);
});

test("whole paths equal optim_ref's run where it is well-posed", (t) => {
  let worst = 0, heldPoints = 0, allPoints = 0, fully = 0, diverged = 0;
  const kinds = new Set();
  for (const r of paths) {
    const { worst: w, divergedOk } = pathCheck(KERNELS[r.optimizer], r);
    assert.ok(w <= PATH_RTOL, `${r.config} on ${r.surface} from ${r.start}: ${w}`);
    assert.ok(divergedOk, `${r.config} on ${r.surface}: diverged_at differs`);
    worst = Math.max(worst, w);
    heldPoints += r.held;
    allPoints += r.steps + 1;
    fully += r.held === r.steps + 1;
    diverged += r.diverged_at !== null && r.diverged_at_held;
    kinds.add(`${r.noise ? "noise" : "plain"}-${r.lr ? "schedule" : "constant"}`);
  }
  t.diagnostic(`paths: ${paths.length}, worst ${worst.toExponential(2)}; ${heldPoints} of ` +
    `${allPoints} points held (${fully} paths whole), ${diverged} held divergences`);
  // the check must not be vacuous: most points are held, divergences are among them,
  // and noise and schedules are
  assert.ok(heldPoints >= 0.8 * allPoints);
  assert.ok(diverged >= 20);
  assert.deepEqual([...kinds].sort(), ["noise-constant", "noise-schedule", "plain-constant"]);
  for (const name of meta.optimizers) {
    assert.ok(paths.some((r) => r.optimizer === name && r.noise && r.held === r.steps + 1),
      `${name}: no whole noisy path held`);
  }
});

test("run: learning rates as array or function, buffers reused, bad input refused", () => {
  const f = surface("rosenbrock"), opt = optimizer("Adam", { lr: 0.05 });
  const lrs = Array.from({ length: 100 }, (_, k) => 0.05 * (1 - k / 100));
  const a = run(opt, f, f.start, 100, { lr: lrs });
  const b = run(opt, f, f.start, 100, { lr: (k) => 0.05 * (1 - k / 100) });
  assert.deepEqual(a.path, b.path);
  assert.notDeepEqual(a.path, run(opt, f, f.start, 100).path);
  const out = { path: new Float64Array(202), loss: new Float64Array(101) };
  const c = run(opt, f, f.start, 100, { lr: lrs, out });
  assert.equal(c.path, out.path);
  assert.deepEqual(c.path, a.path);
  assert.throws(() => run(opt, f, f.start, 100, { lr: lrs.slice(0, 50) }),
    /learning rates stop at step 50/);
  assert.throws(() => run(opt, f, f.start, 3, { lr: [0.1, -0.1, 0.1] }),
    /Invalid learning rate at step 2: -0.1 \(lr must be in \[0, inf\)\)/);
  assert.throws(() => run(opt, f, f.start, 1.5), /Invalid steps: 1.5/);
  assert.throws(() => run(opt, f, [NaN, 0], 10), /start must be finite/);
  assert.throws(() => run(opt, f, f.start, 10, { noise: { sigma: 1, seed: -1 } }),
    /Invalid seed: -1/);
  const outside = run(opt, f, [100, 100], 5);                 // outside the 10x box
  assert.equal(outside.diverged_at, 0);
  assert.deepEqual([...outside.path], Array(12).fill(100));
});

test("run: a momentum per step is the momentum (betas[0]) of that step's optimizer", () => {
  const f = surface("rosenbrock"), steps = 50;
  const mu = Array.from({ length: steps }, (_, k) => 0.95 - 0.1 * k / steps);
  for (const [name, hyper, key] of [["SGD", { lr: 1e-3 }, "momentum"],
    ["Adam", { lr: 0.05 }, "betas"]]) {
    const cycled = run(optimizer(name, hyper), f, f.start, steps, { momentum: mu });
    // the same run stepped by hand, one optimizer per step as optim_ref.schedules.per_step
    const at = (k) => optimizer(name, { ...hyper, [key]: key === "betas" ? [mu[k], 0.999] : mu[k] });
    const p = Float64Array.from(f.start), g = new Float64Array(2), s = at(0).init(p);
    for (let k = 0; k < steps; k++) {
      f.grad(p[0], p[1], g);
      at(k).update(p, g, s, hyper.lr);
    }
    assert.deepEqual([cycled.path[2 * steps], cycled.path[2 * steps + 1]], [p[0], p[1]], name);
    assert.notDeepEqual(cycled.path, run(optimizer(name, hyper), f, f.start, steps).path);
  }
  assert.throws(() => run(optimizer("Adagrad"), f, f.start, 3, { momentum: [0.9, 0.9, 0.9] }),
    /Adagrad has neither momentum nor betas/);
  assert.throws(() => run(optimizer("Adam"), f, f.start, 3, { momentum: [0.9, 1, 0.9] }),
    /Invalid momentum at step 2: 1.0/);
});

// ---------------------------------------------------------------- the checks have teeth

const adamVariant = (update) => ({ ...KERNELS.Adam, name: "Adam", update });

// Wrong: sqrt(v_hat + eps) instead of sqrt(v_hat) + eps.
const AdamEpsInsideRoot = adamVariant((h, lr, p, g, s) => {
  const [b1, b2] = h.betas, t = s.step + 1;
  for (let i = 0; i < p.length; i++) {
    const gi = h.weight_decay !== 0 ? g[i] + h.weight_decay * p[i] : g[i];
    s.exp_avg[i] = b1 * s.exp_avg[i] + (1 - b1) * gi;
    s.exp_avg_sq[i] = b2 * s.exp_avg_sq[i] + (1 - b2) * gi * gi;
    p[i] -= lr * (s.exp_avg[i] / (1 - b1 ** t)) / Math.sqrt(s.exp_avg_sq[i] / (1 - b2 ** t) + h.eps);
  }
  s.step = t;
});

// Wrong: m and v used without their 1 - beta^t corrections.
const AdamNoBiasCorrection = adamVariant((h, lr, p, g, s) => {
  const [b1, b2] = h.betas;
  for (let i = 0; i < p.length; i++) {
    const gi = h.weight_decay !== 0 ? g[i] + h.weight_decay * p[i] : g[i];
    s.exp_avg[i] = b1 * s.exp_avg[i] + (1 - b1) * gi;
    s.exp_avg_sq[i] = b2 * s.exp_avg_sq[i] + (1 - b2) * gi * gi;
    p[i] -= lr * s.exp_avg[i] / (Math.sqrt(s.exp_avg_sq[i]) + h.eps);
  }
  s.step += 1;
});

// Wrong, for the newer point methods (the oracle's wrong variants, tests/test_optimizers_newer.py).
const variant = (name, update) => ({ ...KERNELS[name], name, update });

// RAdam without the rectification r_t: Adam's step once the variance is tractable.
const RAdamNoRectification = variant("RAdam", (h, lr, p, g, s) => {
  const [b1, b2] = h.betas, t = s.step + 1, rhoInf = 2 / (1 - b2) - 1;
  const rhoT = rhoInf - 2 * t * b2 ** t / (1 - b2 ** t);
  for (let i = 0; i < p.length; i++) {
    s.exp_avg[i] += (1 - b1) * (g[i] - s.exp_avg[i]);
    s.exp_avg_sq[i] = b2 * s.exp_avg_sq[i] + (1 - b2) * g[i] * g[i];
    const mHat = s.exp_avg[i] / (1 - b1 ** t);
    p[i] -= rhoT > 5 ? lr * mHat * Math.sqrt(1 - b2 ** t) / (Math.sqrt(s.exp_avg_sq[i]) + h.eps)
      : lr * mHat;
  }
  s.step = t;
});

// Rprop that keeps the sign after a flip (steps back at once instead of resting).
const RpropKeepsSign = variant("Rprop", (h, lr, p, g, s) => {
  const [em, ep] = h.etas, [lo, hi] = h.step_sizes;
  for (let i = 0; i < p.length; i++) {
    const sign = Math.sign(g[i] * s.prev[i]);
    s.step_size[i] = Math.min(Math.max(s.step_size[i] * (sign > 0 ? ep : sign < 0 ? em : 1), lo), hi);
    p[i] -= Math.sign(g[i]) * s.step_size[i];
    s.prev[i] = g[i];
  }
  s.step += 1;
});

// ASGD whose step size decays as lr / (1 + lambda t)^alpha, without torch's lr in the decay
// (a wrong average would not show: the path is theta, the average only the state's ax).
const ASGDDecayWithoutLr = variant("ASGD", (h, lr, p, g, s) => {
  const t = s.step + 1;
  for (let i = 0; i < p.length; i++) {
    p[i] = p[i] * (1 - h.lambd * s.eta) - s.eta * g[i];
    s.ax[i] = s.mu === 1 ? p[i] : s.ax[i] + (p[i] - s.ax[i]) * s.mu;
  }
  s.eta = lr / (1 + h.lambd * t) ** h.alpha;
  s.mu = 1 / Math.max(1, t - h.t0);
  s.step = t;
});

// Lion updating its momentum before taking the sign (one beta instead of two).
const LionMomentumFirst = variant("Lion", (h, lr, p, g, s) => {
  const [b1, b2] = h.betas;
  for (let i = 0; i < p.length; i++) {
    s.exp_avg[i] = b2 * s.exp_avg[i] + (1 - b2) * g[i];
    p[i] = p[i] * (1 - lr * h.weight_decay) - lr * Math.sign(b1 * s.exp_avg[i] + (1 - b1) * g[i]);
  }
  s.step += 1;
});

for (const [label, wrong, config] of [["eps inside the root", AdamEpsInsideRoot, "Adam"],
  ["no bias correction", AdamNoBiasCorrection, "Adam"],
  ["no rectification", RAdamNoRectification, "RAdam"],
  ["sign kept after a flip", RpropKeepsSign, "Rprop"],
  ["decay without lr", ASGDDecayWithoutLr, "ASGD"],
  ["momentum before the sign", LionMomentumFirst, "Lion"]]) {
  test(`a wrong ${config} (${label}) fails the one-step and path checks`, (t) => {
    const group = steps.find((g) => g.config === config);
    const stepWorst = oneStepWorst(wrong, group);
    let pathWorst = 0;
    for (const r of paths.filter((p) => p.config === config)) {
      pathWorst = Math.max(pathWorst, pathCheck(wrong, r).worst);
    }
    t.diagnostic(`${label}: one step ${stepWorst.toExponential(2)}, paths ${pathWorst.toExponential(2)}`);
    assert.ok(stepWorst > STEP_RTOL, `one step passes at ${stepWorst}`);
    assert.ok(pathWorst > PATH_RTOL, `paths pass at ${pathWorst}`);
  });
}
