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

import { betas, checkRange, flag, nonNegative, unit } from "./hyper.js";

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

// By optim_ref's class names, in its order (LECTURE, then AFTER_ADAM).
export const KERNELS = { GD, SGD, Momentum, NAG, Adagrad, Adadelta, RMSprop, Adam, AdamW,
  AMSGrad, NAdam, Adamax };
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
    init: (params) => k.init(h, params.length),
    update: (p, g, s, lr = h.lr) => k.update(h, lr, p, g, s),
    step(params, grads, state, lr = h.lr) {
      const p = Float64Array.from(params), s = copyState(state);
      k.update(h, lr, p, grads, s);
      return [p, s];
    },
  };
}
