"""Does this text look like it carries a secret? Used to warn before sending.

The client decides: a match is a warning with the chance to edit, never a
silent rejection. Patterns favour few false alarms over catching everything.
"""

import re

from django.utils.translation import gettext_lazy as _

PATTERNS = [
    (re.compile(r"-----BEGIN (?:[A-Z ]+ )?PRIVATE KEY-----"), _("a private key")),
    (
        re.compile(
            r"(?i)\b(?:password|passwd|pwd|contrase(?:ñ|n)a|senha|mot de passe|clave)"
            r"\s*[:=]\s*\S{3,}"
        ),
        _("a password"),
    ),
    (
        re.compile(
            r"(?i)\b(?:api[_-]?key|secret(?:[_-]?key)?|access[_-]?token|auth[_-]?token|token)"
            r"\s*[:=]\s*['\"]?[A-Za-z0-9_\-./+]{12,}"
        ),
        _("an API key or token"),
    ),
    (re.compile(r"\bAKIA[0-9A-Z]{16}\b"), _("an AWS access key")),
    (re.compile(r"\bgh[pousr]_[A-Za-z0-9]{36,}\b"), _("a GitHub token")),
    (re.compile(r"\bxox[abprs]-[A-Za-z0-9-]{10,}\b"), _("a Slack token")),
    (re.compile(r"(?i)\bbearer\s+[A-Za-z0-9_\-.=]{20,}"), _("a bearer token")),
]
_CARD = re.compile(r"\b(?:\d[ -]?){13,19}\b")


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
            digits = re.sub(r"\D", "", match.group())
            if 13 <= len(digits) <= 19 and _luhn(digits):
                label = _("a card number")
                if label not in found:
                    found.append(label)
                break
    return [str(label) for label in found]
