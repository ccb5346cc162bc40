"""The placeholders of a canned reply: which exist, how a body is checked and filled.

Filling is a regular-expression substitution over a fixed list of names: nothing
staff type is ever evaluated (no str.format, whose `{x.attr}` and `{x[0]}` read
attributes and items), so a body can only name the values below.

`{{` and `}}` write a literal brace; any other brace must open or close a known name.
"""

import re

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

# Name -> what it is, for the admin's help text and the README.
PLACEHOLDERS = {
    "client_name": _("the client's full name"),
    "client_first_name": _("the client's first name"),
    "ticket_number": _("the ticket's number"),
    "ticket_subject": _("the ticket's subject"),
    "organisation": _("the client's organisation"),
    "agent_name": _("your name"),
    "sla_deadline": _("the ticket's next SLA deadline, in the client's language and time zone"),
}

# A literal brace, a placeholder, or a brace that is neither (an error).
_TOKEN = re.compile(r"\{\{|\}\}|\{([^{}\s]{0,40})\}|[{}]")


def problems(text: str) -> tuple[list[str], list[str]]:
    """(unknown placeholders, stray braces) in `text`, each once, in order of appearance."""
    unknown: dict[str, None] = {}
    stray: dict[str, None] = {}
    for match in _TOKEN.finditer(text or ""):
        if match.group(0) in ("{{", "}}"):
            continue
        name = match.group(1)
        if name is None:
            # A lone brace: show it with a few characters around it, so it can be found.
            start, end = max(match.start() - 10, 0), min(match.end() + 10, len(text))
            stray[text[start:end].replace("\n", " ").strip()] = None
        elif name not in PLACEHOLDERS:
            unknown["{" + name + "}"] = None
    return list(unknown), list(stray)


def error_messages(text: str) -> list[str]:
    """The reasons `text` is refused, in the active language (empty when it is fine)."""
    unknown, stray = problems(text)
    messages = []
    if unknown:
        messages.append(
            ngettext(
                "Unknown placeholder: %(names)s. Use one of: %(known)s.",
                "Unknown placeholders: %(names)s. Use one of: %(known)s.",
                len(unknown),
            )
            % {"names": ", ".join(unknown), "known": known_list()}
        )
    if stray:
        messages.append(
            ngettext(
                "A brace that opens or closes no placeholder: %(places)s. "
                "Write {{ or }} for a brace in the text.",
                "Braces that open or close no placeholder: %(places)s. "
                "Write {{ or }} for a brace in the text.",
                len(stray),
            )
            % {"places": ", ".join(f"“{place}”" for place in stray)}
        )
    return messages


def known_list() -> str:
    return ", ".join("{" + name + "}" for name in PLACEHOLDERS)


def help_text():
    return format_lazy("{} {}", _("Placeholders filled in for each ticket:"), known_list())


def fill(text: str, values: dict[str, str]) -> str:
    """`text` with each known placeholder replaced by its value; unknown ones left as typed."""

    def replace(match):
        found = match.group(0)
        if found in ("{{", "}}"):
            return found[0]
        name = match.group(1)
        if name is not None and name in values:
            return values[name]
        return found

    return _TOKEN.sub(replace, text or "")
