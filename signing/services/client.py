"""What a signer does: open the document, sign it, or decline it."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import consent, identity
from ..models import Signer
from ..pdf.checks import check_signature_image
from ..states import DocumentStatus, SignerStatus
from .common import NOBODY, Kind, _ask_next, _enqueue_seal, _event, _lock, _void_pending, audit


def _my_request(document, user) -> Signer:
    """The user's request on the current version, locked."""
    signer = (
        Signer.objects.select_for_update()
        .filter(document=document, version=document.current_version, user=user)
        .first()
    )
    if signer is None:
        raise ValidationError(_("You are not asked to sign this document."))
    return signer


def _check_version(signer, version) -> None:
    if version is not None and version != signer.version.number:
        raise ValidationError(
            _("The document changed since you opened it: review the new version, then sign.")
        )


def _check_open(document, signer) -> None:
    if document.status != DocumentStatus.SENT:
        raise ValidationError(
            _("This document can no longer be signed: it is %(status)s.")
            % {"status": document.get_status_display().lower()}
        )
    if document.expires_at and document.expires_at <= timezone.now():
        raise ValidationError(_("This document has expired and can no longer be signed."))
    if signer.status == SignerStatus.SIGNED:
        raise ValidationError(_("You have already signed this document."))
    if signer.status == SignerStatus.WAITING:
        raise ValidationError(_("It is not your turn yet: an earlier signer has not signed."))
    if signer.status != SignerStatus.PENDING:
        raise ValidationError(_("Your request to sign this document is closed."))


def document_viewed(*, document, user, client=NOBODY) -> None:
    """The signer opened the document: recorded once per version."""
    with transaction.atomic():
        document = _lock(document)
        signer = (
            Signer.objects.select_for_update()
            .filter(document=document, version=document.current_version, user=user)
            .first()
        )
        if signer is None or signer.viewed_at is not None or document.status != "sent":
            return
        signer.viewed_at = timezone.now()
        signer.save(update_fields=["viewed_at"])
        audit(
            document, Kind.VIEWED, actor=user, signer=signer, version=signer.version, client=client
        )
        _event(document, user, "document_viewed")


PASSWORD_ATTEMPTS = identity.ATTEMPTS


def request_code(*, document, user) -> str:
    """E-mail the signer a one-time code for their pending request; the masked address."""
    with transaction.atomic():
        document = _lock(document)
        signer = _my_request(document, user)
        _check_open(document, signer)
    return identity.send_code(signer)


def document_sign(
    *,
    document,
    user,
    password: str = "",
    code: str = "",
    consented: bool,
    typed_name: str,
    signature_png: bytes | None = None,
    typed_signature: str = "",
    time_zone: str = "",
    language: str = "",
    version: int | None = None,
    client=NOBODY,
) -> Signer:
    """Sign the user's own pending request, once; the last signature starts the seal."""
    typed_name = " ".join((typed_name or "").split())
    typed_signature = " ".join((typed_signature or "").split())
    with transaction.atomic():
        document = _lock(document)
        signer = _my_request(document, user)
        _check_open(document, signer)
        _check_version(signer, version)
        errors = []
        if not consented:
            errors.append(_("Read and accept the statement above the signature to sign."))
        if not typed_name:
            errors.append(_("Type your full name."))
        if signature_png is None and not typed_signature:
            errors.append(_("Draw your signature, or type it."))
        if errors:
            raise ValidationError(errors)
        image = check_signature_image(signature_png) if signature_png is not None else None
        method = identity.check(signer, password=password, code=code)
        # The consent as the signer read it: in the language of the page they signed on.
        text, digest = consent.consent(language or user.language or document.language)
        now = timezone.now()
        signer.status = SignerStatus.SIGNED
        signer.signed_at = now
        signer.typed_name = typed_name[:200]
        signer.typed_signature = "" if image else typed_signature[:200]
        signer.signature_png = image
        signer.auth_method = method
        signer.consent_version = consent.VERSION
        signer.consent_text = text
        signer.consent_sha256 = digest
        signer.ip = client.ip
        signer.user_agent = client.user_agent
        signer.time_zone = time_zone or getattr(user, "time_zone", "") or "UTC"
        signer.save()
        version = signer.version
        audit(
            document,
            Kind.CONSENTED,
            actor=user,
            signer=signer,
            version=version,
            client=client,
            detail=digest,
        )
        audit(document, Kind.SIGNED, actor=user, signer=signer, version=version, client=client)
        _event(document, user, "document_signed", signer=typed_name)
        if (
            not _ask_next(document, user)
            and not document.signers.filter(
                version=version, status__in=[SignerStatus.PENDING, SignerStatus.WAITING]
            ).exists()
        ):
            document.status = DocumentStatus.SEALING
            document.save(update_fields=["status"])
            transaction.on_commit(lambda: _enqueue_seal(document.pk), robust=True)
    return signer


def document_decline(
    *, document, user, reason: str, version: int | None = None, client=NOBODY
) -> Signer:
    reason = (reason or "").strip()
    with transaction.atomic():
        document = _lock(document)
        signer = _my_request(document, user)
        _check_open(document, signer)
        _check_version(signer, version)
        if not reason:
            raise ValidationError(_("Say why you decline, so that we can change what is needed."))
        now = timezone.now()
        signer.status = SignerStatus.DECLINED
        signer.declined_at = now
        signer.decline_reason = reason[:2000]
        signer.ip = client.ip
        signer.user_agent = client.user_agent
        signer.save()
        _void_pending(document, keep=signer)
        document.status = DocumentStatus.DECLINED
        document.finished_at = now
        document.save(update_fields=["status", "finished_at"])
        audit(
            document,
            Kind.DECLINED,
            actor=user,
            signer=signer,
            version=signer.version,
            client=client,
            detail=reason,
        )
        _event(document, user, "document_declined", reason=reason[:500])
    return signer
