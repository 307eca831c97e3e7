// The optimizer explorer: draws runs that optim_ref computed at build time (scripts/explorer.py).
// Nothing is optimised here. The page's container names the data folder (data-base) and the
// language (data-lang); the manifest lists surfaces, optimizers, their grids and the labels.
// Each surface's runs are one gzipped binary file (<surface>.bin.gz: GitHub Pages would not
// compress a .bin), fetched when the surface is first chosen and unzipped here with
// DecompressionStream; unzipped, it is:
//   int16 diverged_at[R]; then x, y and loss as uint16 [R*T], each delta-coded along a run
//   and split into a low-byte and a high-byte plane. Coordinates 1..65534 map the window,
//   0 and 65535 mean "left the window" (clamped to its edge); loss is asinh((f - ref) / c),
//   linear in the stored value. window.explorerState exposes the selection and drawn paths.
(function () {
  "use strict";
  var root = document.getElementById("optim-explorer");
  if (!root) return;
  var lang = root.dataset.lang || document.documentElement.lang || "en";
  var base = root.dataset.base || "./";
  var reduceMotion = window.matchMedia &&
    window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  var Q_SPAN = 65533, Q_MAX = 65535, STEPS_PER_SECOND = 40, PAPER = "#fbfbf8", INK = "#222";
  var M = null, L = null, surface = null, data = null, image = null, requested = null;
  var loaded = {}; // surface name -> promise of its decoded runs
  var S = { surface: null, on: {}, lr: {}, beta: {}, start: 0, step: 0, playing: false };
  var el = {}, rows = {}, playStarted = 0, playFrom = 0, frame = 0, family = "sans-serif";
  var widths = { paths: 320, loss: 320 }; // CSS pixels, measured on load and on resize
  var state = window.explorerState = { ready: false, timing: { script: performance.now() } };

  function fmt(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, k) { return values[k]; });
  }
  function num(v) {
    var a = Math.abs(v);
    if (v === 0) return "0";
    if (a < 1e-3 || a >= 1e4) return v.toExponential(2).replace("e+", "e");
    return String(Number(v.toPrecision(3)));
  }
  function make(tag, attrs, parent) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") node.textContent = attrs[k];
      else if (k === "className") node.className = attrs[k];
      else node.setAttribute(k, attrs[k]);
    });
    if (parent) parent.appendChild(node);
    return node;
  }

  // --- data -------------------------------------------------------------------------
  function decode(buffer, info) {
    var R = info.runs, T = info.points, N = R * T, bytes = new Uint8Array(buffer);
    if (bytes.length !== 2 * R + 6 * N) throw new Error("explorer data: unexpected size");
    var view = new DataView(buffer), div = new Int16Array(R);
    for (var i = 0; i < R; i++) div[i] = view.getInt16(2 * i, true);
    function plane(offset) {
      var out = new Uint16Array(N);
      for (var r = 0; r < R; r++) {
        var acc = 0;
        for (var t = 0, k = r * T; t < T; t++, k++) {
          acc = (acc + (bytes[offset + k] | (bytes[offset + N + k] << 8))) & 0xffff;
          out[k] = acc;
        }
      }
      return out;
    }
    return { div: div, qx: plane(2 * R), qy: plane(2 * R + 2 * N), ql: plane(2 * R + 4 * N),
             T: T };
  }
  // the file is gzip; a server that labels it Content-Encoding: gzip has the browser unzip it
  // already, so the magic bytes decide whether there is anything left to unzip
  function gunzip(buffer) {
    var head = new Uint8Array(buffer, 0, Math.min(2, buffer.byteLength));
    if (head[0] !== 0x1f || head[1] !== 0x8b) return Promise.resolve(buffer);
    var stream = new Blob([buffer]).stream().pipeThrough(new DecompressionStream("gzip"));
    return new Response(stream).arrayBuffer();
  }
  function load(info) {
    if (!loaded[info.name]) {
      loaded[info.name] = fetch(base + info.data).then(function (r) {
        if (!r.ok) throw new Error(info.data + ": HTTP " + r.status);
        return r.arrayBuffer();
      }).then(gunzip).then(function (buffer) {
        state.timing.data = performance.now();
        return decode(buffer, info);
      });
      loaded[info.name].catch(function () { delete loaded[info.name]; });
    }
    return loaded[info.name];
  }
  function xValue(q) {
    var w = surface.window[0];
    return w[0] + (Math.min(Math.max(q, 1), Q_SPAN + 1) - 1) / Q_SPAN * (w[1] - w[0]);
  }
  function yValue(q) {
    var w = surface.window[1];
    return w[0] + (Math.min(Math.max(q, 1), Q_SPAN + 1) - 1) / Q_SPAN * (w[1] - w[0]);
  }
  function lossS(q) { return surface.lossRange[0] + q / Q_MAX * (surface.lossRange[1] - surface.lossRange[0]); }
  function lossValue(q) { return surface.lossRef + surface.lossScale * Math.sinh(lossS(q)); }
  function runIndex(opt) {
    var nb = opt.beta ? opt.beta.values.length : 1, ns = surface.starts.length;
    return opt.offset + (S.lr[opt.name] * nb + (opt.beta ? S.beta[opt.name] : 0)) * ns + S.start;
  }
  function lastGood(r) { return data.div[r] >= 0 ? Math.max(data.div[r] - 1, 0) : data.T - 1; }

  // --- controls ---------------------------------------------------------------------
  function build() {
    root.textContent = "";
    var controls = make("div", { className: "ox-controls" }, root);
    var surfaceLabel = make("label", { className: "ox-field" }, controls);
    make("span", { text: L.surface }, surfaceLabel);
    el.surface = make("select", { id: "ox-surface" }, surfaceLabel);
    M.surfaces.forEach(function (s) {
      make("option", { value: s.name, text: s.label[lang] }, el.surface);
    });
    el.surface.addEventListener("change", function () { chooseSurface(el.surface.value); });

    var starts = make("fieldset", { className: "ox-starts" }, controls);
    make("legend", { text: L.start }, starts);
    var startRow = make("div", { className: "ox-start-row" }, starts);
    el.starts = [];
    for (var i = 0; i < 4; i++) {
      var label = make("label", { className: "ox-start" }, startRow);
      var radio = make("input", { type: "radio", name: "ox-start", value: String(i),
                                  "aria-label": fmt(L.startN, { n: i + 1 }) }, label);
      make("span", { text: String(i + 1), "aria-hidden": "true" }, label);
      radio.addEventListener("change", function (e) { S.start = +e.target.value; draw(); });
      el.starts.push(radio);
    }

    var player = make("div", { className: "ox-player" }, root);
    el.play = make("button", { type: "button", className: "ox-play" }, player);
    el.play.addEventListener("click", function () { setPlaying(!S.playing); });
    var stepLabel = make("label", { className: "ox-stepfield" }, player);
    make("span", { text: L.step }, stepLabel);
    el.step = make("input", { type: "range", min: "0", max: String(M.steps), step: "1",
                              value: "0", "aria-label": L.step }, stepLabel);
    el.step.addEventListener("input", function () {
      var step = +el.step.value;
      setPlaying(false);
      S.step = step;
      sync();
      draw();
    });
    el.stepOut = make("output", { className: "ox-stepout", "aria-hidden": "true" }, player);

    var figures = make("div", { className: "ox-figures" }, root);
    var pathsFig = make("figure", { className: "ox-figure ox-paths" }, figures);
    el.paths = make("canvas", { role: "img", "aria-label": L.pathsFigure }, pathsFig);
    make("figcaption", { text: L.pathsFigure }, pathsFig);
    el.paths.addEventListener("pointerdown", pickStart);
    var lossFig = make("figure", { className: "ox-figure ox-loss" }, figures);
    el.loss = make("canvas", { role: "img", "aria-label": L.lossFigure }, lossFig);
    el.lossCaption = make("figcaption", {}, lossFig);

    el.status = make("p", { className: "ox-status", role: "status", "aria-live": "polite" }, root);

    var opts = make("fieldset", { className: "ox-optimizers" }, root);
    make("legend", { text: L.optimizers }, opts);
    ["lecture", "after"].forEach(function (group) {
      var box = make("div", { className: "ox-group" }, opts);
      make("p", { className: "ox-group-title", text: L[group] }, box);
      M.optimizers.filter(function (o) { return o.group === group; }).forEach(function (o) {
        rows[o.name] = optimizerRow(o, box);
      });
    });
    el.reset = make("button", { type: "button", className: "ox-reset", text: L.recommended }, root);
    el.reset.addEventListener("click", function () { recommendedRates(); sync(); draw(); });
  }

  function slider(parent, text, max, onInput) {
    var label = make("label", { className: "ox-slider" }, parent);
    var head = make("span", { className: "ox-slider-head" }, label);
    make("span", { text: text }, head);
    var out = make("output", {}, head);
    var input = make("input", { type: "range", min: "0", max: String(max), step: "1" }, label);
    input.addEventListener("input", function () { onInput(+input.value); draw(); });
    return { input: input, out: out };
  }

  function optimizerRow(o, parent) {
    var row = make("div", { className: "ox-opt", "data-name": o.name }, parent);
    var check = make("label", { className: "ox-check" }, row);
    var box = make("input", { type: "checkbox", value: o.name }, check);
    var swatch = make("span", { className: "ox-swatch" + (o.dashed ? " is-dashed" : ""),
                                "aria-hidden": "true" }, check);
    swatch.style.setProperty("--ox-color", o.color);
    make("span", { className: "ox-name", text: o.name === "SGD" ? "GD (SGD)" : o.name }, check);
    var readout = make("span", { className: "ox-readout" }, row);
    var sliders = make("div", { className: "ox-sliders", role: "group",
                                "aria-label": fmt(L.settings, { name: o.name }) }, row);
    var lr = slider(sliders, L.lr, o.lrs.length - 1, function (v) { S.lr[o.name] = v; sync(); });
    lr.input.setAttribute("aria-label", o.name + " " + L.lr);
    var beta = null;
    if (o.beta) {
      beta = slider(sliders, o.beta.label[lang], o.beta.values.length - 1,
                    function (v) { S.beta[o.name] = v; sync(); });
      beta.input.setAttribute("aria-label", o.name + " " + o.beta.label[lang]);
    }
    box.addEventListener("change", function () { S.on[o.name] = box.checked; sync(); draw(); });
    return { row: row, box: box, sliders: sliders, lr: lr, beta: beta, readout: readout };
  }

  function recommendedRates() {
    M.optimizers.forEach(function (o) { S.lr[o.name] = surface.bestLr[o.name]; });
  }

  function sync() {
    el.surface.value = S.surface;
    el.starts.forEach(function (r, i) { r.checked = i === S.start; });
    el.step.max = String(M.steps);
    el.step.value = String(S.step);
    el.stepOut.textContent = fmt(L.stepOf, { step: S.step, steps: M.steps });
    el.step.setAttribute("aria-valuetext", el.stepOut.textContent);
    var playText = S.playing ? L.pause : L.play;
    if (el.play.textContent !== playText) {  // untouched mid-press, so Space still clicks
      el.play.textContent = playText;
      el.play.setAttribute("aria-pressed", S.playing ? "true" : "false");
    }
    M.optimizers.forEach(function (o) {
      var r = rows[o.name], on = !!S.on[o.name];
      r.box.checked = on;
      r.row.classList.toggle("is-on", on);
      r.sliders.hidden = !on;
      var lr = o.lrs[S.lr[o.name]];
      r.lr.input.value = String(S.lr[o.name]);
      r.lr.out.textContent = num(lr);
      r.lr.input.setAttribute("aria-valuetext", num(lr));
      if (r.beta) {
        var b = o.beta.values[S.beta[o.name]];
        r.beta.input.value = String(S.beta[o.name]);
        r.beta.out.textContent = String(b);
        r.beta.input.setAttribute("aria-valuetext", String(b));
      }
    });
  }

  function pickStart(event) {
    if (!surface) return;
    var rect = el.paths.getBoundingClientRect(), best = -1, bestD = 24;
    surface.starts.forEach(function (p, i) {
      var d = Math.hypot(toX(p[0], rect.width) - (event.clientX - rect.left),
                         toY(p[1], rect.height) - (event.clientY - rect.top));
      if (d < bestD) { bestD = d; best = i; }
    });
    if (best >= 0) { S.start = best; sync(); draw(); }
  }

  // --- playing ------------------------------------------------------------------------
  function setPlaying(on) {
    if (on && S.step >= M.steps) S.step = 0;
    S.playing = on;
    cancelAnimationFrame(frame);
    if (on) {
      playStarted = performance.now();
      playFrom = S.step;
      frame = requestAnimationFrame(tick);
    }
    sync();
    draw();  // publishes the new state, and the status line speaks once paused
  }
  function tick(now) {
    // a frame's time can precede the press that started the play: never step backwards
    var elapsed = Math.max(0, now - playStarted);
    var step = Math.min(M.steps, playFrom + Math.floor(elapsed * STEPS_PER_SECOND / 1000));
    if (step !== S.step) { S.step = step; sync(); draw(); }
    if (step >= M.steps) { setPlaying(false); return; }
    frame = requestAnimationFrame(tick);
  }

  // --- drawing ------------------------------------------------------------------------
  function toX(v, width) {
    var w = surface.window[0];
    return (v - w[0]) / (w[1] - w[0]) * width;
  }
  function toY(v, height) {
    var w = surface.window[1];
    return height - (v - w[0]) / (w[1] - w[0]) * height;
  }
  function measure() {
    widths.paths = el.paths.parentNode.clientWidth || 320;
    widths.loss = el.loss.parentNode.clientWidth || 320;
  }
  function fit(canvas, width, height) {
    var ratio = window.devicePixelRatio || 1;
    if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height(width) * ratio)) {
      canvas.width = Math.round(width * ratio);
      canvas.height = Math.round(height(width) * ratio);
      canvas.style.height = height(width) + "px";
    }
    var ctx = canvas.getContext("2d");
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    return { ctx: ctx, w: width, h: height(width) };
  }
  function font(size) { return size + "px " + family; }
  function cross(ctx, x, y, r) {
    ctx.beginPath();
    ctx.moveTo(x - r, y - r); ctx.lineTo(x + r, y + r);
    ctx.moveTo(x + r, y - r); ctx.lineTo(x - r, y + r);
    ctx.stroke();
  }
  function star(ctx, x, y, r) {
    ctx.beginPath();
    for (var i = 0; i < 10; i++) {
      var a = -Math.PI / 2 + i * Math.PI / 5, rr = i % 2 ? r * 0.45 : r;
      ctx[i ? "lineTo" : "moveTo"](x + rr * Math.cos(a), y + rr * Math.sin(a));
    }
    ctx.closePath();
    ctx.fill(); ctx.stroke();
  }
  function tag(ctx, text, x, y, w, h, color) {
    ctx.font = font(12);
    var tw = ctx.measureText(text).width + 8;
    var tx = Math.min(Math.max(x + 8, 2), w - tw - 2), ty = Math.min(Math.max(y - 20, 2), h - 18);
    ctx.fillStyle = "rgba(255,255,255,0.9)";
    ctx.fillRect(tx, ty, tw, 16);
    ctx.strokeStyle = color; ctx.lineWidth = 1; ctx.setLineDash([]);
    ctx.strokeRect(tx, ty, tw, 16);
    ctx.fillStyle = INK;
    ctx.fillText(text, tx + 4, ty + 12);
  }
  function selected() {
    return M.optimizers.filter(function (o) { return S.on[o.name]; });
  }

  function drawPaths(shown) {
    var size = surface.imageSize;
    var f = fit(el.paths, widths.paths, function (w) { return w * size[1] / size[0]; });
    var ctx = f.ctx, w = f.w, h = f.h, T = data ? data.T : 0;
    ctx.fillStyle = PAPER;
    ctx.fillRect(0, 0, w, h);
    if (image && image.complete && image.naturalWidth) ctx.drawImage(image, 0, 0, w, h);
    ctx.lineWidth = 1; ctx.strokeStyle = "#fff"; ctx.fillStyle = "#333"; ctx.setLineDash([]);
    surface.minima.forEach(function (m) { star(ctx, toX(m[0], w), toY(m[1], h), 8); });
    shown.forEach(function (item) { drawRun(ctx, item, w, h, T); });
    ctx.font = font(11);
    surface.starts.forEach(function (p, i) {
      var x = toX(p[0], w), y = toY(p[1], h), here = i === S.start;
      ctx.beginPath(); ctx.arc(x, y, 8, 0, 2 * Math.PI);
      ctx.fillStyle = here ? INK : "rgba(255,255,255,0.85)"; ctx.fill();
      ctx.strokeStyle = INK; ctx.lineWidth = 1; ctx.stroke();
      ctx.fillStyle = here ? "#fff" : INK;
      ctx.textAlign = "center"; ctx.textBaseline = "middle";
      ctx.fillText(String(i + 1), x, y + 0.5);
    });
    ctx.textAlign = "start"; ctx.textBaseline = "alphabetic";
    shown.forEach(function (item) { drawHead(ctx, item, w, h); });
  }

  function drawRun(ctx, item, w, h, T) {
    var o = item.opt, r = item.run, end = Math.min(S.step, item.last), k0 = r * T;
    ctx.strokeStyle = o.color; ctx.lineWidth = 2; ctx.lineJoin = "round";
    ctx.setLineDash(o.dashed ? [6, 3] : []);
    ctx.beginPath();
    for (var t = 0; t <= end; t++) {
      var x = (Math.min(Math.max(data.qx[k0 + t], 1), Q_SPAN + 1) - 1) / Q_SPAN * w;
      var y = h - (Math.min(Math.max(data.qy[k0 + t], 1), Q_SPAN + 1) - 1) / Q_SPAN * h;
      if (t === 0) ctx.moveTo(x, y); else ctx.lineTo(x, y);
    }
    ctx.stroke();
    ctx.setLineDash([]);
  }

  // where each run is now: a dot, hollow outside the window; an x and a tag once diverged
  function drawHead(ctx, item, w, h) {
    var o = item.opt, px = item.points[item.points.length - 1];
    var cx = toX(px[0], w), cy = toY(px[1], h);
    if (item.shownDiverged) {
      ctx.strokeStyle = "#fff"; ctx.lineWidth = 5; cross(ctx, cx, cy, 7);
      ctx.strokeStyle = o.color; ctx.lineWidth = 3; cross(ctx, cx, cy, 7);
      tag(ctx, o.name + " " + L.diverged, cx, cy, w, h, o.color);
    } else {
      ctx.beginPath(); ctx.arc(cx, cy, 5, 0, 2 * Math.PI);
      ctx.fillStyle = item.outside ? "#fff" : o.color; ctx.fill();
      ctx.strokeStyle = item.outside ? o.color : "#fff"; ctx.lineWidth = 2; ctx.stroke();
    }
  }

  function tickText(e) {
    var k = Math.round(Math.log10(Math.abs(e))), sign = e < 0 ? "-" : "";
    return k >= -2 && k <= 3 ? String(e) : sign + "1e" + k;
  }
  function lossTicks(lo, hi) {
    var ticks = [], c = surface.lossScale;
    for (var k = -12; k <= 12; k++) {
      [1, -1].forEach(function (sign) {
        var e = sign * Math.pow(10, k), s = Math.asinh(e / c);
        // above a minimum, the gap is never below 0; keep the ticks clear of 0's label
        if (surface.hasMinimum && sign < 0) return;
        if (s >= lo && s <= hi && Math.abs(e) >= 10 * c) ticks.push({ s: s, text: tickText(e) });
      });
    }
    if (lo <= 0 && hi >= 0) ticks.push({ s: 0, text: "0" });
    ticks.sort(function (a, b) { return a.s - b.s; });
    var every = Math.ceil(ticks.length / 6);
    return ticks.filter(function (_, i) { return i % every === 0; });
  }

  function drawLoss(shown) {
    var f = fit(el.loss, widths.loss, function (w) { return Math.max(180, Math.min(w * 0.75, 340)); });
    var ctx = f.ctx, w = f.w, h = f.h, T = data ? data.T : 0, left = 52, right = 10, top = 10, bottom = 30;
    var pw = w - left - right, ph = h - top - bottom, lo = Infinity, hi = -Infinity;
    shown.forEach(function (item) {
      for (var t = 0; t <= item.last; t++) {
        var s = lossS(data.ql[item.run * T + t]);
        if (s < lo) lo = s;
        if (s > hi) hi = s;
      }
    });
    if (!isFinite(lo)) { lo = surface.lossRange[0]; hi = surface.lossRange[1]; }
    if (hi - lo < 1e-9) { lo -= 0.5; hi += 0.5; }
    var pad = (hi - lo) * 0.05;
    lo -= pad; hi += pad;
    function X(t) { return left + t / M.steps * pw; }
    function Y(s) { return top + (hi - s) / (hi - lo) * ph; }
    ctx.fillStyle = PAPER; ctx.fillRect(0, 0, w, h);
    ctx.strokeStyle = "#b9bcc2"; ctx.lineWidth = 1; ctx.setLineDash([]);
    ctx.strokeRect(left, top, pw, ph);
    ctx.font = font(11); ctx.fillStyle = INK; ctx.textBaseline = "middle"; ctx.textAlign = "right";
    lossTicks(lo, hi).forEach(function (tk) {
      var y = Y(tk.s);
      ctx.strokeStyle = "#e1e3e6"; ctx.beginPath(); ctx.moveTo(left, y); ctx.lineTo(left + pw, y); ctx.stroke();
      ctx.fillText(tk.text, left - 4, y);
    });
    ctx.textAlign = "center"; ctx.textBaseline = "top";
    [0, 50, 100, 150, 200, 250, 300].filter(function (t) { return t <= M.steps; }).forEach(function (t) {
      ctx.fillText(String(t), X(t), top + ph + 4);
    });
    ctx.fillText(L.step, left + pw / 2, top + ph + 16);
    ctx.textAlign = "start"; ctx.textBaseline = "alphabetic";
    ctx.strokeStyle = "rgba(0,0,0,0.35)"; ctx.setLineDash([2, 3]);
    ctx.beginPath(); ctx.moveTo(X(S.step), top); ctx.lineTo(X(S.step), top + ph); ctx.stroke();
    shown.forEach(function (item) {
      var o = item.opt, k0 = item.run * T;
      [[item.last, 0.25], [Math.min(S.step, item.last), 1]].forEach(function (pass) {
        ctx.globalAlpha = pass[1];
        ctx.strokeStyle = o.color; ctx.lineWidth = 2; ctx.setLineDash(o.dashed ? [6, 3] : []);
        ctx.beginPath();
        for (var t = 0; t <= pass[0]; t++) {
          var y = Y(lossS(data.ql[k0 + t]));
          if (t === 0) ctx.moveTo(X(t), y); else ctx.lineTo(X(t), y);
        }
        ctx.stroke();
      });
      ctx.globalAlpha = 1; ctx.setLineDash([]);
      if (item.shownDiverged) {
        var x = X(item.last), y = Y(lossS(data.ql[k0 + item.last]));
        ctx.strokeStyle = o.color; ctx.lineWidth = 3; cross(ctx, x, y, 6);
        tag(ctx, fmt(L.divergedAt, { step: item.divergedAt }), x - 40, y, w, h, o.color);
      }
    });
  }

  function describe(o) {
    var r = runIndex(o), last = lastGood(r), end = Math.min(S.step, last), T = data.T;
    var points = [];
    for (var t = 0; t <= end; t++) {
      points.push([xValue(data.qx[r * T + t]), yValue(data.qy[r * T + t])]);
    }
    var qx = data.qx[r * T + end], qy = data.qy[r * T + end];
    var div = data.div[r];
    return {
      opt: o, run: r, last: last, points: points, diverged: div >= 0, divergedAt: div,
      shownDiverged: div >= 0 && S.step >= div,
      outside: qx === 0 || qx === Q_MAX || qy === 0 || qy === Q_MAX,
      loss: lossValue(data.ql[r * T + end]),
    };
  }

  function draw() {
    if (!surface) return;
    var started = performance.now();
    el.lossCaption.textContent = surface.hasMinimum ? L.lossGap : L.lossSym;
    if (!data) {  // the first surface's data is on its way: contours, starts and axes now
      drawPaths([]);
      drawLoss([]);
      return;
    }
    var shown = selected().map(describe);
    drawPaths(shown);
    drawLoss(shown);
    var words = [];
    M.optimizers.forEach(function (o) {
      rows[o.name].readout.textContent = "";
      rows[o.name].row.classList.remove("is-diverged");
    });
    shown.forEach(function (item) {
      var row = rows[item.opt.name], text;
      if (item.shownDiverged) {
        text = fmt(L.divergedAt, { step: item.divergedAt });
        row.row.classList.add("is-diverged");
      } else {
        text = L.loss + " " + num(item.loss) + (item.outside ? " · " + L.outside : "");
      }
      row.readout.textContent = text;
      words.push(item.shownDiverged ? item.opt.name + ": " + text
        : fmt(L.summary, { name: item.opt.name, step: Math.min(S.step, item.last), loss: num(item.loss) }));
    });
    // the live region speaks when the picture stands still, not at every frame of a play
    if (!S.playing) el.status.textContent = shown.length ? words.join(" · ") : L.none;
    publish(shown, performance.now() - started);
  }

  function publish(shown, ms) {
    var paths = {};
    shown.forEach(function (item) {
      paths[item.opt.name] = {
        points: item.points, diverged: item.diverged, divergedAt: item.divergedAt,
        shownDiverged: item.shownDiverged, outside: item.outside, loss: item.loss,
      };
    });
    var lr = {}, beta = {};
    selected().forEach(function (o) {
      lr[o.name] = o.lrs[S.lr[o.name]];
      beta[o.name] = o.beta ? o.beta.values[S.beta[o.name]] : null;
    });
    state.surface = S.surface;
    state.optimizers = selected().map(function (o) { return o.name; });
    state.lr = lr;
    state.beta = beta;
    state.start = S.start;
    state.step = S.step;
    state.steps = M.steps;
    state.playing = S.playing;
    state.paths = paths;
    state.lastDrawMs = ms;
    state.draws = (state.draws || 0) + 1;
  }

  // --- surfaces -----------------------------------------------------------------------
  function chooseSurface(name) {
    var info = M.surfaces.filter(function (s) { return s.name === name; })[0];
    requested = name;
    el.status.textContent = L.loading;
    if (!data) {  // nothing drawn yet: show this surface's contours while its runs load
      surface = info;
      showBackground(info);
      sync();
      measure();
      draw();
    }
    // the fetch starts after that picture is painted, so the page is seen before the data
    return afterPaint().then(function () { return load(info); }).then(function (decoded) {
      if (requested !== name) return;
      state.timing.decoded = performance.now();
      surface = info; data = decoded; S.surface = name; S.start = 0;
      recommendedRates();
      showBackground(info);
      S.step = reduceMotion ? M.steps : 0;
      sync();
      measure();
      state.timing.measured = performance.now();
      draw();
      if (!reduceMotion) setPlaying(true);
    }).catch(function (err) {
      el.status.textContent = L.loadError + " (" + err.message + ")";
      el.surface.value = S.surface || name;
    });
  }

  function showBackground(info) {
    if (image && image.dataset.surface === info.name) return;
    image = new Image();
    image.dataset.surface = info.name;
    image.onload = draw;
    image.src = base + info.image;
  }
  function afterPaint() {
    return new Promise(function (resolve) {
      requestAnimationFrame(function () { setTimeout(resolve, 0); });
    });
  }

  fetch(base + "data/manifest.json").then(function (r) {
    if (!r.ok) throw new Error("manifest: HTTP " + r.status);
    return r.json();
  }).then(function (manifest) {
    state.timing.manifest = performance.now();
    M = manifest;
    L = M.labels[lang] || M.labels.en;
    M.optimizers.forEach(function (o) {
      S.on[o.name] = M.defaultOptimizers.indexOf(o.name) >= 0;
      S.lr[o.name] = Math.floor(o.lrs.length / 2);
      if (o.beta) S.beta[o.name] = o.beta.default;
    });
    build();
    family = getComputedStyle(root).fontFamily || family;
    S.surface = M.first;
    return chooseSurface(M.first);
  }).then(function () {
    state.ready = true;
    state.readyAt = performance.now();
    root.dataset.ready = "true";
    var width = root.clientWidth;
    if (window.ResizeObserver) {
      new ResizeObserver(function () {
        if (root.clientWidth !== width) { width = root.clientWidth; measure(); draw(); }
      }).observe(root);
    }
  }).catch(function (err) {
    root.textContent = (L ? L.loadError : "The explorer's data could not be loaded") + ": " + err.message;
  });
})();
