"""The audit record a sealed PDF carries: read from the trail, worded in the document's language."""

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from .models import DocumentEvent
from .pdf.records import AuditRecord, EventRecord, SignerRecord
from .states import AuthMethod, SignerStatus

Kind = DocumentEvent.Kind


def _sentence(event) -> str:
    who = event.actor.display_name or event.actor.email if event.actor else ""
    where = f" ({event.ip})" if event.ip else ""
    texts = {
        Kind.CREATED: _("Prepared by %(who)s"),
        Kind.APPROVED: _("Approved by %(who)s"),
        Kind.SENT: _("Sent for signature by %(who)s"),
        Kind.VIEWED: _("Opened by %(who)s%(where)s"),
        Kind.CONSENTED: _("Consent accepted by %(who)s%(where)s"),
        Kind.SIGNED: _("Signed by %(who)s%(where)s"),
        Kind.REMINDED: _("Reminder sent"),
    }
    text = texts.get(event.kind)
    if text is None:
        return str(event.get_kind_display())
    return text % {"who": who, "where": where}


def audit_record(document, version) -> AuditRecord:
    with override(document.language):
        signers = [
            SignerRecord(
                name=signer.user.display_name or signer.user.email,
                typed_name=signer.typed_name,
                email=signer.user.email,
                organisation=document.organisation.name,
                signed_at=signer.signed_at,
                time_zone=signer.time_zone,
                ip=signer.ip or "",
                user_agent=signer.user_agent,
                auth_method=str(AuthMethod(signer.auth_method).label),
                consent_text=signer.consent_text,
                consent_sha256=signer.consent_sha256,
                signature_png=bytes(signer.signature_png) if signer.signature_png else None,
                typed_signature=signer.typed_signature,
            )
            for signer in version.signers.filter(status=SignerStatus.SIGNED)
            .select_related("user")
            .order_by("signed_at", "pk")
        ]
        trail = (
            document.trail.filter(version=version)
            .exclude(kind__in=[Kind.COMPLETED, Kind.VOIDED])
            .select_related("actor")
            .order_by("pk")
        )
        events = [EventRecord(at=event.at, text=_sentence(event)) for event in trail]
        creator = document.created_by
        return AuditRecord(
            document_id=document.number,
            title=document.title,
            version=version.number,
            language=document.language,
            original_sha256=version.sha256,
            original_pages=version.pages,
            sent_at=document.sent_at,
            provider_name=settings.SIGNING_PROVIDER_NAME,
            signers=signers,
            events=events,
            sent_by=creator.display_name or creator.email,
            completed_at=timezone.now(),
            time_zone=creator.timezone,
        )
