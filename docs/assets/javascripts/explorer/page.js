// The live explorer page (docs/explorer.md): controls, pointer and keyboard, play and scrub,
// the URL, CSV, and window.explorerState (the contract the browser tests read). Computing is
// compute.js (the kernels), drawing draw.js, words text.js, the URL url.js.

import { KERNELS, NAMES, surface as makeSurface } from "./kernels.js";
import { TUNED, computeAll, describe, makeCache, scheduleSpec, stateAt } from "./compute.js";
import * as draw from "./draw.js";
import { num, t } from "./text.js";
import { decode, encode } from "./url.js";

const root = document.getElementById("optim-explorer");
const lang = root.dataset.lang;
const tx = (key, values) => t(lang, key, values);
const names = Object.keys(KERNELS);
// Each optimizer's colour comes from the build (scripts/figures/labels.py, in rates.json);
// black, which Adam wears on the light palette, turns light on the dark one.
const colorOf = (name) => {
  const c = rates?.optimizers?.[name]?.color ?? draw.FALLBACK;
  return c === "#000000" && document.body.getAttribute("data-md-color-scheme") === "slate"
    ? "#e0e0e0" : c;
};
const DEFAULT = ["SGD", "Momentum", "Adam"];
const RANGES = { momentum: [0, 0.999, 0.001], rho: [0, 0.999, 0.001], alpha: [0, 0.9999, 0.0001],
  beta1: [0, 0.999, 0.001], beta2: [0.9, 0.9999, 0.0001] };
const LR_LOG = [-5, 1];

let rates = null, surfaceLabels = {}, math = null, custom = null;
const cache = makeCache();
const S = { surface: "quadratic", formula: "x^2 + 3*y^2 + sin(2*x*y)", start: null, steps: 200,
  noise: 0, seed: 0, scheduleKind: "none", rateMode: "rule", chosen: {}, show: "Momentum",
  step: 0, playing: false, runs: {}, lastComputeMs: null, error: null };

// ---------------------------------------------------------------- the contract
const state = {
  ready: false,
  get surface() { return S.surface; }, get formula() { return S.surface === "custom" ? S.formula : null; },
  get start() { return [...S.start]; }, get steps() { return S.steps; }, get noise() { return S.noise; },
  get seed() { return S.seed; }, get schedule() { return scheduleSpec(S.scheduleKind, S.steps); },
  get lastComputeMs() { return S.lastComputeMs; }, get step() { return S.step; },
  get playing() { return S.playing; }, get error() { return S.error; },
  get runs() {
    const out = {};
    for (const [name, r] of Object.entries(S.runs)) {
      const path = [], loss = [];
      for (let k = 0; k <= S.steps; k++) { path.push([r.path[2 * k], r.path[2 * k + 1]]); loss.push(r.loss[k]); }
      out[name] = { hyper: structuredClone(S.chosen[name]), path, loss, diverged_at: r.diverged_at };
    }
    return out;
  },
};
window.explorerState = state;

// ---------------------------------------------------------------- helpers
function el(tag, attrs = {}, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "text") e.textContent = v; else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v);
  }
  e.append(...kids);
  return e;
}
let uid = 0;
function field(label, input) {
  input.id = input.id || `ox-${++uid}`;
  return el("div", { class: "ox-field" }, el("label", { for: input.id, text: label }), input);
}
function currentSurface() { return S.surface === "custom" ? custom : makeSurface(S.surface); }
function defaults(name) {
  const h = {}, d = KERNELS[name].defaults;
  for (const k of TUNED) if (k in d) h[k] = Array.isArray(d[k]) ? [...d[k]] : d[k];
  const rule = rates && rates.rates[S.surface] && rates.rates[S.surface][name];
  if (S.rateMode === "rule" && rule) h.lr = rule;
  return h;
}

