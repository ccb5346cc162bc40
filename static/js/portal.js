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

// Warn while typing when a text looks like it carries a secret. The rules are
// the server's own (tickets/secrets.py, embedded as #secret-rules), so the
// warning here and the confirmation asked on submit never disagree.
(function () {
  "use strict";
  var rules = null;
  function load() {
    if (rules) return rules;
    var element = document.getElementById("secret-rules");
    if (!element) return null;
    var data = JSON.parse(element.textContent);
    rules = {
      patterns: data.patterns.map(function (rule) { return new RegExp(rule[0], rule[1]); }),
      card: new RegExp(data.card, "g"),
      cardDigits: data.cardDigits
    };
    return rules;
  }
  function luhn(digits) {
    var total = 0;
    for (var index = 0; index < digits.length; index++) {
      var value = Number(digits.charAt(digits.length - 1 - index));
      if (index % 2) {
        value *= 2;
        if (value > 9) value -= 9;
      }
      total += value;
    }
    return total % 10 === 0;
  }
  function hasCard(text, r) {
    var match;
    r.card.lastIndex = 0;
    while ((match = r.card.exec(text)) !== null) {
      var digits = match[0].replace(/[^0-9]/g, "");
      if (digits.length >= r.cardDigits[0] && digits.length <= r.cardDigits[1] && luhn(digits)) {
        return true;
      }
    }
    return false;
  }
  function looksSecret(text) {
    var r = load();
    if (!r) return false;
    return r.patterns.some(function (p) { return p.test(text); }) || hasCard(text, r);
  }
  window.portalLooksSecret = looksSecret;
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
