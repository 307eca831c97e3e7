// The optimizers of optim_ref (optim_ref/optimizers/*.py) for a point [x, y], at torch's
// defaults, with optim_ref's state names. Each kernel is a table entry:
//   defaults  torch's hyperparameters, by torch's names
//   checks    one validator per numeric or boolean hyperparameter (hyper.js)
//   init(h, n)               the state at step 0 for n coordinates
//   update(h, lr, p, g, s)   one step, in place on the point p and the state s
// The learning rate is an argument of update, not read from h, so a schedule hands each step
// its own lr (optim_ref does the same with a fresh optimizer per step). `optimizer()` wraps a
// kernel into optim_ref's pure init/step; `run` (run.js) calls update on buffers it owns, so a
// whole path allocates nothing per step. Each formula is written in optim_ref's order of
// floating-point operations, so the two agree to the last bits, not just to a tolerance.
// A new optimizer is one more entry here (and a row of the oracle's table in tests/).

import { betas, checkRange, flag, nonNegative, pair, pyFloat, unit } from "./hyper.js";

const LR = nonNegative("learning rate");
const EPS = nonNegative("epsilon value");
const DECAY = nonNegative("weight_decay value");
const MOMENTUM = unit("momentum value");
const zeros = (n) => new Float64Array(n);

const GD = {
  defaults: { lr: 1e-3 },
  checks: { lr: LR },
  init: () => ({ step: 0 }),
  update(h, lr, p, g, s) {
    for (let i = 0; i < p.length; i++) p[i] = p[i] - lr * g[i];   // theta - eta g
    s.step += 1;
  },
};

const SGD = {
  defaults: { lr: 1e-3, momentum: 0, dampening: 0, weight_decay: 0, nesterov: false,
    maximize: false },
  checks: { lr: LR, momentum: MOMENTUM, dampening: unit("dampening value"),
    weight_decay: DECAY, nesterov: flag, maximize: flag },
  validate(h) {
    if (!h.nesterov) return;
    checkRange("momentum", h.momentum, 0, 1, { lowOpen: true,
      label: "momentum for nesterov=True (Nesterov needs a momentum)" });
    checkRange("dampening", h.dampening, 0, 0,
      { label: "dampening for nesterov=True (Nesterov needs zero dampening)" });
  },
  init: (h, n) => ({ step: 0, momentum_buffer: h.momentum !== 0 ? zeros(n) : null }),
  update(h, lr, p, g, s) {
    const { momentum: mu, dampening: tau, weight_decay: lam } = h, b = s.momentum_buffer;
    for (let i = 0; i < p.length; i++) {
      let gi = h.maximize ? -g[i] : g[i];
      if (lam !== 0) gi = gi + lam * p[i];             // L2 penalty folded into the gradient
      if (b !== null) {
        b[i] = s.step === 0 ? gi : mu * b[i] + (1 - tau) * gi;  // the first velocity is g
        gi = h.nesterov ? gi + mu * b[i] : b[i];
      }
      p[i] = p[i] - lr * gi;
    }
    s.step += 1;
  },
};

const Momentum = {
  defaults: { lr: 1e-3, momentum: 0.9 },
  checks: { lr: LR, momentum: MOMENTUM },
  init: (h, n) => ({ step: 0, velocity: zeros(n) }),
  update(h, lr, p, g, s) {
    const beta = h.momentum, a = s.velocity;
    for (let i = 0; i < p.length; i++) {
      a[i] = beta * a[i] + g[i];                       // a_{t+1} = beta a_t + g(w_t)
      p[i] = p[i] - lr * a[i];                         // w_{t+1} = w_t - lr a_{t+1}
    }
    s.step += 1;
  },
};

const NAG = {
  defaults: { lr: 1e-3, momentum: 0.9 },
  checks: { lr: LR, momentum: MOMENTUM },
  init: (h, n) => ({ step: 0, velocity: zeros(n) }),
  update(h, lr, p, g, s) {
    const beta = h.momentum, a = s.velocity;
    for (let i = 0; i < p.length; i++) {
      a[i] = beta * a[i] + g[i];                       // a_{t+1} = beta a_t + g(theta_t)
      p[i] = p[i] - lr * (g[i] + beta * a[i]);         // the look-ahead point theta
    }
    s.step += 1;
  },
};