// ---------------------------------------------------------------- controls
const ui = {};
function build() {
  root.textContent = "";
  ui.surface = el("select", { id: "ox-surface" });
  for (const n of NAMES) ui.surface.append(el("option", { value: n, text: surfaceLabels[n] || n }));
  ui.surface.append(el("option", { value: "custom", text: tx("custom") }));
  ui.surface.addEventListener("change", () => setSurface(ui.surface.value));
  ui.formula = el("input", { type: "text", id: "ox-formula", spellcheck: "false", autocomplete: "off" });
  ui.apply = el("button", { type: "button", class: "ox-button", text: tx("apply"), onclick: applyFormula });
  ui.formula.addEventListener("keydown", (e) => { if (e.key === "Enter") applyFormula(); });
  ui.message = el("p", { class: "ox-message", role: "alert" });
  ui.customBox = el("div", { class: "ox-custom", hidden: "" }, field(tx("formula"), ui.formula), ui.apply,
    el("p", { class: "ox-note", text: tx("customWindow") }));
  ui.rates = el("select", { id: "ox-rates" }, el("option", { value: "rule", text: tx("rule") }),
    el("option", { value: "torch", text: tx("torch") }));
  ui.rates.addEventListener("change", () => { S.rateMode = ui.rates.value; for (const n in S.chosen) S.chosen[n] = defaults(n); buildHyper(); update(); });
  ui.steps = el("input", { type: "range", min: "10", max: "1000", step: "10" });
  ui.stepsOut = el("output", { class: "ox-num" });
  ui.steps.addEventListener("input", () => { S.steps = Number(ui.steps.value); S.step = Math.min(S.step, S.steps); update(); });
  ui.schedule = el("select", { id: "ox-schedule" });
  for (const k of ["none", "step", "cosine", "warmup", "onecycle"]) ui.schedule.append(el("option", { value: k, text: tx(k) }));
  ui.schedule.addEventListener("change", () => { S.scheduleKind = ui.schedule.value; update(); });
  ui.noiseOn = el("input", { type: "checkbox", id: "ox-noise" });
  ui.sigma = el("input", { type: "range", min: "0.01", max: "3", step: "0.01", value: "0.5" });
  ui.seed = el("input", { type: "number", min: "0", max: "4294967295", step: "1", value: "0", inputmode: "numeric" });
  const noiseChange = () => {
    S.noise = ui.noiseOn.checked ? Number(ui.sigma.value) : 0;
    const seed = Math.floor(Number(ui.seed.value));
    S.seed = Number.isFinite(seed) && seed >= 0 && seed <= 4294967295 ? seed : 0;
    ui.sigma.disabled = ui.seed.disabled = !ui.noiseOn.checked;
    update();
  };
  for (const e of [ui.noiseOn, ui.sigma, ui.seed]) e.addEventListener("input", noiseChange);
  const boxes = el("div", { class: "ox-opts" });
  ui.checks = el("fieldset", {}, el("legend", { text: tx("optimizers") }), boxes);
  ui.boxes = {};
  for (const n of names) {
    const box = ui.boxes[n] = el("input", { type: "checkbox", value: n, id: `ox-on-${n}` });
    box.addEventListener("change", () => { if (box.checked) S.chosen[n] = defaults(n); else delete S.chosen[n]; buildHyper(); update(); });
    boxes.append(el("label", { class: "ox-check", for: box.id, style: `--ox-color:${colorOf(n)}` }, box,
      el("span", { class: "ox-swatch", "aria-hidden": "true" }), n));
  }
  ui.hyper = el("div", { class: "ox-hyper" });
  ui.show = el("select", { id: "ox-show" });
  ui.show.addEventListener("change", () => { S.show = ui.show.value; render(); });
  ui.paths = el("canvas", { class: "ox-paths", tabindex: "0", role: "application", "aria-label": tx("pathsFigure") });
  ui.loss = el("canvas", { class: "ox-loss", role: "img", "aria-label": tx("lossFigure") });
  ui.play = el("button", { type: "button", class: "ox-play", text: tx("play"), onclick: () => (S.playing ? pause() : play()) });
  ui.step = el("input", { type: "range", min: "0", value: "0", step: "1" });
  ui.step.addEventListener("input", () => { pause(); S.step = Number(ui.step.value); render(); });
  ui.status = el("p", { class: "ox-status", "aria-live": "polite" });
  ui.overlay = el("p", { class: "ox-note ox-overlay" });
  ui.copy = el("button", { type: "button", class: "ox-button ox-copy", text: tx("copy"), onclick: copyLink });
  ui.csv = el("button", { type: "button", class: "ox-button", text: tx("csv"), onclick: downloadCsv });
  ui.copied = el("span", { class: "ox-note", role: "status" });
  root.append(
    el("div", { class: "ox-controls" }, field(tx("surface"), ui.surface), field(tx("rates"), ui.rates)),
    ui.customBox, ui.message,
    el("div", { class: "ox-figures" }, el("figure", {}, ui.paths), el("figure", {}, ui.loss)),
    el("div", { class: "ox-player" }, ui.play, field(tx("stepSlider"), ui.step)),
    ui.status);
  // The controls below a phone's first screen: main() puts them in one frame later, so no
  // single task lays out the whole explorer.
  ui.rest = [
    el("div", { class: "ox-player" }, field(tx("show"), ui.show), ui.overlay),
    ui.checks, ui.hyper,
    el("div", { class: "ox-controls" }, field(tx("steps"), ui.steps), ui.stepsOut, field(tx("schedule"), ui.schedule)),
    el("div", { class: "ox-controls" }, el("label", { class: "ox-check", for: ui.noiseOn.id }, ui.noiseOn, tx("noise")),
      field(tx("sigma"), ui.sigma), field(tx("seed"), ui.seed)),
    el("div", { class: "ox-player" }, ui.copy, ui.csv, ui.copied),
    el("p", { class: "ox-note", text: rates ? tx("ruleNote", { steps: rates.steps }) : "" })];
  pointer(); keys();
  const resized = new ResizeObserver((entries) => {
    for (const e of entries) sizes.set(e.target, { width: e.contentRect.width, height: e.contentRect.height });
    if (state.ready) renderSoon();
  });
  resized.observe(ui.paths); resized.observe(ui.loss);
}

