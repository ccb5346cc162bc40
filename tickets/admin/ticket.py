"""The agents' ticket workspace and the supervisors' ticket configuration.

The ticket changelist is the queue; the change form is where an agent works a
ticket: reads the thread, replies or writes an internal note, sets status,
priority and assignee, asks the client for tasks, logs the time spent. Every
one of those changes goes through tickets.services or contracts.services (never
`ticket.save()`), so each records its event. A change the services refuse
leaves nothing saved and comes back as a form error (see
TicketAdmin.changeform_view).
"""

from contextlib import contextmanager

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import SEARCH_VAR
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Case, Exists, F, IntegerField, OuterRef, Q, Value, When
from django.forms.models import BaseInlineFormSet
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.configtext import LANGS
from accounts.configtext_admin import TranslatedAdminMixin, language_fieldsets
from activity.describe import describe, detail
from activity.models import Event
from contracts import services as contract_services
from contracts.models import BankPeriod
from sla.admin import mark_label
from sla.display import STAFF_ONLY, deadlines_for, describe_hours
from sla.models import TicketClock
from sla.rules import Mark

from . import admin_followups, notes, services
from .admin_forms import (
    AGENT_STATUS_CHOICES,
    LOG_TIME_FIELDS,
    MergeForm,
    RecurringTicketForm,
    TicketWorkForm,
    agent_status_label,
    format_minutes,
)
from .admin_open import open_for_client_view
from .extra import answers as extra_answers
from .models import (
    Attachment,
    CallRequest,
    Category,
    ClientTask,
    PriorityRule,
    Rating,
    RecurringTicket,
    RequestSection,
    RequestType,
    RequestTypeField,
    Ticket,
    TicketPolicy,
)
from .search import comments_matching
from .states import OPEN_STATUSES, PRIORITY_RANK, Actor, Status

ADMIN_CSS = {"all": ["admin_extra/tickets.css"]}


def _translation_fields(*fields):
    return [f"{field}_{lang}" for field in fields for lang in LANGS]


def _change_url(obj):
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def _ticket_link(ticket):
    return format_html('<a href="{}">{}</a>', _change_url(ticket), ticket.number)


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
        self.default = self.ALL if searching else self.ANY_OPEN

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


# --- SLA in the queue --------------------------------------------------------
#
# The mark of a ticket is the worst mark (sla.rules.mark) of its current targets:
# - running clocks, read from the stored nearest deadline and warning
#   (Ticket.sla_due_at / sla_warn_at, kept by sla.services);
# - otherwise paused clocks;
# - otherwise the finished ones: met, or breached if any was met late.
# The flags below say the rest without a query per row: four EXISTS in the
# queue's one query. `queue_mark` (the column) and `sla_mark_filters` (the
# filter) are the same rule written twice; tests/sla/test_admin.py keeps them equal.


def _clocks(**conditions):
    return Exists(TicketClock.objects.filter(ticket=OuterRef("pk"), **conditions))


SLA_FLAGS = {
    # A clock not met nor stopped, breached (still owed, and late).
    "sla_open_breached": _clocks(
        met_at__isnull=True, stopped_at__isnull=True, breached_at__isnull=False
    ),
    "sla_paused": _clocks(running_since__isnull=True, met_at__isnull=True, stopped_at__isnull=True),
    "sla_met": _clocks(met_at__isnull=False),
    "sla_met_late": _clocks(met_at__isnull=False, breached_at__isnull=False),
}
NO_SLA = "none"


def queue_mark(ticket, now) -> str | None:
    """The ticket's SLA mark from the stored columns and the SLA_FLAGS annotations."""
    if ticket.sla_open_breached or (ticket.sla_due_at is not None and ticket.sla_due_at <= now):
        return Mark.BREACHED
    if ticket.sla_due_at is not None:
        if ticket.sla_warn_at is not None and ticket.sla_warn_at <= now:
            return Mark.AT_RISK
        return Mark.ON_TRACK
    if ticket.sla_paused:
        return Mark.PAUSED
    if ticket.sla_met_late:
        return Mark.BREACHED
    if ticket.sla_met:
        return Mark.MET
    return None