const Adagrad = {
  defaults: { lr: 1e-2, lr_decay: 0, weight_decay: 0, initial_accumulator_value: 0,
    eps: 1e-10, maximize: false },
  checks: { lr: LR, lr_decay: nonNegative("lr_decay value"), weight_decay: DECAY,
    initial_accumulator_value: nonNegative("initial_accumulator_value value"), eps: EPS,
    maximize: flag },
  init: (h, n) => ({ step: 0, sum: zeros(n).fill(h.initial_accumulator_value) }),
  update(h, lr, p, g, s) {
    const t = s.step + 1, lam = h.weight_decay, G = s.sum;
    const eta = lr / (1 + (t - 1) * h.lr_decay);      // torch's lr_decay
    for (let i = 0; i < p.length; i++) {
      let gi = h.maximize ? -g[i] : g[i];
      if (lam !== 0) gi = gi + lam * p[i];
      G[i] = G[i] + gi * gi;                           // G_t = G_{t-1} + g_t^2
      p[i] = p[i] - eta * (gi / (Math.sqrt(G[i]) + h.eps));  // eps outside the root
    }
    s.step = t;
  },
};

const Adadelta = {
  defaults: { lr: 1.0, rho: 0.9, eps: 1e-6, weight_decay: 0, maximize: false },
  checks: { lr: LR, rho: unit("rho value"), eps: EPS, weight_decay: DECAY, maximize: flag },
  init: (h, n) => ({ step: 0, square_avg: zeros(n), acc_delta: zeros(n) }),
  update(h, lr, p, g, s) {
    const { rho, eps, weight_decay: lam } = h, Eg2 = s.square_avg, Edx2 = s.acc_delta;
    for (let i = 0; i < p.length; i++) {
      let gi = h.maximize ? -g[i] : g[i];
      if (lam !== 0) gi = gi + lam * p[i];
      Eg2[i] = rho * Eg2[i] + (1 - rho) * (gi * gi);  // E[g^2]_t
      const dx = Math.sqrt(Edx2[i] + eps) / Math.sqrt(Eg2[i] + eps) * gi;  // RMS[dx]_{t-1}/RMS[g]_t g
      Edx2[i] = rho * Edx2[i] + (1 - rho) * (dx * dx);  // E[dx^2]_t
      p[i] = p[i] - lr * dx;
    }
    s.step += 1;
  },
};

const RMSprop = {
  defaults: { lr: 1e-2, alpha: 0.99, eps: 1e-8, weight_decay: 0, momentum: 0,
    centered: false, maximize: false },
  checks: { lr: LR, alpha: unit("alpha value"), eps: EPS, weight_decay: DECAY,
    momentum: MOMENTUM, centered: flag, maximize: flag },
  init: (h, n) => ({ step: 0, square_avg: zeros(n), grad_avg: h.centered ? zeros(n) : null,
    momentum_buffer: h.momentum !== 0 ? zeros(n) : null }),
  update(h, lr, p, g, s) {
    const { alpha, eps, weight_decay: lam, momentum: mu } = h;
    const Eg2 = s.square_avg, Eg = s.grad_avg, b = s.momentum_buffer;
    for (let i = 0; i < p.length; i++) {
      let gi = h.maximize ? -g[i] : g[i];
      if (lam !== 0) gi = gi + lam * p[i];
      Eg2[i] = alpha * Eg2[i] + (1 - alpha) * (gi * gi);  // E[g^2]_t
      let rms;
      if (Eg !== null) {                               // centered: divide by a std. dev.
        Eg[i] = alpha * Eg[i] + (1 - alpha) * gi;
        rms = Math.sqrt(Eg2[i] - Eg[i] * Eg[i]) + eps;
      } else {
        rms = Math.sqrt(Eg2[i]) + eps;                 // eps outside the root
      }
      if (b !== null) {
        b[i] = mu * b[i] + gi / rms;
        p[i] = p[i] - lr * b[i];
      } else {
        p[i] = p[i] - lr * (gi / rms);
      }
    }
    s.step += 1;
  },
};

const ADAM_DEFAULTS = { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weight_decay: 0 };
const ADAM_CHECKS = { lr: LR, betas, eps: EPS, weight_decay: DECAY, amsgrad: flag,
  maximize: flag, decoupled_weight_decay: flag };

