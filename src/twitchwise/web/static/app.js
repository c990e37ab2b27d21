// twitchwise: small enhancements on top of pages that work without JavaScript.
(function () {
  "use strict";

  // Body map: a tap on a region logs the twitch at once, by pressing that site's own button in
  // the log form (htmx then posts it in place). Without JS the region is a link to a confirm step.
  document.addEventListener("click", function (event) {
    var target = event.target;
    if (!(target instanceof Element)) return;
    var region = target.closest("a.region[data-site]");
    if (!region) return;
    var button = document.querySelector('[data-site-button="' + region.getAttribute("data-site") + '"]');
    if (!button) return;
    event.preventDefault();
    document.querySelectorAll("a.region.selected").forEach(function (el) { el.classList.remove("selected"); });
    region.classList.add("selected");
    button.click();
  });

  // Upload: show how much of the file has been sent.
  document.addEventListener("htmx:xhr:progress", function (event) {
    var detail = event.detail || {};
    var bar = document.getElementById("upload-progress");
    if (!bar || !detail.lengthComputable) return;
    bar.hidden = false;
    bar.max = detail.total;
    bar.value = detail.loaded;
    var label = document.getElementById("upload-progress-text");
    if (label) label.textContent = "Uploading: " + Math.round((100 * detail.loaded) / detail.total) + "%";
  });

  // Check-in: keep the caffeine total in step with the drinks entered (the server does the same).
  function updateCaffeine() {
    var out = document.getElementById("caffeine-from-drinks");
    if (!out) return;
    var total = 0;
    var any = false;
    document.querySelectorAll("input[data-caffeine-mg]").forEach(function (input) {
      var n = parseFloat(input.value);
      if (!isNaN(n) && n > 0) {
        total += n * parseFloat(input.getAttribute("data-caffeine-mg"));
        any = true;
      }
    });
    out.textContent = any ? "About " + Math.round(total) + " mg of caffeine from these drinks." : "";
  }
  document.addEventListener("input", function (event) {
    if (event.target instanceof Element && event.target.matches("input[data-caffeine-mg]")) updateCaffeine();
  });
  document.addEventListener("DOMContentLoaded", updateCaffeine);
})();
