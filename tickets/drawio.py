"""Diagrams drawn in draw.io (diagrams.net) and attached to a ticket as NAME.drawio.svg.

The editor is not ours: it runs in an iframe from settings.DRAWIO_URL (the hosted
embed.diagrams.net or a self-hosted jgraph/drawio) and talks to static/js/drawio.js
through the embed protocol (postMessage, JSON). The portal only stores the result:
an SVG exported with the diagram inside it ("xmlsvg"). Its root `<svg>` carries a
`content` attribute holding the XML-escaped `<mxfile>`, so the file is both a
picture (shown as a sanitised <img>) and the source the editor reopens.

Every page of an mxfile is a `<diagram>` whose content is either an `<mxGraphModel>`
element or, "compressed", base64(raw DEFLATE(encodeURIComponent(xml))), which is
draw.io's Graph.compress. See https://www.drawio.com/doc/faq/embed-mode.
"""

import base64
import binascii
import xml.etree.ElementTree as StdElementTree
import zlib
from urllib.parse import quote, unquote, urlencode

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException
from django.conf import settings

from core.uploads import clean_name, upload_from_bytes

SUFFIX = ".drawio.svg"
DEFAULT_NAME = "diagram"
# Suffixes replaced by SUFFIX when a name is given: "net.svg" -> "net.drawio.svg".
_REPLACED_SUFFIXES = (".drawio.svg", ".drawio.png", ".drawio", ".svg", ".xml")
# A compressed page may not inflate past this (a few KB of deflate can hide GBs).
MAX_PAGE_BYTES = 10 * 1024 * 1024
_PARSE_ERRORS = (StdElementTree.ParseError, DefusedXmlException, ValueError)


def editor_src(language: str) -> str:
    """The iframe's address: embed mode, JSON protocol, one "Save and exit" button.

    Its origin is the one the page's CSP frame-src allows (config/settings.py) and
    the only one static/js/drawio.js takes messages from.
    """
    params = {
        "embed": "1",
        "proto": "json",
        "spin": "1",
        "saveAndExit": "1",
        "noSaveBtn": "1",
        "lang": language,
    }
    return f"{settings.DRAWIO_URL.rstrip('/')}/?{urlencode(params)}"


def diagram_name(raw: str) -> str:
    """A safe file name that ends in .drawio.svg, whatever the browser sent."""
    name = clean_name(raw) if (raw or "").strip() else DEFAULT_NAME
    lower = name.lower()
    for suffix in _REPLACED_SUFFIXES:
        if lower.endswith(suffix):
            name = name[: -len(suffix)]
            break
    stem = name.strip(" .")[:100].rstrip(" .") or DEFAULT_NAME
    return clean_name(stem + SUFFIX)


def editor_upload(upload, raw_name: str):
    """The editor's export as an upload named NAME.drawio.svg, ready for clean_uploads()."""
    name = diagram_name(raw_name)
    if upload.size > settings.ATTACHMENT_MAX_BYTES:
        upload.name = name  # unread: clean_uploads() refuses it with the size message
        return upload
    # draw.io's public SVG doctype is dropped by the sanitiser (core/svg.py).
    return upload_from_bytes(name, upload.read())


def compress(xml: str) -> str:
    """draw.io's Graph.compress: base64(raw DEFLATE(encodeURIComponent(xml)))."""
    deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
    raw = deflate.compress(quote(xml, safe="-_.!~*'()").encode("ascii")) + deflate.flush()
    return base64.b64encode(raw).decode("ascii")


def decompress(text: str) -> str | None:
    """The XML of a compressed page, or None when it is not one (or inflates too far)."""
    try:
        raw = base64.b64decode(text)
        inflate = zlib.decompressobj(-15)
        data = inflate.decompress(raw, MAX_PAGE_BYTES)
        if inflate.unconsumed_tail:
            return None
        return unquote(data.decode("utf-8"), errors="strict")
    except (binascii.Error, zlib.error, UnicodeDecodeError, ValueError):
        return None


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def mxfile_xml(mxfile: str) -> str | None:
    """The mxfile with every page uncompressed, or None if it is not a usable diagram."""
    try:
        root = ElementTree.fromstring(mxfile.encode("utf-8"), forbid_dtd=True)
    except _PARSE_ERRORS:
        return None
    if root.tag != "mxfile":
        return None
    pages = root.findall("diagram")
    if not pages:
        return None
    for page in pages:
        if page.find("mxGraphModel") is not None:
            continue
        inflated = decompress((page.text or "").strip())
        if inflated is None:
            return None
        try:
            model = ElementTree.fromstring(inflated.encode("utf-8"), forbid_dtd=True)
        except _PARSE_ERRORS:
            return None
        if model.tag != "mxGraphModel":
            return None
        page.text = None
        page.append(model)
    return StdElementTree.tostring(root, encoding="unicode")


def diagram_xml(svg: bytes) -> str | None:
    """The diagram a .drawio.svg carries (an uncompressed <mxfile>), or None.

    None means the file is only a picture: draw.io could not reopen it as a diagram.
    """
    try:
        root = ElementTree.fromstring(svg, forbid_dtd=True)
    except _PARSE_ERRORS:
        return None
    if _local(root.tag) != "svg":
        return None
    content = root.get("content")
    return mxfile_xml(content) if content else None
