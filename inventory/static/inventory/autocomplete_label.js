// Select2 draws its own search box for a multiple select, without a label: give it
// the select's, and again each time Select2 redraws it (after every choice).
(function () {
  "use strict";
  function name(select) {
    var label = select.id && document.querySelector('label[for="' + select.id + '"]');
    return label ? label.textContent.replace(/:\s*$/, "").trim() : "";
  }
  function labelSearch(select) {
    var container = select.nextElementSibling;
    if (!container || !container.classList.contains("select2")) return false;
    var text = name(select);
    var apply = function () {
      container.querySelectorAll(".select2-search__field").forEach(function (input) {
        if (text && input.getAttribute("aria-label") !== text) input.setAttribute("aria-label", text);
      });
    };
    apply();
    new MutationObserver(apply).observe(container, { childList: true, subtree: true });
    return true;
  }
  function run() {
    document.querySelectorAll("select.admin-autocomplete[data-labelled-search]").forEach(labelSearch);
  }
  // This file may load before the admin's autocomplete.js: wait for every ready
  // callback (the admin's draws Select2), then label what was drawn.
  document.addEventListener("DOMContentLoaded", function () {
    var later = function () { setTimeout(run, 0); };
    if (window.django && window.django.jQuery) window.django.jQuery(later);
    else later();
  });
})();
