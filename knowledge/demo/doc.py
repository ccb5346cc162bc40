"""How the demo's articles are written down: one `Doc` per article, a `T` per language."""

import re
import textwrap
from dataclasses import dataclass, field

_FENCE = re.compile(r"(```.*?```|`[^`\n]*`)", re.DOTALL)
# French typography: a non-breaking space before : ; ! ? and inside « ».
_BEFORE = re.compile(r" ([:;!?»])")
_AFTER = re.compile(r"« ")


@dataclass(frozen=True)
class T:
    """One language's text: title, summary, tags (comma-separated) and Markdown body."""

    title: str
    summary: str
    tags: str
    body: str


@dataclass(frozen=True)
class Update:
    """The original saved again `days` after publishing; `translations` follow it, the
    languages left out stay as they were (stale)."""

    days: float
    original: T
    translations: dict[str, T] = field(default_factory=dict)
    note: str = ""


@dataclass(frozen=True)
class Doc:
    """An article: where it sits, who reads it, when it was published (`days` ago; a
    negative number is a date to come), and its texts, the original language first."""

    key: str
    category: str
    texts: dict[str, T]
    days: float
    views: int = 0
    visibility: str = "all"
    organisations: tuple[str, ...] = ()
    request_types: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    draft: bool = False
    update: Update | None = None
    attachment: str = ""

    @property
    def original(self) -> str:
        return next(iter(self.texts))


def md(text: str) -> str:
    return textwrap.dedent(text).strip() + "\n"


def typeset(language: str, text: str) -> str:
    """French spacing outside code; other languages as written."""
    if language != "fr":
        return text
    parts = _FENCE.split(text)
    for index in range(0, len(parts), 2):
        parts[index] = _AFTER.sub("«\u00a0", _BEFORE.sub("\u00a0\\1", parts[index]))
    return "".join(parts)
