"""The agents' ticket workspace and the supervisors' ticket configuration.

The ticket changelist is the queue; the change form is where an agent works a
ticket: reads the thread, replies or writes an internal note, sets status,
priority and assignee (each its own small form: tickets/admin/workspace.py),
asks the client for tasks, and what the apps above tickets add
(tickets/parts.py: the SLA deadlines, the time spent: the admin's own Save).
Every one of those changes goes through a service (never `ticket.save()`), so
each records its event. A change the services refuse leaves nothing saved and
comes back as a form error (see TicketAdmin.changeform_view).
"""

from contextlib import contextmanager
from dataclasses import replace

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from core.admin import change_url

from .. import admin_followups, services
from ..admin_forms import MergeForm, TicketWorkForm
from ..admin_open import open_for_client_view
from ..models import Ticket
from ..parts import parts
from . import relations
from .common import ADMIN_CSS
from .displays import TicketPageDisplaysMixin
from .inlines import ClientTaskInline, NewClientTaskInline
from .queue import TicketQueueMixin
from .workspace import WorkspaceMixin


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


# What the ticket page shows of the ticket's relations: joined to the ticket, those
# nearly every ticket has; the others prefetched (none is read for an empty one),
# since each join adds steeply to PostgreSQL's planning (seven took 3.3 ms to plan).
PAGE_RELATED = ["organisation", "requester", "assignee", "category"]
PAGE_PREFETCHED = ["request_type", "escalated_by", "merged_into"]
HISTORY = "ticket-history-set"  # the class of the History fieldset


@admin.register(Ticket)
class TicketAdmin(WorkspaceMixin, TicketQueueMixin, TicketPageDisplaysMixin, admin.ModelAdmin):
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
        # The queue remembers its tickets for the ticket page's next/previous keys.
        js = ["admin_extra/workspace.js"]

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

    def __getattr__(self, name):
        # The parts' columns and read-only fields are found by name, like the admin's own.
        for part in parts():
            if name in part.queue_columns or name in part.ticket_fields:
                return getattr(part, name)
        raise AttributeError(name)

    def get_readonly_fields(self, request, obj=None):
        return [*self.readonly_fields, *(f for part in parts() for f in part.ticket_fields)]

    # --- The change form ---

    def _workable(self, request, obj):
        """The ticket takes work from this agent (not merged away, and theirs to change)."""
        return (
            obj is not None and not obj.merged_into_id and self.has_change_permission(request, obj)
        )

    # The page's top (tickets/admin/workspace.py, change_form.html) draws these two
    # above the admin's form, beside the agent's action forms.
    DETAILS, THREAD = "ticket-details-set", "ticket-thread-set"
    # Where a part's panel may stand in the workspace: before the reply or the note form.
    REPLY, NOTE = "ticket-reply", "ticket-note"

    def get_fieldsets(self, request, obj=None):
        details = [
            ("number", "state_summary"),
            *(f for part in parts() for f in part.ticket_fields),
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
            (None, {"fields": details, "classes": [self.DETAILS]}),
            (_("Conversation"), {"fields": ["conversation"], "classes": [self.THREAD]}),
        ]
        if self._workable(request, obj):
            for part in parts():
                fieldsets += part.ticket_fieldsets(request, obj)
        fieldsets += [
            (
                _("History"),
                {"fields": ["history"], "classes": ["collapse", HISTORY]},
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
        if self._workable(request, obj):
            # The parts' fields join the ticket's form (tickets/parts.py).
            joined = [f for part in parts() if (f := part.ticket_form(request, obj)) is not None]
            if joined:
                kwargs["form"] = type(self.form)(self.form.__name__, (*joined, self.form), {})
        form = super().get_form(request, obj, change, **kwargs)
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

    def get_object(self, request, object_id, from_field=None):
        # One query for the ticket and its relations the page shows, without the
        # queue's columns (its ranks and SLA marks), which the page does not show.
        field = self.opts.pk if from_field is None else self.opts.get_field(from_field)
        tickets = (
            self.tickets(request).select_related(*PAGE_RELATED).prefetch_related(*PAGE_PREFETCHED)
        )
        try:
            return tickets.get(**{field.name: field.to_python(object_id)})
        except (Ticket.DoesNotExist, ValidationError, ValueError):
            return None

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.merged_into_id:
            # Nothing is written on a merged ticket: its conversation continues elsewhere.
            context.update(show_save=False, show_save_and_continue=False)
        if obj is not None:
            context["ticket_panels"] = self._panels(request, obj, context["adminform"])
            context.update({panel.name: panel.context for panel in context["ticket_panels"]})
            context["followups"] = admin_followups.panel(request, obj, self._workable(request, obj))
            context["ws"] = self.workspace(request, obj)
            context["relations_panel"] = relations.panel(request, obj, self._workable(request, obj))
            # Only the parts' fields and the client tasks are left to the admin's own
            # Save; without them the button would save nothing.
            if not any(
                fs[1]["fields"]
                for fs in context["adminform"].fieldsets
                if not {self.DETAILS, self.THREAD, HISTORY, "collapse"}
                & set(fs[1].get("classes", []))
            ) and not context.get("inline_admin_formsets"):
                context.update(show_save=False, show_save_and_continue=False)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _panels(self, request, ticket, adminform):
        """The parts' panels, each before its fieldset or, when that is not shown, the history."""
        shown = {c for _name, options in adminform.fieldsets for c in options.get("classes", [])}
        if self._workable(request, ticket):
            # The workspace draws these places above the admin's form (workspace.html).
            shown |= {self.REPLY, self.NOTE}
        return [
            replace(panel, before=panel.before if panel.before in shown else HISTORY)
            for part in parts()
            for panel in part.ticket_panels(request, ticket)
        ]

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
        for part in parts():
            # A refusal names its fields: ValidationError({field: message}).
            with _refusal_goes_to(None):
                part.save(request, obj, form)

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
            *self.workspace_urls(),
            *super().get_urls(),
        ]
