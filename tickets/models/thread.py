"""What is written on a ticket: comments, attachments, client tasks, call requests, ratings."""

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .ticket import Ticket

COMMENT_SEARCH_VECTOR = SearchVector("body", config="simple")


class CommentQuerySet(models.QuerySet):
    def public(self):
        return self.filter(is_internal=False)


class Comment(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    body = models.TextField(_("message"))
    is_internal = models.BooleanField(
        _("internal note"), default=False, help_text=_("Staff only: never shown to the client.")
    )
    # A message the system wrote (a merge, for now): what happened is stored as a
    # verb and its data, and tickets/notes.py words it in each reader's language
    # and for what that reader may see. `body` holds only people's own words.
    verb = models.CharField(max_length=64, blank=True, default="")
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        indexes = [
            models.Index(fields=["ticket", "created_at"]),
            GinIndex(COMMENT_SEARCH_VECTOR, name="comment_body_fts"),
        ]

    def __str__(self):
        return f"{self.ticket.number} #{self.pk}"


def attachment_path(instance, filename):
    # Never the client's file name on disk: it is kept in `name` only.
    return f"attachments/{instance.ticket_id}/{instance.sha256[:2]}/{instance.sha256}"


class Attachment(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="attachments")
    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, null=True, blank=True, related_name="attachments"
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

    @property
    def is_image(self):
        return self.content_type in {"image/png", "image/jpeg", "image/gif", "image/webp"}

    @property
    def is_diagram(self):
        return self.name.endswith(".drawio.svg")


class ClientTask(models.Model):
    """A step the client must take (send a log, reboot the router...)."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="client_tasks")
    title = models.CharField(_("title"), max_length=200)
    details = models.TextField(_("details"), blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="client_tasks",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["done_at", "due_date", "pk"]
        verbose_name = _("client task")
        verbose_name_plural = _("client tasks")
        indexes = [models.Index(fields=["ticket", "done_at"])]

    def __str__(self):
        return self.title

    @property
    def is_overdue(self):
        return (
            self.done_at is None
            and self.due_date is not None
            and (self.due_date < timezone.localdate())
        )


class CallRequest(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="call_requests")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    phone = models.CharField(_("phone"), max_length=40)
    preferred_time = models.CharField(_("preferred time"), max_length=120)
    created_at = models.DateTimeField(_("requested"), default=timezone.now)
    # Pending until an agent marks the call done (tickets.services.call_done).
    done_at = models.DateTimeField(_("called"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("called by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("call request")
        verbose_name_plural = _("call requests")
        indexes = [models.Index(fields=["ticket", "done_at"], name="call_ticket_pending")]

    def __str__(self):
        return f"{self.phone} ({self.preferred_time})"


class Rating(models.Model):
    """The client's satisfaction with the support on a ticket (CSAT)."""

    ticket = models.OneToOneField(Ticket, on_delete=models.CASCADE, related_name="rating")
    score = models.PositiveSmallIntegerField(_("rating"))
    comment = models.TextField(_("comment"), blank=True)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        constraints = [
            models.CheckConstraint(
                condition=Q(score__gte=1, score__lte=5), name="rating_score_1_to_5"
            )
        ]

    def __str__(self):
        return f"{self.ticket_id}: {self.score}/5"