def sla_mark_filters(now) -> dict[str, Q]:
    """queue_mark as one filter per mark, on the annotated queryset."""
    running, stopped = Q(sla_due_at__isnull=False), Q(sla_due_at__isnull=True)
    past_due, not_breached = Q(sla_due_at__lte=now), Q(sla_open_breached=False)
    return {
        Mark.ON_TRACK: running
        & not_breached
        & Q(sla_due_at__gt=now)
        & (Q(sla_warn_at__isnull=True) | Q(sla_warn_at__gt=now)),
        Mark.AT_RISK: running & not_breached & Q(sla_due_at__gt=now, sla_warn_at__lte=now),
        Mark.BREACHED: past_due
        | Q(sla_open_breached=True)
        | (stopped & Q(sla_paused=False, sla_met_late=True)),
        Mark.PAUSED: stopped & not_breached & Q(sla_paused=True),
        Mark.MET: stopped & Q(sla_paused=False, sla_met=True, sla_met_late=False),
        NO_SLA: stopped & Q(sla_paused=False, sla_met=False),
    }


class SLAMarkFilter(admin.SimpleListFilter):
    title = _("SLA")
    parameter_name = "sla"

    def lookups(self, request, model_admin):
        return [
            (Mark.ON_TRACK, Mark.ON_TRACK.label),
            (Mark.AT_RISK, Mark.AT_RISK.label),
            (Mark.BREACHED, Mark.BREACHED.label),
            (Mark.PAUSED, Mark.PAUSED.label),
            (Mark.MET, Mark.MET.label),
            (NO_SLA, _("No SLA")),
        ]

    def queryset(self, request, queryset):
        condition = sla_mark_filters(timezone.now()).get(self.value())
        return queryset if condition is None else queryset.filter(condition)


class ClientTaskInline(admin.TabularInline):
    """The tasks already asked for, read-only: there is no service to edit them."""

    model = ClientTask
    extra = 0
    fields = ["title", "details", "due_date_display", "assignee", "created_by", "done_at"]
    readonly_fields = fields
    verbose_name_plural = _("Asked of the client")
    ordering = ["done_at", "due_date", "pk"]
    classes = ["ticket-tasks"]

    @admin.display(description=_("due date"))
    def due_date_display(self, task):
        if task.due_date is None:
            return "-"
        label = date_format(task.due_date)
        if task.is_overdue:
            return format_html('<span class="ticket-overdue">{} ({})</span>', label, _("overdue"))
        return label

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("assignee", "created_by")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class NewClientTaskFormSet(BaseInlineFormSet):
    creates_through_service = True

    def add_fields(self, form, index):
        super().add_fields(form, index)
        # A tabular row has column headings, not labels: name each input for
        # screen readers.
        for field in form.fields.values():
            widget = getattr(field.widget, "widget", field.widget)  # the related-object wrapper
            widget.attrs.setdefault("aria-label", str(field.label))

    @classmethod
    def get_default_prefix(cls):
        # Its own prefix, whether or not the read-only list is on the page.
        return "new_client_tasks"


class NewClientTaskInline(admin.TabularInline):
    """Blank rows to ask the client for something; saved by services.client_task_add."""

    model = ClientTask
    formset = NewClientTaskFormSet
    extra = 1
    fields = ["title", "details", "due_date", "assignee"]
    verbose_name = _("client task")
    verbose_name_plural = _("Ask the client for something")
    classes = ["ticket-tasks"]

    def get_queryset(self, request):
        return super().get_queryset(request).none()

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_formset(self, request, obj=None, **kwargs):
        # services.client_task_add makes an assignee who cannot see the ticket a follower.
        kwargs["help_texts"] = {
            "assignee": _("Someone who does not follow the ticket yet will follow it and be told.")
        }
        formset = super().get_formset(request, obj, **kwargs)
        form = formset.form
        form.base_fields["details"].widget.attrs.update(rows=2, cols=24)
        members = get_user_model().objects.none()
        if obj is not None:
            members = get_user_model().objects.filter(
                memberships__organisation_id=obj.organisation_id,
                memberships__is_active=True,
                is_active=True,
            )
        form.base_fields["assignee"].queryset = members.order_by("display_name", "email")
        return formset


class _Refused(Exception):
    """A service refused part of a ticket change; raised to roll back the whole save."""

    def __init__(self, field, error):
        super().__init__(error)
        self.field, self.error = field, error


