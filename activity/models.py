from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.db.models.fields.json import KeyTextTransform
from django.db.models.lookups import In
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public")
    INTERNAL = "internal", _("Internal")


class EventQuerySet(models.QuerySet):
    def public(self):
        return self.filter(visibility=Visibility.PUBLIC)

    def visible_to(self, user):
        """The one scoping entry point for events in the portal: what `user` may read.

        Who reads an event follows its verb's audience (core.plugins): in the
        organisations where the user sees everything (managers, assigned
        partners), every public event; where they are a plain member, the
        organisation's own events and those about a subject they may open (a
        ticket they requested or watch). Internal events and staff-only kinds
        never; staff read the admin, not the feed.
        """
        from accounts.access import member_q, whole_organisation_q
        from core import plugins

        if not user.is_authenticated or not user.is_active or user.is_staff:
            return self.none()
        staff_only = {key for key, kind in plugins.kinds().items() if kind.staff_only}
        shown = {key: verb for key, verb in plugins.verbs().items() if verb.kind not in staff_only}

        def of(*audiences):
            return [key for key, verb in shown.items() if verb.audience in audiences]

        mine = models.Q(verb__in=of(plugins.ORGANISATION))
        for subject in plugins.subjects().values():
            about = [key for key in of(plugins.SUBJECT) if shown[key].subject == subject.key]
            # Matched on the reference the subject's events carry in their data.
            reference = KeyTextTransform(subject.data_key, "data")
            mine |= models.Q(verb__in=about) & models.Q(In(reference, subject.visible(user)))
        whole = whole_organisation_q(user) & models.Q(
            verb__in=of(plugins.SUBJECT, plugins.ORGANISATION, plugins.MANAGERS)
        )
        return self.public().filter(whole | (member_q(user) & mine))

    def for_organisation_feed(self, organisation):
        """What a client of `organisation` may see: its public events, newest first."""
        return (
            self.public()
            .filter(organisation=organisation)
            .select_related("actor")
            .order_by("-created_at", "-pk")
        )

    def undispatched(self, older_than):
        return self.filter(dispatched_at__isnull=True, created_at__lt=older_than)


class Event(models.Model):
    """One state change, written in the same transaction as the change itself.

    Everything downstream (feed, notifications, SLA reactions) reads events.
    `dispatched_at` is set once the dispatch task has run every handler; rows
    still without it after a grace period are re-queued by the outbox sweep.
    """

    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="events",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    verb = models.CharField(_("verb"), max_length=64)
    target_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    target_id = models.CharField(max_length=64, blank=True)
    target = GenericForeignKey("target_type", "target_id")
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    data = models.JSONField(_("data"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    dispatched_at = models.DateTimeField(_("dispatched"), null=True, blank=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        indexes = [
            models.Index(
                fields=["organisation", "-created_at"],
                condition=Q(visibility="public"),
                name="event_public_feed_idx",
            ),
            models.Index(fields=["target_type", "target_id", "created_at"]),
            models.Index(
                fields=["created_at"],
                condition=Q(dispatched_at__isnull=True),
                name="event_outbox_idx",
            ),
        ]

    def __str__(self):
        return f"{self.verb} ({self.created_at:%Y-%m-%d %H:%M})"

    @property
    def is_internal(self):
        return self.visibility == Visibility.INTERNAL
