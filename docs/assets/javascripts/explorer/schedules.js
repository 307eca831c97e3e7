// The learning-rate schedules of optim_ref.schedules (torch.optim.lr_scheduler's names,
// arguments and defaults), for the explorer. `schedule(name, args).lrs(base_lr, steps)` is a
// Float64Array of the lr at steps 1..steps, what torch's param_groups[0]["lr"] holds before
// each optimizer.step() with scheduler.step() after it; `momenta` the momentum OneCycleLR
// sets (null for the others). As in optim_ref (optim_ref/schedules/_base.py), torch's
// stepping is replayed, not its closed forms: a Cursor holds the scheduler's live state
// (last_epoch, the step count, base_lr, the initial step), each schedule writes only torch's
// get_lr and, where torch has one, its closed form, in the same order of operations, so the
// two agree to the last bits. tests/kernels/schedules.test.mjs proves them equal.

import { checkRange, pyFloat } from "./hyper.js";

function checkInt(name, value, low) {
  if (typeof value !== "number" || !Number.isInteger(value) || value < low) {
    throw new RangeError(`Invalid ${name}: ${String(value)} (${name} must be an integer in ` +
      `[${low}, inf))`);
  }
  return value;
}

const checkFloat = (name, value, low, high = null, ends = {}) =>
  checkRange(name, value, low, high, ends);

function checkMilestones(name, milestones, low = 1) {
  const values = milestones.map((m, i) => checkInt(`${name}[${i}]`, m, low));
  for (let i = 1; i < values.length; i++) {
    if (values[i] <= values[i - 1]) {
      throw new RangeError(`Invalid ${name}: [${values.join(", ")}] (${name} must be strictly ` +
        `increasing; ${name}[${i}]=${values[i]} <= ${values[i - 1]})`);
    }
  }
  return values;
}

function bisectRight(sorted, x) {
  let i = 0;
  while (i < sorted.length && sorted[i] <= x) i++;
  return i;
}

// torch's LRScheduler state for one schedule on one param group (a plain object).
class Cursor {
  constructor(schedule, group) {
    this.schedule = schedule;
    this.group = group;
    if (!("initial_lr" in group)) group.initial_lr = group.lr;
    this.base_lr = group.initial_lr;
    this.last_epoch = -1;
    this.step_count = 0;
    this.initial = false;
    this.initialStep();
  }

  initialStep() {                                    // torch's _initial_step
    this.step_count = 0;
    this.initial = true;
    try {
      this.step();
    } finally {
      this.initial = false;
    }
  }

  step() {                                           // scheduler.step(): the recursive get_lr
    this.step_count += 1;
    this.updateLr(null);
  }

  updateLr(epoch) {                                  // with an epoch: the closed form, if any
    let lr;
    if (epoch === null) {
      this.last_epoch += 1;
      lr = this.schedule.getLr(this);
    } else {
      this.last_epoch = epoch;
      lr = this.schedule.closedFormLr ? this.schedule.closedFormLr(this)
        : this.schedule.getLr(this);
    }
    this.group.lr = lr;
  }

  undo() {                                           // SequentialLR's recursive undo
    this.last_epoch -= 1;
  }

  get lr() {
    return this.group.lr;
  }
}

// torch's loop, replayed: the lr (and momentum) before every optimizer step.
function replay(s, baseLr, steps) {
  checkFloat("base_lr", baseLr, 0);
  checkInt("steps", steps, 0);
  const group = { lr: baseLr }, cursor = s.attach(group);
  const lrs = new Float64Array(steps), momenta = new Float64Array(steps);
  for (let k = 0; k < steps; k++) {
    lrs[k] = group.lr;
    momenta[k] = "momentum" in group ? group.momentum : NaN;
    cursor.step();
  }
  return { lrs, momenta: "momentum" in group ? momenta : null };
}

