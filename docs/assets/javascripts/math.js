// Typeset math with KaTeX, which the site ships (node_modules/katex, added by the hook):
// pymdownx.arithmatex marks formulas with .arithmatex; notebook cells keep $...$ as text.
(function () {
  "use strict";
  var delimiters = [
    { left: "$$", right: "$$", display: true },
    { left: "\\[", right: "\\]", display: true },
    { left: "\\(", right: "\\)", display: false },
  ];
  function typeset() {
    if (typeof renderMathInElement !== "function") return;
    document.querySelectorAll(".arithmatex").forEach(function (el) {
      if (el.querySelector(".katex")) return; // typeset at build time (scripts/katex_ssr.py)
      renderMathInElement(el, { delimiters: delimiters, throwOnError: false });
    });
    document.querySelectorAll(".jupyter-wrapper .jp-MarkdownOutput").forEach(function (el) {
      renderMathInElement(el, {
        delimiters: delimiters.concat([{ left: "$", right: "$", display: false }]),
        throwOnError: false,
      });
    });
  }
  if (typeof document$ !== "undefined") {
    document$.subscribe(typeset); // Material's page-load observable
  } else {
    document.addEventListener("DOMContentLoaded", typeset);
  }
})();
