// The explorer's learning-rate schedules: the lr of each step as optim_ref.schedules computes
// it (optim_ref/schedules/, which replays torch's loop: the scheduler is built, then
// optimizer.step() and scheduler.step() alternate). Written here because the kernels have no
// schedules module yet; the page needs five: StepLR, CosineAnnealingLR, LinearLR, OneCycleLR
// (cycle_momentum=false: run.js takes a per-step lr, not a per-step momentum) and
// SequentialLR of those. Tested equal to optim_ref under Node (tests/kernels/lrs.test.mjs).
//
// A schedule is a plain object { name, ...torch's arguments }, the page's state and its URL:
//   lrs(schedule, baseLr, steps) -> Float64Array, lrs[k] drives step k + 1

import { checkRange } from "./hyper.js";

function int(name, v, low) {
  if (!Number.isInteger(v) || v < low) {
    throw new RangeError(`Invalid ${name}: ${v} (${name} must be an integer >= ${low})`);
  }
  return v;
}

// Each rule: defaults, check(s), getLr(s, c) (torch's recursive get_lr), closed(s, c) (its
// closed form, used at a SequentialLR milestone), attach(s, group) (what construction does).
const RULES = {
  StepLR: {
    defaults: { gamma: 0.1 },
    check(s) { int("step_size", s.step_size, 1); checkRange("gamma", s.gamma, 0, null, { lowOpen: true }); },
    getLr: (s, c) => (c.lastEpoch === 0 || c.lastEpoch % s.step_size !== 0 ? c.group.lr
      : c.group.lr * s.gamma),
    closed: (s, c) => c.baseLr * s.gamma ** Math.floor(c.lastEpoch / s.step_size),
  },
  CosineAnnealingLR: {
    defaults: { eta_min: 0.0 },
    check(s) { int("T_max", s.T_max, 1); checkRange("eta_min", s.eta_min, 0, null); },
    getLr(s, c) {
      const e = c.lastEpoch, T = s.T_max, lo = s.eta_min;
      if (c.initial) return c.group.lr;
      if (c.stepCount === 1 && e > 0) return lo + (c.baseLr - lo) * (1 + Math.cos(e * Math.PI / T)) / 2;
      if ((((e - 1 - T) % (2 * T)) + 2 * T) % (2 * T) === 0) {       // Python's % is never negative
        return c.group.lr + (c.baseLr - lo) * (1 - Math.cos(Math.PI / T)) / 2;
      }
      return (1 + Math.cos(Math.PI * e / T)) / (1 + Math.cos(Math.PI * (e - 1) / T)) *
        (c.group.lr - lo) + lo;
    },
    closed: (s, c) => s.eta_min + (c.baseLr - s.eta_min) * (1 + Math.cos(Math.PI * c.lastEpoch / s.T_max)) / 2,
  },
  LinearLR: {
    defaults: { start_factor: 1.0 / 3, end_factor: 1.0, total_iters: 5 },
    check(s) {
      checkRange("start_factor", s.start_factor, 0, 1, { lowOpen: true });
      checkRange("end_factor", s.end_factor, 0, 1);
      int("total_iters", s.total_iters, 1);
    },
    getLr(s, c) {
      const e = c.lastEpoch, a = s.start_factor, b = s.end_factor;
      if (e === 0) return c.group.lr * a;
      if (c.initial || e > s.total_iters) return c.group.lr;
      return c.group.lr * (1.0 + (b - a) / (s.total_iters * a + (e - 1) * (b - a)));
    },
    closed: (s, c) => c.baseLr * (s.start_factor + (s.end_factor - s.start_factor) *
      Math.min(s.total_iters, c.lastEpoch) / s.total_iters),
  },
  OneCycleLR: {
    defaults: { pct_start: 0.3, anneal_strategy: "cos", cycle_momentum: false,
      div_factor: 25.0, final_div_factor: 1e4, three_phase: false },
    check(s) {
      checkRange("max_lr", s.max_lr, 0, null, { lowOpen: true });
      int("total_steps", s.total_steps, 1);
      checkRange("pct_start", s.pct_start, 0, 1);
      if (s.cycle_momentum !== false) throw new RangeError("Invalid cycle_momentum: the explorer runs OneCycleLR with cycle_momentum=false");
      if (s.three_phase !== false) throw new RangeError("Invalid three_phase: the explorer runs OneCycleLR with three_phase=false");
    },
    attach(s, group) {
      group.initial_lr = s.max_lr / s.div_factor;
      group.max_lr = s.max_lr;
      group.min_lr = group.initial_lr / s.final_div_factor;
    },
    getLr(s, c) {
      const step = c.lastEpoch, T = s.total_steps;
      if (step > T) throw new RangeError(`Invalid steps: OneCycleLR was stepped ${step} times, past its total_steps=${T}`);
      const anneal = s.anneal_strategy === "cos"
        ? (a, b, pct) => b + (a - b) / 2.0 * (Math.cos(Math.PI * pct) + 1)
        : (a, b, pct) => (b - a) * pct + a;
      const phases = [[s.pct_start * T - 1, "initial_lr", "max_lr"], [T - 1, "max_lr", "min_lr"]];
      let start = 0.0;
      for (let i = 0; i < phases.length; i++) {
        const [end, lr0, lr1] = phases[i];
        if (step <= end || i === phases.length - 1) {
          return anneal(c.group[lr0], c.group[lr1], (step - start) / (end - start));
        }
        start = end;
      }
      throw new Error("unreachable");
    },
  },
};

