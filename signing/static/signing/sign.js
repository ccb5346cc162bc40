// The signature pad: pointer strokes on a canvas, kept as a PNG data URL in the
// form's hidden "drawn" field; "Type my signature" shows the typed field instead.
(function () {
  "use strict";
  function setup(form) {
    var canvas = form.querySelector("[data-pad-canvas]");
    var pad = form.querySelector("[data-pad]");
    var typed = form.querySelector("[data-typed]");
    var field = form.querySelector("input[name=drawn]");
    var ctx = canvas.getContext("2d");
    var drawing = false, inked = false, last = null;

    function point(event) {
      var box = canvas.getBoundingClientRect();
      return {
        x: (event.clientX - box.left) * (canvas.width / box.width),
        y: (event.clientY - box.top) * (canvas.height / box.height)
      };
    }
    ctx.lineWidth = 2.5;
    ctx.lineCap = "round";
    ctx.lineJoin = "round";
    ctx.strokeStyle = "#0b1f44";
    canvas.addEventListener("pointerdown", function (event) {
      drawing = true;
      last = point(event);
      canvas.setPointerCapture(event.pointerId);
      event.preventDefault();
    });
    canvas.addEventListener("pointermove", function (event) {
      if (!drawing) return;
      var next = point(event);
      ctx.beginPath();
      ctx.moveTo(last.x, last.y);
      ctx.lineTo(next.x, next.y);
      ctx.stroke();
      last = next;
      inked = true;
      event.preventDefault();
    });
    function stop() {
      if (!drawing) return;
      drawing = false;
      if (inked) field.value = canvas.toDataURL("image/png");
    }
    canvas.addEventListener("pointerup", stop);
    canvas.addEventListener("pointercancel", stop);
    form.querySelector("[data-pad-clear]").addEventListener("click", function () {
      ctx.clearRect(0, 0, canvas.width, canvas.height);
      inked = false;
      field.value = "";
    });

    function showMode() {
      var chosen = form.querySelector("input[name=mode]:checked");
      var drawMode = !chosen || chosen.value === "draw";
      pad.hidden = !drawMode;
      typed.hidden = drawMode;
    }
    form.querySelectorAll("input[name=mode]").forEach(function (radio) {
      radio.addEventListener("change", showMode);
    });
    showMode();
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-sign-form]").forEach(setup);
  });
})();
