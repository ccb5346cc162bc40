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
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from contracts import services as contract_services
from contracts.models import BankPeriod
from core.admin import change_url

from .. import admin_followups, services
from ..admin_forms import LOG_TIME_FIELDS, MergeForm, TicketWorkForm, format_minutes
from ..admin_open import open_for_client_view
from ..models import Ticket
from ..states import Actor
from .common import ADMIN_CSS
from .displays import TicketPageDisplaysMixin
from .inlines import ClientTaskInline, NewClientTaskInline
from .queue import TicketQueueMixin


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
class TicketAdmin(TicketQueueMixin, TicketPageDisplaysMixin, admin.ModelAdmin):
    form = TicketWorkForm
    change_form_template = "admin/tickets/ticket/change_form.html"
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
                    change_url(entry)
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
                return redirect(change_url(target))
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