function make(name, fields) {
  const s = {
    name,
    ...fields,
    attach: fields.attach ?? ((group) => new Cursor(s, group)),
    lrs: (baseLr, steps) => replay(s, baseLr, steps).lrs,
    momenta: (baseLr, steps) => replay(s, baseLr, steps).momenta,
  };
  return Object.freeze(s);
}

function StepLR({ step_size, gamma = 0.1 }) {
  checkInt("step_size", step_size, 1);
  checkFloat("gamma", gamma, 0, null, { lowOpen: true });
  return make("StepLR", {
    step_size, gamma,
    getLr: (c) => (c.last_epoch === 0 || c.last_epoch % step_size !== 0 ? c.lr : c.lr * gamma),
    closedFormLr: (c) => c.base_lr * gamma ** Math.floor(c.last_epoch / step_size),
  });
}

function MultiStepLR({ milestones, gamma = 0.1 }) {
  const ms = checkMilestones("milestones", milestones);
  checkFloat("gamma", gamma, 0, null, { lowOpen: true });
  return make("MultiStepLR", {
    milestones: ms, gamma,
    getLr: (c) => (ms.includes(c.last_epoch) ? c.lr * gamma : c.lr),
    closedFormLr: (c) => c.base_lr * gamma ** bisectRight(ms, c.last_epoch),
  });
}

function ExponentialLR({ gamma }) {
  checkFloat("gamma", gamma, 0, null, { lowOpen: true });
  return make("ExponentialLR", {
    gamma,
    getLr: (c) => (c.initial ? c.lr : c.lr * gamma),
    closedFormLr: (c) => c.base_lr * gamma ** c.last_epoch,
  });
}

function CosineAnnealingLR({ T_max, eta_min = 0.0 }) {
  checkInt("T_max", T_max, 1);
  checkFloat("eta_min", eta_min, 0);
  const T = T_max;
  return make("CosineAnnealingLR", {
    T_max, eta_min,
    getLr(c) {
      const e = c.last_epoch;
      if (c.initial) return c.lr;
      if (c.step_count === 1 && e > 0) {
        return eta_min + (c.base_lr - eta_min) * (1 + Math.cos(e * Math.PI / T)) / 2;
      }
      if ((e - 1 - T) % (2 * T) === 0) {           // the bottom: torch steps back up additively
        return c.lr + (c.base_lr - eta_min) * (1 - Math.cos(Math.PI / T)) / 2;
      }
      return (1 + Math.cos(Math.PI * e / T)) / (1 + Math.cos(Math.PI * (e - 1) / T))
        * (c.lr - eta_min) + eta_min;
    },
    closedFormLr: (c) => eta_min + (c.base_lr - eta_min)
      * (1 + Math.cos(Math.PI * c.last_epoch / T)) / 2,
  });
}

// torch's own step for warm restarts: T_cur, steps since the restart, and T_i, the period.
class RestartsCursor extends Cursor {
  step() {
    const { T_0, T_mult } = this.schedule;
    if (this.last_epoch < 0) {
      this.last_epoch = 0;
      this.T_i = T_0;
      this.T_cur = 0;
    } else {
      this.last_epoch += 1;
      this.T_cur += 1;
      if (this.T_cur >= this.T_i) {                  // a restart, a period T_mult longer
        this.T_cur %= this.T_i;
        this.T_i *= T_mult;
      }
    }
    this.group.lr = this.schedule.getLr(this);
  }
}

function CosineAnnealingWarmRestarts({ T_0, T_mult = 1, eta_min = 0.0 }) {
  checkInt("T_0", T_0, 1);
  checkInt("T_mult", T_mult, 1);
  checkFloat("eta_min", eta_min, 0);
  let s = null;
  s = make("CosineAnnealingWarmRestarts", {
    T_0, T_mult, eta_min,
    getLr: (c) => eta_min + (c.base_lr - eta_min) * (1 + Math.cos(Math.PI * c.T_cur / c.T_i)) / 2,
    attach: (group) => new RestartsCursor(s, group),
  });
  return s;
}

