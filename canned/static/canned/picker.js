/* The canned replies' picker (canned/_picker.html) above an agent's reply or note box.

   Typing "::" and a word in the box (textarea[data-composer]) lists the matching
   replies under it; the "Canned replies" button lists them with a search box.
   Both follow the ARIA combobox pattern: the box or the search field owns the
   listbox (aria-controls, aria-expanded) and points at the highlighted option
   (aria-activedescendant) while focus stays where the agent types. Up and Down
   move, Enter (and Tab in the box) insert the reply filled in for the ticket,
   Escape closes. Everything shown comes from JSON and is set as text, never HTML. */
(function () {
  "use strict";
  if (window.cannedPicker) return; // the reply's and the note's panels both load this file
  window.cannedPicker = true;

  const TRIGGER = /(^|\s)::([\p{L}\p{N}_-]{1,40})$/u;
  let counter = 0;

  function composerFor(tools) {
    // The text box after the panel (it sits above its box), else the nearest one before it.
    const boxes = Array.from(document.querySelectorAll("textarea[data-composer]"));
    const after = boxes.find(
      (box) => tools.compareDocumentPosition(box) & Node.DOCUMENT_POSITION_FOLLOWING
    );
    return after || boxes[boxes.length - 1] || null;
  }

  function setup(tools) {
    if (tools.dataset.cannedReady) return;
    tools.dataset.cannedReady = "1";
    const n = ++counter;
    const box = composerFor(tools);
    const button = tools.querySelector(".canned-tools__open");
    const popup = tools.querySelector(".canned-tools__popup");
    const label = tools.querySelector(".canned-tools__label");
    const search = tools.querySelector(".canned-tools__search");
    const list = tools.querySelector(".canned-tools__list");
    const status = tools.querySelector(".canned-tools__status");
    const ticket = (box && box.dataset.ticket) || tools.dataset.ticket;
    const texts = tools.dataset;

    popup.id = `canned-popup-${n}`;
    list.id = `canned-list-${n}`;
    button.setAttribute("aria-controls", popup.id);
    search.setAttribute("aria-controls", list.id);
    if (box) {
      box.setAttribute("role", "combobox");
      box.setAttribute("aria-autocomplete", "list");
      box.setAttribute("aria-expanded", "false");
      box.setAttribute("aria-controls", list.id);
    } else {
      button.disabled = true;
    }

    let mode = null; // "inline" (typed ::word) or "menu" (the button)
    let items = [];
    let active = -1;
    let trigger = null; // where ::word is in the box
    let caret = null; // where the menu inserts
    let timer = null;
    let controller = null;
    let dismissed = null; // the ::word Escape closed, not reopened until it changes

    const owner = () => (mode === "inline" ? box : search);

    function setStatus(text) {
      status.textContent = text;
    }

    function open(how) {
      if (mode && mode !== how) close(false);
      mode = how;
      label.hidden = how !== "menu";
      popup.hidden = false;
      if (how === "inline") {
        const top = box.getBoundingClientRect().bottom - tools.getBoundingClientRect().top;
        popup.style.top = `${Math.round(top) + 4}px`;
      } else {
        popup.style.top = "";
      }
      button.setAttribute("aria-expanded", String(how === "menu"));
      owner().setAttribute("aria-expanded", "true");
    }

    function close(returnFocus) {
      if (!mode) return;
      const was = mode;
      clearTimeout(timer);
      if (controller) controller.abort();
      for (const el of [box, search]) {
        if (!el) continue;
        el.setAttribute("aria-expanded", "false");
        el.removeAttribute("aria-activedescendant");
      }
      button.setAttribute("aria-expanded", "false");
      popup.hidden = true;
      list.hidden = true;
      list.replaceChildren();
      setStatus("");
      items = [];
      active = -1;
      mode = null;
      if (returnFocus) (was === "menu" ? button : box).focus();
    }

    function highlight(index) {
      const options = list.querySelectorAll("[role=option]");
      active = index;
      options.forEach((option, i) => option.setAttribute("aria-selected", String(i === index)));
      const current = options[index];
      if (current) {
        owner().setAttribute("aria-activedescendant", current.id);
        current.scrollIntoView({ block: "nearest" });
      } else {
        owner().removeAttribute("aria-activedescendant");
      }
    }

    function show(found) {
      items = found;
      list.replaceChildren(
        ...found.map((item, i) => {
          const option = document.createElement("li");
          option.id = `canned-${n}-option-${i}`;
          option.className = "canned-tools__option";
          option.setAttribute("role", "option");
          option.setAttribute("aria-selected", "false");
          const title = document.createElement("span");
          title.className = "canned-tools__title";
          title.textContent = item.title;
          const preview = document.createElement("span");
          preview.className = "canned-tools__preview";
          preview.textContent = item.preview;
          option.append(title, preview);
          return option;
        })
      );
      list.hidden = found.length === 0;
      if (!found.length) setStatus(texts.textNone);
      else if (found.length === 1) setStatus(texts.textOne);
      else setStatus(texts.textMany.replace("__COUNT__", String(found.length)));
      highlight(found.length ? 0 : -1);
    }

    function query(q) {
      clearTimeout(timer);
      timer = setTimeout(() => {
        if (controller) controller.abort();
        controller = new AbortController();
        const url = `${texts.cannedSearch}?${new URLSearchParams({ q, ticket })}`;
        fetch(url, { headers: { Accept: "application/json" }, signal: controller.signal })
          .then((response) => (response.ok ? response.json() : Promise.reject(response)))
          .then((found) => {
            if (mode) show(found);
          })
          .catch((error) => {
            if (error && error.name === "AbortError") return;
            if (mode) {
              show([]);
              setStatus(texts.textError);
            }
          });
      }, 120);
    }

    function insert(text) {
      if (!box) return;
      let start;
      let end;
      if (trigger && box.value.slice(trigger.start, trigger.start + 2) === "::") {
        ({ start, end } = trigger);
      } else if (caret) {
        ({ start, end } = caret);
      } else {
        start = end = box.value.length;
      }
      box.focus();
      box.setRangeText(text, start, end, "end");
      // Whatever else listens to the box (drafts, previews) hears of it.
      box.dispatchEvent(new Event("input", { bubbles: true }));
    }

    function choose(index) {
      const item = items[index];
      if (!item) return;
      const how = mode;
      const where = { trigger, caret };
      const url = `${texts.cannedRender}${item.id}/?${new URLSearchParams({ ticket })}`;
      fetch(url, { headers: { Accept: "application/json" } })
        .then((response) => (response.ok ? response.json() : Promise.reject(response)))
        .then((data) => {
          ({ trigger, caret } = where);
          close(false);
          insert(data.text);
          trigger = null;
          caret = null;
        })
        .catch(() => {
          if (mode === how) setStatus(texts.textError);
        });
    }

    function onKeys(event) {
      if (!mode || event.target !== owner()) return;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        if (!items.length) return;
        event.preventDefault();
        const step = event.key === "ArrowDown" ? 1 : -1;
        highlight((active + step + items.length) % items.length);
      } else if (event.key === "Enter" || (event.key === "Tab" && mode === "inline")) {
        if (active < 0) {
          if (event.key === "Enter" && mode === "menu") event.preventDefault();
          return;
        }
        event.preventDefault();
        choose(active);
      } else if (event.key === "Escape") {
        event.preventDefault();
        if (mode === "inline" && trigger) {
          dismissed = box.value.slice(trigger.start, trigger.end);
        }
        close(true);
      }
    }

    if (box) {
      box.addEventListener("input", () => {
        if (mode === "menu") return;
        const at = box.selectionStart;
        const match = at === box.selectionEnd && TRIGGER.exec(box.value.slice(0, at));
        if (!match) {
          dismissed = null;
          close(false);
          return;
        }
        const word = match[2];
        trigger = { start: at - word.length - 2, end: at };
        if (dismissed === `::${word}`) return;
        dismissed = null;
        open("inline");
        query(word);
      });
      box.addEventListener("keydown", onKeys);
      box.addEventListener("blur", () => {
        // A click on an option keeps the focus (mousedown is cancelled below).
        if (mode === "inline") close(false);
      });
    }

    search.addEventListener("keydown", onKeys);
    search.addEventListener("input", () => query(search.value));

    button.addEventListener("click", () => {
      if (mode === "menu") {
        close(true);
        return;
      }
      caret = box ? { start: box.selectionStart, end: box.selectionEnd } : null;
      trigger = null;
      open("menu");
      search.value = "";
      query("");
      search.focus();
    });

    list.addEventListener("mousedown", (event) => event.preventDefault());
    list.addEventListener("click", (event) => {
      const option = event.target.closest("[role=option]");
      if (!option) return;
      const index = Array.from(list.children).indexOf(option);
      highlight(index);
      choose(index);
    });

    tools.addEventListener("focusout", (event) => {
      if (mode === "menu" && event.relatedTarget && !tools.contains(event.relatedTarget)) {
        close(false);
      }
    });
    document.addEventListener("click", (event) => {
      if (mode === "menu" && !tools.contains(event.target)) close(false);
    });
  }

  function start() {
    document.querySelectorAll(".canned-tools").forEach(setup);
  }

  // htmx swaps a composer whole after each send: set up the new one (and its new box).
  document.addEventListener("htmx:load", (event) => {
    const root = event.detail && event.detail.elt;
    if (!root || !root.querySelectorAll) return;
    if (root.matches(".canned-tools")) setup(root);
    root.querySelectorAll(".canned-tools").forEach(setup);
  });

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
