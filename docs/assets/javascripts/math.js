// Typeset math with KaTeX, which the site ships (node_modules/katex, added by the hook):
// pymdownx.arithmatex marks formulas with .arithmatex; notebook cells keep $...$ as text.
// The build typesets the formulas already (scripts/site/katex.py), so KaTeX's script (76 KB
// gzipped, and a long task to evaluate) is loaded only on a page that still has math to
// typeset; a page without any (most, and the explorer) never fetches it.
(function () {
  "use strict";
  var here = document.currentScript && document.currentScript.src;
  var base = here ? new URL("../katex/", here).href : null;
  var delimiters = [
    { left: "$$", right: "$$", display: true },
    { left: "\\[", right: "\\]", display: true },
    { left: "\\(", right: "\\)", display: false },
  ];
  var loading = null;

  // KaTeX's files are UMD bundles: where an AMD loader is on the page (nbconvert's notebook
  // pages bring RequireJS), they would register as AMD modules and leave no global, so
  // ``define`` is set aside while they load.
  function script(src) {
    return new Promise(function (resolve, reject) {
      var amd = window.define;
      var s = document.createElement("script");
      s.src = src;
      window.define = undefined;
      s.onload = function () { window.define = amd; resolve(); };
      s.onerror = function () {
        window.define = amd;
        reject(new Error("could not load " + src));
      };
      document.head.appendChild(s);
    });
  }

  function katex() {  // auto-render needs katex first
    if (typeof renderMathInElement === "function") return Promise.resolve();
    if (!loading) {
      loading = script(base + "katex.min.js").then(function () {
        return script(base + "contrib/auto-render.min.js");
      });
    }
    return loading;
  }

  function pending() {
    var math = Array.prototype.filter.call(document.querySelectorAll(".arithmatex"), function (el) {
      return !el.querySelector(".katex");  // typeset at build time
    });
    var cells = Array.prototype.slice.call(
      document.querySelectorAll(".jupyter-wrapper .jp-MarkdownOutput"));
    return { math: math, cells: cells };
  }

  function typeset() {
    var todo = pending();
    if (!todo.math.length && !todo.cells.length) return;
    if (!base) return;
    katex().then(function () {
      todo.math.forEach(function (el) {
        renderMathInElement(el, { delimiters: delimiters, throwOnError: false });
      });
      todo.cells.forEach(function (el) {
        renderMathInElement(el, {
          delimiters: delimiters.concat([{ left: "$", right: "$", display: false }]),
          throwOnError: false,
        });
      });
    });
  }
  if (typeof document$ !== "undefined") {
    document$.subscribe(typeset); // Material's page-load observable
  } else {
    document.addEventListener("DOMContentLoaded", typeset);
  }
})();
