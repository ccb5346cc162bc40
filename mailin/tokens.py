"""The token in a reply address: which ticket, and who may answer it with it.

`reply+<token>@support.example`. The token is `<ticket id>.<user id>.<signature>`,
the ids in base 36 and the signature a django.core.signing HMAC (its own salt, the
SECRET_KEY and its fallbacks) written in base 32: lowercase letters and digits
only, so a mail system that lowercases local parts leaves it valid, and short
(about 36 characters) so the local part stays under RFC 5321's 64.
"""

import base64
import re

from django.conf import settings
from django.core import signing
from django.utils.crypto import salted_hmac

SALT = "mailin.reply-address"
# 130 bits of the HMAC-SHA256: guessing is out of reach, the address stays short.
SIGNATURE_CHARS = 26


class _ReplySigner(signing.Signer):
    def signature(self, value, key=None):
        digest = salted_hmac(
            self.salt + "signer", value, key or self.key, algorithm=self.algorithm
        ).digest()
        return base64.b32encode(digest).decode()[:SIGNATURE_CHARS].lower()


def _signer() -> signing.Signer:
    # "." is a separator Signer accepts and a local part may hold.
    return _ReplySigner(sep=".", salt=SALT, algorithm="sha256")


def _b36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    text = ""
    while True:
        number, rest = divmod(number, 36)
        text = digits[rest] + text
        if not number:
            return text


def make(ticket_id: int, user_id: int) -> str:
    return _signer().sign(f"{_b36(ticket_id)}.{_b36(user_id)}")


def read(token: str) -> tuple[int, int] | None:
    """(ticket id, user id) of a token we signed, or None for anything else."""
    token = (token or "").strip().lower()
    if not re.fullmatch(r"[0-9a-z]{1,13}\.[0-9a-z]{1,13}\.[0-9a-z]+", token):
        return None
    try:
        value = _signer().unsign(token)
    except signing.BadSignature:
        return None
    ticket, user = value.split(".")
    return int(ticket, 36), int(user, 36)


def _pattern() -> re.Pattern | None:
    template = settings.INBOUND_REPLY_ADDRESS
    if "{token}" not in template:
        return None
    head, _, tail = template.partition("{token}")
    return re.compile(re.escape(head) + r"([0-9a-z.]+)" + re.escape(tail), re.IGNORECASE)


def address(ticket_id: int, user_id: int) -> str | None:
    template = settings.INBOUND_REPLY_ADDRESS
    if "{token}" not in template:
        return None
    return template.replace("{token}", make(ticket_id, user_id))


def find(addresses) -> str | None:
    """The token of the first of `addresses` that is one of our reply addresses."""
    pattern = _pattern()
    if pattern is None:
        return None
    for candidate in addresses:
        match = pattern.fullmatch((candidate or "").strip())
        if match:
            return match.group(1)
    return None
