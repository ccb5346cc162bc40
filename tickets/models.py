from django.conf import settings
from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.search import SearchVector
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, F, Lookup, OuterRef, Q
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.access import member_q, whole_organisation_q
from accounts.configtext import LANGS, SOURCE, Translated, fallback_order, translations
from accounts.models import Organisation, Role

from . import states
from .states import Priority, Status


class Category(Translated):
    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    locals().update(translations("name", _("name"), max_length=100))

    translated_fields = ("name",)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self):
        return self.tr("name")


class RequestSection(Translated):
    """A heading of the 'open a ticket' page, e.g. Incidents, Support and configuration."""

    name = models.CharField(_("name"), max_length=100)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    locals().update(translations("name", _("name"), max_length=100))

    translated_fields = ("name",)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("portal section")
        verbose_name_plural = _("portal sections")

    def __str__(self):
        return self.tr("name")


class RequestTypeQuerySet(models.QuerySet):
    def available_to(self, organisation):
        limited = RequestType.organisations.through.objects.filter(requesttype=OuterRef("pk"))
        mine = limited.filter(organisation=organisation)
        return self.filter(is_active=True).filter(~Exists(limited) | Exists(mine))


class RequestType(Translated):
    section = models.ForeignKey(RequestSection, on_delete=models.PROTECT, related_name="types")
    name = models.CharField(_("name"), max_length=120)
    description = models.CharField(_("description"), max_length=250, blank=True)
    guidance = models.TextField(
        _("guidance"), blank=True, help_text=_("What the client should include.")
    )
    default_priority = models.CharField(
        _("default priority"), max_length=10, choices=Priority.choices, default=Priority.MEDIUM
    )
    default_category = models.ForeignKey(
        Category, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    organisations = models.ManyToManyField(
        "accounts.Organisation",
        verbose_name=_("organisations"),
        blank=True,
        related_name="+",
        help_text=_("Leave empty to offer this type to every organisation."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    locals().update(translations("name", _("name"), max_length=120))
    locals().update(translations("description", _("description"), max_length=250))
    locals().update(translations("guidance", _("guidance")))

    translated_fields = ("name", "description", "guidance")

    objects = RequestTypeQuerySet.as_manager()

    class Meta:
        ordering = ["section__order", "order", "name"]
        verbose_name = _("request type")
        verbose_name_plural = _("request types")

    def __str__(self):
        return self.tr("name")


class RequestTypeField(Translated):
    class Kind(models.TextChoices):
        TEXT = "text", _("Text")
        NUMBER = "number", _("Number")
        CHOICE = "choice", _("Choice")
        DATE = "date", _("Date")

    request_type = models.ForeignKey(RequestType, on_delete=models.CASCADE, related_name="fields")
    key = models.SlugField(_("key"), max_length=50)
    label = models.CharField(_("label"), max_length=120)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.TEXT)
    help_text = models.CharField(_("help text"), max_length=250, blank=True)
    # A choice's key is what a ticket stores; its labels may be reworded and
    # translated without touching the answers already given.
    choices = models.TextField(
        _("choices"),
        blank=True,
        help_text=_(
            "One per line, as key|label (router|Router). The key is what is stored: "
            "keep it when you reword the label. A line without | is both."
        ),
    )
    required = models.BooleanField(_("required"), default=False)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    locals().update(translations("label", _("label"), max_length=120))
    locals().update(translations("help_text", _("help text"), max_length=250))
    locals().update(translations("choices", _("choices")))

    translated_fields = ("label", "help_text", "choices")

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("extra field")
        verbose_name_plural = _("extra fields")
        constraints = [
            models.UniqueConstraint(fields=["request_type", "key"], name="request_field_key_unique")
        ]

    def __str__(self):
        return self.tr("label")

    def choice_labels(self, language: str) -> dict[str, str]:
        """key -> label of one language's version of the choices."""
        labels = {}
        for line in self.version("choices", language).splitlines():
            key, bar, label = line.partition("|")
            if key.strip():
                labels[key.strip()] = (label if bar else key).strip()
        return labels

    def choice_items(self, language: str | None = None) -> list[tuple[str, str]]:
        """(key, label) in the reader's language, each label by the fallback of `tr()`."""
        versions = [self.choice_labels(code) for code in fallback_order(language)]
        return [
            (key, next((v[key] for v in versions if v.get(key)), key))
            for key in self.choice_labels(SOURCE)
        ]

    def clean(self):
        keys = set(self.choice_labels(SOURCE))
        errors = {}
        if self.kind == self.Kind.CHOICE and not keys:
            errors["choices"] = _("A choice field needs its choices, one per line.")
        for code in LANGS:
            unknown = set(self.choice_labels(code)) - keys
            if unknown:
                errors[f"choices_{code}"] = _(
                    "Unknown keys: %(keys)s. Translate the English list's choices as key|label."
                ) % {"keys": ", ".join(sorted(unknown))}
        if errors:
            raise ValidationError(errors)


class PriorityRule(models.Model):
    """Where the client does not choose: the priority for a type and category."""

    request_type = models.ForeignKey(RequestType, on_delete=models.CASCADE, null=True, blank=True)
    category = models.ForeignKey(Category, on_delete=models.CASCADE, null=True, blank=True)
    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices)

    class Meta:
        verbose_name = _("priority rule")
        verbose_name_plural = _("priority rules")
        constraints = [
            models.UniqueConstraint(
                fields=["request_type", "category"],
                name="priority_rule_unique",
                nulls_distinct=False,
            )
        ]

    def __str__(self):
        return (
            f"{self.request_type or '*'} / {self.category or '*'} → {self.get_priority_display()}"
        )


class TicketPolicy(models.Model):
    """How tickets work for one organisation. No row means the defaults."""

    organisation = models.OneToOneField(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="ticket_policy"
    )
    client_sets_priority = models.BooleanField(
        _("client chooses the priority"),
        default=True,
        help_text=_("Otherwise the priority comes from the rules for type and category."),
    )
    auto_close_days = models.PositiveSmallIntegerField(
        _("auto-close after (days)"),
        default=7,
        help_text=_(
            "Resolved tickets close after this many days without a client reply; "
            "0 never closes them."
        ),
    )

    class Meta:
        verbose_name = _("ticket policy")
        verbose_name_plural = _("ticket policies")

    def __str__(self):
        return str(self.organisation)


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
        from .states import OPEN_STATUSES

        return self.filter(status__in=OPEN_STATUSES)


class Ticket(models.Model):
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
        from .states import DONE_STATUSES

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


# The words of replies and notes, for the agents' search (tickets/search.py
# queries this very expression, so the GIN index below serves it). "simple":
# threads are written in four languages, so words are matched as written.
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


class RecurringTicket(models.Model):
    """A template that opens the same ticket every week, month or quarter."""

    class Frequency(models.TextChoices):
        WEEKLY = "weekly", _("Weekly")
        MONTHLY = "monthly", _("Monthly")
        QUARTERLY = "quarterly", _("Quarterly")

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="recurring_tickets"
    )
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    request_type = models.ForeignKey(RequestType, on_delete=models.PROTECT, null=True, blank=True)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, null=True, blank=True)
    priority = models.CharField(
        _("priority"), max_length=10, choices=Priority.choices, default=Priority.MEDIUM
    )
    subject = models.CharField(_("subject"), max_length=200)
    description = models.TextField(_("description"))
    frequency = models.CharField(_("frequency"), max_length=10, choices=Frequency.choices)
    start_date = models.DateField(_("start date"))
    time = models.TimeField(_("time of day"))
    weekday = models.PositiveSmallIntegerField(
        _("weekday"), null=True, blank=True, help_text=_("0 = Monday. Weekly only.")
    )
    day_of_month = models.PositiveSmallIntegerField(
        _("day of month"),
        null=True,
        blank=True,
        help_text=_("1-31; a shorter month uses its last day. Monthly and quarterly."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    next_run_at = models.DateTimeField(_("next run"), null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("recurring ticket")
        verbose_name_plural = _("recurring tickets")

    def __str__(self):
        return f"{self.subject} ({self.get_frequency_display()})"


class RecurringRun(models.Model):
    """One row per template and period: the unique constraint is what makes it exactly once."""

    template = models.ForeignKey(RecurringTicket, on_delete=models.CASCADE, related_name="runs")
    period = models.CharField(max_length=20)
    ticket = models.ForeignKey(Ticket, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["template", "period"], name="recurring_run_once"),
        ]

    def __str__(self):
        return f"{self.template_id} {self.period}"
