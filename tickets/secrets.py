"""Does this text look like it carries a secret? Used to warn before sending.

The client decides: a match is a warning with the chance to edit, never a
silent rejection. Patterns favour few false alarms over catching everything.
"""

import re

from django.utils.html import json_script
from django.utils.translation import gettext_lazy as _

# One rule set for both checks: find_secrets() below on submit, and
# static/js/portal.js while typing, which reads rules_json() from the page.
# Each source is written in the syntax Python and JavaScript share (no inline
# flags, ASCII classes), so both compile it to the same meaning.
RULES = [
    (r"-----BEGIN (?:[A-Z ]+ )?PRIVATE KEY-----", "", _("a private key")),
    (
        r"\b(?:password|passwd|pwd|contrase(?:ñ|n)a|senha|mot de passe|clave)"
        r"\s*[:=]\s*\S{3,}",
        "i",
        _("a password"),
    ),
    (
        r"\b(?:api[_-]?key|secret(?:[_-]?key)?|access[_-]?token|auth[_-]?token|token)"
        r"\s*[:=]\s*['\"]?[A-Za-z0-9_\-./+]{12,}",
        "i",
        _("an API key or token"),
    ),
    (r"\bAKIA[0-9A-Z]{16}\b", "", _("an AWS access key")),
    (r"\bgh[pousr]_[A-Za-z0-9]{36,}\b", "", _("a GitHub token")),
    (r"\bxox[abprs]-[A-Za-z0-9-]{10,}\b", "", _("a Slack token")),
    (r"\bbearer\s+[A-Za-z0-9_\-.=]{20,}", "i", _("a bearer token")),
]
# A run of 13 to 19 digits, spaces or dashes allowed between them, that passes
# the Luhn check.
CARD = r"\b(?:[0-9][ -]?){13,19}\b"
CARD_DIGITS = (13, 19)

PATTERNS = [
    (re.compile(source, re.ASCII | (re.IGNORECASE if "i" in flags else 0)), label)
    for source, flags, label in RULES
]
_CARD = re.compile(CARD, re.ASCII)


def rules_json() -> str:
    """The rules for the browser, as a <script type="application/json"> element."""
    data = {
        "patterns": [[source, flags] for source, flags, _label in RULES],
        "card": CARD,
        "cardDigits": list(CARD_DIGITS),
    }
    return json_script(data, "secret-rules")


def _luhn(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def find_secrets(*texts: str) -> list[str]:
    """What kinds of secret the texts seem to contain, each named once."""
    found = []
    for text in texts:
        for pattern, label in PATTERNS:
            if pattern.search(text or "") and label not in found:
                found.append(label)
        for match in _CARD.finditer(text or ""):
            digits = re.sub(r"[^0-9]", "", match.group())
            if CARD_DIGITS[0] <= len(digits) <= CARD_DIGITS[1] and _luhn(digits):
                label = _("a card number")
                if label not in found:
                    found.append(label)
                break
    return [str(label) for label in found]
