"""What changed between two versions of a text, as safe HTML: words for the short
fields, lines for the body (with a little context around each change)."""

import difflib
import re

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

# Each word with the spaces after it, so a run of changed words is one change.
TOKENS = re.compile(r"^\s+|\S+\s*")
CONTEXT_LINES = 2


def words(old: str, new: str) -> SafeString:
    """`new`, with what `old` had and `new` has not in <del>, and what is new in <ins>."""
    before, after = TOKENS.findall(old or ""), TOKENS.findall(new or "")
    parts = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            parts.append(format_html("{}", "".join(after[j1:j2])))
            continue
        if tag in ("delete", "replace"):
            parts.append(format_html("<del>{}</del>", "".join(before[i1:i2])))
        if tag in ("insert", "replace"):
            parts.append(format_html("<ins>{}</ins>", "".join(after[j1:j2])))
    return format_html_join("", "{}", ((part,) for part in parts))


def lines(old: str, new: str) -> list[tuple[str, str]]:
    """The changed lines of a long text as (kind, line): kind is "del", "ins", "same"
    (context around a change) or "gap" (unchanged lines left out)."""
    before, after = (old or "").splitlines(), (new or "").splitlines()
    rows: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for group in matcher.get_grouped_opcodes(CONTEXT_LINES):
        if rows:
            rows.append(("gap", ""))
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                rows += [("same", line) for line in after[j1:j2]]
                continue
            if tag in ("delete", "replace"):
                rows += [("del", line) for line in before[i1:i2]]
            if tag in ("insert", "replace"):
                rows += [("ins", line) for line in after[j1:j2]]
    return rows