// One render in the next frame however many resizes ask for it.
let renderFrame = 0;
function renderSoon() {
  if (!renderFrame) renderFrame = requestAnimationFrame(() => { renderFrame = 0; render(); });
}

// Resolves once the browser has had a frame to paint and a turn to handle input: the page's
// first work is cut into tasks this short, so loading never blocks the reader's first tap.
function yieldToPaint() {
  return new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
}

// A range input with its value shown beside it; onInput(sliderValue) returns the value shown.
function slider(label, min, max, stepv, position, shown, onInput) {
  const input = el("input", { type: "range", min: String(min), max: String(max), step: String(stepv), value: String(position) });
  const out = el("output", { class: "ox-num", for: "", text: num(shown) });
  input.addEventListener("input", () => { out.textContent = num(onInput(Number(input.value))); });
  const f = field(label, input);
  out.setAttribute("for", input.id); f.append(out);
  return f;
}

function buildHyper() {
  ui.hyper.textContent = "";
  for (const n of names) {
    const box = ui.boxes[n];
    box.checked = n in S.chosen;
    if (!(n in S.chosen)) continue;
    const h = S.chosen[n], group = el("fieldset", { class: "ox-opt", "data-name": n, style: `--ox-color:${colorOf(n)}` },
      el("legend", { text: tx("settings", { name: n }) }));
    group.append(slider(tx("lr", { name: n }), LR_LOG[0], LR_LOG[1], 0.001, Math.log10(h.lr), h.lr,
      (v) => { h.lr = 10 ** v; update(); return h.lr; }));
    for (const k of ["momentum", "rho", "alpha"]) {
      if (k in h) {
        const [lo, hi, st] = RANGES[k];
        group.append(slider(tx("hyper", { name: n, param: tx(k) }), lo, hi, st, h[k], h[k], (v) => { h[k] = v; update(); return v; }));
      }
    }
    if (h.betas) {
      h.betas.forEach((b, i) => {
        const [lo, hi, st] = RANGES[`beta${i + 1}`];
        group.append(slider(tx("hyper", { name: n, param: tx(`beta${i}`) }), lo, hi, st, b, b,
          (v) => { h.betas[i] = v; update(); return v; }));
      });
    }
    ui.hyper.append(group);
  }
  ui.show.textContent = "";
  for (const n of Object.keys(S.chosen)) ui.show.append(el("option", { value: n, text: n }));
  if (!(S.show in S.chosen)) S.show = Object.keys(S.chosen)[0] || "";
  ui.show.value = S.show;
}

function sync() {
  ui.surface.value = S.surface;
  ui.customBox.hidden = S.surface !== "custom";
  ui.formula.value = S.formula;
  ui.rates.value = S.rateMode;
  ui.steps.value = String(S.steps); ui.stepsOut.textContent = String(S.steps);
  ui.schedule.value = S.scheduleKind;
  ui.noiseOn.checked = S.noise > 0;
  if (S.noise > 0) ui.sigma.value = String(S.noise);
  ui.seed.value = String(S.seed);
  ui.sigma.disabled = ui.seed.disabled = !(S.noise > 0);
  buildHyper();
}