function LinearLR({ start_factor = 1.0 / 3, end_factor = 1.0, total_iters = 5 } = {}) {
  checkFloat("start_factor", start_factor, 0, 1, { lowOpen: true });
  checkFloat("end_factor", end_factor, 0, 1);
  checkInt("total_iters", total_iters, 1);
  const a = start_factor, b = end_factor;
  return make("LinearLR", {
    start_factor, end_factor, total_iters,
    getLr(c) {
      const e = c.last_epoch;
      if (e === 0) return c.lr * a;
      if (c.initial || e > total_iters) return c.lr;
      return c.lr * (1.0 + (b - a) / (total_iters * a + (e - 1) * (b - a)));
    },
    closedFormLr: (c) => c.base_lr * (a + (b - a) * Math.min(total_iters, c.last_epoch)
      / total_iters),
  });
}

const annealCos = (start, end, pct) => end + (start - end) / 2.0 * (Math.cos(Math.PI * pct) + 1);
const annealLinear = (start, end, pct) => (end - start) * pct + start;

// OneCycleLR's construction writes the cycle's lrs (and momenta) into the group first.
class OneCycleCursor extends Cursor {
  constructor(schedule, group) {
    group.initial_lr = schedule.max_lr / schedule.div_factor;
    group.max_lr = schedule.max_lr;
    group.min_lr = group.initial_lr / schedule.final_div_factor;
    if (schedule.cycle_momentum) {
      group.momentum = group.max_momentum = schedule.max_momentum;
      group.base_momentum = schedule.base_momentum;
    }
    super(schedule, group);
  }
}

function OneCycleLR({ max_lr, total_steps = null, epochs = null, steps_per_epoch = null,
  pct_start = 0.3, anneal_strategy = "cos", cycle_momentum = true, base_momentum = 0.85,
  max_momentum = 0.95, div_factor = 25.0, final_div_factor = 1e4, three_phase = false }) {
  checkFloat("max_lr", max_lr, 0, null, { lowOpen: true });
  if (total_steps !== null) checkInt("total_steps", total_steps, 1);
  else if (epochs !== null && steps_per_epoch !== null) {
    checkInt("epochs", epochs, 1);
    checkInt("steps_per_epoch", steps_per_epoch, 1);
  } else {
    throw new RangeError("Invalid total_steps: None (give total_steps, an integer in " +
      "[1, inf), or both epochs and steps_per_epoch)");
  }
  checkFloat("pct_start", pct_start, 0, 1);
  if (anneal_strategy !== "cos" && anneal_strategy !== "linear") {
    throw new RangeError(`Invalid anneal_strategy: '${anneal_strategy}' ` +
      "(anneal_strategy must be 'cos' or 'linear')");
  }
  checkFloat("base_momentum", base_momentum, 0, 1, { lowOpen: true });
  checkFloat("max_momentum", max_momentum, 0, 1, { lowOpen: true });
  checkFloat("div_factor", div_factor, 0, null, { lowOpen: true });
  checkFloat("final_div_factor", final_div_factor, 0, null, { lowOpen: true });
  const T = total_steps !== null ? total_steps : epochs * steps_per_epoch, p = pct_start;
  // torch's _schedule_phases: [end_step, start_lr, end_lr, start_momentum, end_momentum]
  const phases = three_phase
    ? [[p * T - 1, "initial_lr", "max_lr", "max_momentum", "base_momentum"],
      [2 * p * T - 2, "max_lr", "initial_lr", "base_momentum", "max_momentum"],
      [T - 1, "initial_lr", "min_lr", "max_momentum", "max_momentum"]]
    : [[p * T - 1, "initial_lr", "max_lr", "max_momentum", "base_momentum"],
      [T - 1, "max_lr", "min_lr", "base_momentum", "max_momentum"]];
  phases.forEach(([end], i) => {
    const start = i === 0 ? 0 : phases[i - 1][0];
    if (end === start && (i === 0 || i === phases.length - 1)) {
      throw new RangeError(`Invalid pct_start: ${pyFloat(pct_start)} (with total_steps=${T} phase ` +
        `${i + 1} of the cycle spans zero steps and torch would divide by zero; pct_start ` +
        "must be in [0, 1] and leave every phase a length)");
    }
  });
  const anneal = anneal_strategy === "cos" ? annealCos : annealLinear;
  let s = null;
  s = make("OneCycleLR", {
    max_lr, total_steps: T, pct_start, anneal_strategy, cycle_momentum, base_momentum,
    max_momentum, div_factor, final_div_factor, three_phase,
    getLr(c) {
      const step = c.last_epoch;
      if (step > T) {
        throw new RangeError(`Invalid steps: OneCycleLR was stepped ${step} times, past its ` +
          `total_steps=${T} (steps must be <= total_steps)`);
      }
      let start = 0.0;
      for (let i = 0; i < phases.length; i++) {
        const [end, lr0, lr1, m0, m1] = phases[i];
        if (step <= end || i === phases.length - 1) {
          const pct = (step - start) / (end - start);
          if (cycle_momentum) c.group.momentum = anneal(c.group[m0], c.group[m1], pct);
          return anneal(c.group[lr0], c.group[lr1], pct);
        }
        start = end;
      }
      throw new Error("unreachable: the last phase always matches");
    },
    attach: (group) => new OneCycleCursor(s, group),
  });
  return s;
}

