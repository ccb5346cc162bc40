import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from activity.models import Event, Visibility


class Channel(models.TextChoices):
    PORTAL = "portal", _("In the portal")
    EMAIL = "email", _("E-mail")
    TELEGRAM = "telegram", _("Telegram")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    RETRYING = "retrying", _("Waiting to retry")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class Delivery(models.Model):
    """The state of sending one thing once, shared by every outbound channel.

    A worker claims a row (pending, or retrying and due) by moving it to
    `sending` in one UPDATE; only the claimer sends. A claim left behind by a
    killed worker is given back by the delivery sweep after
    NOTIFICATION_CLAIM_TIMEOUT_SECONDS.
    """

    status = models.CharField(
        _("status"),
        max_length=10,
        choices=DeliveryStatus.choices,
        default=DeliveryStatus.PENDING,
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        abstract = True


def _copy_event_visibility(notifications):
    """Set `event_public` from each row's event, in one query for events not at hand."""
    cached = Notification.event.is_cached
    missing = {n.event_id for n in notifications if not cached(n)}
    visibility = dict(
        Event.objects.filter(pk__in=missing).values_list("pk", "visibility") if missing else ()
    )
    for n in notifications:
        shown = n.event.visibility if cached(n) else visibility.get(n.event_id)
        n.event_public = shown == Visibility.PUBLIC


class NotificationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The one scoping entry point for notifications: `user`'s own in-portal rows.

        A client's never include an internal event, whatever the fan-out wrote.
        """
        if not user.is_authenticated:
            return self.none()
        rows = self.filter(user=user, channel=Channel.PORTAL)
        if not user.is_staff:
            rows = rows.filter(event_public=True)
        return rows

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        _copy_event_visibility(objs)
        return super().bulk_create(objs, *args, **kwargs)


class Notification(Delivery):
    """One event for one user on one channel: at most one row, so at most one send.

    In-portal rows are born `sent`; their `read_at` is the notification
    centre's read/unread state.
    """

    event = models.ForeignKey(
        "activity.Event", on_delete=models.CASCADE, related_name="notifications"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    channel = models.CharField(_("channel"), max_length=20)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    # Set when a reply's banner has been shown once, on the page load after it.
    announced_at = models.DateTimeField(null=True, blank=True)
    # The event's visibility, copied whenever a row is written (save and
    # bulk_create; events never change): a client's rows, their unread count
    # on every page and the bell's poll, are filtered without reading events.
    event_public = models.BooleanField(default=False, editable=False)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "user", "channel"], name="notification_once_per_channel"
            ),
        ]
        indexes = [
            models.Index(
                fields=["user", "-created_at"],
                condition=Q(channel="portal"),
                name="notification_centre",
            ),
            # The unread count (every page, the bell's poll) reads only this.
            models.Index(
                fields=["user", "event_public"],
                condition=Q(channel="portal", read_at__isnull=True),
                name="notification_unread",
            ),
            # Whether a reply banner is due (every page): usually no row at all.
            models.Index(
                fields=["user"],
                condition=Q(channel="portal", read_at__isnull=True, announced_at__isnull=True),
                name="notification_unannounced",
            ),
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status__in=["pending", "retrying"]),
                name="notification_due",
            ),
            models.Index(
                fields=["claimed_at"], condition=Q(status="sending"), name="notification_claimed"
            ),
            # Failed rows wait for a supervisor (the admin's filter) and are counted by
            # /metrics at each scrape: a few among the many sent.
            models.Index(
                fields=["channel"], condition=Q(status="failed"), name="notification_failed"
            ),
        ]

    def __str__(self):
        return f"{self.channel} {self.event_id} → {self.user_id}"

    def save(self, *args, **kwargs):
        if self._state.adding:
            _copy_event_visibility([self])
        super().save(*args, **kwargs)


class Preference(models.Model):
    """A user's choice for one kind of event on one channel, where it differs from the default."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(_("kind"), max_length=32)
    channel = models.CharField(_("channel"), max_length=20)
    enabled = models.BooleanField(_("enabled"))

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "channel"], name="preference_unique"),
        ]

    def __str__(self):
        return f"{self.user_id} {self.kind}/{self.channel}: {self.enabled}"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class TelegramLinkToken(models.Model):
    """A one-time token for the bot's deep link; only its hash is stored."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("Telegram link token")
        verbose_name_plural = _("Telegram link tokens")

    def __str__(self):
        return f"{self.user_id} until {self.expires_at:%Y-%m-%d %H:%M}"

    @classmethod
    def issue(cls, user) -> str:
        # 24 random bytes: 32 base64url characters, inside Telegram's 64-character payload.
        token = secrets.token_urlsafe(24)
        cls.objects.create(
            user=user,
            token_hash=_hash(token),
            expires_at=timezone.now() + timedelta(seconds=settings.TELEGRAM_LINK_TTL_SECONDS),
        )
        return token

    @classmethod
    def hash(cls, token: str) -> str:
        return _hash(token)


class TelegramLink(models.Model):
    class Ended(models.TextChoices):
        STOPPED = "stopped", _("You sent /stop to the bot.")
        UNLINKED = "unlinked", _("You unlinked Telegram in your profile.")
        BLOCKED = "blocked", _("Telegram said the bot was blocked, so messages stopped.")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="telegram_link"
    )
    chat_id = models.BigIntegerField(_("chat"))
    telegram_user_id = models.BigIntegerField(null=True, blank=True)
    username = models.CharField(_("Telegram user name"), max_length=64, blank=True)
    linked_at = models.DateTimeField(_("linked"), default=timezone.now)
    is_active = models.BooleanField(_("active"), default=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    ended_reason = models.CharField(_("reason"), max_length=10, choices=Ended.choices, blank=True)
    # Until the user has seen the portal's notice that the bot was blocked.
    notice_pending = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("Telegram link")
        verbose_name_plural = _("Telegram links")
        indexes = [models.Index(fields=["chat_id"])]

    def __str__(self):
        return f"{self.user_id} ↔ {self.chat_id}"


class TelegramUpdate(models.Model):
    """Update ids already handled: Telegram may send one twice (webhook retries, polling)."""

    update_id = models.BigIntegerField(primary_key=True)
    received_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return str(self.update_id)


class WebhookEndpoint(models.Model):
    """An organisation's URL that receives its public events as signed JSON."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="webhook_endpoints"
    )
    url = models.URLField(_("URL"), max_length=500)
    secret = models.CharField(
        _("signing secret"),
        max_length=100,
        default=secrets.token_hex,
        help_text=_("The receiver checks the X-Portal-Signature header with this secret."),
    )
    description = models.CharField(_("description"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")

    def __str__(self):
        return self.url


class WebhookDelivery(Delivery):
    event = models.ForeignKey("activity.Event", on_delete=models.CASCADE, related_name="+")
    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    response_status = models.PositiveSmallIntegerField(_("response status"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        constraints = [
            models.UniqueConstraint(fields=["event", "endpoint"], name="webhook_delivery_once"),
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status__in=["pending", "retrying"]),
                name="webhook_delivery_due",
            ),
            models.Index(
                fields=["claimed_at"],
                condition=Q(status="sending"),
                name="webhook_delivery_claimed",
            ),
            models.Index(
                fields=["endpoint"], condition=Q(status="failed"), name="webhook_delivery_failed"
            ),
        ]

    def __str__(self):
        return f"{self.event_id} → {self.endpoint_id}"
