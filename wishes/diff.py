"""What changed between two versions of a text, word by word, as safe HTML."""

import difflib
import re

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

# Each word with the spaces after it (and any spaces the text starts with), so the
# text is rebuilt exactly and a run of changed words is one change, not one a word.
TOKENS = re.compile(r"^\s+|\S+\s*")


def words(old: str, new: str) -> SafeString:
    """`new`, with what `old` had and `new` has not in <del>, and what is new in <ins>."""
    before, after = TOKENS.findall(old or ""), TOKENS.findall(new or "")
    parts = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            parts.append(("span", "".join(after[j1:j2])))
            continue
        if tag in ("delete", "replace"):
            parts.append(("del", "".join(before[i1:i2])))
        if tag in ("insert", "replace"):
            parts.append(("ins", "".join(after[j1:j2])))
    return format_html_join(
        "",
        "{}",
        (
            (text if tag == "span" else format_html("<{0}>{1}</{0}>", tag, text),)
            for tag, text in parts
        ),
    )
