/* Glossary tooltips: show a term's definition on hover, keyboard focus or tap.
 *
 * scripts/content/tooltips.py wraps the first use of each term in
 * <span class="optim-term" tabindex="0" data-definition="..." aria-describedby="optim-term-def-ID">.
 * Here each definition also becomes a hidden element with that id, so screen readers announce
 * it on focus, and one shared visible tooltip follows the term being hovered, focused or tapped.
 * Escape closes it.
 */
(function () {
  "use strict";
  var tip = null;
  var current = null;

  function tooltip() {
    if (!tip) {
      tip = document.createElement("div");
      tip.className = "optim-tooltip";
      tip.id = "optim-tooltip";
      tip.setAttribute("role", "tooltip");
      tip.hidden = true;
      document.body.appendChild(tip);
    }
    return tip;
  }

  function describe(terms) {
    var holder = document.querySelector(".optim-term-defs");
    if (!holder) {
      holder = document.createElement("div");
      holder.className = "optim-term-defs";
      holder.hidden = true;
      document.body.appendChild(holder);
    }
    terms.forEach(function (term) {
      var id = term.getAttribute("aria-describedby");
      if (id && !document.getElementById(id)) {
        var def = document.createElement("span");
        def.id = id;
        def.textContent = term.getAttribute("data-definition");
        holder.appendChild(def);
      }
    });
  }

  function place(term) {
    var box = tooltip();
    var rect = term.getBoundingClientRect();
    var margin = 8;
    box.style.left = "0px";
    box.style.top = "0px";
    box.hidden = false;
    var width = box.offsetWidth;
    var height = box.offsetHeight;
    var left = rect.left + window.scrollX;
    var maxLeft = window.scrollX + document.documentElement.clientWidth - width - margin;
    left = Math.max(window.scrollX + margin, Math.min(left, maxLeft));
    var below = rect.bottom + window.scrollY + 6;
    var above = rect.top + window.scrollY - height - 6;
    var fitsBelow = rect.bottom + height + 6 < window.innerHeight;
    box.style.left = left + "px";
    box.style.top = (fitsBelow || above < window.scrollY ? below : above) + "px";
  }

  function show(term) {
    var box = tooltip();
    current = term;
    box.textContent = term.getAttribute("data-definition");
    term.setAttribute("aria-expanded", "true");
    place(term);
  }

  function hide() {
    if (current) current.removeAttribute("aria-expanded");
    current = null;
    if (tip) tip.hidden = true;
  }

  function termOf(node) {
    return node && node.closest ? node.closest(".optim-term") : null;
  }

  function init() {
    var terms = Array.prototype.slice.call(document.querySelectorAll(".optim-term"));
    if (!terms.length) return;
    describe(terms);
    document.addEventListener("mouseover", function (e) {
      var term = termOf(e.target);
      if (term && term !== current) show(term);
    });
    document.addEventListener("mouseout", function (e) {
      var term = termOf(e.target);
      if (term && term === current && !term.contains(e.relatedTarget) &&
          document.activeElement !== term) hide();
    });
    document.addEventListener("focusin", function (e) {
      var term = termOf(e.target);
      if (term) show(term); else hide();
    });
    document.addEventListener("focusout", function (e) {
      if (termOf(e.target) === current) hide();
    });
    document.addEventListener("click", function (e) {
      var term = termOf(e.target);
      if (!term) { hide(); return; }
      if (term === current && !tip.hidden && document.activeElement !== term) hide();
      else { term.focus({ preventScroll: true }); show(term); }
    });
    document.addEventListener("keydown", function (e) {
      if (e.key === "Escape" && current) hide();
    });
    window.addEventListener("resize", function () { if (current) place(current); });
  }

  if (typeof document$ !== "undefined" && document$.subscribe) {
    document$.subscribe(function () { hide(); init(); });
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
