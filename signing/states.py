"""A document's and a signer's states, and the moves between them (pure Python)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    APPROVAL = "approval", _("Waiting for approval")
    SENT = "sent", _("Waiting for signatures")
    SEALING = "sealing", _("Signed, being sealed")
    COMPLETED = "completed", _("Signed")
    DECLINED = "declined", _("Declined")
    EXPIRED = "expired", _("Expired")
    CANCELLED = "cancelled", _("Cancelled")


class SignerStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting for an earlier signer")
    PENDING = "pending", _("To sign")
    SIGNED = "signed", _("Signed")
    DECLINED = "declined", _("Declined")
    VOID = "void", _("Void")


class Source(models.TextChoices):
    UPLOAD = "upload", _("Uploaded PDF")
    TEMPLATE = "template", _("Composed from a template")


class AuthMethod(models.TextChoices):
    PASSWORD = "password", _("Portal session and password re-entered")
    EMAIL_CODE = "email_code", _("Portal session and one-time code sent by e-mail")


# What clients see: never a draft nor one waiting for the provider's approval.
CLIENT_VISIBLE = (
    DocumentStatus.SENT,
    DocumentStatus.SEALING,
    DocumentStatus.COMPLETED,
    DocumentStatus.DECLINED,
    DocumentStatus.EXPIRED,
    DocumentStatus.CANCELLED,
)
# While signatures are collected; the staff may still cancel or send a new version.
OPEN = (DocumentStatus.DRAFT, DocumentStatus.APPROVAL, DocumentStatus.SENT)
FINISHED = (
    DocumentStatus.COMPLETED,
    DocumentStatus.DECLINED,
    DocumentStatus.EXPIRED,
    DocumentStatus.CANCELLED,
)

# The portal's tabs: key -> statuses.
TABS = {
    "pending": (DocumentStatus.SENT,),
    "signed": (DocumentStatus.SEALING, DocumentStatus.COMPLETED),
    "declined": (DocumentStatus.DECLINED,),
    "expired": (DocumentStatus.EXPIRED,),
    "cancelled": (DocumentStatus.CANCELLED,),
}
