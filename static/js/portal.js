// Small behaviours that make the <details> menus act like menus: one open at a
// time, closed by Escape or a click elsewhere. Everything works without it.
(function () {
  "use strict";
  function menus() {
    return document.querySelectorAll("details.menu[open]");
  }
  document.addEventListener("click", function (event) {
    menus().forEach(function (menu) {
      if (!menu.contains(event.target)) menu.removeAttribute("open");
    });
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    menus().forEach(function (menu) {
      menu.removeAttribute("open");
      var summary = menu.querySelector("summary");
      if (summary) summary.focus();
    });
  });
})();

// Warn while typing when a text looks like it carries a secret. The server
// checks again on submit and asks for confirmation; this is only earlier.
(function () {
  "use strict";
  var patterns = [
    /-----BEGIN (?:[A-Z ]+ )?PRIVATE KEY-----/,
    /\b(?:password|passwd|pwd|contrase(?:ñ|n)a|senha|mot de passe|clave)\s*[:=]\s*\S{3,}/i,
    /\b(?:api[_-]?key|secret(?:[_-]?key)?|access[_-]?token|auth[_-]?token|token)\s*[:=]\s*['"]?[A-Za-z0-9_\-./+]{12,}/i,
    /\bAKIA[0-9A-Z]{16}\b/,
    /\bgh[pousr]_[A-Za-z0-9]{36,}\b/,
    /\bxox[abprs]-[A-Za-z0-9-]{10,}\b/
  ];
  function looksSecret(text) {
    return patterns.some(function (p) { return p.test(text); });
  }
  document.addEventListener("input", function (event) {
    var form = event.target.form;
    if (!form) return;
    var warning = form.querySelector("[data-secret-warning]");
    if (!warning) return;
    var text = Array.prototype.map.call(
      form.querySelectorAll("textarea, input[type=text]"), function (el) { return el.value; }
    ).join("\n");
    warning.hidden = !looksSecret(text);
  });
})();
