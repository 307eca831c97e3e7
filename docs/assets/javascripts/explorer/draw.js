// The explorer's two pictures on canvases: the paths over the surface's contours (the
// background computed from the surface itself, banded on a log scale of the loss) and the
// loss against step with axes and ticks. Pure drawing: the page passes what to draw.

import { num } from "./text.js";

// a run's colour when the build's table (rates.json) could not be read
export const FALLBACK = "#888888";

const BANDS = 14;

export function ink() {
  const css = getComputedStyle(document.body);
  const get = (name, fallback) => css.getPropertyValue(name).trim() || fallback;
  const dark = document.body.getAttribute("data-md-color-scheme") === "slate";
  return { fg: get("--md-default-fg-color", "#000"), muted: get("--md-default-fg-color--light", "#666"),
    bg: get("--md-default-bg-color", "#fff"), dark,
    low: dark ? [30, 34, 46] : [255, 255, 255], high: dark ? [70, 90, 125] : [180, 195, 211] };
}

// The contour background: the loss on a coarse grid, in BANDS bands of log(loss - min).
export function background(surface, width, height, colors) {
  const c = document.createElement("canvas");
  c.width = width; c.height = height;
  const ctx = c.getContext("2d"), img = ctx.createImageData(width, height);
  const [[x0, x1], [y0, y1]] = surface.window, vals = new Float64Array(width * height);
  let lo = Infinity, hi = -Infinity;
  for (let j = 0; j < height; j++) {
    for (let i = 0; i < width; i++) {
      const v = surface.value(x0 + (i + 0.5) / width * (x1 - x0), y1 - (j + 0.5) / height * (y1 - y0));
      vals[j * width + i] = v;
      if (Number.isFinite(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
    }
  }
  const scale = (v) => Math.log1p((v - lo) / ((hi - lo) * 1e-3 || 1));
  const top = scale(hi) || 1;
  for (let k = 0; k < vals.length; k++) {
    const v = vals[k], band = Number.isFinite(v) ? Math.min(BANDS - 1, Math.floor(scale(v) / top * BANDS)) : BANDS - 1;
    const f = band / (BANDS - 1);
    for (let ch = 0; ch < 3; ch++) img.data[4 * k + ch] = colors.low[ch] + f * (colors.high[ch] - colors.low[ch]);
    img.data[4 * k + 3] = 255;
  }
  ctx.putImageData(img, 0, 0);
  return c;
}

// The canvas's backing store at the device's pixels for its CSS size `r` (from the page's
// ResizeObserver: reading the layout here on every frame would force a layout each time).
export function fit(canvas, r) {
  const dpr = window.devicePixelRatio || 1;
  const w = Math.max(1, Math.round(r.width * dpr)), h = Math.max(1, Math.round(r.height * dpr));
  if (canvas.width !== w || canvas.height !== h) { canvas.width = w; canvas.height = h; }
  const ctx = canvas.getContext("2d");
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  return { ctx, w: r.width, h: r.height };
}

// Window coordinates <-> CSS pixels of the paths canvas.
export function mapping(surface, w, h) {
  const [[x0, x1], [y0, y1]] = surface.window;
  return {
    px: (x) => (x - x0) / (x1 - x0) * w, py: (y) => (y1 - y) / (y1 - y0) * h,
    toX: (px) => x0 + px / w * (x1 - x0), toY: (py) => y1 - py / h * (y1 - y0),
  };
}

function cross(ctx, x, y, r) {
  ctx.beginPath(); ctx.moveTo(x - r, y - r); ctx.lineTo(x + r, y + r);
  ctx.moveTo(x + r, y - r); ctx.lineTo(x - r, y + r); ctx.stroke();
}

function star(ctx, x, y, r) {
  ctx.beginPath();
  for (let i = 0; i < 10; i++) {
    const a = -Math.PI / 2 + i * Math.PI / 5, rr = i % 2 ? r * 0.45 : r;
    ctx.lineTo(x + rr * Math.cos(a), y + rr * Math.sin(a));
  }
  ctx.closePath(); ctx.fill();
}

function arrow(ctx, x0, y0, x1, y1) {
  const a = Math.atan2(y1 - y0, x1 - x0), h = 8;
  ctx.beginPath(); ctx.moveTo(x0, y0); ctx.lineTo(x1, y1);
  ctx.lineTo(x1 - h * Math.cos(a - 0.4), y1 - h * Math.sin(a - 0.4));
  ctx.moveTo(x1, y1); ctx.lineTo(x1 - h * Math.cos(a + 0.4), y1 - h * Math.sin(a + 0.4));
  ctx.stroke();
}

// runs: [{name, color, path (Float64Array), diverged_at}], step: the step shown.
export function paths(canvas, size, bg, surface, runs, step, start, overlay, colors, words) {
  const { ctx, w, h } = fit(canvas, size), m = mapping(surface, w, h);
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(bg, 0, 0, w, h);
  ctx.fillStyle = colors.dark ? "#eee" : "#333";
  for (const [x, y] of surface.minima) star(ctx, m.px(x), m.py(y), 7);
  const clampX = (v) => Math.max(2, Math.min(w - 2, v)), clampY = (v) => Math.max(2, Math.min(h - 2, v));
  for (const r of runs) {
    const last = r.diverged_at === null ? step : Math.min(step, r.diverged_at - 1);
    ctx.strokeStyle = r.color; ctx.lineWidth = 2; ctx.setLineDash(r.dashed ? [6, 3] : []);
    ctx.beginPath();
    for (let t = 0; t <= last; t++) ctx.lineTo(m.px(r.path[2 * t]), m.py(r.path[2 * t + 1]));
    ctx.stroke(); ctx.setLineDash([]);
    const x = m.px(r.path[2 * last]), y = m.py(r.path[2 * last + 1]);
    ctx.fillStyle = r.color;
    if (r.diverged_at !== null && step >= r.diverged_at) {
      ctx.lineWidth = 3; cross(ctx, clampX(x), clampY(y), 7);
      ctx.font = "12px sans-serif"; ctx.fillText(words.diverged, clampX(x) + 9, clampY(y) - 6);
    } else {
      ctx.beginPath(); ctx.arc(clampX(x), clampY(y), 5, 0, 2 * Math.PI); ctx.fill();
    }
  }
  if (overlay && overlay.arrow) {
    const [ax, ay, bx, by] = overlay.arrow;
    ctx.strokeStyle = colors.fg; ctx.lineWidth = 2.5;
    arrow(ctx, m.px(ax), m.py(ay), m.px(bx), m.py(by));
  }
  if (overlay && overlay.sizes) {
    const [cx, cy, sx, sy] = overlay.sizes, k = overlay.scale;
    ctx.strokeStyle = colors.fg; ctx.lineWidth = 1.5;
    ctx.strokeRect(m.px(cx) - sx * k, m.py(cy) - sy * k, 2 * sx * k, 2 * sy * k);
  }
  ctx.strokeStyle = colors.fg; ctx.fillStyle = colors.bg; ctx.lineWidth = 2;
  ctx.beginPath(); ctx.arc(m.px(start[0]), m.py(start[1]), 7, 0, 2 * Math.PI); ctx.fill(); ctx.stroke();
}

function ticks(lo, hi, n) {
  const span = hi - lo || 1, raw = span / n, mag = 10 ** Math.floor(Math.log10(raw));
  const stepv = [1, 2, 5, 10].map((f) => f * mag).find((s) => s >= raw);
  const out = [];
  for (let v = Math.ceil(lo / stepv) * stepv; v <= hi + 1e-9 * span; v += stepv) out.push(v);
  return out;
}

// Loss against step: log of (loss - minimum) where the surface has a finite minimum.
export function losses(canvas, size, runs, steps, step, minValue, colors, words) {
  const { ctx, w, h } = fit(canvas, size);
  const L = 52, R = 10, T = 10, B = 34, pw = w - L - R, ph = h - T - B;
  const useLog = Number.isFinite(minValue);
  const f = (v) => (useLog ? Math.log10(Math.max(v - minValue, 1e-16)) : v);
  let lo = Infinity, hi = -Infinity;
  for (const r of runs) {
    const n = r.diverged_at === null ? steps : r.diverged_at - 1;
    for (let t = 0; t <= n; t++) { const v = f(r.loss[t]); if (Number.isFinite(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); } }
  }
  if (!Number.isFinite(lo)) { lo = 0; hi = 1; }
  if (hi - lo < 1e-12) { lo -= 0.5; hi += 0.5; }
  const X = (t) => L + t / Math.max(1, steps) * pw, Y = (v) => T + (hi - v) / (hi - lo) * ph;
  ctx.clearRect(0, 0, w, h);
  ctx.strokeStyle = colors.muted; ctx.fillStyle = colors.fg; ctx.lineWidth = 1;
  ctx.font = "11px sans-serif"; ctx.textAlign = "right"; ctx.textBaseline = "middle";
  for (const v of ticks(lo, hi, 4)) {
    ctx.beginPath(); ctx.moveTo(L - 4, Y(v)); ctx.lineTo(L, Y(v)); ctx.stroke();
    ctx.fillText(useLog ? `1e${Math.round(v * 10) / 10}` : num(v), L - 6, Y(v));
  }
  ctx.textAlign = "center"; ctx.textBaseline = "top";
  for (const t of ticks(0, steps, 4)) {
    ctx.beginPath(); ctx.moveTo(X(t), T + ph); ctx.lineTo(X(t), T + ph + 4); ctx.stroke();
    ctx.fillText(String(Math.round(t)), X(t), T + ph + 6);
  }
  ctx.beginPath(); ctx.moveTo(L, T); ctx.lineTo(L, T + ph); ctx.lineTo(L + pw, T + ph); ctx.stroke();
  ctx.fillText(words.stepAxis, L + pw / 2, T + ph + 20);
  ctx.save(); ctx.translate(11, T + ph / 2); ctx.rotate(-Math.PI / 2);
  ctx.textBaseline = "middle"; ctx.fillText(useLog ? words.gapAxis : words.lossAxis, 0, 0); ctx.restore();
  for (const r of runs) {
    const n = r.diverged_at === null ? steps : r.diverged_at - 1;
    ctx.strokeStyle = r.color; ctx.lineWidth = 1.8; ctx.setLineDash(r.dashed ? [6, 3] : []);
    ctx.beginPath();
    for (let t = 0; t <= n; t++) ctx.lineTo(X(t), Y(Math.min(hi, Math.max(lo, f(r.loss[t])))));
    ctx.stroke(); ctx.setLineDash([]);
    if (r.diverged_at !== null) { ctx.lineWidth = 2.5; cross(ctx, X(r.diverged_at), Y(Math.min(hi, Math.max(lo, f(r.loss[n])))), 5); }
  }
  ctx.strokeStyle = colors.fg; ctx.setLineDash([3, 3]); ctx.lineWidth = 1;
  ctx.beginPath(); ctx.moveTo(X(step), T); ctx.lineTo(X(step), T + ph); ctx.stroke(); ctx.setLineDash([]);
}
