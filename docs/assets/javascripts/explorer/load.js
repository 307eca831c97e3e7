// Starts the explorer once the page has loaded. Fetched beside the stylesheets, its twelve
// modules made the page's text wait on a slow connection (Lighthouse counts every request that
// ends before the largest text paints against that paint). They are announced together
// (modulepreload), so they arrive in parallel, not one import level after another.
(() => {
  const base = new URL(".", document.currentScript.src);
  const MODULES = ["hyper", "optimizers", "surfaces", "noise", "run", "schedules", "kernels",
    "compute", "text", "draw", "url", "page"];
  function start() {
    for (const name of MODULES) {
      const link = document.createElement("link");
      link.rel = "modulepreload";
      link.href = new URL(`${name}.js`, base).href;
      document.head.append(link);
    }
    import(new URL("page.js", base).href);
  }
  if (document.readyState === "complete") start();
  else addEventListener("load", start, { once: true });
})();
