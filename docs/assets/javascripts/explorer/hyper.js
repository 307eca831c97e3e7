// Hyperparameter checks with optim_ref's messages (optim_ref/optimizers/_base.py, check_hyper),
// which are torch's ("Invalid learning rate: -0.1") plus the allowed range. The kernels' tests
// compare these messages with the ones optim_ref raises for the same bad values.

// A number as Python's repr prints a float: 2.0, 1e-05, nan, inf; the message then reads the same.
export function pyFloat(v) {
  if (Number.isNaN(v)) return "nan";
  if (!Number.isFinite(v)) return v > 0 ? "inf" : "-inf";
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-4 || a >= 1e16)) {
    return v.toExponential().replace(/e([+-])(\d)$/, "e$10$2");
  }
  return Number.isInteger(v) ? v.toFixed(1) : String(v);
}

// Python's "{:g}" of a range bound: 0, 1, inf.
function bound(v, missing) {
  return v === null ? missing : String(v);
}

// One numeric hyperparameter: finite and inside [low, high] (either end open or absent).
export function checkRange(name, value, low, high, { lowOpen = false, highOpen = false,
  label = name } = {}) {
  const allowed = `${name} must be in ${lowOpen || low === null ? "(" : "["}` +
    `${bound(low, "-inf")}, ${bound(high, "inf")}${highOpen || high === null ? ")" : "]"}`;
  const bad = typeof value !== "number" || !Number.isFinite(value) ||
    (low !== null && (lowOpen ? value <= low : value < low)) ||
    (high !== null && (highOpen ? value >= high : value > high));
  if (bad) {
    const shown = typeof value === "number" ? pyFloat(value) : String(value);
    throw new RangeError(`Invalid ${label}: ${shown} (${allowed})`);
  }
  return value;
}

export function checkFlag(name, value) {
  if (typeof value !== "boolean") {
    throw new TypeError(`Invalid ${name}: ${String(value)} (${name} must be true or false)`);
  }
  return value;
}

// The usual checks, named once: each optimizer's table lists which apply to it.
export const nonNegative = (label) => (name, v) => checkRange(name, v, 0, null, { label });
export const unit = (label) => (name, v) => checkRange(name, v, 0, 1, { label });
export const flag = (name, v) => checkFlag(name, v);
export const pair = (name, v, what = `[${name}[0], ${name}[1]]`) => {
  if (!Array.isArray(v) || v.length !== 2) {
    throw new TypeError(`Invalid ${name}: ${String(v)} (${name} must be a pair ${what})`);
  }
  return v;
};
export const betas = (name, v) => {
  pair(name, v, "[beta1, beta2]");
  v.forEach((b, i) => checkRange(`betas[${i}]`, b, 0, 1,
    { highOpen: true, label: `beta parameter at index ${i}` }));
  return v;
};