// One schedule after another: torch builds the inner ones (each steps the lr), puts the lr
// back to initial_lr, takes each one epoch back, re-runs the first one's initial step; at a
// milestone the next starts with its closed form at epoch 0 (get_lr where it has none).
class SequentialCursor {
  constructor(schedule, group) {
    this.milestones = schedule.milestones;
    this.children = schedule.schedulers.map((child) => child.attach(group));
    this.last_epoch = 0;
    group.lr = group.initial_lr;
    for (const child of this.children) child.undo();
    this.children[bisectRight(this.milestones, 0)].initialStep();
  }

  step() {
    this.last_epoch += 1;
    const idx = bisectRight(this.milestones, this.last_epoch), child = this.children[idx];
    if (idx > 0 && this.milestones[idx - 1] === this.last_epoch) child.updateLr(0);
    else child.step();
  }
}

function SequentialLR({ schedulers, milestones }) {
  if (!schedulers || schedulers.length === 0) {
    throw new RangeError("Invalid schedulers: [] (SequentialLR needs at least one schedule)");
  }
  const children = schedulers.map((c, i) => {
    const child = c && c.attach ? c : c && c.name ? schedule(c.name, c.args) : null;
    if (!child || child.name === "SequentialLR") {
      throw new RangeError(`Invalid schedulers[${i}]: ${JSON.stringify(c)} (each must be one ` +
        "of the schedules other than SequentialLR)");
    }
    return child;
  });
  const ms = checkMilestones("milestones", milestones);
  if (ms.length !== children.length - 1) {
    throw new RangeError(`Invalid milestones: [${ms.join(", ")}] (with ${children.length} ` +
      `schedulers there must be ${children.length - 1} milestones)`);
  }
  let s = null;
  s = make("SequentialLR", {
    schedulers: children, milestones: ms,
    attach: (group) => new SequentialCursor(s, group),
  });
  return s;
}

// By optim_ref.schedules' names. SequentialLR's schedulers may be schedules or {name, args}.
export const SCHEDULES = { StepLR, MultiStepLR, ExponentialLR, CosineAnnealingLR,
  CosineAnnealingWarmRestarts, LinearLR, OneCycleLR, SequentialLR };

export function schedule(name, args = {}) {
  const factory = SCHEDULES[name];
  if (!factory) {
    throw new RangeError(`unknown schedule ${name}; valid names: ${Object.keys(SCHEDULES).join(", ")}`);
  }
  return factory(args);
}