const Adam = {
  defaults: { ...ADAM_DEFAULTS, amsgrad: false, maximize: false,
    decoupled_weight_decay: false },
  checks: ADAM_CHECKS,
  init: (h, n) => ({ step: 0, exp_avg: zeros(n), exp_avg_sq: zeros(n),
    max_exp_avg_sq: h.amsgrad ? zeros(n) : null }),
  update(h, lr, p, g, s) {
    const [beta1, beta2] = h.betas, lam = h.weight_decay, t = s.step + 1;
    const m = s.exp_avg, v = s.exp_avg_sq, vMax = s.max_exp_avg_sq;
    const correction1 = 1 - beta1 ** t, correction2 = 1 - beta2 ** t;
    for (let i = 0; i < p.length; i++) {
      let gi = h.maximize ? -g[i] : g[i];
      if (h.decoupled_weight_decay) p[i] = p[i] * (1 - lr * lam);  // AdamW: shrink the weights
      else gi = gi + lam * p[i];                       // L2 penalty folded into the gradient
      m[i] = beta1 * m[i] + (1 - beta1) * gi;          // m_t
      v[i] = beta2 * v[i] + (1 - beta2) * (gi * gi);   // v_t
      let second = v[i];
      if (vMax !== null) second = vMax[i] = Math.max(vMax[i], v[i]);  // AMSGrad: largest v
      const mHat = m[i] / correction1, vHat = second / correction2;
      p[i] = p[i] - lr * mHat / (Math.sqrt(vHat) + h.eps);  // theta - alpha m_hat/(sqrt(v_hat)+eps)
    }
    s.step = t;
  },
};

// AMSGrad and AdamW are Adam with one option fixed, as in optim_ref.
const AMSGrad = {
  ...Adam,
  defaults: { ...ADAM_DEFAULTS, maximize: false, decoupled_weight_decay: false },
  fixed: { amsgrad: true },
};

const AdamW = {
  ...Adam,
  defaults: { ...ADAM_DEFAULTS, weight_decay: 1e-2, amsgrad: false, maximize: false },
  fixed: { decoupled_weight_decay: true },
};

const NAdam = {
  defaults: { ...ADAM_DEFAULTS, lr: 2e-3, momentum_decay: 4e-3, decoupled_weight_decay: false,
    maximize: false },
  checks: { ...ADAM_CHECKS, momentum_decay: nonNegative("momentum_decay value") },
  init: (h, n) => ({ step: 0, exp_avg: zeros(n), exp_avg_sq: zeros(n), mu_product: 1 }),
  update(h, lr, p, g, s) {
    const [beta1, beta2] = h.betas, lam = h.weight_decay, psi = h.momentum_decay;
    const t = s.step + 1, m = s.exp_avg, v = s.exp_avg_sq;
    const mu = beta1 * (1 - 0.5 * 0.96 ** (t * psi));       // torch's psi = Dozat's 1/250
    const muNext = beta1 * (1 - 0.5 * 0.96 ** ((t + 1) * psi));
    const muProd = s.mu_product * mu;                        // prod_{i<=t} mu_i
    const correction = 1 - beta2 ** t;
    for (let i = 0; i < p.length; i++) {
      let gi = h.maximize ? -g[i] : g[i];
      if (h.decoupled_weight_decay) p[i] = p[i] * (1 - lr * lam);  // AdamW's decay
      else gi = gi + lam * p[i];                            // L2 penalty folded into g
      m[i] = beta1 * m[i] + (1 - beta1) * gi;               // constant beta1, not mu_t
      v[i] = beta2 * v[i] + (1 - beta2) * (gi * gi);
      const mBar = muNext * m[i] / (1 - muProd * muNext) + (1 - mu) * gi / (1 - muProd);
      p[i] = p[i] - lr * mBar / (Math.sqrt(v[i] / correction) + h.eps);
    }
    s.step = t;
    s.mu_product = muProd;
  },
};

const Adamax = {
  defaults: { lr: 2e-3, betas: [0.9, 0.999], eps: 1e-8, weight_decay: 0, maximize: false },
  checks: { lr: LR, betas, eps: EPS, weight_decay: DECAY, maximize: flag },
  init: (h, n) => ({ step: 0, exp_avg: zeros(n), exp_inf: zeros(n) }),
  update(h, lr, p, g, s) {
    const [beta1, beta2] = h.betas, lam = h.weight_decay, t = s.step + 1;
    const m = s.exp_avg, u = s.exp_inf, stepSize = lr / (1 - beta1 ** t);
    for (let i = 0; i < p.length; i++) {
      let gi = h.maximize ? -g[i] : g[i];
      if (lam !== 0) gi = gi + lam * p[i];
      m[i] = beta1 * m[i] + (1 - beta1) * gi;
      u[i] = Math.max(beta2 * u[i], Math.abs(gi) + h.eps);  // torch: eps inside the max
      p[i] = p[i] - stepSize * (m[i] / u[i]);
    }
    s.step = t;
  },
};