// ---------------------------------------------------------------- computing and drawing
function message(text) { ui.message.textContent = text || ""; S.error = text || null; }

function update({ draw: now = true } = {}) {
  ui.stepsOut.textContent = String(S.steps);
  const surf = currentSurface();
  if (!surf) return;
  const t0 = performance.now();
  try {
    S.runs = computeAll({ surface: surf, start: S.start, steps: S.steps, chosen: S.chosen, noise: S.noise,
      seed: S.seed, schedule: scheduleSpec(S.scheduleKind, S.steps) }, cache);
    S.lastComputeMs = performance.now() - t0;
    if (S.surface === "custom") message("");
  } catch (err) {
    S.runs = {};
    message(S.surface === "custom" ? tx("notFinite", { x: num(S.start[0]), y: num(S.start[1]) }) : err.message);
  }
  ui.step.max = String(S.steps);
  if (now) { render(); saveUrl(); }
}

let bg = null, bgKey = "", colors = null, scheme = null;
const sizes = new Map();
// The paths canvas takes the surface's shape before it is measured and drawn: set in the
// same frame as the drawing, the resize it causes would draw everything a second time.
function shape(surf) {
  const ratio = String(1 / aspect(surf));
  if (ui.paths.style.aspectRatio !== ratio) ui.paths.style.aspectRatio = ratio;
}

// The contour image behind the paths, drawn again only when the surface or palette changes.
function background(surf) {
  const now = document.body.getAttribute("data-md-color-scheme");
  if (now !== scheme) { scheme = now; colors = draw.ink(); }   // a style read only when it changed
  const key = `${S.surface}/${S.surface === "custom" ? S.formula : ""}/${colors.dark}`;
  if (key !== bgKey) { bg = draw.background(surf, 128, Math.round(128 * aspect(surf)), colors); bgKey = key; }
  return bg;
}

function render() {
  const surf = currentSurface();
  if (!surf) return;
  shape(surf);
  if (!sizes.has(ui.paths) || !sizes.has(ui.loss)) return;
  background(surf);
  const runs = Object.entries(S.runs).map(([name, r]) => ({ name, color: colorOf(name), dashed: names.indexOf(name) > 6, ...r }));
  let overlay = null, said = "";
  const r = S.runs[S.show];
  if (r) {
    const setting = { surface: surf, start: S.start, steps: S.steps, noise: S.noise };
    const d = describe(r.opt, stateAt(r, setting, cache, S.step));
    if (d && d.kind === "velocity") { overlay = { arrow: d.arrow }; said = `${S.show}: ${tx("velocity")}`; }
    else if (d) {
      const [sx, sy] = d.sizes, big = Math.max(sx, sy);
      overlay = { sizes: [d.point[0], d.point[1], sx, sy], scale: big > 0 ? 24 / big : 0 };
      said = `${S.show}: ${tx("adaptive", { what: d.what, sx: num(sx), sy: num(sy) })}`;
    } else said = tx("noState", { name: S.show });
  }
  setText(ui.overlay, said);
  const words = { diverged: tx("diverged"), stepAxis: tx("stepAxis"), lossAxis: tx("lossAxis"), gapAxis: tx("gapAxis") };
  draw.paths(ui.paths, sizes.get(ui.paths), bg, surf, runs, S.step, S.start, overlay, colors, words);
  draw.losses(ui.loss, sizes.get(ui.loss), runs, S.steps, S.step, surf.min_value, colors, words);
  ui.step.value = String(S.step);
  ui.step.setAttribute("aria-valuetext", tx("stepOf", { step: S.step, steps: S.steps }));
  const parts = [tx("stepOf", { step: S.step, steps: S.steps })];
  if (!runs.length && !S.error) parts.push(tx("pickOne"));
  for (const run of runs) {
    parts.push(run.diverged_at !== null && S.step >= run.diverged_at ? `${run.name}: ${tx("divergedAt", { step: run.diverged_at })}`
      : tx("lossOf", { name: run.name, loss: num(run.loss[S.step]) }));
  }
  setText(ui.status, parts.join(" · "));
}

