// Play and pause for the site's animations. Pausing draws the GIF's current frame onto a
// canvas laid over it (an <img> cannot stop a GIF); playing removes the canvas again.
// Readers who ask for reduced motion get the static final frame from <picture> and no button.
(function () {
  "use strict";
  var PAUSE_ICON = '<svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">' +
    '<rect x="6" y="5" width="4" height="14" fill="currentColor"/>' +
    '<rect x="14" y="5" width="4" height="14" fill="currentColor"/></svg>';
  var PLAY_ICON = '<svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">' +
    '<path d="M7 5l12 7-12 7z" fill="currentColor"/></svg>';
  var reduce = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)");

  function setup(figure) {
    var img = figure.querySelector("img[data-animation]");
    if (!img || figure.querySelector(".optim-toggle")) return;
    if (reduce && reduce.matches) return;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "optim-toggle";
    var canvas = null;

    function show(paused) {
      var label = paused ? img.dataset.playLabel : img.dataset.pauseLabel;
      button.setAttribute("aria-label", label);
      button.setAttribute("aria-pressed", paused ? "true" : "false");
      button.title = label;
      // inline SVG icons: a font may lack the media-control characters
      button.innerHTML = paused ? PLAY_ICON : PAUSE_ICON;
      figure.classList.toggle("is-paused", paused);
    }
    button.addEventListener("click", function () {
      if (canvas) {
        canvas.remove();
        canvas = null;
        show(false);
        return;
      }
      canvas = document.createElement("canvas");
      canvas.width = img.naturalWidth || img.width;
      canvas.height = img.naturalHeight || img.height;
      canvas.className = "optim-still";
      canvas.setAttribute("role", "img");
      canvas.setAttribute("aria-label", img.alt);
      canvas.getContext("2d").drawImage(img, 0, 0, canvas.width, canvas.height);
      img.parentNode.insertBefore(canvas, img);
      show(true);
    });
    show(false);
    figure.insertBefore(button, figure.firstChild);
  }

  function init() {
    document.querySelectorAll("figure.optim-animation").forEach(setup);
  }
  if (typeof document$ !== "undefined") {
    document$.subscribe(init);
  } else {
    document.addEventListener("DOMContentLoaded", init);
  }
})();