// torch's LRScheduler state on one param group (optim_ref's Cursor).
function cursor(s, group) {
  const rule = RULES[s.name];
  if (rule.attach) rule.attach(s, group);
  if (!("initial_lr" in group)) group.initial_lr = group.lr;
  const c = { group, baseLr: group.initial_lr, lastEpoch: -1, stepCount: 0, initial: false };
  c.updateLr = (epoch) => {
    if (epoch === undefined) { c.lastEpoch += 1; group.lr = rule.getLr(s, c); return; }
    c.lastEpoch = epoch;
    group.lr = rule.closed ? rule.closed(s, c) : rule.getLr(s, c);
  };
  c.step = () => { c.stepCount += 1; c.updateLr(); };
  c.initialStep = () => {
    c.stepCount = 0; c.initial = true;
    try { c.step(); } finally { c.initial = false; }
  };
  c.initialStep();
  return c;
}

// SequentialLR: the children share the group; at a milestone the next one restarts closed.
function sequential(s, group) {
  const children = s.schedulers.map((child) => cursor(child, group));
  const idx = (e) => s.milestones.filter((m) => m <= e).length;   // bisect_right
  let lastEpoch = 0;
  group.lr = group.initial_lr;
  for (const child of children) child.lastEpoch -= 1;
  children[idx(0)].initialStep();
  return {
    step() {
      lastEpoch += 1;
      const i = idx(lastEpoch), child = children[i];
      if (i > 0 && s.milestones[i - 1] === lastEpoch) child.updateLr(0);
      else child.step();
    },
  };
}

// A schedule with its defaults filled in and its arguments checked (RangeError naming them).
export function schedule(spec) {
  if (spec.name === "SequentialLR") {
    const schedulers = spec.schedulers.map(schedule);
    const milestones = spec.milestones.map((m, i) => int(`milestones[${i}]`, m, 1));
    if (milestones.length !== schedulers.length - 1) {
      throw new RangeError(`Invalid milestones: [${milestones}] (with ${schedulers.length} schedulers there must be ${schedulers.length - 1})`);
    }
    return { name: "SequentialLR", schedulers, milestones };
  }
  const rule = RULES[spec.name];
  if (!rule) throw new RangeError(`unknown schedule ${spec.name}; valid names: ${Object.keys(RULES).join(", ")}, SequentialLR`);
  const s = { name: spec.name, ...rule.defaults, ...spec };
  rule.check(s);
  return s;
}

export function lrs(spec, baseLr, steps) {
  const s = schedule(spec), group = { lr: baseLr };
  const c = s.name === "SequentialLR" ? sequential(s, group) : cursor(s, group);
  const out = new Float64Array(steps);
  for (let k = 0; k < steps; k++) {
    out[k] = group.lr;
    c.step();
  }
  return out;
}
