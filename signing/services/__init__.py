"""Every change to a document to sign goes through here.

Each function is one transaction, with the document's row locked, that writes
its audit row (chained to the one before) and records its activity event; a
refused change raises ValidationError with a message for the person acting and
changes nothing. Sealing runs after commit, in a task (`tasks.seal`), because it
renders and signs a PDF: the signer's request does not wait for it.
"""

from .client import (
    PASSWORD_ATTEMPTS,
    document_decline,
    document_sign,
    document_viewed,
    request_code,
)
from .common import NOBODY, Client, audit, trail_intact
from .staff import (
    compose_version,
    document_approve,
    document_cancel,
    document_create,
    document_resend,
    document_send,
    version_add,
    version_replace,
)
from .sweeps import document_seal, expire_due, reseal_stuck, send_reminders

__all__ = [
    "NOBODY",
    "PASSWORD_ATTEMPTS",
    "Client",
    "audit",
    "compose_version",
    "document_approve",
    "document_cancel",
    "document_create",
    "document_decline",
    "document_resend",
    "document_seal",
    "document_send",
    "document_sign",
    "document_viewed",
    "expire_due",
    "request_code",
    "reseal_stuck",
    "send_reminders",
    "trail_intact",
    "version_add",
    "version_replace",
]