@contextmanager
def _refusal_goes_to(field):
    try:
        yield
    except ValidationError as error:
        raise _Refused(field, error) from error


COMPOSER_FIELDS = ["reply", "reply_files", "note", "note_files"]


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    form = TicketWorkForm
    change_form_template = "admin/tickets/ticket/change_form.html"
    list_display = [
        "number",
        "subject",
        "client",
        "status_label",
        "priority_label",
        "sla_mark",
        "next_deadline",
        admin_followups.escalation,
        "assigned_to",
        "client_activity",
    ]
    list_display_links = ["number", "subject"]
    list_filter = [
        StatusFilter,
        "priority",
        SLAMarkFilter,
        admin_followups.EscalationFilter,
        AssignedFilter,
        "organisation",
        "category",
    ]
    list_select_related = ["organisation", "requester", "category", "assignee", "escalated_by"]
    search_fields = [
        "number",
        "subject",
        "description",
        "requester__email",
        "requester__display_name",
    ]
    search_help_text = _(
        "Number, subject, the requester's e-mail or name, or words of the description, "
        "replies and internal notes."
    )
    ordering = ["-last_client_activity_at", "-pk"]
    # The queue is paged without recounting every ticket on every page.
    show_full_result_count = False
    list_per_page = 50
    actions = ["assign_to_me", "merge_tickets"]
    inlines = [ClientTaskInline, NewClientTaskInline]
    view_on_site = False
    readonly_fields = [
        "number",
        "subject",
        "organisation",
        "requester_contact",
        "request_type",
        "category",
        "services",
        "description",
        "extra_fields",
        "opening_attachments",
        "state_summary",
        "sla_deadlines",
        "merge_links",
        "conversation",
        "history",
        "created_at",
        "last_client_activity_at",
        "escalated_at",
        "resolved_at",
        "closed_at",
    ]

    class Media:
        css = ADMIN_CSS

    # Tickets are opened through services.ticket_open (by clients, a recurring
    # schedule, or an agent on a client's behalf: add_view), and closed rather
    # than deleted: events refer to them.
    def has_delete_permission(self, request, obj=None):
        return False

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        with transaction.atomic():
            return open_for_client_view(self, request)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(**SLA_FLAGS, **QUEUE_RANKS)

    def changelist_view(self, request, extra_context=None):
        # The queue needs the page's width for its columns (SLA, deadline,
        # assignee at 1280 px); the admin's other pages are a click away.
        extra_context = {"is_nav_sidebar_enabled": False, **(extra_context or {})}
        return super().changelist_view(request, extra_context)

    def get_search_results(self, request, queryset, search_term):
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if search_term.strip():
            # And the words of the thread: replies and internal notes (this is
            # staff's search, and staff read both on the ticket page).
            in_thread = comments_matching(search_term, internal=True).values("ticket_id")
            found = found | queryset.filter(pk__in=in_thread)
        queryset = found
        # An autocomplete may ask for one organisation's tickets only: the
        # objectives of a contract link tickets of its organisation (contracts/admin.py).
        organisation = request.GET.get("organisation", "")
        match = request.resolver_match
        if match is not None and match.url_name == "autocomplete" and organisation.isdecimal():
            queryset = queryset.filter(organisation_id=int(organisation))
        return queryset, may_have_duplicates

    # --- The change form ---

    def _composer_fields(self, request, obj):
        if obj is None or obj.merged_into_id or not self.has_change_permission(request, obj):
            return []
        fields = []
        if request.user.has_perm("tickets.add_comment"):
            fields += ["reply", "note"]
            if request.user.has_perm("tickets.add_attachment"):
                fields += ["reply_files", "note_files"]
        return fields

    def _may_log_time(self, request, obj):
        return (
            obj is not None
            and not obj.merged_into_id
            and self.has_change_permission(request, obj)
            and request.user.has_perm("contracts.add_timeentry")
        )

    def get_fieldsets(self, request, obj=None):
        details = [
            ("number", "state_summary"),
            "sla_deadlines",
            "subject",
            ("organisation", "requester_contact"),
            ("request_type", "category"),
            "services",
            "description",
            "extra_fields",
            "opening_attachments",
        ]
        if obj is not None and (obj.merged_into_id or obj.merged_tickets.exists()):
            details.insert(1, "merge_links")
        fieldsets = [
            (None, {"fields": details}),
            (_("Conversation"), {"fields": ["conversation"], "classes": ["ticket-thread-set"]}),
        ]
        composer = self._composer_fields(request, obj)
        if "reply" in composer:
            fieldsets.append(
                (
                    _("Reply to the client"),
                    {
                        "fields": [f for f in ("reply", "reply_files") if f in composer],
                        "classes": ["ticket-reply"],
                    },
                )
            )
            fieldsets.append(
                (
                    _("Internal note: never sent to the client"),
                    {
                        "fields": [f for f in ("note", "note_files") if f in composer],
                        "classes": ["ticket-note"],
                    },
                )
            )
        if obj is not None and not obj.merged_into_id and self.has_change_permission(request, obj):
            fieldsets.append(
                (
                    _("Status, priority and assignee"),
                    {
                        "fields": [("status", "priority", "assignee"), "seen"],
                        "classes": ["ticket-work"],
                    },
                )
            )
        if self._may_log_time(request, obj):
            fieldsets.append(
                (
                    _("Log time"),
                    {
                        "fields": [
                            "log_minutes",
                            "log_description",
                            "log_performed_at",
                            "log_billable",
                        ],
                        "classes": ["ticket-time-log"],
                    },
                )
            )
        fieldsets += [
            (
                _("History"),
                {"fields": ["history"], "classes": ["collapse", "ticket-history-set"]},
            ),
            (
                _("Dates"),
                {
                    "fields": [
                        ("created_at", "last_client_activity_at"),
                        ("resolved_at", "closed_at"),
                        "escalated_at",
                    ],
                    "classes": ["collapse"],
                },
            ),
        ]
        return fieldsets

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        allowed = set(self._composer_fields(request, obj))
        for name in COMPOSER_FIELDS:
            if name not in allowed:
                form.base_fields.pop(name, None)
        if not self._may_log_time(request, obj):
            for name in LOG_TIME_FIELDS:
                form.base_fields.pop(name, None)
        form.refusal = getattr(request, "_ticket_refusal", None)
        return form

    def get_inline_instances(self, request, obj=None):
        if obj is None:
            return []
        inlines = super().get_inline_instances(request, obj)
        if obj.merged_into_id:
            inlines = [i for i in inlines if not isinstance(i, NewClientTaskInline)]
        if not obj.client_tasks.exists():
            inlines = [i for i in inlines if not isinstance(i, ClientTaskInline)]
        return inlines

    def change_view(self, request, object_id, form_url="", extra_context=None):
        ticket = self.get_object(request, unquote(object_id))
        if ticket is not None and ticket.merged_into_id:
            # Nothing is written on a merged ticket: its conversation continues elsewhere.
            extra_context = {
                **(extra_context or {}),
                "show_save": False,
                "show_save_and_continue": False,
            }
        return super().change_view(request, object_id, form_url, extra_context)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and request.user.has_perm("contracts.view_timeentry"):
            context["time_log"] = self._time_log(request, obj)
        if obj is not None:
            may_change = self.has_change_permission(request, obj) and not obj.merged_into_id
            context["followups"] = admin_followups.panel(request, obj, may_change)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _time_log(self, request, ticket):
        """The ticket's time entries for templates/admin/tickets/ticket/time_entries.html."""
        entries = list(ticket.time_entries.select_related("agent"))
        may_change = request.user.has_perm("contracts.change_timeentry")
        rows = [
            {
                "entry": entry,
                "duration": format_minutes(entry.minutes),
                "edit_url": (
                    _change_url(entry)
                    if may_change and contract_services.can_edit(entry, request.user)
                    else None
                ),
            }
            for entry in entries
        ]
        return {
            "rows": rows,
            "total": format_minutes(sum(e.minutes for e in entries)),
            "billable": format_minutes(sum(e.minutes for e in entries if e.billable)),
            "bank": _bank_summary(ticket.organisation),
            # The list comes just before the Log time panel, or before the
            # history for staff who may only look.
            "before": (
                "ticket-time-log" if self._may_log_time(request, ticket) else "ticket-history-set"
            ),
        }

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except _Refused as refused:
            # The admin's transaction has rolled back: nothing of this submission
            # was saved. Validate the same submission again with the service's
            # reason as a form error, so the agent sees why and keeps what they typed.
            request._ticket_refusal = (refused.field, refused.error)
            return super().changeform_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        """Each change through its service, which records its event. Never obj.save()."""
        data, by = form.cleaned_data, request.user
        if form.touched("priority"):
            with _refusal_goes_to("priority"):
                services.ticket_set_priority(ticket=obj, priority=data["priority"], by=by)
        if form.touched("assignee"):
            with _refusal_goes_to("assignee"):
                services.ticket_assign(ticket=obj, assignee=data["assignee"], by=by)
        if data.get("reply") or data.get("reply_files"):
            with _refusal_goes_to("reply"):
                services.comment_add(
                    ticket=obj,
                    author=by,
                    body=data["reply"],
                    attachments=data.get("reply_files") or (),
                )
        if data.get("note") or data.get("note_files"):
            with _refusal_goes_to("note"):
                services.comment_add(
                    ticket=obj,
                    author=by,
                    body=data["note"],
                    internal=True,
                    attachments=data.get("note_files") or (),
                )
        if form.logs_time:
            with _refusal_goes_to("log_minutes"):
                contract_services.time_entry_add(
                    ticket=obj,
                    agent=by,
                    minutes=data["log_minutes"],
                    description=data["log_description"],
                    billable=data["log_billable"],
                    performed_at=data.get("log_performed_at"),
                )
        if form.touched("status"):
            # A first reply moves a new ticket to open by itself.
            current = Ticket.objects.values_list("status", flat=True).get(pk=obj.pk)
            if data["status"] != current:
                with _refusal_goes_to("status"):
                    services.ticket_transition(
                        ticket=obj, to=data["status"], by=by, actor=Actor.AGENT
                    )

    def save_formset(self, request, form, formset, change):
        if not getattr(formset, "creates_through_service", False):
            # The read-only task list: nothing to save.
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
            return
        created = []
        for task_form in formset.forms:
            if not task_form.has_changed():
                continue
            task = task_form.cleaned_data
            with _refusal_goes_to(None):
                created.append(
                    services.client_task_add(
                        ticket=form.instance,
                        title=task["title"],
                        details=task.get("details", ""),
                        due_date=task.get("due_date"),
                        assignee=task.get("assignee"),
                        by=request.user,
                    )
                )
        formset.new_objects, formset.changed_objects, formset.deleted_objects = created, [], []

    # --- Read-only displays ---

    @admin.display(description=_("status"), ordering="status_rank")
    def status_label(self, obj):
        return format_html(
            '<span class="ticket-label ticket-label--{}">{}</span>',
            obj.status,
            agent_status_label(obj.status),
        )

    # The first click puts the most urgent first.
    @admin.display(description=_("priority"), ordering=F("priority_rank").desc())
    def priority_label(self, obj):
        return format_html(
            '<span class="ticket-priority ticket-priority--{}">{}</span>',
            obj.priority,
            obj.get_priority_display(),
        )

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
            obj.requester,
            obj.organisation,
        )

    @admin.display(description=_("assigned to"), ordering="assignee__display_name")
    def assigned_to(self, obj):
        return obj.assignee or "—"

    @admin.display(description=_("SLA"))
    def sla_mark(self, obj):
        return mark_label(queue_mark(obj, timezone.now()))

    @admin.display(description=_("next deadline"), ordering="sla_due_at")
    def next_deadline(self, obj):
        if obj.sla_due_at is None:
            return "—"
        moment = timezone.localtime(obj.sla_due_at)
        return format_html(
            '<time datetime="{}">{}<br>{}</time>',
            moment.isoformat(),
            date_format(moment, "SHORT_DATE_FORMAT"),
            date_format(moment, "TIME_FORMAT"),
        )

    @admin.display(description=_("status"))
    def state_summary(self, obj):
        return format_html(
            '{} {} <span class="ticket-summary__assignee">{}</span>',
            self.status_label(obj),
            self.priority_label(obj),
            (
                _("Assigned to %(agent)s") % {"agent": obj.assignee}
                if obj.assignee_id
                else _("Unassigned")
            ),
        )

    @admin.display(description=_("service levels"))
    def sla_deadlines(self, obj):
        # The client's deadlines exactly as the portal shows them, then support's own.
        client = deadlines_for([obj])[obj.pk]
        staff = deadlines_for([obj], kinds=STAFF_ONLY)[obj.pk]
        clock = obj.clocks.select_related("policy__calendar").first()
        return render_to_string(
            "admin/tickets/ticket/deadlines.html",
            {
                "client": client,
                "staff": staff,
                "policy": clock.policy if clock else None,
                "hours": describe_hours(clock.policy) if clock else "",
            },
        )

    @admin.display(description=_("requester"))
    def requester_contact(self, obj):
        user = obj.requester
        phone = format_html(" · {}", user.phone) if user.phone else ""
        return format_html(
            '<a href="{}">{}</a> &lt;{}&gt;{}', _change_url(user), user, user.email, phone
        )

    @admin.display(description=_("extra fields"))
    def extra_fields(self, obj):
        shown = extra_answers(obj)
        if not shown:
            return "-"
        return format_html(
            '<dl class="ticket-extra">{}</dl>',
            format_html_join("", "<dt>{}</dt><dd>{}</dd>", ((a.label, a.value) for a in shown)),
        )

    @admin.display(description=_("attached when opened"))
    def opening_attachments(self, obj):
        files = obj.attachments.filter(comment__isnull=True)
        return _attachment_list(files) or "-"

    @admin.display(description=_("merge"))
    def merge_links(self, obj):
        parts = []
        if obj.merged_into_id:
            parts.append(
                format_html(
                    '<p class="ticket-merged">{} {}</p>',
                    _("Merged into"),
                    _ticket_link(obj.merged_into),
                )
            )
        merged = list(obj.merged_tickets.order_by("pk"))
        if merged:
            parts.append(
                format_html(
                    "<p>{} {}</p>",
                    _("Tickets merged into this one:"),
                    format_html_join(", ", "{}", ((_ticket_link(t),) for t in merged)),
                )
            )
        return format_html_join("", "{}", ((p,) for p in parts))

    @admin.display(description=_("conversation"))
    def conversation(self, obj):
        comments = obj.comments.select_related("author").prefetch_related("attachments")
        for comment in comments:
            # Staff see every ticket: a merge note names and links the duplicate.
            comment.note = notes.note_for(comment, visible_ids=(), staff=True)
        return render_to_string(
            "admin/tickets/ticket/conversation.html",
            {
                "comments": [(c, _attachment_list(c.attachments.all())) for c in comments],
                "merged_into": obj.merged_into,
            },
        )

    @admin.display(description=_("history"))
    def history(self, obj):
        # Ticket events carry the number in their data, whatever their target.
        events = (
            Event.objects.filter(organisation_id=obj.organisation_id, data__number=obj.number)
            .select_related("actor")
            .order_by("created_at", "pk")
        )
        return render_to_string(
            "admin/tickets/ticket/history.html",
            # The sentence, then what it leaves out (an escalation's reason, a call's phone).
            {"events": [(e, " · ".join(filter(None, [describe(e), detail(e)]))) for e in events]},
        )

    # --- Actions ---

    @admin.action(description=_("Assign to me"), permissions=["change"])
    def assign_to_me(self, request, queryset):
        count = 0
        for ticket in queryset.exclude(assignee=request.user):
            services.ticket_assign(ticket=ticket, assignee=request.user, by=request.user)
            count += 1
        self.message_user(
            request,
            ngettext(
                "%(count)d ticket assigned to you.", "%(count)d tickets assigned to you.", count
            )
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Merge into another ticket…"), permissions=["change"])
    def merge_tickets(self, request, queryset):
        sources = list(queryset.select_related("organisation"))
        return self._merge_page(request, sources, from_changelist=True)

    def merge_view(self, request, object_id):
        ticket = self.get_object(request, unquote(object_id))
        if ticket is None:
            raise Http404
        if not self.has_change_permission(request, ticket):
            raise PermissionDenied
        return self._merge_page(request, [ticket], from_changelist=False)

    def _merge_page(self, request, sources, *, from_changelist):
        submitted = request.method == "POST" and "into" in request.POST
        form = MergeForm(request.POST if submitted else None, sources=sources)
        if form.is_valid():
            target = form.cleaned_data["into"]
            try:
                with transaction.atomic():
                    for source in sources:
                        services.ticket_merge(source=source, target=target, by=request.user)
            except ValidationError as error:
                form.add_error("into", error)
            else:
                self.message_user(
                    request,
                    _("%(sources)s merged into %(target)s.")
                    % {"sources": ", ".join(s.number for s in sources), "target": target.number},
                    messages.SUCCESS,
                )
                return redirect(_change_url(target))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Merge into another ticket"),
            "opts": self.opts,
            "sources": sources,
            "form": form,
            "from_changelist": from_changelist,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "media": self.media,
        }
        return TemplateResponse(request, "admin/tickets/ticket/merge.html", context)

    def get_urls(self):
        return [
            path(
                "<path:object_id>/merge/",
                self.admin_site.admin_view(self.merge_view),
                name="tickets_ticket_merge",
            ),
            *admin_followups.urls(self),
            *super().get_urls(),
        ]


