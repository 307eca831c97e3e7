// Render TeX to HTML with the KaTeX that the site ships (node_modules/katex), for the hook.
// One JSON request per line on stdin: [[tex, display], ...]; one JSON list of HTML per line out.
"use strict";
const path = require("path");
const readline = require("readline");
const katex = require(path.join(__dirname, "..", "..", "node_modules", "katex"));

const lines = readline.createInterface({ input: process.stdin });
lines.on("line", (line) => {
  const out = JSON.parse(line).map(([tex, display]) =>
    katex.renderToString(tex, { displayMode: display, throwOnError: false }));
  process.stdout.write(JSON.stringify(out) + "\n");
});
