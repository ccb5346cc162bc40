// A question asked only for some answer is hidden until that answer is chosen (the
// server decides again on submit: a hidden question's answer is dropped).
(function () {
  "use strict";
  function answer(form, key) {
    var inputs = form.querySelectorAll('[name="q_' + key + '"]');
    var values = [];
    inputs.forEach(function (input) {
      if ((input.type === "radio" || input.type === "checkbox") ? input.checked : input.value) {
        values.push(input.value);
      }
    });
    return values;
  }
  function update(form) {
    form.querySelectorAll("[data-show-if]").forEach(function (box) {
      var shown = answer(form, box.dataset.showIf).indexOf(box.dataset.showValue) !== -1;
      box.hidden = !shown;
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("answer-form");
    if (!form) return;
    update(form);
    form.addEventListener("change", function () { update(form); });
  });
})();