def _bank_summary(organisation):
    """The organisation's hours bank this period, read without creating the period."""
    today = contract_services.local_date(organisation, timezone.now())
    contract = contract_services.bank_contract_for(organisation, today)
    if contract is None:
        return None
    period = BankPeriod.objects.filter(contract=contract, start__lte=today, end__gt=today).first()
    if period is None:
        return {"contract": contract, "period": None}
    return {
        "contract": contract,
        "period": period,
        "used": format_minutes(period.used_minutes),
        "allowance": format_minutes(period.allowance_minutes),
        "overage": format_minutes(period.overage_minutes) if period.overage_minutes else None,
    }


def _attachment_list(attachments):
    return format_html_join(
        "",
        '<a class="ticket-file" href="{}">{}</a> ',
        ((reverse("admin:tickets_attachment_download", args=[a.pk]), a.name) for a in attachments),
    )


# --- Configuration (supervisors) -------------------------------------------


@admin.register(RequestSection)
class RequestSectionAdmin(TranslatedAdminMixin, admin.ModelAdmin):
    list_display = ["shown_name", "order", "missing_languages"]
    list_editable = ["order"]
    search_fields = ["name", *_translation_fields("name")]
    readonly_fields = ["missing_languages"]
    fieldsets = [
        (None, {"fields": ["order", "missing_languages"]}),
        *language_fieldsets("name"),
    ]


