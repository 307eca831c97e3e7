// The surfaces of optim_ref.functions, in its order (NAMES), with the same parameters,
// window, start, minima and formulas, written in the same order of floating-point operations.
// `surface(name, params)` returns { name, params, window, start, minima, min_value,
// value(x, y), grad(x, y, out) }; grad writes [df/dx, df/dy] into out (no allocation), so
// run.js can call it at every step.

import { pyFloat } from "./hyper.js";

const TAU = 2.0 * Math.PI;

// Each entry: defaults (its parameters), window, start, minima (a function of the
// parameters where they move it), min_value, check (parameter validation) and make(params),
// which returns the value and gradient closures.
const TABLE = {
  quadratic: {
    defaults: { kappa: 10.0, angle: 0.0 },
    window: [[-3.0, 3.0], [-2.0, 2.0]],
    start: [-2.5, 1.5],
    minima: () => [[0.0, 0.0]],
    min_value: 0.0,
    check({ kappa, angle }) {
      if (!(Number.isFinite(kappa) && kappa > 0)) {
        throw new RangeError(`Invalid kappa: ${pyFloat(kappa)} (kappa must be in (0, inf))`);
      }
      if (!Number.isFinite(angle)) {
        throw new RangeError(`Invalid angle: ${pyFloat(angle)} (angle must be finite)`);
      }
    },
    make({ kappa, angle }) {
      const r = angle * (Math.PI / 180.0), c = Math.cos(r), s = Math.sin(r);
      return {
        value(x, y) {
          const u = c * x + s * y, v = -s * x + c * y;
          return 0.5 * (u * u + kappa * v * v);
        },
        grad(x, y, out) {
          const u = c * x + s * y, v = -s * x + c * y, gv = kappa * v;
          out[0] = c * u - s * gv;                     // back through the rotation
          out[1] = s * u + c * gv;
        },
      };
    },
  },
  saddle: {
    defaults: {},
    window: [[-2.0, 2.0], [-2.0, 2.0]],
    start: [-1.8, 0.01],
    minima: () => [],
    min_value: -Infinity,
    make: () => ({
      value: (x, y) => 0.5 * (x * x - y * y),
      grad(x, y, out) { out[0] = x; out[1] = -y; },
    }),
  },
  rosenbrock: {
    defaults: { a: 1.0, b: 100.0 },
    window: [[-2.0, 2.0], [-1.0, 3.0]],
    start: [-1.5, 2.0],
    minima: ({ a }) => [[a, a ** 2]],
    min_value: 0.0,
    make: ({ a, b }) => ({
      value(x, y) {
        const r = y - x * x, d = a - x;
        return d * d + b * r * r;
      },
      grad(x, y, out) {
        const r = y - x * x;
        out[0] = -2.0 * (a - x) - 4.0 * b * x * r;
        out[1] = 2.0 * b * r;
      },
    }),
  },
  beale: {
    defaults: {},
    window: [[-4.5, 4.5], [-4.5, 4.5]],
    start: [1.0, 1.5],
    minima: () => [[3.0, 0.5]],
    min_value: 0.0,
    make: () => ({
      value(x, y) {
        const t1 = 1.5 - x + x * y, t2 = 2.25 - x + x * (y * y), t3 = 2.625 - x + x * y ** 3;
        return 0 + t1 * t1 + t2 * t2 + t3 * t3;
      },
      grad(x, y, out) {
        const y2 = y * y, y3 = y ** 3;
        const t1 = 1.5 - x + x * y, t2 = 2.25 - x + x * y2, t3 = 2.625 - x + x * y3;
        out[0] = 0 + 2.0 * t1 * (y - 1.0) + 2.0 * t2 * (y2 - 1.0) + 2.0 * t3 * (y3 - 1.0);
        out[1] = 0 + 2.0 * t1 * (1 * x * 1.0) + 2.0 * t2 * (2 * x * y) + 2.0 * t3 * (3 * x * y2);
      },
    }),
  },
  himmelblau: {
    defaults: {},
    window: [[-5.0, 5.0], [-5.0, 5.0]],
    start: [0.2, -4.2],
    minima: () => [[3.0, 2.0], [-2.805118086952745, 3.131312518250573],
      [-3.779310253377747, -3.283185991286169], [3.5844283403304917, -1.8481265269644036]],
    min_value: 0.0,
    make: () => ({
      value(x, y) {
        const p = x * x + y - 11.0, q = x + y * y - 7.0;
        return p * p + q * q;
      },
      grad(x, y, out) {
        const p = x * x + y - 11.0, q = x + y * y - 7.0;
        out[0] = 4.0 * x * p + 2.0 * q;
        out[1] = 2.0 * p + 4.0 * y * q;
      },
    }),
  },
  six_hump_camel: {
    defaults: {},
    window: [[-2.0, 2.0], [-1.2, 1.2]],
    start: [-1.4, -1.1],
    minima: () => [[0.08984201310031807, -0.7126564030207396],
      [-0.08984201310031807, 0.7126564030207396]],
    min_value: -1.0316284534898774,
    make: () => ({
      value(x, y) {
        const x2 = x * x, y2 = y * y;
        return (4.0 - 2.1 * x2 + x2 * x2 / 3.0) * x2 + x * y + (4.0 * y2 - 4.0) * y2;
      },
      grad(x, y, out) {
        const x2 = x * x, y2 = y * y;
        out[0] = 8.0 * x - 8.4 * x2 * x + 2.0 * x2 * x2 * x + y;
        out[1] = x + 16.0 * y2 * y - 8.0 * y;
      },
    }),
  },
  rastrigin: {
    defaults: { A: 10.0 },
    window: [[-5.12, 5.12], [-5.12, 5.12]],
    start: [-3.5, 2.5],
    minima: () => [[0.0, 0.0]],
    min_value: 0.0,
    make: ({ A }) => ({
      value: (x, y) => 2.0 * A + x * x - A * Math.cos(TAU * x) + y * y - A * Math.cos(TAU * y),
      grad(x, y, out) {
        out[0] = 2.0 * x + A * TAU * Math.sin(TAU * x);
        out[1] = 2.0 * y + A * TAU * Math.sin(TAU * y);
      },
    }),
  },
};

//: the surface names, in the order the site teaches them
export const NAMES = Object.keys(TABLE);

// The window scaled by `scale` about its centre, as optim_ref's Surface.box.
function box(window, scale) {
  return window.map(([lo, hi]) => [(lo + hi) / 2 - scale * (hi - lo) / 2,
    (lo + hi) / 2 + scale * (hi - lo) / 2]);
}

export function surface(name, params = {}) {
  const entry = TABLE[name];
  if (!entry) throw new RangeError(`unknown surface ${name}; valid names: ${NAMES.join(", ")}`);
  for (const key of Object.keys(params)) {
    if (!(key in entry.defaults)) {
      throw new TypeError(`surface ${name} got an unexpected parameter '${key}'`);
    }
  }
  const p = Object.freeze({ ...entry.defaults, ...params });
  if (entry.check) entry.check(p);
  return {
    name,
    params: p,
    window: entry.window,
    start: entry.start,
    minima: entry.minima(p),
    min_value: entry.min_value,
    box: (scale = 10.0) => box(entry.window, scale),
    ...entry.make(p),
  };
}
