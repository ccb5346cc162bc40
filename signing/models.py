"""Documents to sign, their versions, their signers and their audit trail.

`Document.objects.visible_to(user, organisation=)` is the one scoping entry point:
managers and partners read every document of the organisation that was sent to
it, a member only those they are asked to sign. Drafts and documents waiting for
the provider's approval are never the client's. Staff work in the admin.

A new version of a document (staff re-send it) voids the earlier one and its
signatures; both stay, and each signer row belongs to one version. The audit
trail (`DocumentEvent`) is append-only and each row carries the hash of the one
before it, so a gap or an edit in it shows.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.access import member_q, whole_organisation_q
from accounts.configtext import Translated, translations
from core.choices import ChoiceLabels

from .states import CLIENT_VISIBLE, AuthMethod, DocumentStatus, SignerStatus, Source


class DocumentNumber(models.Model):
    """One row a year; incremented atomically to number documents DOC-YYYY-NNNNN."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.year}: {self.last}"


class DocumentTemplate(Translated):
    """An agreement or report staff compose documents from, in every portal language.

    The body is a Django template of plain values: {{ organisation.name }},
    {{ contract.name }}, {{ ticket.number }}… (see `signing.compose`).
    """

    translated_fields = ("title", "body")

    name = models.CharField(_("name"), max_length=200, unique=True)
    title = models.CharField(_("title"), max_length=200)
    locals().update(translations("title", _("title"), max_length=200))
    body = models.TextField(
        _("body"),
        help_text=_(
            "HTML with fields such as {{ organisation.name }}, {{ contract.name }}, "
            "{{ ticket.number }}, {{ today }}. Shown fields are listed below the form."
        ),
    )
    locals().update(translations("body", _("body")))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("document template")
        verbose_name_plural = _("document templates")

    def __str__(self):
        return self.name


class DocumentQuerySet(models.QuerySet):
    def visible_to(self, user, *, organisation=None):
        if not user.is_authenticated or not user.is_active or user.is_staff:
            return self.none()
        # A member's documents are read from their own signer rows: what it costs
        # follows their requests, not the organisation's documents.
        asked = Q(pk__in=Signer.objects.filter(user=user).values("document_id"))
        documents = self.filter(status__in=CLIENT_VISIBLE).filter(
            whole_organisation_q(user) | (member_q(user) & asked)
        )
        if organisation is not None:
            documents = documents.filter(organisation=organisation)
        return documents


