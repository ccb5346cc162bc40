"""What staff do: prepare a document, send it (or have it approved), cancel it, re-send it."""

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Membership
from audit.models import Action
from audit.services import record as audit_record
from core.uploads import clean_name

from ..models import Document, DocumentVersion, Signer
from ..pdf.checks import check_pdf
from ..states import DocumentStatus, SignerStatus
from .common import Kind, _ask_next, _event, _lock, _next_number, _void_pending, audit


def version_add(*, document, data: bytes, name: str, by) -> DocumentVersion:
    """A new current version of a draft (or of a document being re-sent) from PDF bytes."""
    info = check_pdf(data)
    last = document.versions.aggregate(last=Max("number"))["last"] or 0
    version = DocumentVersion(
        document=document,
        number=last + 1,
        name=clean_name(name or f"{document.number}.pdf")[:200],
        sha256=info.sha256,
        pages=info.pages,
        created_by=by,
    )
    version.file.save("document.pdf", ContentFile(data), save=False)
    version.save()
    return version


def document_create(
    *,
    organisation,
    title: str,
    language: str,
    by,
    due_at,
    signers: list,
    pdf: bytes | None = None,
    pdf_name: str = "",
    template=None,
    in_order: bool = True,
    approver=None,
    expires_at=None,
    message: str = "",
    ticket=None,
    wish=None,
) -> Document:
    """A draft with its first version and its signers (in the order given)."""
    if pdf is None and template is None:
        raise ValidationError(_("Upload a PDF or choose a template."))
    with transaction.atomic():
        document = Document(
            number=_next_number(timezone.now()),
            organisation=organisation,
            title=title,
            language=language,
            message=message,
            ticket=ticket,
            wish=wish,
            template=template,
            source="template" if pdf is None else "upload",
            in_order=in_order,
            approver=approver,
            due_at=due_at,
            expires_at=expires_at,
            created_by=by,
        )
        document.full_clean(exclude=["number", "sealed_file"])
        document.save()
        # The signers first: a composed document names them.
        for position, user in enumerate(signers, start=1):
            Signer.objects.create(document=document, user=user, order=position if in_order else 1)
        if pdf is None:
            compose_version(document=document, by=by)
        else:
            version_add(document=document, data=pdf, name=pdf_name, by=by)
        audit(document, Kind.CREATED, actor=by, version=document.current_version)
    return document


def version_replace(*, document, data: bytes | None, name: str, by) -> DocumentVersion:
    """A draft's PDF changed before sending: the earlier file is kept, void."""
    with transaction.atomic():
        document = _lock(document)
        if document.status != DocumentStatus.DRAFT:
            raise ValidationError(_("Only a draft's PDF can be replaced; send a new version."))
        document.versions.filter(void_at__isnull=True).update(
            void_at=timezone.now(), void_reason=_("Replaced before sending")
        )
        if data is None:
            return compose_version(document=document, by=by)
        return version_add(document=document, data=data, name=name, by=by)


def compose_version(*, document, by) -> DocumentVersion:
    """Render the document's template with its organisation, contract and ticket."""
    from ..compose import compose_pdf

    data = compose_pdf(document)
    return version_add(document=document, data=data, name=f"{document.number}.pdf", by=by)


def _check_signers(document) -> list[Signer]:
    signers = list(document.signers.filter(version__isnull=True).select_related("user"))
    if not signers:
        raise ValidationError(_("Add at least one signer from the client organisation."))
    members = set(
        Membership.objects.filter(
            organisation=document.organisation, is_active=True, user__is_active=True
        ).values_list("user_id", flat=True)
    )
    users = [s.user_id for s in signers]
    if len(set(users)) != len(users):
        raise ValidationError(_("A person is named twice among the signers."))
    strangers = [s.user for s in signers if s.user_id not in members]
    if strangers:
        names = ", ".join(str(user) for user in strangers)
        raise ValidationError(
            _("Signers must be active people of %(organisation)s: %(names)s.")
            % {"organisation": document.organisation, "names": names}
        )
    return signers


def _check_sendable(document) -> None:
    from ..pdf.seal import load_signer

    now = timezone.now()
    if document.current_version is None:
        raise ValidationError(_("The document has no PDF yet."))
    if document.due_at <= now:
        raise ValidationError(_("The due date has passed: set a later one."))
    if document.expires_at and document.expires_at < document.due_at:
        raise ValidationError(_("The document cannot expire before it is due."))
    # A document nobody can verify is worse than none: refuse before anyone signs
    # (SealUnavailable is a ValidationError in the reader's language).
    load_signer()
    _check_signers(document)