// Text set only when it changes: a frame of play then writes nothing the layout must redo.
function setText(e, text) { if (e.textContent !== text) e.textContent = text; }

function aspect(surf) {
  const [[x0, x1], [y0, y1]] = surf.window;
  return Math.min(1, Math.max(0.6, (y1 - y0) / (x1 - x0)));
}

// ---------------------------------------------------------------- play, pointer, keys
let frame = 0;
function play() {
  if (S.step >= S.steps) S.step = 0;
  S.playing = true; ui.play.textContent = tx("pause"); ui.status.setAttribute("aria-live", "off");
  const tick = () => {
    if (!S.playing) return;
    S.step = Math.min(S.steps, S.step + Math.max(1, Math.round(S.steps / 240)));
    render();
    if (S.step >= S.steps) pause(); else frame = requestAnimationFrame(tick);
  };
  frame = requestAnimationFrame(tick);
}
function pause() {
  S.playing = false; cancelAnimationFrame(frame);
  ui.play.textContent = tx("play"); ui.status.setAttribute("aria-live", "polite");
}

function pointer() {
  let dragging = false, pending = null;
  const at = (e) => {
    const r = ui.paths.getBoundingClientRect(), m = draw.mapping(currentSurface(), r.width, r.height);
    return [m.toX(e.clientX - r.left), m.toY(e.clientY - r.top)];
  };
  ui.paths.addEventListener("pointerdown", (e) => {
    dragging = true; ui.paths.setPointerCapture(e.pointerId);
    S.start = at(e); if (!S.playing) S.step = S.steps; update();
  });
  ui.paths.addEventListener("pointermove", (e) => {
    if (!dragging) return;
    pending = at(e);
    requestAnimationFrame(() => { if (pending) { S.start = pending; pending = null; update(); } });
  });
  const end = () => { dragging = false; };
  ui.paths.addEventListener("pointerup", end); ui.paths.addEventListener("pointercancel", end);
}

function keys() {
  ui.paths.addEventListener("keydown", (e) => {
    const d = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, 1], ArrowDown: [0, -1] }[e.key];
    if (!d) return;
    e.preventDefault();
    const [[x0, x1], [y0, y1]] = currentSurface().window, f = e.shiftKey ? 0.1 : 0.02;
    S.start = [S.start[0] + d[0] * f * (x1 - x0), S.start[1] + d[1] * f * (y1 - y0)];
    update();
  });
}

// ---------------------------------------------------------------- surfaces and formulas
// A named surface, or the custom one once its formula compiles (until then the runs on
// screen stay those of the previous surface, and the message says why).
async function setSurface(name, { keepStart = false } = {}) {
  pause();
  ui.customBox.hidden = name !== "custom";
  if (name === "custom") {
    if (!(await ensureCustom(keepStart))) { render(); return; }
  } else message("");
  S.surface = name;
  if (!keepStart) S.start = [...currentSurface().start];
  for (const n in S.chosen) if (!keepStart) S.chosen[n] = defaults(n);
  buildHyper(); bgKey = ""; S.step = S.steps; update();
}

async function ensureCustom(keepStart) {
  if (!math) {
    message(tx("loadingMath"));
    try { math = await importMath(); } catch { message(tx("mathFailed")); return false; }
    message("");
  }
  return compileFormula(ui.formula.value || S.formula, keepStart ? S.start : null);
}

let customModule = null;
function importMath() {
  return import("./custom.js").then((m) => { customModule = m; return m.loadMath(root.dataset.math); });
}

// The formula as the custom surface, checked at the start it will run from.
function compileFormula(text, start) {
  try {
    const surf = customModule.formulaSurface(math, text), g = new Float64Array(2);
    const [x, y] = start || surf.start;
    surf.grad(x, y, g);
    if (!Number.isFinite(surf.value(x, y)) || !Number.isFinite(g[0]) || !Number.isFinite(g[1])) {
      message(tx("notFinite", { x: num(x), y: num(y) })); return false;
    }
    custom = surf; S.formula = text; message(""); bgKey = "";
    return true;
  } catch (err) {
    message(tx("badFormula", { why: err.message })); return false;
  }
}

