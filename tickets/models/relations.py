"""What agents add to tickets for themselves: tags, links between tickets, saved queue views.

All of it is staff-only: no client queryset, template or event reads it
(tickets/relations.py records its events as internal).
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.configtext import Translated, translations

from .ticket import Ticket


class Tag(models.Model):
    """A word agents file tickets under; its name is unique whatever its case."""

    name = models.CharField(_("name"), max_length=50)
    slug = models.SlugField(_("slug"), max_length=60, unique=True, allow_unicode=True)
    tickets = models.ManyToManyField(Ticket, related_name="tags", blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        constraints = [models.UniqueConstraint(Lower("name"), name="tag_name_ci_unique")]

    def __str__(self):
        return self.name


class LinkKind(models.TextChoices):
    RELATES = "relates", _("relates to")
    DUPLICATE = "duplicate", _("duplicate of")
    BLOCKS = "blocks", _("blocks")


# How a link reads from its other end.
REVERSE_LABELS = {
    LinkKind.RELATES: _("relates to"),
    LinkKind.DUPLICATE: _("has duplicate"),
    LinkKind.BLOCKS: _("blocked by"),
}


class TicketLink(models.Model):
    """`from_ticket` <kind> `to_ticket`; read from the other side as REVERSE_LABELS says."""

    from_ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="links_out")
    to_ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="links_in")
    kind = models.CharField(_("kind"), max_length=12, choices=LinkKind.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("ticket link")
        verbose_name_plural = _("ticket links")
        constraints = [
            # One link between two tickets whatever its kind or direction is
            # enforced by the service; the database refuses the plain duplicate.
            models.UniqueConstraint(fields=["from_ticket", "to_ticket"], name="ticket_link_unique"),
            models.CheckConstraint(
                condition=~Q(from_ticket=F("to_ticket")), name="ticket_link_not_self"
            ),
        ]
        indexes = [models.Index(fields=["to_ticket"], name="ticket_link_to")]

    def __str__(self):
        return f"{self.from_ticket_id} {self.kind} {self.to_ticket_id}"


class SavedViewQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The shared views and the user's own; none for someone who does not work the queue."""
        if not (user.is_active and user.is_staff):
            return self.none()
        return self.filter(Q(owner__isnull=True) | Q(owner=user))


class SavedView(Translated):
    """A stored queue filter and sort: the agent's own (owner) or shared (no owner).

    `filters` is structured (tickets/queue_views.py reads and validates it), never a
    querystring, so the queue and the sidebar's counts build the same Q from it.
    """

    translated_fields = ("name",)

    name = models.CharField(_("name"), max_length=80)
    locals().update(translations("name", _("name"), max_length=80))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="saved_views",
        help_text=_("Empty: a shared view every agent sees."),
    )
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    sort = models.CharField(_("sort"), max_length=20, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    # Identifies the shared views the migration creates, so the demo and the
    # "My open" fallback find them whatever supervisors rename them to.
    key = models.SlugField(max_length=40, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = SavedViewQuerySet.as_manager()

    class Meta:
        ordering = ["position", "name", "pk"]
        verbose_name = _("saved view")
        verbose_name_plural = _("saved views")
        # Agents keep their own views; shared ones are the supervisors'.
        permissions = [("manage_shared_views", _("Can manage the shared queue views"))]
        constraints = [
            models.UniqueConstraint(
                fields=["key"], condition=~Q(key=""), name="saved_view_key_unique"
            )
        ]

    def __str__(self):
        return self.tr("name")

    @property
    def shared(self) -> bool:
        return self.owner_id is None


class QueueDefault(models.Model):
    """The view an agent lands on (the admin's home page for agents)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="queue_default"
    )
    view = models.ForeignKey(SavedView, on_delete=models.CASCADE, related_name="+")

    def __str__(self):
        return f"{self.user_id}: {self.view_id}"
