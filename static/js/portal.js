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
