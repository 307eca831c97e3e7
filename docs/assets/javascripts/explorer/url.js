// The explorer's whole setting in the URL's hash, so that a link reproduces it exactly:
// numbers are written with String(), which round-trips every double.
//   s surface, f formula, x y start, n steps, o optimizers (Name:key=v,key=v;...), noise,
//   seed, sched (none|step|cosine|warmup|onecycle), show (the optimizer whose state is drawn)

export function encode(s) {
  const p = new URLSearchParams();
  p.set("s", s.surface);
  if (s.surface === "custom") p.set("f", s.formula);
  p.set("x", String(s.start[0])); p.set("y", String(s.start[1]));
  p.set("n", String(s.steps));
  p.set("o", Object.entries(s.chosen).map(([name, h]) => `${name}:` +
    Object.entries(h).map(([k, v]) => `${k}=${Array.isArray(v) ? v.join("/") : v}`).join(",")).join(";"));
  if (s.noise > 0) { p.set("noise", String(s.noise)); p.set("seed", String(s.seed)); }
  if (s.scheduleKind !== "none") p.set("sched", s.scheduleKind);
  if (s.show) p.set("show", s.show);
  return "#" + p.toString();
}

// What the hash says, or null for an empty hash; values are checked by the page.
export function decode(hash) {
  if (!hash || hash.length < 2) return null;
  const p = new URLSearchParams(hash.slice(1)), out = {};
  if (p.has("s")) out.surface = p.get("s");
  if (p.has("f")) out.formula = p.get("f");
  if (p.has("x") && p.has("y")) out.start = [Number(p.get("x")), Number(p.get("y"))];
  if (p.has("n")) out.steps = Number(p.get("n"));
  if (p.has("o")) {
    out.chosen = {};
    for (const part of p.get("o").split(";").filter(Boolean)) {
      const [name, rest = ""] = part.split(":");
      const h = {};
      for (const kv of rest.split(",").filter(Boolean)) {
        const [k, v] = kv.split("=");
        h[k] = v.includes("/") ? v.split("/").map(Number) : v === "true" || v === "false" ? v === "true" : Number(v);
      }
      out.chosen[name] = h;
    }
  }
  out.noise = p.has("noise") ? Number(p.get("noise")) : 0;
  out.seed = p.has("seed") ? Number(p.get("seed")) : 0;
  out.scheduleKind = p.get("sched") || "none";
  if (p.has("show")) out.show = p.get("show");
  return out;
}
