/* The live queue (tickets/live.py): the rows are swapped in by htmx when the queue
   changed. The agent's ticked boxes are kept across the swap, and Django's
   actions script is bound again to the new rows. */
(function () {
  "use strict";
  var ticked = [];

  document.addEventListener("htmx:beforeSwap", function (event) {
    if (!event.detail.target || event.detail.target.id !== "queue-results") return;
    ticked = Array.prototype.map.call(
      document.querySelectorAll("#queue-results input.action-select:checked"),
      function (box) { return box.value; }
    );
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    var results = document.getElementById("queue-results");
    if (!results || !results.contains(event.detail.elt) && event.detail.elt !== results) return;
    var boxes = results.querySelectorAll("input.action-select");
    Array.prototype.forEach.call(boxes, function (box) {
      box.checked = ticked.indexOf(box.value) !== -1;
    });
    if (boxes.length && window.Actions) {
      window.Actions(boxes);
      var first = results.querySelector("input.action-select:checked");
      if (first) first.dispatchEvent(new Event("change", { bubbles: true }));
    }
  });
})();
