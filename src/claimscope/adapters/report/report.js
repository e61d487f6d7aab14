/* claimscope HTML report: layer toggles, and scroll-and-flash from a finding to its span.
   Reads no data from the document: everything it needs is in ids and data- attributes. */
(function () {
  "use strict";

  function applyToggle(box) {
    var text = document.getElementById(box.getAttribute("data-text"));
    if (text) {
      text.classList.toggle("hide-" + box.getAttribute("data-layer"), !box.checked);
    }
  }

  var boxes = document.querySelectorAll("input[data-layer]");
  for (var i = 0; i < boxes.length; i += 1) {
    boxes[i].addEventListener("change", function (event) { applyToggle(event.target); });
    applyToggle(boxes[i]);
  }

  var reduceMotion = window.matchMedia &&
    window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a.finding") : null;
    if (!link) { return; }
    var key = (link.getAttribute("href") || "").slice(1);
    var anchor = document.getElementById(key);
    if (!anchor) { return; }
    event.preventDefault();
    var selector = '[data-m~="' + (window.CSS && CSS.escape ? CSS.escape(key) : key) + '"]';
    var pieces = document.querySelectorAll(selector);
    var target = pieces.length ? pieces[0] : anchor;
    target.scrollIntoView({ behavior: reduceMotion ? "auto" : "smooth", block: "center" });
    if (history.replaceState) { history.replaceState(null, "", "#" + key); }
    for (var j = 0; j < pieces.length; j += 1) {
      pieces[j].classList.remove("flash");
      void pieces[j].offsetWidth;  /* restart the animation on a second click */
      pieces[j].classList.add("flash");
    }
    window.setTimeout(function () {
      for (var k = 0; k < pieces.length; k += 1) { pieces[k].classList.remove("flash"); }
    }, 2100);
  });
})();
