// Drawing a diagram in draw.io (diagrams.net) and attaching it to the ticket.
//
// The editor is another site (settings.DRAWIO_URL) shown in a full-screen iframe;
// it talks to this page with JSON strings over postMessage, the "embed mode"
// protocol (https://www.drawio.com/doc/faq/embed-mode):
//   editor: init    -> we send {action: "load", xml}   (blank, or the diagram to edit)
//   editor: save    -> we send {action: "export", format: "xmlsvg"}
//   editor: export  -> we POST the SVG (diagram inside) to the portal, then reload
//   editor: exit    -> we close the overlay
// Only messages from that iframe's window AND the editor's origin are read, and we
// post only to that origin. The server sanitises the SVG again and stores it as
// NAME.drawio.svg; "Edit in draw.io" on such an attachment reopens it.
// On the new-ticket form there is no ticket to post to yet (no data-save-url): the
// exported file joins the form's attachments field and is sent with the ticket.
// On a closed network the editor never answers and the iframe shows the browser's
// error page, which the page cannot read: no "init" within data-timeout-ms means
// the editor is out of reach, and the client is offered to attach a file instead.
// Styles are set through the CSSOM: the CSP forbids style attributes, not this.
(function () {
  "use strict";
  var root = document.querySelector("[data-drawio]");
  if (!root) return;
  var overlay = root.querySelector("[data-drawio-overlay]");
  var bar = overlay.querySelector(".drawio-overlay__bar");
  var statusText = overlay.querySelector("[data-drawio-status]");
  var title = overlay.querySelector("[data-drawio-title]");
  var closeButton = overlay.querySelector("[data-drawio-close]");
  var fallbackButton = overlay.querySelector("[data-drawio-fallback]");
  var announcer = root.querySelector("[data-drawio-announce]");
  var newButton = root.querySelector("[data-drawio-new]");
  var text = root.dataset;
  var timeoutMs = parseInt(text.timeoutMs, 10) || 10000;
  var config = null; // {src, origin} of the editor, asked from the server once
  var session = null; // the editor that is open: {frame, name, xml, exporting, saving}
  var opener = null;

  function css(element, properties) {
    Object.keys(properties).forEach(function (name) {
      element.style.setProperty(name, properties[name]);
    });
  }

  css(overlay, {
    position: "fixed",
    inset: "0",
    "z-index": "1000",
    "flex-direction": "column",
    background: "#fff"
  });
  css(bar, {
    display: "flex",
    "flex-wrap": "wrap",
    "align-items": "center",
    gap: "0.5rem 1rem",
    padding: "0.5rem 1rem",
    "border-bottom": "1px solid #d0d5dd",
    background: "#f6f7f9"
  });
  css(statusText, { flex: "1 1 16rem" });
  css(title, { flex: "0 0 auto" });

  function setStatus(message, isError) {
    statusText.textContent = message || "";
    css(statusText, { color: isError ? "#b42318" : "inherit", "font-weight": isError ? "600" : "400" });
  }

  function csrfToken() {
    try {
      var headers = JSON.parse(document.body.getAttribute("hx-headers") || "{}");
      if (headers["X-CSRFToken"]) return headers["X-CSRFToken"];
    } catch (ignored) {
      // fall back to the cookie
    }
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function loadConfig() {
    if (config) return Promise.resolve(config);
    return fetch(text.editorUrl, {
      credentials: "same-origin",
      headers: { Accept: "application/json" }
    }).then(function (response) {
      if (!response.ok) throw new Error(text.msgUnavailable);
      return response.json().then(function (body) {
        // The browser's own spelling of the origin is what event.origin will be.
        config = { src: body.src, origin: new URL(body.src, window.location.href).origin };
        return config;
      });
    });
  }

  function show() {
    overlay.hidden = false;
    css(overlay, { display: "flex" });
    css(document.documentElement, { overflow: "hidden" });
  }

  function offerUpload(message) {
    if (session && session.frame) session.frame.remove();
    if (session) session.frame = null;
    setStatus(message, true);
    if (fallbackButton) fallbackButton.hidden = false;
  }

  function close() {
    if (session && session.timer) window.clearTimeout(session.timer);
    if (fallbackButton) fallbackButton.hidden = true;
    if (session && session.frame) session.frame.remove();
    session = null;
    overlay.hidden = true;
    css(overlay, { display: "none" });
    document.documentElement.style.removeProperty("overflow");
    setStatus("");
    if (opener && document.contains(opener)) opener.focus();
  }

  // Opens the editor on `xml` (a promise of a diagram, or of "" for a blank page).
  function open(name, xml) {
    if (session) return;
    var current = {
      frame: null,
      name: name,
      xml: "",
      exporting: false,
      saving: false,
      ready: false,
      timer: null
    };
    session = current;
    opener = document.activeElement;
    title.textContent = name;
    setStatus(text.msgLoading);
    show();
    closeButton.focus();
    Promise.all([loadConfig(), xml])
      .then(function (results) {
        if (session !== current) return; // closed meanwhile
        current.xml = results[1];
        var frame = document.createElement("iframe");
        frame.title = text.frameTitle;
        css(frame, { flex: "1 1 auto", width: "100%", border: "0" });
        frame.src = results[0].src;
        current.frame = frame;
        overlay.appendChild(frame);
        current.timer = window.setTimeout(function () {
          if (session === current && !current.ready) offerUpload(text.msgNoAnswer);
        }, timeoutMs);
      })
      .catch(function (error) {
        if (session === current) offerUpload(error.message || text.msgUnavailable);
      });
  }

  function post(message) {
    session.frame.contentWindow.postMessage(JSON.stringify(message), config.origin);
  }

  // "data:image/svg+xml;base64,..." (or percent-encoded) -> Blob of the SVG's bytes.
  function svgBlob(dataUri) {
    var match = /^data:image\/svg\+xml(;[^,]*)?,(.*)$/.exec(dataUri || "");
    if (!match) return null;
    var bytes;
    if (/;base64/.test(match[1] || "")) {
      var binary = atob(match[2]);
      bytes = new Uint8Array(binary.length);
      for (var i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    } else {
      bytes = new TextEncoder().encode(decodeURIComponent(match[2]));
    }
    return new Blob([bytes], { type: "image/svg+xml" });
  }

  function reloadAt(url) {
    var target = new URL(url, window.location.href);
    if (target.pathname === window.location.pathname) {
      // Only the #fragment would change: that alone does not reload the page.
      window.history.replaceState(null, "", target.pathname + window.location.search + target.hash);
      window.location.reload();
    } else {
      window.location.assign(target.href);
    }
  }

  function fileName(name) {
    return name.replace(/(\.drawio)?(\.svg)?$/i, "") + ".drawio.svg";
  }

  function uploadInput() {
    return text.uploadTarget ? document.querySelector(text.uploadTarget) : null;
  }

  // New ticket: the drawing becomes one more file of the form's attachments field.
  function attach(current, blob) {
    var input = uploadInput();
    if (!input) {
      setStatus(text.msgFailed, true);
      return;
    }
    var files = new DataTransfer();
    Array.prototype.forEach.call(input.files, function (file) {
      files.items.add(file);
    });
    var name = fileName(current.name);
    files.items.add(new File([blob], name, { type: "image/svg+xml" }));
    input.files = files.files;
    close();
    if (announcer) announcer.textContent = text.msgAttached.replace("%(name)s", name);
  }

  function save(current, dataUri) {
    var blob = svgBlob(dataUri);
    if (!blob) {
      setStatus(text.msgFailed, true);
      return;
    }
    if (!text.saveUrl) {
      attach(current, blob);
      return;
    }
    current.saving = true;
    setStatus(text.msgSaving);
    var form = new FormData();
    form.append("name", current.name);
    form.append("file", blob, current.name);
    fetch(text.saveUrl, {
      method: "POST",
      body: form,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" }
    })
      .then(function (response) {
        return response
          .json()
          .catch(function () {
            return {};
          })
          .then(function (body) {
            if (!response.ok) throw new Error(body.error || text.msgFailed);
            reloadAt(body.redirect || window.location.href);
          });
      })
      .catch(function (error) {
        current.saving = false;
        // The editor stays open with the drawing, so the client can try again.
        if (session === current) setStatus(error.message || text.msgFailed, true);
      });
  }

  window.addEventListener("message", function (event) {
    var current = session;
    if (!current || !current.frame || !config) return;
    if (event.source !== current.frame.contentWindow || event.origin !== config.origin) return;
    if (typeof event.data !== "string") return;
    var message;
    try {
      message = JSON.parse(event.data);
    } catch (ignored) {
      return;
    }
    if (!message || typeof message !== "object") return;
    switch (message.event) {
      case "init":
        current.ready = true;
        window.clearTimeout(current.timer);
        setStatus("");
        post({ action: "load", xml: current.xml, autosave: 0, title: current.name });
        current.frame.focus();
        break;
      case "save":
        if (current.saving) return;
        current.exporting = true;
        post({ action: "export", format: "xmlsvg", xml: message.xml, spinKey: "saving" });
        break;
      case "export":
        if (!current.exporting || message.format !== "xmlsvg") return;
        current.exporting = false;
        save(current, message.data);
        break;
      case "exit":
        // While saving, the page reloads once the diagram is stored.
        if (!current.saving && !current.exporting) close();
        break;
    }
  });

  // A .drawio.svg attachment carries its diagram: fetch it (the same authorised
  // address as its preview) and hand the whole SVG to the editor.
  function diagramOf(url) {
    return fetch(url, { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error(text.msgNotDiagram);
        return response.text();
      })
      .then(function (svg) {
        // A look at the root tag only: DOMParser would apply (and the CSP report)
        // the file's style attributes. The server wrote it, escaping ">" in values.
        if (!/<svg\b[^>]*\scontent="[^"]/.test(svg)) throw new Error(text.msgNotDiagram);
        return svg;
      });
  }

  closeButton.addEventListener("click", close);
  if (fallbackButton) {
    fallbackButton.addEventListener("click", function () {
      close();
      var input = uploadInput();
      if (input) {
        input.focus();
        input.click();
      }
    });
  }
  if (newButton) {
    css(newButton.parentNode, { "margin-top": "0.75rem" });
    newButton.hidden = false;
    newButton.addEventListener("click", function () {
      open(text.defaultName, "");
    });
  }
  // The attachments are redrawn by the live updates: listen on the document.
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("[data-drawio-edit]") : null;
    if (!link || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey) return;
    event.preventDefault();
    var url = link.getAttribute("href");
    open(link.dataset.name, diagramOf(url));
  });
})();
