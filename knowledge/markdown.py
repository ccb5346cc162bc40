"""An article's Markdown as safe HTML, with its table of contents.

CommonMark with tables and strikethrough (markdown-it-py), raw HTML off, then
nh3 keeps only the tags and attributes below: whatever staff paste, a client's
page never runs a script or loads from elsewhere. Images may only name the
article's own attachments (`attachment:name.png`), rewritten to the view that
checks the reader may open the article.
"""

import html as html_lib
import re
from dataclasses import dataclass

import nh3
from django.utils.text import slugify
from markdown_it import MarkdownIt

ATTACHMENT_PREFIX = "attachment:"
TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "del", "em", "h2", "h3", "h4", "hr", "i",
    "img", "kbd", "li", "ol", "p", "pre", "s", "strong", "sub", "sup", "table", "tbody",
    "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "h2": {"id"},
    "h3": {"id"},
    "h4": {"id"},
    "td": {"class"},
    "th": {"class"},
    "code": {"class"},
    "pre": {"tabindex"},
    "table": {"tabindex"},
}
# A table of contents helps from this many headings on.
TOC_FROM = 3

_parser = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable(
    ["table", "strikethrough"]
)
_ALIGN = re.compile(r"^text-align:(left|right|center)$")
_CLASS = re.compile(r"^(align-(left|right|center)|language-[\w+-]+)$")


@dataclass(frozen=True)
class Heading:
    level: int
    text: str
    anchor: str


@dataclass(frozen=True)
class Rendered:
    html: str
    headings: list[Heading]

    @property
    def toc(self) -> list[Heading]:
        return self.headings if len(self.headings) >= TOC_FROM else []


def _heading_text(inline) -> str:
    """What a heading says, without its Markdown (`code`, **bold**, [links](…))."""
    return "".join(
        child.content for child in inline.children or () if child.type in ("text", "code_inline")
    ).strip()


def _shift_headings(tokens) -> list[Heading]:
    """Headings start at h2 (the page's title is the h1) and get stable anchors,
    prefixed so that none can take the id of a part of the page around it."""
    headings, seen = [], {}
    for index, token in enumerate(tokens):
        if token.type not in ("heading_open", "heading_close"):
            continue
        # "#" and "##" are both sections of the page.
        level = min(max(int(token.tag[1]), 2), 4)
        token.tag = f"h{level}"
        if token.type == "heading_open":
            text = _heading_text(tokens[index + 1])
            base = "s-" + (slugify(text) or "section")
            seen[base] = seen.get(base, 0) + 1
            anchor = base if seen[base] == 1 else f"{base}-{seen[base]}"
            token.attrSet("id", anchor)
            headings.append(Heading(level, text, anchor))
    return headings


def _rewrite_images(tokens, attachments: dict[str, str]) -> None:
    for token in tokens:
        for child in token.children or ():
            if child.type != "image":
                continue
            src = child.attrGet("src") or ""
            name = src[len(ATTACHMENT_PREFIX) :] if src.startswith(ATTACHMENT_PREFIX) else None
            # An image from anywhere else would tell that server who reads what.
            child.attrSet("src", attachments.get(name, "") if name else "")


def _focusable_scrollers(tokens) -> None:
    # A code block or a table wider than a phone scrolls sideways: keyboard users
    # must be able to reach it to scroll it.
    for token in tokens:
        if token.type == "table_open":
            token.attrSet("tabindex", "0")


def _align_cells(tokens) -> None:
    # The page's CSP allows no style attributes: a column's alignment is a class.
    for token in tokens:
        if token.type in ("th_open", "td_open") and token.attrGet("style"):
            match = _ALIGN.match(str(token.attrGet("style")).replace(" ", ""))
            del token.attrs["style"]
            if match:
                token.attrSet("class", f"align-{match.group(1)}")


def _attribute_filter(tag, attribute, value):
    if attribute == "tabindex":
        return "0"
    if attribute == "class":
        return value if _CLASS.match(value) else None
    if tag == "img" and attribute == "src" and not value:
        return None
    return value


def render(text: str, attachments: dict[str, str] | None = None) -> Rendered:
    """`attachments` maps an attachment's name to the URL that serves it."""
    tokens = _parser.parse(text or "")
    headings = _shift_headings(tokens)
    _rewrite_images(tokens, attachments or {})
    _align_cells(tokens)
    _focusable_scrollers(tokens)
    html = _parser.renderer.render(tokens, _parser.options, {})
    # The fence renderer puts a token's attributes on <code>; raw HTML is off, so
    # every <pre> here is the renderer's own.
    html = html.replace("<pre>", '<pre tabindex="0">')
    clean = nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        attribute_filter=_attribute_filter,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    return Rendered(clean, headings)


def plain(text: str) -> str:
    """The words of the Markdown, for a snippet or a preview line."""
    return html_lib.unescape(nh3.clean(render(text).html, tags=set())).strip()