class Document(ChoiceLabels, models.Model):
    number = models.CharField(_("number"), max_length=20, unique=True, editable=False)
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="documents",
    )
    title = models.CharField(_("title"), max_length=200)
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=settings.LANGUAGES,
        help_text=_("The language of the document, its certificate page and its messages."),
    )
    message = models.TextField(
        _("message to the signers"), blank=True, help_text=_("Shown above the document.")
    )
    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("ticket"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="documents",
    )
    wish = models.ForeignKey(
        "wishes.Wish",
        verbose_name=_("wish"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="documents",
    )
    source = models.CharField(
        _("source"), max_length=10, choices=Source.choices, default=Source.UPLOAD
    )
    template = models.ForeignKey(
        DocumentTemplate,
        verbose_name=_("template"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents",
    )
    in_order = models.BooleanField(
        _("sign in order"),
        default=True,
        help_text=_("Each signer is asked after the one before has signed; otherwise all at once."),
    )
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("internal approver"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        limit_choices_to={"is_staff": True},
        related_name="documents_to_approve",
        help_text=_("A colleague who must approve the document before it reaches the client."),
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    due_at = models.DateTimeField(_("due"), help_text=_("Signers are reminded before and after."))
    expires_at = models.DateTimeField(
        _("expires"),
        null=True,
        blank=True,
        help_text=_("After this, the document can no longer be signed. Empty: never."),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=DocumentStatus.choices, default=DocumentStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("prepared by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    cancel_reason = models.TextField(_("reason"), blank=True)
    sealed_file = models.FileField(_("sealed PDF"), upload_to="signing/sealed/", blank=True)
    sealed_sha256 = models.CharField(_("SHA-256 of the sealed PDF"), max_length=64, blank=True)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("document to sign")
        verbose_name_plural = _("documents to sign")
        indexes = [
            models.Index(fields=["organisation", "status"]),
            models.Index(fields=["sealed_sha256"]),
            # The beat's sweeps read only documents still waiting.
            models.Index(
                fields=["due_at"], name="signing_doc_due_open", condition=Q(status="sent")
            ),
        ]

    def __str__(self):
        return f"{self.number}: {self.title}"

    def get_absolute_url(self):
        return reverse("signing:detail", args=[self.number])

    @property
    def is_overdue(self) -> bool:
        return self.status == DocumentStatus.SENT and self.due_at < timezone.now()

    @property
    def current_version(self):
        return self.versions.filter(void_at__isnull=True).order_by("-number").first()


def _version_path(instance, filename):
    # Never the uploaded file's name on disk.
    return f"signing/{instance.document_id}/v{instance.number}-{instance.sha256}.pdf"


class DocumentVersion(models.Model):
    """The PDF as the signers see it; never changed once written."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("version"))
    file = models.FileField(upload_to=_version_path, max_length=300)
    name = models.CharField(_("file name"), max_length=200)
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    pages = models.PositiveSmallIntegerField(_("pages"))
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    void_at = models.DateTimeField(_("void since"), null=True, blank=True)
    void_reason = models.TextField(_("why void"), blank=True)

    class Meta:
        ordering = ["document", "number"]
        verbose_name = _("version")
        verbose_name_plural = _("versions")
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="signing_version_unique"),
            models.UniqueConstraint(
                fields=["document"],
                condition=Q(void_at__isnull=True),
                name="signing_one_current_version",
            ),
        ]

    def __str__(self):
        return f"{self.document.number} v{self.number}"


class Signer(ChoiceLabels, models.Model):
    """One person asked to sign one version of a document, and what they did."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="signers")
    version = models.ForeignKey(
        DocumentVersion, on_delete=models.CASCADE, null=True, related_name="signers"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signer"),
        on_delete=models.PROTECT,
        related_name="signatures",
    )
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    status = models.CharField(
        _("status"), max_length=10, choices=SignerStatus.choices, default=SignerStatus.WAITING
    )
    asked_at = models.DateTimeField(null=True, blank=True)
    viewed_at = models.DateTimeField(null=True, blank=True)
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    declined_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.TextField(_("reason"), blank=True)
    # As the signer gave them, kept for the certificate page.
    typed_name = models.CharField(_("full name"), max_length=200, blank=True)
    typed_signature = models.CharField(max_length=200, blank=True)
    signature_png = models.BinaryField(null=True, blank=True, editable=False)
    auth_method = models.CharField(max_length=20, choices=AuthMethod.choices, blank=True)
    consent_version = models.CharField(max_length=20, blank=True)
    consent_text = models.TextField(blank=True)
    consent_sha256 = models.CharField(max_length=64, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=500, blank=True)
    time_zone = models.CharField(max_length=64, blank=True)
    # Each reminder once: set by the beat's claim.
    reminded_before_at = models.DateTimeField(null=True, blank=True)
    reminded_overdue_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["document", "order", "pk"]
        verbose_name = _("signer")
        verbose_name_plural = _("signers")
        constraints = [
            models.UniqueConstraint(
                fields=["version", "user"], name="signing_signer_once_per_version"
            ),
        ]
        indexes = [models.Index(fields=["user", "status"])]

    def __str__(self):
        return f"{self.document.number}: {self.user}"


class DocumentEvent(models.Model):
    """The audit trail: append-only, each row chained to the one before by its hash."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Prepared")
        APPROVED = "approved", _("Approved")
        SENT = "sent", _("Sent")
        VIEWED = "viewed", _("Viewed")
        CONSENTED = "consented", _("Consent accepted")
        SIGNED = "signed", _("Signed")
        DECLINED = "declined", _("Declined")
        REMINDED = "reminded", _("Reminder sent")
        CANCELLED = "cancelled", _("Cancelled")
        EXPIRED = "expired", _("Expired")
        VOIDED = "voided", _("Replaced by a new version")
        COMPLETED = "completed", _("Completed and sealed")

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="trail")
    version = models.ForeignKey(
        DocumentVersion, on_delete=models.PROTECT, null=True, related_name="+"
    )
    signer = models.ForeignKey(Signer, on_delete=models.PROTECT, null=True, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    at = models.DateTimeField(default=timezone.now)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=500, blank=True)
    detail = models.TextField(blank=True)
    previous_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit trail")

    def __str__(self):
        return f"{self.get_kind_display()} · {self.at:%Y-%m-%d %H:%M:%S} UTC"
