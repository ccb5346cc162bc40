/* The agent's ticket workspace (tickets/admin/workspace.py): presence heartbeats,
   keyboard shortcuts, and, on the queue, the list the ticket page's j/k walk. */
(function () {
  "use strict";
  var QUEUE_KEY = "portal.queue.tickets";

  function csrf(root) {
    var input = (root || document).querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function rememberQueue() {
    var links = document.querySelectorAll("#result_list tbody th a[href*='/change/']");
    if (!links.length) return;
    var urls = Array.prototype.map.call(links, function (a) { return a.pathname; });
    try {
      sessionStorage.setItem(QUEUE_KEY, JSON.stringify({ urls: urls, back: location.pathname + location.search }));
    } catch (e) { /* private browsing: j/k just do nothing */ }
  }

  function neighbour(step) {
    try {
      var saved = JSON.parse(sessionStorage.getItem(QUEUE_KEY) || "{}");
      var urls = saved.urls || [];
      var at = urls.indexOf(location.pathname);
      if (at < 0) return null;
      return urls[at + step] || null;
    } catch (e) { return null; }
  }

  function presence(ws) {
    var url = ws.dataset.presenceUrl;
    var every = (parseInt(ws.dataset.heartbeat, 10) || 5) * 1000;
    var typedAt = 0;
    ws.addEventListener("input", function (event) {
      if (event.target.matches("textarea[data-composer]")) typedAt = Date.now();
    });
    function beat() {
      if (document.hidden) return;
      var body = new FormData();
      body.append("csrfmiddlewaretoken", csrf(ws));
      body.append("typing", Date.now() - typedAt < every + 1000 ? "1" : "0");
      fetch(url, { method: "POST", body: body, credentials: "same-origin", headers: { "HX-Request": "true" } })
        .then(function (response) { return response.ok ? response.text() : null; })
        .then(function (html) {
          var box = document.getElementById("ws-presence");
          if (html && box) box.outerHTML = html;
        })
        .catch(function () { /* offline for a moment: the next beat tries again */ });
    }
    beat();
    setInterval(beat, every);
    document.addEventListener("visibilitychange", function () { if (!document.hidden) beat(); });
    window.addEventListener("pagehide", function () {
      var body = new FormData();
      body.append("csrfmiddlewaretoken", csrf(ws));
      body.append("leave", "1");
      if (navigator.sendBeacon) navigator.sendBeacon(url, body);
    });
  }

  function typingIn(target) {
    return target.closest("input, textarea, select, [contenteditable=true]") !== null;
  }

  function shortcuts(ws) {
    document.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && event.target.matches("textarea[data-composer]")) {
        event.preventDefault();
        var form = event.target.form;
        if (form) form.requestSubmit();
        return;
      }
      if (event.ctrlKey || event.metaKey || event.altKey || typingIn(event.target)) return;
      var go = null;
      if (event.key === "j") go = neighbour(1);
      else if (event.key === "k") go = neighbour(-1);
      if (go) { location.href = go; return; }
      var focus = { r: "reply", n: "note" }[event.key];
      if (focus) {
        var box = ws.querySelector("textarea[data-composer='" + focus + "']");
        if (box) { event.preventDefault(); box.focus(); }
        return;
      }
      if (event.key === "a") {
        var mine = ws.querySelector("button[name=assign_me]");
        if (mine) { event.preventDefault(); mine.click(); }
        return;
      }
      if (event.key === "?") {
        var help = ws.querySelector(".ws-keys");
        if (help) { help.open = !help.open; help.querySelector("summary").focus(); }
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    rememberQueue();
    var ws = document.getElementById("ws");
    if (!ws) return;
    presence(ws);
    shortcuts(ws);
  });
})();
