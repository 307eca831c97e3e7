// Cut a stylesheet to the rules a page's markup uses, with PurgeCSS (npm), for the hook.
// stdin: one JSON object {html, css}; stdout: the kept CSS.
import { PurgeCSS } from "purgecss";

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => { input += chunk; });
process.stdin.on("end", async () => {
  const { html, css } = JSON.parse(input);
  const [result] = await new PurgeCSS().purge({
    content: [{ raw: html, extension: "html" }],
    css: [{ raw: css }],
    variables: true,  // custom properties that no kept rule reads go too
    keyframes: true,
    fontFace: true,
  });
  process.stdout.write(result.css);
});