class RequestTypeFieldInline(admin.StackedInline):
    model = RequestTypeField
    extra = 0
    fieldsets = [
        (None, {"fields": [("key", "kind", "required", "order")]}),
        *[
            (title, {"fields": [tuple(options["fields"])]})
            for title, options in language_fieldsets("label", "help_text", "choices")
        ],
    ]


@admin.register(RequestType)
class RequestTypeAdmin(TranslatedAdminMixin, admin.ModelAdmin):
    list_display = [
        "shown_name",
        "section",
        "default_priority",
        "default_category",
        "order",
        "is_active",
        "missing_languages",
    ]
    list_filter = ["is_active", "section", "default_priority"]
    list_select_related = ["section", "default_category"]
    search_fields = ["name", "description", *_translation_fields("name")]
    filter_horizontal = ["organisations"]
    readonly_fields = ["missing_languages"]
    inlines = [RequestTypeFieldInline]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    ("section", "order", "is_active"),
                    ("default_priority", "default_category"),
                    "organisations",
                    "missing_languages",
                ]
            },
        ),
        *language_fieldsets("name", "description", "guidance"),
    ]


@admin.register(Category)
class CategoryAdmin(TranslatedAdminMixin, admin.ModelAdmin):
    list_display = ["shown_name", "slug", "order", "is_active", "missing_languages"]
    list_filter = ["is_active"]
    search_fields = ["name", "slug", *_translation_fields("name")]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["missing_languages"]
    fieldsets = [
        (None, {"fields": ["slug", ("order", "is_active"), "missing_languages"]}),
        *language_fieldsets("name"),
    ]


