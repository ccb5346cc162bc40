"""What the signatures page and the audit certificate say: plain values, written by the caller.

Times are aware datetimes; they are shown in UTC and in each person's zone.
Texts (the authentication method, the events) come already in words, in the
document's language.
"""

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class SignerRecord:
    name: str  # as the portal knows them
    typed_name: str  # the full name as they typed it when signing
    email: str
    organisation: str
    signed_at: datetime
    time_zone: str  # an IANA name ("America/Santiago"); unknown or empty: UTC only
    ip: str
    user_agent: str
    auth_method: str  # in words: "Portal session (password and one-time code)"
    consent_text: str
    consent_sha256: str
    signature_png: bytes | None = None  # checks.check_signature_image() output
    typed_signature: str = ""  # when they typed instead of drawing


@dataclass(frozen=True)
class EventRecord:
    at: datetime
    text: str  # in words: "Diego Pérez viewed the document from 203.0.113.7"


@dataclass(frozen=True)
class AuditRecord:
    document_id: str
    title: str
    version: str | int
    language: str  # "es", "en", "pt", "fr"
    original_sha256: str
    original_pages: int
    sent_at: datetime
    provider_name: str  # who seals: "Andes Soporte SpA"
    signers: list[SignerRecord] = field(default_factory=list)
    events: list[EventRecord] = field(default_factory=list)
    sent_by: str = ""
    completed_at: datetime | None = None
    time_zone: str = ""  # the sender's zone, for the document's own times besides UTC