// Rprop's pairs: each entry its own range, then step_sizes in order (optim_ref's rprop.py).
const ETAS = (name, v) => {
  pair(name, v);
  checkRange("etas[0]", v[0], 0, 1, { lowOpen: true, highOpen: true, label: "eta_minus value" });
  checkRange("etas[1]", v[1], 1, null, { lowOpen: true, label: "eta_plus value" });
};
const STEP_SIZES = (name, v) => {
  pair(name, v);
  checkRange("step_sizes[0]", v[0], 0, null, { label: "minimal step size" });
  checkRange("step_sizes[1]", v[1], 0, null, { label: "maximal step size" });
  if (v[0] > v[1]) {
    throw new RangeError(`Invalid step_sizes: (${pyFloat(v[0])}, ${pyFloat(v[1])}) ` +
      "(step_sizes[0] must be <= step_sizes[1])");
  }
};

const Rprop = {
  defaults: { lr: 1e-2, etas: [0.5, 1.2], step_sizes: [1e-6, 50], maximize: false },
  checks: { lr: LR, etas: ETAS, step_sizes: STEP_SIZES, maximize: flag },
  // lr is the first step size Delta_0; later steps' lr does not enter (as in optim_ref)
  init: (h, n) => ({ step: 0, prev: zeros(n), step_size: zeros(n).fill(h.lr) }),
  update(h, lr, p, g, s) {
    const [etaMinus, etaPlus] = h.etas, [stepMin, stepMax] = h.step_sizes;
    const prev = s.prev, size = s.step_size;
    for (let i = 0; i < p.length; i++) {
      let gi = h.maximize ? -g[i] : g[i];
      const sign = Math.sign(gi * prev[i]);           // +1 same sign, -1 flipped, 0 if either is 0
      const factor = sign > 0 ? etaPlus : sign < 0 ? etaMinus : 1.0;
      size[i] = Math.min(Math.max(size[i] * factor, stepMin), stepMax);  // np.clip
      if (sign < 0) gi = 0.0;                         // after a flip: rest, forget the sign
      p[i] = p[i] - Math.sign(gi) * size[i];          // theta - sign(g) Delta_t
      prev[i] = gi;
    }
    s.step += 1;
  },
};

const ASGD = {
  defaults: { lr: 1e-2, lambd: 1e-4, alpha: 0.75, t0: 1e6, weight_decay: 0, maximize: false },
  checks: { lr: LR, lambd: nonNegative("lambd value"), alpha: nonNegative("alpha value"),
    t0: nonNegative("t0 value"), weight_decay: DECAY, maximize: flag },
  init: (h, n) => ({ step: 0, eta: h.lr, mu: 1, ax: zeros(n) }),
  update(h, lr, p, g, s) {
    const { lambd, alpha, t0, weight_decay: lam } = h, eta = s.eta, mu = s.mu, ax = s.ax;
    const t = s.step + 1;
    for (let i = 0; i < p.length; i++) {
      let gi = h.maximize ? -g[i] : g[i];
      if (lam !== 0) gi = gi + lam * p[i];             // L2 penalty folded into the gradient
      p[i] = p[i] * (1 - lambd * eta) - eta * gi;      // SGD step with the decay term
      ax[i] = mu === 1 ? p[i] : ax[i] + (p[i] - ax[i]) * mu;  // running average
    }
    s.eta = lr / (1 + lambd * lr * t) ** alpha;        // eta_{t+1}
    s.mu = 1 / Math.max(1, t - t0);                    // mu_{t+1}: 1 until t0, then 1/(t - t0)
    s.step = t;
  },
};

