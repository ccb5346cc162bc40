"""After the signers: the seal, and the beat's reminders, expiries and stuck seals."""

import hashlib
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from ..models import Document, Signer
from ..states import DocumentStatus, SignerStatus
from .common import Kind, _enqueue_seal, _event, _lock, _void_pending, audit


def document_seal(*, document_id: int) -> Document | None:
    """Append the signatures and the certificate, seal, store; safe to run twice."""
    from ..pdf.assemble import finalise
    from ..record import audit_record

    with transaction.atomic():
        document = (
            Document.objects.select_for_update(skip_locked=True)
            .select_related("organisation")
            .filter(pk=document_id, status=DocumentStatus.SEALING)
            .first()
        )
        if document is None:
            return None
        version = document.current_version
        original = version.file.open("rb").read()
        if hashlib.sha256(original).hexdigest() != version.sha256:
            raise RuntimeError(f"{document.number}: the stored original does not match its hash")
        sealed = finalise(original, audit_record(document, version))
        document.sealed_sha256 = hashlib.sha256(sealed).hexdigest()
        document.sealed_file.save(f"{document.number}-signed.pdf", ContentFile(sealed), save=False)
        document.status = DocumentStatus.COMPLETED
        document.finished_at = timezone.now()
        document.save(update_fields=["sealed_sha256", "sealed_file", "status", "finished_at"])
        audit(document, Kind.COMPLETED, version=version, detail=document.sealed_sha256)
        _event(document, None, "document_completed")
    return document


def _remind(signer, *, column: str, now, overdue: bool) -> bool:
    document = signer.document
    with transaction.atomic():
        document = _lock(document)
        # Claimed under the document's lock, still pending: a signer who signs at
        # that moment is not reminded of what they just did.
        claimed = Signer.objects.filter(
            pk=signer.pk,
            status=SignerStatus.PENDING,
            document__status=DocumentStatus.SENT,
            **{f"{column}__isnull": True},
        ).update(**{column: now})
        if not claimed:
            return False
        audit(
            document,
            Kind.REMINDED,
            signer=signer,
            version=signer.version,
            detail="overdue" if overdue else "due",
        )
        _event(
            document,
            None,
            "document_reminder",
            user_id=signer.user_id,
            due_at=document.due_at.isoformat(),
            overdue=overdue,
        )
    return True


def send_reminders(now=None) -> int:
    """Each pending signer is reminded once before the due date and once after it.

    Each reminder is claimed by a conditional update of its own column, so two
    beats (or a task run twice) send it once.
    """
    now = now or timezone.now()
    before = timedelta(hours=settings.SIGNING_REMIND_BEFORE_HOURS)
    pending = Signer.objects.filter(
        status=SignerStatus.PENDING,
        document__status=DocumentStatus.SENT,
        # Someone asked a moment ago has just been told: no reminder on its heels.
        asked_at__lte=now - timedelta(hours=1),
    ).select_related("document", "document__organisation", "version")
    sent = 0
    for overdue, column, due in (
        (
            False,
            "reminded_before_at",
            {"document__due_at__lte": now + before, "document__due_at__gt": now},
        ),
        (True, "reminded_overdue_at", {"document__due_at__lte": now}),
    ):
        for signer in pending.filter(**{f"{column}__isnull": True}, **due):
            if _remind(signer, column=column, now=now, overdue=overdue):
                sent += 1
    return sent


def expire_due(now=None) -> int:
    """Documents past their expiry stop waiting: claimed by the status update."""
    now = now or timezone.now()
    expired = 0
    for document in Document.objects.filter(status=DocumentStatus.SENT, expires_at__lte=now):
        with transaction.atomic():
            claimed = Document.objects.filter(pk=document.pk, status=DocumentStatus.SENT).update(
                status=DocumentStatus.EXPIRED, finished_at=now
            )
            if not claimed:
                continue
            document = _lock(document)
            _void_pending(document)
            audit(document, Kind.EXPIRED, version=document.current_version)
            _event(document, None, "document_expired")
            expired += 1
    return expired


def reseal_stuck(older_than_seconds: int = 300) -> int:
    """Documents left signed but unsealed (a lost task, a worker killed) are sealed again."""
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    stuck = (
        Document.objects.filter(status=DocumentStatus.SEALING)
        .filter(signers__signed_at__lte=cutoff)
        .values_list("pk", flat=True)
        .distinct()
    )
    count = 0
    for pk in stuck:
        _enqueue_seal(pk)
        count += 1
    return count