def document_send(*, document, by) -> Document:
    """Send a draft to its signers, or to its internal approver first."""
    with transaction.atomic():
        document = _lock(document)
        if document.status != DocumentStatus.DRAFT:
            raise ValidationError(_("Only a draft can be sent."))
        _check_sendable(document)
        if document.approver_id and document.approved_at is None:
            if document.approver_id == by.pk:
                raise ValidationError(
                    _("You cannot approve what you send: name a colleague as approver.")
                )
            document.status = DocumentStatus.APPROVAL
            document.save(update_fields=["status"])
            audit(document, Kind.SENT, actor=by, detail="approval")
            # Staff only: the approver (its owner while it waits for them) hears of it.
            _event(document, by, "document_approval_requested", internal=True)
            return document
        return _send(document, by)


def document_approve(*, document, by) -> Document:
    with transaction.atomic():
        document = _lock(document)
        if document.status != DocumentStatus.APPROVAL:
            raise ValidationError(_("This document is not waiting for approval."))
        if by.pk != document.approver_id:
            raise ValidationError(_("Only the approver named on the document can approve it."))
        _check_sendable(document)
        document.approved_at = timezone.now()
        audit(document, Kind.APPROVED, actor=by, version=document.current_version)
        return _send(document, by)


def _send(document, by) -> Document:
    version = document.current_version
    signers = _check_signers(document)
    now = timezone.now()
    document.status = DocumentStatus.SENT
    document.sent_at = now
    document.save(update_fields=["status", "sent_at", "approved_at"])
    for signer in signers:
        signer.version = version
        signer.status = SignerStatus.WAITING
        signer.save(update_fields=["version", "status"])
    audit(document, Kind.SENT, actor=by, version=version)
    audit_record(
        action=Action.DOCUMENT_SENT,
        actor=by,
        target=document,
        organisation=document.organisation,
        extra={"version": version.pk, "signers": [signer.user_id for signer in signers]},
    )
    _ask_next(document, by)
    return document


def document_cancel(*, document, by, reason: str) -> Document:
    reason = (reason or "").strip()
    with transaction.atomic():
        document = _lock(document)
        if document.status not in (
            DocumentStatus.DRAFT,
            DocumentStatus.APPROVAL,
            DocumentStatus.SENT,
        ):
            raise ValidationError(
                _("A document that is %(status)s cannot be cancelled.")
                % {"status": document.get_status_display().lower()}
            )
        if not reason:
            raise ValidationError(_("Give the reason: the signers read it."))
        was_sent = document.status == DocumentStatus.SENT
        _void_pending(document)
        document.status = DocumentStatus.CANCELLED
        document.cancel_reason = reason
        document.finished_at = timezone.now()
        document.save(update_fields=["status", "cancel_reason", "finished_at"])
        audit(document, Kind.CANCELLED, actor=by, version=document.current_version, detail=reason)
        if was_sent:
            _event(document, by, "document_cancelled", reason=reason[:500])
    return document


def document_resend(
    *, document, by, reason: str, pdf: bytes | None = None, pdf_name: str = "", due_at=None
) -> Document:
    """Void the current version (kept, with its signatures) and send a new one."""
    reason = (reason or "").strip()
    with transaction.atomic():
        document = _lock(document)
        if document.status not in (
            DocumentStatus.SENT,
            DocumentStatus.DECLINED,
            DocumentStatus.EXPIRED,
        ):
            raise ValidationError(
                _("Only a document waiting for signatures, declined or expired can be re-sent.")
            )
        if not reason:
            raise ValidationError(_("Say what changed: the signers read it."))
        old = document.current_version
        old_signers = list(document.signers.filter(version=old).order_by("order", "pk"))
        now = timezone.now()
        old.void_at = now
        old.void_reason = reason
        old.save(update_fields=["void_at", "void_reason"])
        document.signers.filter(version=old).exclude(status=SignerStatus.SIGNED).update(
            status=SignerStatus.VOID
        )
        audit(document, Kind.VOIDED, actor=by, version=old, detail=reason)
        # The signers first: a composed version names them.
        for signer in old_signers:
            Signer.objects.create(document=document, user=signer.user, order=signer.order)
        if pdf is not None:
            version_add(document=document, data=pdf, name=pdf_name, by=by)
        elif document.template_id:
            compose_version(document=document, by=by)
        else:
            with old.file.open("rb") as handle:
                version_add(document=document, data=handle.read(), name=old.name, by=by)
        document.status = DocumentStatus.DRAFT
        document.finished_at = None
        document.approved_at = None
        if due_at is not None:
            document.due_at = due_at
        if document.expires_at and document.expires_at <= now:
            # An expired document sent again waits until its new due date and beyond.
            document.expires_at = None
        document.save(
            update_fields=["status", "finished_at", "approved_at", "due_at", "expires_at"]
        )
        document = document_send(document=document, by=by)
    return document
