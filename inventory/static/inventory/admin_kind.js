// The resource form shows only the attributes of the chosen kind (all of them without JS).
(function () {
  "use strict";
  function update(select) {
    document.querySelectorAll("fieldset.inventory-attrs").forEach(function (fieldset) {
      var mine = fieldset.classList.contains("inventory-attrs--" + select.value);
      fieldset.hidden = !mine;
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    var select = document.getElementById("id_kind");
    if (!select) return;
    update(select);
    select.addEventListener("change", function () { update(select); });
  });
})();
