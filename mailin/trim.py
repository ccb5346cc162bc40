"""A reply's own words: the quoted message, the attribution line and the signature cut off.

Written here rather than taken from a library: the maintained ones
(mail-parser-reply, quotequail) lack Portuguese or signatures, and the rules
below are the few that the portal's readers' mail programs follow. What is cut:

- the attribution line and all after it: Gmail and Apple Mail ("On … wrote:"),
  in Spanish ("El … escribió:"), Portuguese ("Em … escreveu:") and French
  ("Le … a écrit :"), also when the mail program wrapped it over two lines;
- Outlook's header block ("From:" then "Sent:"/"Date:" a few lines below, in
  each language), its "-----Original Message-----" and its underscore rule;
- the signature after a "-- " line (RFC 3676), and lines quoted with ">".
"""

import contextlib
import html
import re
from html.parser import HTMLParser

_ATTRIBUTION = re.compile(
    r"^\s*(On|El|Em|Le)\s.{4,}?\s(wrote|escribió|escreveu|a\s+écrit)\s*:\s*$",
    re.IGNORECASE,
)
_ORIGINAL = re.compile(
    r"^\s*-{2,}\s*(Original Message|Mensaje original|Mensagem original|"
    r"Message d'origine|Message original)\s*-{2,}\s*$",
    re.IGNORECASE,
)
_RULE = re.compile(r"^\s*_{10,}\s*$")
_HEADER_FROM = re.compile(r"^\s*\*?(From|De|Von)\s*\*?\s*:", re.IGNORECASE)
_HEADER_NEXT = re.compile(
    r"^\s*\*?(Sent|Date|Enviado|Enviada|Fecha|Data|Envoyé|Para|To|À|Subject|Asunto|Assunto|"
    r"Objet)\s*\*?\s*:",
    re.IGNORECASE,
)
_SIGNATURE = re.compile(r"^--\s?$")


def _is_outlook_block(lines: list[str], index: int) -> bool:
    if not _HEADER_FROM.match(lines[index]):
        return False
    return any(_HEADER_NEXT.match(line) for line in lines[index + 1 : index + 5])


def _cut_at(lines: list[str]) -> int:
    for index, line in enumerate(lines):
        # The line itself is not \xa0-safe: French puts a no-break space before ":".
        plain = line.replace("\xa0", " ")
        if _SIGNATURE.match(line) or _ORIGINAL.match(plain) or _RULE.match(plain):
            return index
        if _ATTRIBUTION.match(plain) or _is_outlook_block(lines, index):
            return index
        following = lines[index + 1] if index + 1 < len(lines) else ""
        if following.strip() and _ATTRIBUTION.match(f"{plain} {following.replace(chr(160), ' ')}"):
            return index
    return len(lines)


def reply_text(text: str) -> str:
    """The new words of a reply, without what it quotes nor its signature."""
    lines = (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    lines = lines[: _cut_at(lines)]
    kept = [line.rstrip() for line in lines if not line.lstrip().startswith(">")]
    return "\n".join(kept).strip()


class _Text(HTMLParser):
    """Text of an HTML mail: what a reader sees, never markup, quotes left out."""

    BLOCKS = {"p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table", "hr"}
    HIDDEN = {"script", "style", "head", "title", "template"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0
        self.quoted = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN:
            self.hidden += 1
        elif tag == "blockquote":
            self.quoted += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in self.HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag == "blockquote":
            self.quoted = max(0, self.quoted - 1)
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.hidden and not self.quoted:
            self.parts.append(re.sub(r"[ \t\r\n]+", " ", data))


def html_text(markup: str) -> str:
    """Plain text of an HTML body (what a reader sees; quoted blockquotes dropped)."""
    parser = _Text()
    # Junk HTML reads as what was parsed before it.
    with contextlib.suppress(Exception):
        parser.feed(markup or "")
        parser.close()
    text = html.unescape("".join(parser.parts))
    lines = [line.strip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
