"""An inbound message as mailin reads it: who sent it, to which address, its text,
its files, and whether a machine wrote it. Junk never raises: what cannot be read
is empty."""

import email
import email.policy
import hashlib
import re
from dataclasses import dataclass, field
from email.utils import getaddresses, parseaddr

from .trim import html_text

# Auto-replies and lists (RFC 3834, and the headers mail programs actually set).
_PRECEDENCE_MACHINE = {"bulk", "junk", "list", "auto_reply", "auto-reply"}
_DAEMONS = re.compile(r"^(mailer-daemon|postmaster|no-?reply|bounces?)([+@-]|$)", re.IGNORECASE)
MESSAGE_ID_CHARS = 250


@dataclass
class Inbound:
    raw: bytes
    message_id: str = ""
    sender: str = ""  # the From address, as written
    sender_name: str = ""
    return_path: str | None = None  # None: not given; "": the null sender <>
    subject: str = ""
    recipients: list[str] = field(default_factory=list)
    text: str = ""
    files: list[tuple[str, bytes]] = field(default_factory=list)
    auto: str = ""  # why a machine wrote it, if one did

    @property
    def key(self) -> str:
        """What makes it one message: its Message-ID, or its bytes' hash without one."""
        if self.message_id:
            return self.message_id[:MESSAGE_ID_CHARS]
        return "sha256:" + hashlib.sha256(self.raw).hexdigest()

    @property
    def from_daemon(self) -> bool:
        return self.return_path == "" or bool(_DAEMONS.match(self.sender or ""))


def _header(message, name: str) -> str:
    try:
        value = message.get(name)
    except Exception:  # a malformed header reads as absent
        return ""
    return " ".join(str(value).split()) if value is not None else ""


def _all(message, name: str) -> list[str]:
    try:
        return [str(value) for value in message.get_all(name) or ()]
    except Exception:
        return []


def _auto_reason(message) -> str:
    auto_submitted = _header(message, "Auto-Submitted").lower()
    if auto_submitted and not auto_submitted.startswith("no"):
        return f"Auto-Submitted: {auto_submitted}"
    for name in ("X-Autoreply", "X-Autorespond"):
        value = _header(message, name)
        if value:
            return f"{name}: {value}"
    precedence = _header(message, "Precedence").lower()
    if precedence in _PRECEDENCE_MACHINE:
        return f"Precedence: {precedence}"
    if _header(message, "List-Id") or _header(message, "X-Loop"):
        return "a mailing list"
    return ""


def _decoded(part) -> str:
    payload = part.get_payload(decode=True) or b""
    charset = part.get_content_charset() or "utf-8"
    try:
        return payload.decode(charset, errors="replace")
    except LookupError:  # a charset Python does not know
        return payload.decode("utf-8", errors="replace")


def _body(message) -> str:
    try:
        part = message.get_body(preferencelist=("plain", "html"))
    except Exception:
        return ""
    if part is None:
        return ""
    text = _decoded(part)
    return html_text(text) if part.get_content_type() == "text/html" else text


def _files(message) -> list[tuple[str, bytes]]:
    found = []
    try:
        parts = list(message.iter_attachments()) if message.is_multipart() else []
    except Exception:
        return found
    for part in parts:
        try:
            name = part.get_filename()
        except Exception:
            name = None
        if not name:
            continue
        found.append((name, part.get_payload(decode=True) or b""))
    return found


def parse(raw: bytes, *, envelope_recipients=()) -> Inbound:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    name, sender = parseaddr(_header(message, "From"))
    return_path = None
    if _all(message, "Return-Path"):
        return_path = parseaddr(_header(message, "Return-Path"))[1]
    recipients = [*envelope_recipients]
    for header in ("Delivered-To", "X-Original-To", "To", "Cc"):
        recipients += [address for _name, address in getaddresses(_all(message, header))]
    return Inbound(
        raw=raw,
        message_id=_header(message, "Message-ID").strip(),
        sender=sender,
        sender_name=name,
        return_path=return_path,
        subject=_header(message, "Subject")[:250],
        recipients=recipients,
        text=_body(message),
        files=_files(message),
        auto=_auto_reason(message),
    )
