// Progressive enhancement: keeps "time left" figures ticking without a reload.
// Without JavaScript the server-rendered text stays, correct as of page load.
// The words ("%s left", "overdue by %s") come from the page, in its language.
(function () {
  "use strict";
  var els = document.querySelectorAll("[data-due]");
  if (!els.length) { return; }
  var left = document.body.getAttribute("data-left") || "%s";
  var over = document.body.getAttribute("data-over") || "-%s";
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function tick() {
    var now = Date.now();
    for (var i = 0; i < els.length; i++) {
      var due = Date.parse(els[i].getAttribute("data-due"));
      if (isNaN(due)) { continue; }
      var s = Math.floor(Math.abs(due - now) / 1000);
      var clock = Math.floor(s / 3600) + ":" + pad(Math.floor(s % 3600 / 60)) + ":" + pad(s % 60);
      els[i].textContent = (due > now ? left : over).replace("%s", clock);
      if (due <= now) {
        var row = els[i].closest("tr, dd");
        if (row) { row.classList.add("overdue"); }
      }
    }
  }
  tick();
  setInterval(tick, 1000);
})();
