// A surface typed by the reader: parsed and differentiated by math.js (mathjs on npm, a
// well-kept parser with symbolic derivatives), loaded only when the reader opens this option.
// The result has the shape of surfaces.js's surfaces, so run.js and the drawing take it as is.

const WINDOW = [[-3.0, 3.0], [-3.0, 3.0]];
let loading = null;

// math.js ships a UMD bundle (no ES module build for the browser), so it comes in as a script.
export function loadMath(src) {
  if (!loading) {
    loading = new Promise((resolve, reject) => {
      const el = document.createElement("script");
      el.src = src;
      el.onload = () => resolve(window.math);
      el.onerror = () => { loading = null; reject(new Error("math.js did not load")); };
      document.head.appendChild(el);
    });
  }
  return loading;
}

function box(scale) {
  return WINDOW.map(([lo, hi]) => [(lo + hi) / 2 - scale * (hi - lo) / 2,
    (lo + hi) / 2 + scale * (hi - lo) / 2]);
}

// The formula as a surface, or an Error whose message says why not (math.js's own words).
export function formulaSurface(math, formula) {
  const node = math.parse(formula);
  const free = new Set(node.filter((n) => n.isSymbolNode && !(n.name in math)).map((n) => n.name));
  for (const name of free) {
    if (name !== "x" && name !== "y") throw new Error(`unknown name '${name}'`);
  }
  const f = node.compile(), fx = math.derivative(node, "x").compile();
  const fy = math.derivative(node, "y").compile();
  const scope = { x: 0, y: 0 };
  const at = (code, x, y) => { scope.x = x; scope.y = y; const v = code.evaluate(scope); return typeof v === "number" ? v : NaN; };
  return {
    name: "custom", formula, params: {}, window: WINDOW, start: [-2.0, 2.0], minima: [],
    min_value: -Infinity, box: (scale = 10.0) => box(scale),
    value: (x, y) => at(f, x, y),
    grad(x, y, out) { out[0] = at(fx, x, y); out[1] = at(fy, x, y); },
  };
}
