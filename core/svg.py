"""SVG that is safe to show: an allow-list rewrite, not a block-list.

Diagrams (draw.io's .drawio.svg) keep their shapes, text and the embedded
diagram (the `content` attribute), so they can be reopened in the editor.
Scripts, event handlers, external references, foreignObject (HTML inside the
SVG) and anything not on the list are dropped. The result is also served with
a sandboxing CSP, so this is one of two locks.
"""

import re
import xml.etree.ElementTree as StdElementTree

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

SVG = "http://www.w3.org/2000/svg"
XLINK = "http://www.w3.org/1999/xlink"

ELEMENTS = {
    "svg",
    "g",
    "defs",
    "title",
    "desc",
    "path",
    "rect",
    "circle",
    "ellipse",
    "line",
    "polyline",
    "polygon",
    "text",
    "tspan",
    "linearGradient",
    "radialGradient",
    "stop",
    "clipPath",
    "mask",
    "pattern",
    "marker",
    "symbol",
    "use",
    "image",
    "switch",
    "style",
}
ATTRIBUTES = {
    "id",
    "class",
    "x",
    "y",
    "x1",
    "y1",
    "x2",
    "y2",
    "cx",
    "cy",
    "r",
    "rx",
    "ry",
    "width",
    "height",
    "d",
    "points",
    "transform",
    "fill",
    "fill-opacity",
    "fill-rule",
    "stroke",
    "stroke-width",
    "stroke-opacity",
    "stroke-dasharray",
    "stroke-linecap",
    "stroke-linejoin",
    "stroke-miterlimit",
    "opacity",
    "font-family",
    "font-size",
    "font-weight",
    "font-style",
    "text-anchor",
    "dominant-baseline",
    "alignment-baseline",
    "viewBox",
    "preserveAspectRatio",
    "version",
    "offset",
    "stop-color",
    "stop-opacity",
    "gradientUnits",
    "gradientTransform",
    "clip-path",
    "clipPathUnits",
    "mask",
    "markerWidth",
    "markerHeight",
    "refX",
    "refY",
    "orient",
    "markerUnits",
    "patternUnits",
    "dx",
    "dy",
    "visibility",
    "display",
    "requiredFeatures",
    "pointer-events",
    "style",
    "content",
    "color",
    "letter-spacing",
    "text-decoration",
    "white-space",
}
_DANGEROUS_CSS = re.compile(r"(url\s*\(|expression|@import|javascript:|behavior)", re.I)


class UnsafeSVG(ValueError):
    pass


# draw.io and most editors write this public doctype. It declares nothing
# (no internal subset, so no entities), so it is removed before the strict
# parse, which refuses every DTD.
_PUBLIC_DOCTYPE = re.compile(
    rb"^(\s*(?:<\?xml[^>]*\?>)?(?:\s*<!--(?:(?!-->).)*-->)*\s*)"
    rb'<!DOCTYPE\s+svg\s+PUBLIC\s+"[^"<>\[\]]*"\s+"[^"<>\[\]]*"\s*>',
    re.DOTALL,
)


def _local(name: str) -> tuple[str, str]:
    if name.startswith("{"):
        namespace, _, local = name[1:].partition("}")
        return namespace, local
    return "", name


def _safe_href(value: str) -> bool:
    # Only same-document references (#id) or inline raster images.
    return value.startswith("#") or value.startswith(("data:image/png;", "data:image/jpeg;"))


def _clean(element) -> None:
    for child in list(element):
        namespace, local = _local(child.tag)
        if namespace not in ("", SVG) or local not in ELEMENTS:
            element.remove(child)
            continue
        if local == "style" and _DANGEROUS_CSS.search(child.text or ""):
            element.remove(child)
            continue
        _clean_attributes(child)
        _clean(child)


def _clean_attributes(element) -> None:
    for name, value in list(element.attrib.items()):
        namespace, local = _local(name)
        keep = False
        if (namespace == XLINK and local == "href") or (namespace == "" and local == "href"):
            keep = _safe_href(value.strip())
        elif namespace == "" and local in ATTRIBUTES:
            keep = not (local == "style" and _DANGEROUS_CSS.search(value))
            if local in ("fill", "stroke", "clip-path", "mask") and "url(" in value:
                keep = bool(re.fullmatch(r"\s*url\(\s*#[\w.-]+\s*\)\s*", value))
        if not keep:
            del element.attrib[name]


def sanitize_svg(data: bytes) -> bytes:
    if len(data) > 5 * 1024 * 1024:
        raise UnsafeSVG("too large")
    data = _PUBLIC_DOCTYPE.sub(rb"\1", data, count=1)
    try:
        root = ElementTree.fromstring(data, forbid_dtd=True)
    except (ElementTree.ParseError, DefusedXmlException, ValueError) as error:
        raise UnsafeSVG(str(error)) from error
    namespace, local = _local(root.tag)
    if local != "svg" or namespace not in ("", SVG):
        raise UnsafeSVG("not an svg document")
    _clean_attributes(root)
    _clean(root)
    StdElementTree.register_namespace("", SVG)
    StdElementTree.register_namespace("xlink", XLINK)
    return StdElementTree.tostring(root, encoding="utf-8", xml_declaration=True)
