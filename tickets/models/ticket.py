"""The ticket itself, its numbering, who sees it (visible_to), who watches or muted it."""

from django.conf import settings
from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import models
from django.db.models import Exists, F, Lookup, OuterRef, Q
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.access import member_q, whole_organisation_q
from accounts.models import Organisation, Role
from core.choices import ChoiceLabels

from .. import states
from ..states import Priority, Status
from .catalogue import Category, RequestType


class TicketNumber(models.Model):
    """One row a year; incremented atomically to number tickets TKT-YYYY-NNNNN."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.year}: {self.last}"


class _AnyOf(Lookup):
    """`column = ANY(ARRAY(subquery))`: unlike `IN (subquery)` under an OR, an
    index condition, so an OR of such terms is read as a BitmapOr of indexes."""

    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY{rhs}", (*lhs_params, *rhs_params)


def _reach_q(user, organisation) -> Q:
    """visible_to()'s rule, of `organisation` if given, as terms PostgreSQL reads by index.

    Each term is an index condition, so their OR is a BitmapOr that reads the
    user's own tickets, the watched ones and, for an organisation seen whole,
    its tickets: nothing else. No term names the organisation alone, so no
    plan can read the organisation's tickets in list order and filter them.
    """
    organisations = Organisation.objects.filter(whole_organisation_q(user, "pk")).order_by()
    watched = TicketWatcher.objects.filter(user=user).values("ticket_id")
    own = member_q(user) & (Q(requester=user) | _AnyOf(F("pk"), ArraySubquery(watched)))
    if organisation is None:
        return _AnyOf(F("organisation"), ArraySubquery(organisations.values("pk"))) | own
    # An uncorrelated EXISTS is a one-time filter: when the user does not see
    # the organisation whole, its tickets are not read at all.
    seen_whole = Exists(organisations.filter(pk=organisation.pk))
    tickets = Ticket.objects.filter(seen_whole, organisation=organisation).order_by()
    return _AnyOf(F("pk"), ArraySubquery(tickets.values("pk"))) | (
        own & Q(organisation=organisation)
    )


class TicketQuerySet(models.QuerySet):
    def visible_to(self, user, *, organisation=None):
        """The one scoping entry point for tickets in the portal, of `organisation` if given.

        Managers and partners see their organisations' tickets; members see
        those they requested or watch. Merged tickets stay visible (they point
        to the survivor).

        Two query shapes select exactly these tickets and differ in what they
        read. Reading the organisation's tickets in list order and keeping the
        visible ones suits those who see them all (a page is its first rows),
        but would cost a member the whole organisation to keep their few, so
        theirs reads only their own and watched tickets (`_reach_q`). The role
        `accounts.access` puts on the request's organisations picks the shape;
        a wrong pick costs time, never changes the rows.
        """
        if not user.is_authenticated or not user.is_active or user.is_staff:
            return self.none()
        if getattr(organisation, "role", Role.MEMBER) == Role.MEMBER:
            return self.filter(_reach_q(user, organisation))
        watched = TicketWatcher.objects.filter(ticket=OuterRef("pk"), user=user)
        own = member_q(user) & (Q(requester=user) | Exists(watched))
        return self.filter(whole_organisation_q(user) | own, organisation=organisation)

    def open(self):
        from ..states import OPEN_STATUSES

        return self.filter(status__in=OPEN_STATUSES)


class Ticket(ChoiceLabels, models.Model):
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="tickets"
    )
    number = models.CharField(_("number"), max_length=20, unique=True)
    request_type = models.ForeignKey(
        RequestType, on_delete=models.PROTECT, null=True, blank=True, related_name="tickets"
    )
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, null=True, blank=True, related_name="tickets"
    )
    priority = models.CharField(
        _("priority"), max_length=10, choices=Priority.choices, default=Priority.MEDIUM
    )
    status = models.CharField(
        _("status"), max_length=24, choices=Status.choices, default=Status.NEW
    )
    subject = models.CharField(_("subject"), max_length=200)
    description = models.TextField(_("description"))
    extra = models.JSONField(_("extra fields"), default=dict, blank=True)
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="requested_tickets"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_tickets",
        limit_choices_to={"is_staff": True},
    )
    services = models.ManyToManyField("contracts.Service", blank=True, related_name="tickets")
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged_tickets"
    )
    # The latest escalation, open while escalation_resolved_at is empty. Earlier
    # ones live in the ticket's events (ticket_escalated, ticket_escalation_resolved).
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True)
    escalated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("escalated by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    escalation_reason = models.TextField(_("escalation reason"), blank=True)
    escalation_resolved_at = models.DateTimeField(_("escalation closed"), null=True, blank=True)
    escalation_resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("escalation closed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    # Last change anyone can see: orders the client's list and drives live updates.
    last_activity_at = models.DateTimeField(_("last activity"), default=timezone.now)
    # Last thing the client did: orders the agents' queue.
    last_client_activity_at = models.DateTimeField(_("last client activity"), default=timezone.now)
    public_reply_count = models.PositiveIntegerField(_("replies"), default=0)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    # The nearest deadline of the ticket's running SLA clocks (sla/services.py
    # keeps them): the admin queue sorts and filters on these, never per row.
    sla_due_at = models.DateTimeField(_("next SLA deadline"), null=True, blank=True)
    sla_warn_at = models.DateTimeField(null=True, blank=True)

    objects = TicketQuerySet.as_manager()

    class Meta:
        ordering = ["-last_activity_at", "-pk"]
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        indexes = [
            models.Index(fields=["organisation", "-last_activity_at"], name="ticket_org_activity"),
            models.Index(
                fields=["requester", "-last_activity_at"], name="ticket_requester_activity"
            ),
            models.Index(fields=["status", "-last_client_activity_at"], name="ticket_queue"),
            models.Index(fields=["assignee", "status"], name="ticket_assignee_status"),
            models.Index(fields=["sla_due_at"], name="ticket_sla_due"),
            models.Index(
                fields=["resolved_at"], condition=Q(status="resolved"), name="ticket_resolved_due"
            ),
            # The agents' queue order, so a page is read from the index, not sorted.
            models.Index(
                F("last_client_activity_at").desc(), F("id").desc(), name="ticket_queue_recent"
            ),
            models.Index(fields=["organisation", "requester"], name="ticket_org_requester"),
            # icontains compiles to UPPER(col) LIKE UPPER(%s): index that expression.
            GinIndex(
                OpClass(Upper("subject"), name="gin_trgm_ops"), name="ticket_subject_trgm_upper"
            ),
            GinIndex(
                OpClass(Upper("description"), name="gin_trgm_ops"),
                name="ticket_description_trgm_upper",
            ),
            # The queue's "escalated" filter: few rows, read without a scan.
            models.Index(
                fields=["escalated_at"],
                condition=Q(escalated_at__isnull=False, escalation_resolved_at__isnull=True),
                name="ticket_escalation_open",
            ),
        ]

    def __str__(self):
        return f"{self.number} {self.subject}"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("tickets:detail", args=[self.number])

    @property
    def takes_replies(self) -> bool:
        """Whether a public reply is accepted: the portal's reply box and diagrams,
        and comment_add, all ask this. A merged ticket's conversation goes on in
        the one it was merged into."""
        return not self.merged_into_id and states.takes_replies(self.status)

    @property
    def is_escalated(self) -> bool:
        """An escalation is open until an agent closes it, or the ticket is done
        (resolved, closed, merged away): a reopened ticket is escalated again."""
        from ..states import DONE_STATUSES

        return (
            self.escalated_at is not None
            and self.escalation_resolved_at is None
            and self.status not in DONE_STATUSES
            and not self.merged_into_id
        )


class TicketWatcher(models.Model):
    """An interested user from the client's organisation: sees and follows the ticket."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="watchers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ticket", "user"], name="watcher_unique"),
        ]
        indexes = [models.Index(fields=["user", "ticket"])]

    def __str__(self):
        return f"{self.user_id} watches {self.ticket_id}"


class TicketMute(models.Model):
    """The user gets no notifications about this ticket."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="mutes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["ticket", "user"], name="mute_unique")]

    def __str__(self):
        return f"{self.user_id} muted {self.ticket_id}"


class TicketFollow(models.Model):
    """A member of the support staff hears of the ticket as its assignee does."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="follows")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["ticket", "user"], name="follow_unique")]
        indexes = [models.Index(fields=["user", "ticket"])]

    def __str__(self):
        return f"{self.user_id} follows {self.ticket_id}"


# The words of replies and notes, for the agents' search (tickets/search.py
# queries this very expression, so the GIN index below serves it). "simple":
# threads are written in four languages, so words are matched as written.
