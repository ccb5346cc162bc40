"""The mailbox replies land in, read over IMAP (INBOUND_EMAIL_URL).

Each unseen message is handed to services.receive() and, once its outcome is
committed, marked \\Seen and moved or deleted as the settings say. A message
handled before (another run got to it first, or this one crashed before
flagging it) is only flagged: its row says it was handled.
"""

import contextlib
import imaplib
import logging
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from django.conf import settings

from . import services
from .models import Source

logger = logging.getLogger(__name__)

TIMEOUT_SECONDS = 30
BATCH = 200


@dataclass(frozen=True)
class Mailbox:
    host: str
    port: int
    tls: bool
    user: str
    password: str
    folder: str

    @classmethod
    def from_url(cls, url: str) -> "Mailbox":
        parts = urlsplit(url)
        if parts.scheme not in ("imap", "imaps") or not parts.hostname:
            raise ValueError("INBOUND_EMAIL_URL must be imap:// or imaps://user:pass@host/folder")
        tls = parts.scheme == "imaps"
        return cls(
            host=parts.hostname,
            port=parts.port or (993 if tls else 143),
            tls=tls,
            user=unquote(parts.username or ""),
            password=unquote(parts.password or ""),
            folder=unquote(parts.path.lstrip("/")) or "INBOX",
        )

    def connect(self) -> imaplib.IMAP4:
        kind = imaplib.IMAP4_SSL if self.tls else imaplib.IMAP4
        client = kind(self.host, self.port, timeout=TIMEOUT_SECONDS)
        client.login(self.user, self.password)
        return client


def _quoted(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _raw(client, uid: bytes) -> bytes | None:
    status, data = client.uid("FETCH", uid, "(BODY.PEEK[])")
    if status != "OK":
        return None
    for item in data:
        if isinstance(item, tuple) and len(item) == 2:
            return item[1]
    return None


def _done(client, uid: bytes, capabilities) -> None:
    client.uid("STORE", uid, "+FLAGS", "(\\Seen)")
    if settings.INBOUND_EMAIL_MOVE_TO:
        target = _quoted(settings.INBOUND_EMAIL_MOVE_TO)
        if "MOVE" in capabilities:
            client.uid("MOVE", uid, target)
            return
        client.uid("COPY", uid, target)
        client.uid("STORE", uid, "+FLAGS", "(\\Deleted)")
    elif settings.INBOUND_EMAIL_DELETE:
        client.uid("STORE", uid, "+FLAGS", "(\\Deleted)")


def poll(url: str | None = None) -> int:
    """Handle the mailbox's unseen messages; the number handled now (not before)."""
    url = url if url is not None else settings.INBOUND_EMAIL_URL
    if not url:
        return 0
    mailbox = Mailbox.from_url(url)
    client = mailbox.connect()
    handled = 0
    try:
        status, _ = client.select(_quoted(mailbox.folder))
        if status != "OK":
            raise imaplib.IMAP4.error(f"cannot open folder {mailbox.folder!r}")
        capabilities = {c.upper() for c in client.capabilities}
        status, data = client.uid("SEARCH", None, "UNSEEN")
        uids = (data[0] or b"").split()[:BATCH] if status == "OK" else []
        for uid in uids:
            raw = _raw(client, uid)
            if raw is None:
                continue
            try:
                if services.receive(raw, source=Source.IMAP) is not None:
                    handled += 1
            except Exception:
                # Left unseen: the next run tries it again (its row rolled back).
                logger.exception("mailin: message %s could not be handled", uid)
                continue
            _done(client, uid, capabilities)
        if settings.INBOUND_EMAIL_MOVE_TO or settings.INBOUND_EMAIL_DELETE:
            client.expunge()
    finally:
        with contextlib.suppress(OSError, imaplib.IMAP4.error):
            client.logout()
    return handled
