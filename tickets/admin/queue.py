"""The ticket queue: the changelist's filters, ranks, columns, search and actions.

TicketQueueMixin holds the changelist part of TicketAdmin (tickets/admin/ticket.py).
The apps above tickets add their columns and filters (tickets/parts.py: the SLA
mark and next deadline come from sla/parts.py).
"""

from functools import lru_cache

from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.admin.views.main import SEARCH_VAR
from django.contrib.auth import get_user_model
from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Case, CharField, F, IntegerField, OuterRef, Value, When
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from .. import admin_followups, queue_views
from ..admin_forms import AGENT_STATUS_CHOICES, agent_status_label
from ..models import Tag, Ticket
from ..parts import parts
from ..search import comments_matching
from ..states import OPEN_STATUSES, PRIORITY_RANK, Status
from . import bulk, relations, saved_views
from .paging import QueueChangeList

# --- The queue -------------------------------------------------------------


class StatusFilter(admin.SimpleListFilter):
    """Open tickets unless a status is chosen; "All" is one click away.

    A search looks through every status: an agent typing a number or a word
    wants that ticket, open or closed.
    """

    title = _("status")
    parameter_name = "status"
    ANY_OPEN, ALL = "any_open", "all"

    def __init__(self, request, params, model, model_admin):
        super().__init__(request, params, model, model_admin)
        searching = request.GET.get(SEARCH_VAR, "").strip()
        # A saved view says which statuses it keeps (tickets/queue_views.py).
        viewing = request.GET.get(saved_views.VIEW_PARAM)
        self.default = self.ALL if searching or viewing else self.ANY_OPEN

    def lookups(self, request, model_admin):
        return [(self.ANY_OPEN, _("Any open status")), (self.ALL, _("All")), *AGENT_STATUS_CHOICES]

    def chosen(self) -> str:
        return self.value() or self.default

    def queryset(self, request, queryset):
        chosen = self.chosen()
        if chosen == self.ALL:
            return queryset
        if chosen == self.ANY_OPEN:
            return queryset.filter(status__in=OPEN_STATUSES)
        if chosen not in Status.values:
            return queryset.none()  # a made-up status: no ticket has it
        return queryset.filter(status=chosen)

    def choices(self, changelist):
        chosen = self.chosen()
        for lookup, title in self.lookup_choices:
            yield {
                "selected": chosen == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }


# Priority and status sort by what they mean, not by their spelling: the
# queue annotates each ticket with these ranks and its columns order by them.
# Statuses in the order support should look at them: still with support first.
STATUS_QUEUE_ORDER = [
    Status.NEW,
    Status.REOPENED,
    Status.OPEN,
    Status.IN_PROGRESS,
    Status.WAITING_ON_THIRD_PARTY,
    Status.WAITING_ON_CLIENT,
    Status.RESOLVED,
    Status.CLOSED,
]


def _rank(field, ranks):
    return Case(
        *[When(**{field: value}, then=Value(rank)) for value, rank in ranks.items()],
        default=Value(len(ranks)),
        output_field=IntegerField(),
    )


QUEUE_RANKS = {
    "priority_rank": _rank("priority", PRIORITY_RANK),
    "status_rank": _rank("status", {s: i for i, s in enumerate(STATUS_QUEUE_ORDER)}),
}


def _user_name(relation):
    # str(user) (accounts.models.User.__str__): the display name, else the e-mail.
    return Coalesce(
        NullIf(f"{relation}__display_name", Value("")),
        f"{relation}__email",
        output_field=CharField(),
    )


# The names the queue's columns show, read with the row instead of a user and an
# organisation built for each ticket.
QUEUE_NAMES = {
    "requester_name": _user_name("requester"),
    "organisation_name": F("organisation__name"),
    "assignee_name": _user_name("assignee"),
    # Read for the page's rows only: a subquery in the select list.
    "tag_names": ArraySubquery(
        Tag.tickets.through.objects.filter(ticket_id=OuterRef("pk"))
        .order_by("tag__name")
        .values("tag__name")
    ),
}
TAGS_SHOWN = 3  # the tags column stays narrow: the rest are "+N"


