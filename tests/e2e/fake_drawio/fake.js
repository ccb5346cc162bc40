// A stand-in for draw.io's embed mode, for the browser tests: it speaks the same
// JSON protocol (https://www.drawio.com/doc/faq/embed-mode) but draws nothing.
//   on load:                 -> {"event": "init"}
//   {"action": "load"}       records the xml it was given (shown on the page)
//   "Save" button            -> {"event": "save", "xml": <mxfile>, "exit": true}
//   "Save a picture only"    -> the same with "xml": "" (an SVG that carries no diagram)
//   {"action": "export", "format": "xmlsvg"}
//                            -> {"event": "export", "data": "data:image/svg+xml;base64,...", "xml"}
//                               (an SVG shaped like draw.io's: `content` holds the mxfile,
//                               labels in foreignObject, the "Text is not SVG" link)
//                            -> {"event": "exit"}
// Like draw.io, it posts to its parent with targetOrigin "*".
(function () {
  "use strict";
  var MXFILE =
    '<mxfile host="embed.diagrams.net" agent="Fake" version="24.7.17">' +
    '<diagram id="x" name="Page-1"><mxGraphModel dx="800" dy="600" grid="1" gridSize="10">' +
    '<root><mxCell id="0"/><mxCell id="1" parent="0"/>' +
    '<mxCell id="2" value="Módem &amp; router" style="rounded=1;whiteSpace=wrap;html=1;" ' +
    'vertex="1" parent="1"><mxGeometry x="0" y="0" width="160" height="80" as="geometry"/>' +
    "</mxCell></root></mxGraphModel></diagram></mxfile>";

  function escapeXml(text) {
    return text
      .replace(/&/g, "&amp;")
      .replace(/</g, "&lt;")
      .replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;");
  }

  function drawioSvg(xml) {
    return (
      '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" ' +
      'version="1.1" width="161px" height="81px" viewBox="-0.5 -0.5 161 81" ' +
      'style="background-color: rgb(255, 255, 255);" content="' + escapeXml(xml) + '">' +
      "<defs/><g>" +
      '<rect x="0" y="0" width="160" height="80" rx="12" ry="12" fill="#dae8fc" ' +
      'stroke="#6c8ebf" pointer-events="all"/>' +
      '<g transform="translate(-0.5 -0.5)"><switch>' +
      '<foreignObject pointer-events="none" width="100%" height="100%" ' +
      'requiredFeatures="http://www.w3.org/TR/SVG11/feature#Extensibility">' +
      '<div xmlns="http://www.w3.org/1999/xhtml">Módem &amp; router</div></foreignObject>' +
      '<text x="80" y="44" fill="#000000" font-family="Helvetica" font-size="12px" ' +
      'text-anchor="middle">Módem &amp; router</text></switch></g></g>' +
      '<switch><g requiredFeatures="http://www.w3.org/TR/SVG11/feature#Extensibility"/>' +
      '<a transform="translate(0,-5)" ' +
      'xlink:href="https://www.drawio.com/doc/faq/svg-export-text-problems" target="_blank">' +
      '<text text-anchor="middle" font-size="10px" x="50%" y="100%">' +
      "Text is not SVG - cannot display</text></a></switch>" +
      '<script>alert("svg script")</script></svg>'
    );
  }

  function base64Utf8(text) {
    var bytes = new TextEncoder().encode(text);
    var binary = "";
    bytes.forEach(function (b) {
      binary += String.fromCharCode(b);
    });
    return btoa(binary);
  }

  function send(message) {
    window.parent.postMessage(JSON.stringify(message), "*");
  }

  document.getElementById("params").textContent = window.location.search;

  window.addEventListener("message", function (event) {
    if (event.source !== window.parent) return;
    var message = JSON.parse(event.data);
    if (message.action === "load") {
      var xml = message.xml || "";
      document.getElementById("loaded-kind").textContent = !xml
        ? "blank"
        : xml.indexOf("<svg") !== -1 && xml.indexOf(" content=") !== -1
          ? "svg with diagram"
          : "other";
      document.getElementById("loaded-title").textContent = message.title || "";
      document.getElementById("loaded").textContent = xml;
      send({ event: "load", xml: xml, width: 161, height: 81 });
    } else if (message.action === "export" && message.format === "xmlsvg") {
      var svg = drawioSvg(typeof message.xml === "string" ? message.xml : MXFILE);
      send({
        event: "export",
        format: "xmlsvg",
        data: "data:image/svg+xml;base64," + base64Utf8(svg),
        xml: message.xml,
        message: message
      });
      send({ event: "exit", modified: false });
    }
  });

  document.getElementById("save").addEventListener("click", function () {
    send({ event: "save", xml: MXFILE, exit: true });
  });
  // An export without the diagram inside (content=""): the portal must refuse it.
  document.getElementById("save-picture").addEventListener("click", function () {
    send({ event: "save", xml: "", exit: true });
  });
  document.getElementById("exit").addEventListener("click", function () {
    send({ event: "exit", modified: false });
  });

  send({ event: "init" });
})();
