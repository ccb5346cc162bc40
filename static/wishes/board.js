// The staff board's drag and drop (templates/admin/wishes/wish/board.html).
// Every card already moves with its own forms ("Move to…", up, down) without
// JavaScript; this adds dragging with SortableJS and sends those same forms with
// fetch, asking for JSON (wishes/admin/board.py). A refused move puts the card
// back where it was and says why in the page's live regions; a move that needs a
// note, a reason or a date asks for it in a dialog first.
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  const board = document.querySelector("[data-wish-board]");
  if (!board) {
    return;
  }
  const csrf = board.querySelector("input[name=csrfmiddlewaretoken]").value;
  const statusRegion = document.getElementById("wish-board-status");
  const errorRegion = document.getElementById("wish-board-error");
  const dialog = document.getElementById("wish-move-dialog");
  const texts = board.dataset;

  function say(message, failed) {
    (failed ? statusRegion : errorRegion).textContent = "";
    (failed ? errorRegion : statusRegion).textContent = message || "";
  }

  async function post(url, data) {
    let response;
    try {
      response = await fetch(url, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrf, Accept: "application/json" },
      });
    } catch (error) {
      return { ok: false, status: 0, body: { message: texts.textFailed } };
    }
    let body;
    try {
      body = await response.json();
    } catch (error) {
      body = { message: texts.textFailed };
    }
    return { ok: response.ok, status: response.status, body: body };
  }

  function listOf(status) {
    return board.querySelector('.wish-column__cards[data-status="' + status + '"]');
  }

  function bump(list, delta) {
    const count = list.closest(".wish-column").querySelector(".wish-column__count");
    count.textContent = String(Number(count.textContent) + delta);
  }

  // Where a card was before it moved, to put it back there.
  function placeOf(card) {
    return { list: card.parentElement, index: Array.prototype.indexOf.call(card.parentElement.children, card) };
  }

  function putBack(card, place) {
    card.remove();
    place.list.insertBefore(card, place.list.children[place.index] || null);
  }

  function neighbours(card) {
    const before = card.previousElementSibling;
    const after = card.nextElementSibling;
    return { after: before ? before.dataset.wish : "", before: after ? after.dataset.wish : "" };
  }

  function cardFrom(html) {
    const holder = document.createElement("template");
    holder.innerHTML = html.trim();
    return holder.content.firstElementChild;
  }

  // --- Moving to another column ---

  // `card` is where it was dropped (or still in its column, from its menu).
  async function move(card, to, place, extra) {
    const data = new FormData();
    data.set("move_to", to);
    data.set("seen_status", card.dataset.status);
    data.set("next", window.location.pathname + window.location.search);
    if (card.parentElement.dataset.status === to) {
      const around = neighbours(card);
      data.set("after", around.after);
      data.set("before", around.before);
    }
    for (const name in extra || {}) {
      data.set(name, extra[name]);
    }
    card.classList.add("wish-card--saving");
    const result = await post(card.dataset.moveUrl, data);
    card.classList.remove("wish-card--saving");
    if (result.ok) {
      const moved = cardFrom(result.body.card);
      const list = listOf(result.body.status);
      if (card.parentElement === list) {
        card.replaceWith(moved);
      } else {
        card.remove();
        list.appendChild(moved);
      }
      bump(place.list, -1);
      bump(list, 1);
      say(result.body.message, false);
      moved.focus();
      return "moved";
    }
    if (result.status === 400 && result.body.needs && result.body.needs.length) {
      return { needs: result.body.needs, message: result.body.message };
    }
    putBack(card, place);
    say(result.body.message || texts.textFailed, true);
    return "refused";
  }

  async function moveAsking(card, to, place) {
    const first = await move(card, to, place);
    if (typeof first === "object") {
      ask(card, to, place, first);
    }
  }

  // --- The dialog for a move that needs a note, a reason or a date ---

  let asking = null;

  function ask(card, to, place, refusal) {
    if (!dialog) {
      putBack(card, place);
      say(refusal.message, true);
      return;
    }
    asking = { card: card, to: to, place: place };
    const form = dialog.querySelector("form");
    form.reset();
    const option = listOf(to).closest(".wish-column").querySelector(".wish-column__heading").firstChild;
    dialog.querySelector(".wish-dialog__title").textContent = dialog
      .querySelector(".wish-dialog__title-template")
      .textContent.replace("{number}", card.dataset.number)
      .replace("{status}", option.textContent.trim());
    for (const field of dialog.querySelectorAll("[data-needs]")) {
      const wanted = field.dataset.needs.split(" ");
      field.hidden = !refusal.needs.some(function (need) { return wanted.indexOf(need) !== -1; });
    }
    showDialogError(refusal.message);
    dialog.showModal();
    const first = dialog.querySelector(".wish-dialog__field:not([hidden]) select, .wish-dialog__field:not([hidden]) textarea, .wish-dialog__field:not([hidden]) input");
    if (first) {
      first.focus();
    }
  }

  function showDialogError(message) {
    const error = dialog.querySelector(".wish-dialog__error");
    error.textContent = message || "";
    error.hidden = !message;
  }

  function giveUp() {
    if (!asking) {
      return;
    }
    const card = asking.card;
    putBack(card, asking.place);
    asking = null;
    say(texts.textCancelled, true);
    card.focus();
  }

  if (dialog) {
    const form = dialog.querySelector("form");
    form.addEventListener("submit", async function (event) {
      event.preventDefault();
      if (!asking) {
        dialog.close();
        return;
      }
      const extra = {};
      for (const field of dialog.querySelectorAll(".wish-dialog__field:not([hidden]) [name]")) {
        extra[field.name] = field.value;
      }
      const current = asking;
      const result = await move(current.card, current.to, current.place, extra);
      if (typeof result === "object") {
        showDialogError(result.message);
        return;
      }
      asking = null;
      dialog.close();
    });
    dialog.querySelector(".wish-dialog__cancel").addEventListener("click", function () {
      dialog.close();
    });
    // Escape, the Cancel button, or a close after a refusal: the card goes back.
    dialog.addEventListener("close", giveUp);
  }

  // --- Order inside a column ---

  async function reorder(card, place, focusAfter) {
    const around = neighbours(card);
    const data = new FormData();
    data.set("after", around.after);
    data.set("before", around.before);
    const result = await post(card.dataset.reorderUrl, data);
    if (result.ok) {
      say(result.body.message, false);
    } else {
      putBack(card, place);
      say(result.body.message || texts.textFailed, true);
    }
    if (focusAfter) {
      focusAfter.focus();
    }
  }

  // --- Dragging ---

  if (window.Sortable) {
    for (const list of board.querySelectorAll(".wish-column__cards")) {
      window.Sortable.create(list, {
        group: "wishes",
        handle: ".wish-card__grip",
        draggable: ".wish-card",
        animation: 150,
        // Pointer events rather than the browser's own drag and drop: the same on
        // touch screens, and the dragged card is drawn above the scrolling columns.
        forceFallback: true,
        fallbackOnBody: true,
        onEnd: function (event) {
          const card = event.item;
          if (event.from === event.to && event.oldIndex === event.newIndex) {
            return;
          }
          const place = { list: event.from, index: event.oldIndex };
          if (event.from === event.to) {
            reorder(card, place, null);
          } else {
            moveAsking(card, event.to.dataset.status, place);
          }
        },
      });
    }
  }

  // --- The cards' own forms, sent without leaving the board ---

  board.addEventListener("submit", function (event) {
    const form = event.target;
    const card = form.closest(".wish-card");
    if (!card) {
      return;
    }
    event.preventDefault();
    const place = placeOf(card);
    if (form.classList.contains("wish-card__move")) {
      const to = form.elements.namedItem("move_to").value;
      // From its menu the card goes to the end of its new column.
      card.remove();
      listOf(to).appendChild(card);
      moveAsking(card, to, place);
      return;
    }
    const list = card.parentElement;
    const button = form.querySelector("button");
    if (form.dataset.direction === "up") {
      const previous = card.previousElementSibling;
      if (!previous) {
        say(texts.textTop, true);
        return;
      }
      list.insertBefore(card, previous);
    } else {
      const next = card.nextElementSibling;
      if (!next) {
        say(texts.textBottom, true);
        return;
      }
      list.insertBefore(card, next.nextElementSibling);
    }
    reorder(card, place, button);
  });

  // Back from a plain form (#wish-12): the card that moved has the focus.
  if (window.location.hash.indexOf("#wish-") === 0) {
    const card = document.getElementById(window.location.hash.slice(1));
    if (card) {
      card.focus();
    }
  }
});
