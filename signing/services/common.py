"""What the services share: the audit trail, the document's lock and its events."""

import hashlib
from dataclasses import dataclass

from django.db import connection
from django.utils import timezone

from activity.models import Visibility
from activity.services import record_event

from ..models import Document, DocumentEvent, Signer
from ..states import SignerStatus

Kind = DocumentEvent.Kind


@dataclass(frozen=True)
class Client:
    """Where a request came from, for the audit trail."""

    ip: str | None = None
    user_agent: str = ""

    @classmethod
    def of(cls, request) -> "Client":
        from accounts.throttle import client_ip

        return cls(
            ip=client_ip(request) or None,
            user_agent=request.META.get("HTTP_USER_AGENT", "")[:500],
        )


NOBODY = Client()


def _next_number(now) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO signing_documentnumber (year, last) VALUES (%s, 1) "
            "ON CONFLICT (year) DO UPDATE SET last = signing_documentnumber.last + 1 "
            "RETURNING last",
            [now.year],
        )
        (last,) = cursor.fetchone()
    return f"DOC-{now.year}-{last:05d}"


def _lock(document) -> Document:
    return Document.objects.select_for_update().select_related("organisation").get(pk=document.pk)


def audit(document, kind, *, actor=None, signer=None, version=None, client=NOBODY, detail=""):
    """Append to the document's trail; the caller holds the document's row lock."""
    previous = (
        DocumentEvent.objects.filter(document=document)
        .order_by("-pk")
        .values_list("hash", flat=True)
        .first()
        or ""
    )
    at = timezone.now()
    fields = [
        previous,
        document.number,
        str(kind),
        at.isoformat(),
        str(getattr(actor, "pk", "") or ""),
        str(getattr(signer, "pk", "") or ""),
        str(getattr(version, "pk", "") or ""),
        client.ip or "",
        client.user_agent,
        detail,
    ]
    return DocumentEvent.objects.create(
        document=document,
        version=version,
        signer=signer,
        actor=actor if actor is not None and actor.is_authenticated else None,
        kind=kind,
        at=at,
        ip=client.ip,
        user_agent=client.user_agent,
        detail=detail,
        previous_hash=previous,
        hash=hashlib.sha256("\x1f".join(fields).encode()).hexdigest(),
    )


def trail_intact(document) -> bool:
    """Whether every audit row still chains to the one before it."""
    previous = ""
    for event in DocumentEvent.objects.filter(document=document).order_by("pk"):
        fields = [
            previous,
            document.number,
            event.kind,
            event.at.isoformat(),
            str(event.actor_id or ""),
            str(event.signer_id or ""),
            str(event.version_id or ""),
            event.ip or "",
            event.user_agent,
            event.detail,
        ]
        if event.previous_hash != previous:
            return False
        if event.hash != hashlib.sha256("\x1f".join(fields).encode()).hexdigest():
            return False
        previous = event.hash
    return True


def _event(document, actor, verb, *, internal=False, **extra):
    return record_event(
        organisation=document.organisation,
        actor=actor,
        verb=verb,
        target=document,
        visibility=Visibility.INTERNAL if internal else Visibility.PUBLIC,
        data={"number": document.number, "subject": document.title, **extra},
    )


def _ask_next(document, actor) -> list[Signer]:
    """Ask the next signers: all at once, or those of the lowest order still waiting."""
    waiting = list(
        document.signers.filter(
            version=document.current_version, status=SignerStatus.WAITING
        ).select_related("user")
    )
    if not waiting:
        return []
    if document.in_order:
        first = min(s.order for s in waiting)
        waiting = [s for s in waiting if s.order == first]
    now = timezone.now()
    for signer in waiting:
        signer.status = SignerStatus.PENDING
        signer.asked_at = now
        signer.save(update_fields=["status", "asked_at"])
        _event(
            document,
            actor,
            "document_sent",
            user_id=signer.user_id,
            due_at=document.due_at.isoformat(),
            version=document.current_version.number,
        )
    return waiting


def _void_pending(document, keep=None) -> None:
    pending = document.signers.filter(
        version=document.current_version, status__in=[SignerStatus.PENDING, SignerStatus.WAITING]
    )
    if keep is not None:
        pending = pending.exclude(pk=keep.pk)
    pending.update(status=SignerStatus.VOID)


def _enqueue_seal(document_id: int) -> None:
    from ..tasks import seal

    seal.delay(document_id)