class AssignedFilter(admin.SimpleListFilter):
    """Assigned to: me, nobody, or one named agent."""

    title = _("assigned to")
    parameter_name = "assigned"
    ME, NOBODY = "me", "nobody"

    def lookups(self, request, model_admin):
        agents = get_user_model().objects.filter(is_staff=True, is_active=True)
        return [
            (self.ME, _("Me")),
            (self.NOBODY, _("Unassigned")),
            *[(str(u.pk), str(u)) for u in agents.order_by("display_name", "email")],
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == self.ME:
            return queryset.filter(assignee=request.user)
        if value == self.NOBODY:
            return queryset.filter(assignee__isnull=True)
        if value and value.isdecimal():
            return queryset.filter(assignee_id=int(value))
        return queryset


def _after(items, anchor, contributed):
    """`items` with the parts' `contributed` columns or filters right after `anchor`."""
    at = list(items).index(anchor) + 1
    added = [item for part in parts() for item in getattr(part, contributed)]
    return [*items[:at], *added, *items[at:]]


class TicketQueueMixin:
    """The changelist of TicketAdmin: what the queue shows, filters, searches and sorts."""

    list_display = [
        "number",
        "subject_line",
        "client",
        "status_label",
        "priority_label",
        admin_followups.escalation,
        "assigned_to",
        "client_activity",
    ]
    list_display_links = ["number", "subject_line"]
    list_filter = [
        saved_views.SavedViewFilter,
        StatusFilter,
        "priority",
        admin_followups.EscalationFilter,
        AssignedFilter,
        saved_views.TagFilter,
        saved_views.LinkedFilter,
        "organisation",
        "category",
    ]
    # The other names the columns show are annotations (QUEUE_NAMES).
    list_select_related = ["escalated_by"]
    search_fields = [
        "number",
        "subject",
        "description",
        "requester__email",
        "requester__display_name",
    ]
    search_help_text = _(
        "Number, subject, a tag, the requester's e-mail or name, or words of the "
        "description, replies and internal notes."
    )
    ordering = ["-last_client_activity_at", "-pk"]
    # The queue is paged without counting every ticket on every page
    # (paging.QueueChangeList reads one row past the page instead).
    show_full_result_count = False
    list_per_page = 50
    # Not shown in the queue: left out of its page's rows (paging.QueueChangeList).
    list_defer = ["description", "extra"]
    actions = [
        "assign_to_me",
        "bulk_assign",
        "bulk_status",
        "bulk_priority",
        "bulk_tag",
        "merge_tickets",
    ]
    # Bulk actions through the services, one ticket at a time (tickets/admin/bulk.py).
    assign_to_me = bulk.assign_to_me
    bulk_assign = bulk.bulk_assign
    bulk_status = bulk.bulk_status
    bulk_priority = bulk.bulk_priority
    bulk_tag = bulk.bulk_tag

    def get_changelist(self, request, **kwargs):
        return QueueChangeList

    def get_list_display(self, request):
        return _after(self.list_display, "priority_label", "queue_columns")

    def get_list_filter(self, request):
        return _after(self.list_filter, "priority", "queue_filters")

    def get_queryset(self, request):
        # The ranks only sort: aliases, in the query when a column sorts by them.
        queryset = self.tickets(request).alias(**QUEUE_RANKS).annotate(**QUEUE_NAMES)
        for part in parts():
            queryset = part.annotate(queryset)
        return queryset

    def tickets(self, request):
        """The tickets as the admin reads them, without what the queue's columns read."""
        return super().get_queryset(request)

    def changelist_view(self, request, extra_context=None):
        # The queue needs the page's width for its columns (SLA, deadline,
        # assignee at 1280 px); the admin's other pages are a click away.
        extra_context = {"is_nav_sidebar_enabled": False, **(extra_context or {})}
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        if changelist is not None:
            # The saved views' form and the live refresh (tickets/admin/saved_views.py).
            response.context_data.update(saved_views.queue_context(request, changelist))
        return response

    def get_ordering(self, request):
        view = getattr(request, "queue_view", None)  # set by SavedViewFilter
        return queue_views.ordering_for(view) if view is not None else super().get_ordering(request)

    def get_urls(self):
        return [*saved_views.urls(self), *relations.urls(self), *super().get_urls()]

    def get_search_results(self, request, queryset, search_term):
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if search_term.strip():
            # And the words of the thread: replies and internal notes (this is
            # staff's search, and staff read both on the ticket page).
            in_thread = comments_matching(search_term, internal=True).values("ticket_id")
            tagged = Tag.tickets.through.objects.filter(tag__name__iexact=search_term.strip())
            found = (
                found
                | queryset.filter(pk__in=in_thread)
                | queryset.filter(pk__in=tagged.values("ticket_id"))
            )
        queryset = found
        # An autocomplete may ask for one organisation's tickets only: the
        # objectives of a contract link tickets of its organisation (contracts/admin/objectives.py).
        organisation = request.GET.get("organisation", "")
        match = request.resolver_match
        if match is not None and match.url_name == "autocomplete" and organisation.isdecimal():
            queryset = queryset.filter(organisation_id=int(organisation))
        return queryset, may_have_duplicates

    # --- Columns ---
    # Each column is called for each of the page's rows: what is the same for
    # every row is worked out once (labels by language, the change URL in
    # paging.QueueChangeList), and the names come with the row (QUEUE_NAMES).

    @property
    def empty_value_display(self):
        # The site's, as when unset, but found without TicketAdmin.__getattr__
        # looking through the parts for it: Django asks for it for each cell.
        return self.admin_site.empty_value_display

    def action_checkbox(self, obj):
        # Django's checkbox, written out instead of rendering a widget template per row.
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME,
            obj.pk,
            format_html(gettext("Select this object for an action - {}"), str(obj)),
        )

    @admin.display(description=_("status"), ordering="status_rank")
    def status_label(self, obj):
        return _status_label(obj.status, get_language())

    # The first click puts the most urgent first.
    @admin.display(description=_("priority"), ordering=F("priority_rank").desc())
    def priority_label(self, obj):
        return _priority_label(obj.priority, get_language())

    @admin.display(description=_("last client activity"), ordering="last_client_activity_at")
    def client_activity(self, obj):
        moment = timezone.localtime(obj.last_client_activity_at)
        return format_html(
            '<time datetime="{}">{}<br>{}</time>',
            moment.isoformat(),
            date_format(moment, "SHORT_DATE_FORMAT"),
            date_format(moment, "TIME_FORMAT"),
        )

    @admin.display(description=_("requester"), ordering="requester__display_name")
    def client(self, obj):
        return format_html(
            '{}<br><small class="ticket-queue__organisation">{}</small>',
            obj.requester_name,
            obj.organisation_name,
        )

    # The tags and who is viewing sit under the subject and the assignee: two
    # more columns would not fit the queue at 1280 px.
    @admin.display(description=_("subject"), ordering="subject")
    def subject_line(self, obj):
        return format_html("{}{}", obj.subject, self.tag_list(obj))

    @admin.display(description=_("assigned to"), ordering="assignee__display_name")
    def assigned_to(self, obj):
        viewing = self.viewing(obj)
        if not viewing:
            return obj.assignee_name or "—"
        return format_html("{}<br>{}", obj.assignee_name or "—", viewing)

    def tag_list(self, obj):
        names = getattr(obj, "tag_names", None) or []
        if not names:
            return ""
        more = len(names) - TAGS_SHOWN
        return format_html(
            '<br><span class="ticket-tags">{}{}</span>',
            format_html_join(
                "", '<span class="ticket-tag">{}</span>', ((n,) for n in names[:TAGS_SHOWN])
            ),
            format_html('<span class="ticket-tag ticket-tag--more">+{}</span>', more)
            if more > 0
            else "",
        )

    def viewing(self, obj):
        # Who has the ticket open now (tickets/presence.py, read once per page).
        viewers = getattr(obj, "queue_viewers", None) or []
        return format_html_join(
            " ",
            '<span class="ticket-viewer{}" title="{}">{}</span>',
            (
                (
                    " ticket-viewer--typing" if v.typing else "",
                    gettext("%(name)s is typing") % {"name": v.name} if v.typing else v.name,
                    v.name,
                )
                for v in viewers
            ),
        )


# A label in the language it is asked in (the active one): the same few for every row.
@lru_cache(maxsize=256)
def _status_label(status, language):
    return format_html(
        '<span class="ticket-label ticket-label--{}">{}</span>', status, agent_status_label(status)
    )


@lru_cache(maxsize=256)
def _priority_label(priority, language):
    # What Ticket.get_priority_display() says.
    label = dict(Ticket._meta.get_field("priority").flatchoices).get(priority, priority)
    return format_html(
        '<span class="ticket-priority ticket-priority--{}">{}</span>', priority, label
    )