@admin.register(PriorityRule)
class PriorityRuleAdmin(admin.ModelAdmin):
    list_display = ["request_type", "category", "rule_priority"]
    list_filter = ["priority", "request_type", "category"]
    list_select_related = ["request_type", "category"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(priority_rank=QUEUE_RANKS["priority_rank"])

    # Like the queue: by urgency, not alphabetically.
    @admin.display(description=_("priority"), ordering=F("priority_rank").desc())
    def rule_priority(self, obj):
        return obj.get_priority_display()


@admin.register(TicketPolicy)
class TicketPolicyAdmin(admin.ModelAdmin):
    list_display = ["organisation", "client_sets_priority", "auto_close_days"]
    list_select_related = ["organisation"]
    search_fields = ["organisation__name"]
    autocomplete_fields = ["organisation"]


def _recurring_schedule():
    """tickets.recurring.recurring_schedule, once that module provides it."""
    try:
        from tickets import recurring
    except ModuleNotFoundError as missing:
        if missing.name != "tickets.recurring":
            raise
        return None
    return getattr(recurring, "recurring_schedule", None)


@admin.register(RecurringTicket)
class RecurringTicketAdmin(admin.ModelAdmin):
    form = RecurringTicketForm
    list_display = ["subject", "organisation", "frequency", "next_run_at", "is_active"]
    list_filter = ["is_active", "frequency", "organisation"]
    list_select_related = ["organisation"]
    search_fields = ["subject", "organisation__name"]
    autocomplete_fields = ["organisation", "requester"]
    readonly_fields = ["next_run_at"]
    fieldsets = [
        (None, {"fields": [("organisation", "requester"), "subject", "description"]}),
        (_("Ticket"), {"fields": [("request_type", "category", "priority")]}),
        (
            _("Schedule"),
            {
                "fields": [
                    ("frequency", "start_date", "time"),
                    ("weekday", "day_of_month"),
                    ("is_active", "next_run_at"),
                ]
            },
        ),
    ]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        schedule = _recurring_schedule()
        if schedule is not None:
            schedule(template=obj)


# --- Read-only records ------------------------------------------------------


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class _TicketColumn:
    @admin.display(description=_("ticket"), ordering="ticket__number")
    def ticket_link(self, obj):
        return _ticket_link(obj.ticket)


@admin.register(Rating)
class RatingAdmin(_TicketColumn, ReadOnlyAdmin):
    list_display = ["ticket_link", "score", "comment", "rated_by", "created_at"]
    list_filter = ["score"]
    list_select_related = ["ticket", "rated_by"]
    search_fields = ["ticket__number", "comment"]


@admin.register(CallRequest)
class CallRequestAdmin(_TicketColumn, ReadOnlyAdmin):
    list_display = [
        "created_at",
        "ticket_link",
        "phone",
        "preferred_time",
        "requested_by",
        "done_at",
        "done_by",
    ]
    list_select_related = ["ticket", "requested_by", "done_by"]
    search_fields = ["ticket__number", "phone"]
    date_hierarchy = "created_at"


@admin.register(Attachment)
class AttachmentAdmin(_TicketColumn, ReadOnlyAdmin):
    list_display = [
        "name",
        "ticket_link",
        "content_type",
        "size",
        "is_internal",
        "uploaded_by",
        "created_at",
    ]
    list_filter = ["is_internal", "content_type"]
    list_select_related = ["ticket", "uploaded_by"]
    search_fields = ["name", "ticket__number", "sha256"]
    fields = [
        "name",
        "download",
        "ticket_link",
        "content_type",
        "size",
        "sha256",
        "is_internal",
        "uploaded_by",
        "created_at",
    ]
    readonly_fields = fields

    @admin.display(description=_("file"))
    def download(self, obj):
        return _attachment_list([obj])

    def download_view(self, request, pk):
        if not self.has_view_permission(request):
            raise PermissionDenied
        attachment = get_object_or_404(Attachment, pk=pk)
        try:
            stored = attachment.file.open("rb")
        except FileNotFoundError as missing:
            raise Http404 from missing
        # Only the image types we sniffed are shown in the browser; the rest download.
        return FileResponse(
            stored,
            as_attachment=not attachment.is_image,
            filename=attachment.name,
            content_type=attachment.content_type,
        )

    def get_urls(self):
        return [
            path(
                "<int:pk>/download/",
                self.admin_site.admin_view(self.download_view),
                name="tickets_attachment_download",
            ),
            *super().get_urls(),
        ]