async function applyFormula() {
  if (!math) { await setSurface("custom"); return; }
  const was = S.surface;
  if (!compileFormula(ui.formula.value, was === "custom" ? S.start : null)) { render(); return; }
  S.surface = "custom";
  if (was !== "custom") { S.start = [...custom.start]; for (const n in S.chosen) S.chosen[n] = defaults(n); buildHyper(); }
  S.step = S.steps; update();
}

// ---------------------------------------------------------------- URL, link, CSV
let urlTimer = 0;
function saveUrl() {
  clearTimeout(urlTimer);
  urlTimer = setTimeout(() => history.replaceState(null, "", encode(S)), 200);
}
function link() { return location.href.split("#")[0] + encode(S); }
async function copyLink() {
  try { await navigator.clipboard.writeText(link()); ui.copied.textContent = tx("copied"); }
  catch { ui.copied.textContent = tx("copyFailed"); }
}
function downloadCsv() {
  const rows = ["optimizer,step,x,y,loss,diverged_at"];
  for (const [name, r] of Object.entries(S.runs)) {
    for (let k = 0; k <= S.steps; k++) {
      rows.push([name, k, r.path[2 * k], r.path[2 * k + 1], r.loss[k], r.diverged_at ?? ""].join(","));
    }
  }
  const a = el("a", { href: URL.createObjectURL(new Blob([rows.join("\n") + "\n"], { type: "text/csv" })),
    download: `explorer-${S.surface}.csv` });
  a.click(); setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

function restore(saved) {
  if (!saved) return;
  if (saved.surface && (NAMES.includes(saved.surface) || saved.surface === "custom")) S.surface = saved.surface;
  if (typeof saved.formula === "string") S.formula = saved.formula;
  if (saved.start && saved.start.every(Number.isFinite)) S.start = saved.start;
  if (Number.isInteger(saved.steps) && saved.steps >= 1 && saved.steps <= 1000) S.steps = saved.steps;
  if (saved.chosen) {
    S.chosen = {};
    for (const [n, h] of Object.entries(saved.chosen)) if (n in KERNELS) S.chosen[n] = { ...defaults(n), ...h };
  }
  if (Number.isFinite(saved.noise) && saved.noise >= 0) S.noise = saved.noise;
  if (Number.isInteger(saved.seed) && saved.seed >= 0) S.seed = saved.seed;
  if (["none", "step", "cosine", "warmup", "onecycle"].includes(saved.scheduleKind)) S.scheduleKind = saved.scheduleKind;
  if (saved.show) S.show = saved.show;
}

// ---------------------------------------------------------------- start
async function main() {
  try {
    const res = await fetch(root.dataset.base + "data/rates.json");
    rates = await res.json();
    for (const [n, v] of Object.entries(rates.surfaces)) {
      const label = v.label[lang] || n;
      surfaceLabels[n] = label.charAt(0).toUpperCase() + label.slice(1);
    }
  } catch { rates = null; S.rateMode = "torch"; }
  const saved = decode(location.hash);
  restore(saved);
  if (!(saved && saved.chosen)) for (const n of DEFAULT) S.chosen[n] = defaults(n);
  const wantCustom = S.surface === "custom";
  if (wantCustom) S.surface = "quadratic";         // until the formula compiles
  if (!S.start) S.start = [...makeSurface(S.surface).start];
  if (wantCustom && !(saved && saved.start)) S.start = [-2.0, 2.0];
  build(); sync();
  if (wantCustom) {
    ui.surface.value = "custom"; ui.customBox.hidden = false;
    if (await ensureCustom(true)) S.surface = "custom";
    else S.start = [...makeSurface(S.surface).start];
  }
  S.step = S.steps;
  const first = currentSurface();
  if (first) shape(first);
  // The first screen's controls paint first, the rest in the next frame; the runs are
  // computed in the next task, the contour image in the one after and the paths drawn in the
  // last, each short. The URL is left as it came: the reader has changed nothing yet.
  await yieldToPaint();
  root.append(...ui.rest);
  await yieldToPaint();
  update({ draw: false });
  await yieldToPaint();
  if (first) background(first);
  await yieldToPaint();
  render();
  state.ready = true;
  // Nothing plays by itself: the reader sees every whole path first, and Play animates them
  // (an autoplay would also keep a phone's CPU busy while the page loads).
}
// The page's text paints first (Lighthouse's first paint, and the reader's); then the explorer.
yieldToPaint().then(main);
