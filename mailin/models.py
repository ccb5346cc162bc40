"""Every inbound message handled, once: its row is the claim that it is being handled."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Outcome(models.TextChoices):
    REPLIED = "replied", _("Added as a reply")
    BOUNCED = "bounced", _("Refused")
    IGNORED = "ignored", _("Ignored")


class Reason(models.TextChoices):
    NONE = "", "—"
    UNREADABLE = "unreadable", _("Unreadable message")
    LOOP = "loop", _("One of our own e-mails")
    AUTO = "auto", _("Written by a machine (auto-reply, list)")
    DAEMON = "daemon", _("A delivery report or a no-reply sender")
    NO_TOKEN = "no_token", _("Not sent to a reply address")
    BAD_TOKEN = "bad_token", _("Forged or altered reply address")
    UNKNOWN = "unknown", _("The ticket or the person no longer exists")
    WRONG_SENDER = "wrong_sender", _("Sent from another address than the reply address's person")
    NOT_ALLOWED = "not_allowed", _("The person may no longer reply to the ticket")
    REFUSED = "refused", _("The ticket refused the reply")
    EMPTY = "empty", _("Nothing of its own to add")


class Source(models.TextChoices):
    IMAP = "imap", _("Mailbox")
    WEBHOOK = "webhook", _("Webhook")


class InboundMail(models.Model):
    """One message as it was handled. `key` is its Message-ID (or its bytes' hash):
    a second copy of it, from a second run or a second worker, finds the row and
    does nothing."""

    key = models.CharField(max_length=255, unique=True)
    source = models.CharField(_("received through"), max_length=16, choices=Source.choices)
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    sender = models.CharField(_("from"), max_length=254, blank=True)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices)
    reason = models.CharField(
        _("reason"), max_length=32, choices=Reason.choices, blank=True, default=""
    )
    detail = models.CharField(_("detail"), max_length=255, blank=True)
    # The refused message was answered (at most once an hour per sender).
    bounce_sent = models.BooleanField(_("sender told"), default=False)
    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("person"),
    )
    comment = models.ForeignKey(
        "tickets.Comment", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    refused_files = models.JSONField(_("refused files"), default=list, blank=True)

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("inbound e-mail")
        verbose_name_plural = _("inbound e-mails")
        indexes = [models.Index(fields=["-received_at"])]

    def __str__(self):
        return f"{self.sender or '?'}: {self.get_outcome_display()}"
