// "Link an article" on the agents' ticket page (templates/admin/knowledge/ticket_links_panel.html).
// Searches the articles the ticket's organisation may read (knowledge/admin/ticket_links.py,
// as JSON) and inserts "Title: address" into the reply at the cursor. The search box
// sits inside the ticket's form: Enter searches instead of sending the form.
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  const panel = document.querySelector("[data-kb-links]");
  if (!panel) {
    return;
  }
  const texts = panel.dataset;
  const query = panel.querySelector("[data-kb-links-query]");
  const go = panel.querySelector("[data-kb-links-go]");
  const list = panel.querySelector("[data-kb-links-results]");
  const heading = panel.querySelector("[data-kb-links-heading]");
  const status = panel.querySelector("[data-kb-links-status]");
  // The reply box is looked up each time: the workspace redraws it after each send.
  const replyBox = function () {
    return document.querySelector("textarea[data-composer='reply']");
  };
  let asked = 0;

  function insert(text) {
    const reply = replyBox();
    if (!reply) {
      return;
    }
    const start = reply.selectionStart;
    const end = reply.selectionEnd;
    const before = reply.value.slice(0, start);
    const after = reply.value.slice(end);
    const lead = before && !before.endsWith("\n") ? "\n" : "";
    const tail = after.startsWith("\n") ? "" : "\n";
    reply.value = before + lead + text + tail + after;
    const caret = (before + lead + text + tail).length;
    reply.focus();
    reply.setSelectionRange(caret, caret);
    reply.dispatchEvent(new Event("input", { bubbles: true }));
    status.textContent = texts.textInserted;
  }

  function show(body) {
    list.replaceChildren();
    heading.textContent = body.heading || "";
    if (!body.results.length) {
      // The heading says what was not found; a bare "nothing" only without one.
      status.textContent = body.query && !body.heading ? texts.textEmpty : "";
      return;
    }
    status.textContent = "";
    body.results.forEach(function (link) {
      const item = document.createElement("li");
      item.lang = link.language;
      const title = document.createElement("a");
      title.href = link.url;
      title.target = "_blank";
      title.rel = "noopener";
      title.textContent = link.title;
      item.append(title);
      if (link.summary) {
        const summary = document.createElement("span");
        summary.className = "kb-links__summary";
        summary.textContent = link.summary;
        item.append(" ", summary);
      }
      if (replyBox()) {
        const button = document.createElement("button");
        button.type = "button";
        button.className = "button kb-links__insert";
        button.textContent = texts.textInsert;
        button.setAttribute("aria-label", texts.textInsert + ": " + link.title);
        button.addEventListener("click", function () {
          insert(link.insert);
        });
        item.append(" ", button);
      } else {
        const code = document.createElement("code");
        code.textContent = link.insert;
        item.append(" ", code);
      }
      list.append(item);
    });
  }

  async function search() {
    const mine = ++asked;
    const url = texts.url + "?q=" + encodeURIComponent(query.value.trim());
    let body;
    try {
      const response = await fetch(url, {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      });
      if (!response.ok) {
        throw new Error(String(response.status));
      }
      body = await response.json();
    } catch (error) {
      if (mine === asked) {
        status.textContent = texts.textFailed;
      }
      return;
    }
    // An older answer arriving late never replaces a newer one.
    if (mine === asked) {
      show(body);
    }
  }

  query.addEventListener("keydown", function (event) {
    if (event.key === "Enter") {
      event.preventDefault();
      search();
    }
  });
  go.addEventListener("click", search);
  // With no words: the articles to read first for the ticket's request type.
  search();
});
