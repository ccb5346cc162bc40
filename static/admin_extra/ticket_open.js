// Opening a ticket for a client (tickets/admin_open.py): choosing the
// organisation or the request type redraws the form with that organisation's
// people and that type's own fields, keeping what was already typed.
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  const form = document.getElementById("ticket_form");
  if (!form) {
    return;
  }
  const carried = ["organisation", "requester", "request_type", "category", "priority", "subject", "description"];
  function redraw(event) {
    const params = new URLSearchParams();
    for (const name of carried) {
      const field = form.elements.namedItem(name);
      // Another organisation has other people and request types.
      const stale = event.target.name === "organisation" && (name === "requester" || name === "request_type");
      if (field && field.value && !stale) {
        params.set(name, field.value);
      }
    }
    window.location.search = params.toString();
  }
  for (const name of ["organisation", "request_type"]) {
    const field = form.elements.namedItem(name);
    if (field) {
      field.addEventListener("change", redraw);
    }
  }
});