const RAdam = {
  defaults: { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weight_decay: 0,
    decoupled_weight_decay: false, maximize: false },
  checks: { lr: LR, betas, eps: EPS, weight_decay: DECAY, decoupled_weight_decay: flag,
    maximize: flag },
  init: (h, n) => ({ step: 0, exp_avg: zeros(n), exp_avg_sq: zeros(n) }),
  update(h, lr, p, g, s) {
    const [beta1, beta2] = h.betas, lam = h.weight_decay, t = s.step + 1;
    const m = s.exp_avg, v = s.exp_avg_sq;
    const correction1 = 1 - beta1 ** t, beta2t = beta2 ** t;
    const rhoInf = 2 / (1 - beta2) - 1;                 // the longest average v can be
    const rhoT = rhoInf - 2 * t * beta2t / (1 - beta2t);  // the length v_t stands for now
    const tractable = rhoT > 5;                         // variance of 1/sqrt(v_hat) finite
    const r = Math.sqrt((rhoT - 4) * (rhoT - 2) * rhoInf / ((rhoInf - 4) * (rhoInf - 2) * rhoT));
    for (let i = 0; i < p.length; i++) {
      let gi = h.maximize ? -g[i] : g[i];
      if (lam !== 0 && h.decoupled_weight_decay) p[i] = p[i] * (1 - lr * lam);  // AdamW's decay
      else if (lam !== 0) gi = gi + lam * p[i];        // L2 penalty folded into the gradient
      m[i] = m[i] + (1 - beta1) * (gi - m[i]);         // m_t (torch's lerp)
      v[i] = beta2 * v[i] + (1 - beta2) * (gi * gi);   // v_t
      const mHat = m[i] / correction1;
      const adaptive = Math.sqrt(1 - beta2t) / (Math.sqrt(v[i]) + h.eps);  // 1/sqrt(v_hat_t)
      p[i] = p[i] - (tractable ? mHat * lr * adaptive * r : mHat * lr);
    }
    s.step = t;
  },
};

const Lion = {
  defaults: { lr: 1e-4, betas: [0.9, 0.99], weight_decay: 0 },
  checks: { lr: LR, betas, weight_decay: DECAY },
  init: (h, n) => ({ step: 0, exp_avg: zeros(n) }),
  update(h, lr, p, g, s) {
    const [beta1, beta2] = h.betas, lam = h.weight_decay, m = s.exp_avg;
    for (let i = 0; i < p.length; i++) {
      const c = beta1 * m[i] + (1 - beta1) * g[i];     // interpolate with beta1
      p[i] = p[i] * (1 - lr * lam) - lr * Math.sign(c);  // sign step, decoupled decay
      m[i] = beta2 * m[i] + (1 - beta2) * g[i];        // then the momentum, with beta2
    }
    s.step += 1;
  },
};

// By optim_ref's class names, in its order (optim_ref.POINT: GD, LECTURE, AFTER_ADAM, then
// NEWER_POINT).
export const KERNELS = { GD, SGD, Momentum, NAG, Adagrad, Adadelta, RMSprop, Adam, AdamW,
  AMSGrad, NAdam, Adamax, Rprop, ASGD, RAdam, Lion };
for (const [name, k] of Object.entries(KERNELS)) k.name = name;

function copyState(s) {
  const out = {};
  for (const k in s) out[k] = s[k] instanceof Float64Array ? s[k].slice() : s[k];
  return out;
}

// A kernel (or its name) with checked hyperparameters: optim_ref's pure init/step, plus
// `update`, the in-place step that `run` uses. `step(params, grads, state, lr)` takes the
// step's learning rate, by default the optimizer's own.
export function optimizer(kernel, hyper = {}) {
  const name = typeof kernel === "string" ? kernel : kernel.name;
  const k = typeof kernel === "string" ? KERNELS[kernel] : kernel;
  if (!k) throw new RangeError(`unknown optimizer ${name}; valid names: ${Object.keys(KERNELS).join(", ")}`);
  for (const key of Object.keys(hyper)) {
    if (!(key in k.defaults)) {
      throw new TypeError(`${name} got an unexpected hyperparameter '${key}'; ` +
        `it takes ${Object.keys(k.defaults).join(", ")}`);
    }
  }
  const h = Object.freeze({ ...k.defaults, ...hyper, ...k.fixed });
  for (const key of Object.keys(k.checks)) if (key in h) k.checks[key](key, h[key]);
  if (k.validate) k.validate(h);
  return {
    name,
    hyper: h,
    kernel: k,
    init: (params) => k.init(h, params.length),
    update: (p, g, s, lr = h.lr) => k.update(h, lr, p, g, s),
    step(params, grads, state, lr = h.lr) {
      const p = Float64Array.from(params), s = copyState(state);
      k.update(h, lr, p, grads, s);
      return [p, s];
    },
  };
}
