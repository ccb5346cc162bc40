"""Wishes: what clients ask to be improved, their versions, votes, comments and files.

`Wish.objects.visible_to(user, organisation=)` is the one scoping entry point: a
member reads the organisation's wishes shared with it and their own, a manager all
of them, a partner those of the clients assigned to them; a draft is its author's
alone. Staff read wishes in the admin, never through it.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.access import member_q, whole_organisation_q
from core.choices import ChoiceLabels

from .states import RefusalReason, Value, WishStatus


class WishNumber(models.Model):
    """One row a year; incremented atomically to number wishes WSH-YYYY-NNNNN."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.year}: {self.last}"


class WishQuerySet(models.QuerySet):
    def visible_to(self, user, *, organisation=None):
        if not user.is_authenticated or not user.is_active or user.is_staff:
            return self.none()
        shared = Q(visible_to_organisation=True) | Q(author=user)
        rule = (whole_organisation_q(user) | (member_q(user) & shared)) & (
            ~Q(status=WishStatus.DRAFT) | Q(author=user)
        )
        wishes = self.filter(rule)
        if organisation is not None:
            wishes = wishes.filter(organisation=organisation)
        return wishes


class Wish(ChoiceLabels, models.Model):
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="wishes"
    )
    number = models.CharField(_("number"), max_length=20, unique=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="wishes"
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(
        _("description"), help_text=_("What should change, and why it matters to you.")
    )
    services = models.ManyToManyField(
        "contracts.Service", verbose_name=_("affected services"), blank=True, related_name="wishes"
    )
    value = models.CharField(
        _("business value"), max_length=10, choices=Value.choices, default=Value.MEDIUM
    )
    desired_date = models.DateField(_("desired date"), null=True, blank=True)
    visible_to_organisation = models.BooleanField(
        _("visible to the organisation"),
        default=True,
        help_text=_("Everyone in your organisation can read it and vote for it."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=WishStatus.choices, default=WishStatus.DRAFT
    )
    # Its place in its board column (staff order the cards; smaller first).
    position = models.FloatField(default=0)
    # What staff said with the last decision: the changes they ask for, or why not.
    decision_note = models.TextField(_("note to the client"), blank=True)
    refusal_reason = models.CharField(
        _("reason"), max_length=20, choices=RefusalReason.choices, blank=True
    )
    estimate_hours = models.DecimalField(
        _("estimate (hours)"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    counts_against_bank = models.BooleanField(
        _("paid from the hours bank"),
        default=False,
        help_text=_("The estimate will be spent from the organisation's hours bank."),
    )
    target_date = models.DateField(_("target date"), null=True, blank=True)
    resubmitted_from = models.OneToOneField(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="resubmitted_as",
        verbose_name=_("resubmission of"),
    )
    tickets = models.ManyToManyField(
        "tickets.Ticket", verbose_name=_("tickets"), blank=True, related_name="wishes"
    )
    votes_count = models.PositiveIntegerField(default=0)
    comments_count = models.PositiveIntegerField(default=0)  # public comments
    created_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    status_changed_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = WishQuerySet.as_manager()

    class Meta:
        ordering = ["position", "-status_changed_at", "-pk"]
        verbose_name = _("wish")
        verbose_name_plural = _("wishes")
        indexes = [
            models.Index(fields=["organisation", "status", "position"], name="wish_org_board"),
            models.Index(fields=["status", "position"], name="wish_staff_board"),
            models.Index(fields=["author", "status"], name="wish_author"),
        ]

    def __str__(self):
        return f"{self.number} {self.title}"

    def get_absolute_url(self):
        return reverse("wishes:detail", args=[self.number])


class WishVersion(models.Model):
    """The text as submitted, once per submission: what staff reviewed each time."""

    wish = models.ForeignKey(Wish, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    description = models.TextField()
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["wish", "number"], name="one_wish_version_number")
        ]

    def __str__(self):
        return f"{self.wish.number} v{self.number}"


class WishVote(models.Model):
    """ "Me too": one per person and wish."""

    wish = models.ForeignKey(Wish, on_delete=models.CASCADE, related_name="votes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["wish", "user"], name="one_vote_per_person")]

    def __str__(self):
        return f"{self.user_id} → {self.wish_id}"


class WishComment(models.Model):
    wish = models.ForeignKey(Wish, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("comment"))
    is_internal = models.BooleanField(_("internal note"), default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")

    def __str__(self):
        return f"{self.wish.number}: {self.body[:40]}"


def attachment_path(instance, filename):
    # Never the client's file name on disk: it is kept in `name` only.
    return f"wishes/{instance.wish_id}/{instance.sha256[:2]}/{instance.sha256}"


class WishAttachment(models.Model):
    wish = models.ForeignKey(Wish, on_delete=models.CASCADE, related_name="attachments")
    comment = models.ForeignKey(
        WishComment, on_delete=models.CASCADE, null=True, blank=True, related_name="attachments"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    file = models.FileField(upload_to=attachment_path, max_length=300)
    name = models.CharField(_("name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    is_internal = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.name


class WishMute(models.Model):
    """The user gets no notifications about this wish."""

    wish = models.ForeignKey(Wish, on_delete=models.CASCADE, related_name="mutes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["wish", "user"], name="wish_mute_unique")]

    def __str__(self):
        return f"{self.user_id} muted {self.wish_id}"
