"""Escalations and call requests in the agents' admin.

The queue shows an open escalation (who, when, why) and filters on it; the
ticket page shows the open escalation and the pending call above the form,
each with the button that closes it through tickets.services (which records
the event). Wired into TicketAdmin in tickets/admin/ (queue.py and ticket.py).
"""

from functools import partial

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.admin import change_url
from core.views import act

from . import services
from .states import OPEN_STATUSES

QUEUE_REASON_CHARS = 80


class EscalationFilter(admin.SimpleListFilter):
    title = gettext_lazy("escalation")
    parameter_name = "escalation"
    OPEN, CLOSED = "open", "closed"

    def lookups(self, request, model_admin):
        return [(self.OPEN, _("Escalated (open)")), (self.CLOSED, _("Escalation closed"))]

    def queryset(self, request, queryset):
        if self.value() == self.OPEN:
            # The same rule as Ticket.is_escalated.
            return queryset.filter(
                escalated_at__isnull=False,
                escalation_resolved_at__isnull=True,
                status__in=OPEN_STATUSES,
                merged_into__isnull=True,
            )
        if self.value() == self.CLOSED:
            return queryset.filter(escalation_resolved_at__isnull=False)
        return queryset


def _moment(value) -> str:
    return date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")


@admin.display(description=gettext_lazy("escalation"), ordering="escalated_at")
def escalation(ticket):
    """The queue column: empty unless an escalation is open."""
    if not ticket.is_escalated:
        return ""
    reason = ticket.escalation_reason
    return format_html(
        '<span class="ticket-escalated" title="{}"><span class="ticket-label '
        'ticket-label--escalated">{}</span> <small>{}</small><br><small>{}</small></span>',
        Truncator(reason).chars(400),
        _("Escalated"),
        _("%(name)s, %(date)s")
        % {
            "name": ticket.escalated_by or _("someone"),
            "date": _moment(ticket.escalated_at),
        },
        Truncator(reason).chars(QUEUE_REASON_CHARS),
    )


def panel(request, ticket, may_change: bool) -> str:
    """The block above the ticket's form: open escalation and calls, with their buttons."""
    calls = list(ticket.call_requests.select_related("requested_by", "done_by")[:3])
    if not ticket.escalated_at and not calls:
        return ""
    return render_to_string(
        "admin/tickets/ticket/followups.html",
        {
            "ticket": ticket,
            "calls": calls,
            "pending_call": any(call.done_at is None for call in calls),
            "may_change": may_change,
            "resolve_url": reverse("admin:tickets_ticket_escalation_resolve", args=[ticket.pk]),
        },
        request=request,
    )


def urls(model_admin):
    wrap = model_admin.admin_site.admin_view
    return [
        path(
            "<path:object_id>/escalation/close/",
            wrap(partial(escalation_resolve_view, model_admin=model_admin)),
            name="tickets_ticket_escalation_resolve",
        ),
        path(
            "<path:object_id>/calls/<int:call_id>/done/",
            wrap(partial(call_done_view, model_admin=model_admin)),
            name="tickets_ticket_call_done",
        ),
    ]


def _ticket_to_change(model_admin, request, object_id):
    ticket = model_admin.get_object(request, unquote(object_id))
    if ticket is None:
        raise Http404
    if not model_admin.has_change_permission(request, ticket):
        raise PermissionDenied
    return ticket


@require_POST
def escalation_resolve_view(request, object_id, *, model_admin):
    ticket = _ticket_to_change(model_admin, request, object_id)
    return act(
        request,
        change_url(ticket),
        lambda: services.escalation_resolve(ticket=ticket, by=request.user),
        _("The escalation of %(number)s is closed.") % {"number": ticket.number},
    )


@require_POST
def call_done_view(request, object_id, call_id, *, model_admin):
    ticket = _ticket_to_change(model_admin, request, object_id)
    call = get_object_or_404(ticket.call_requests, pk=call_id)
    return act(
        request,
        change_url(ticket),
        lambda: services.call_done(call=call, by=request.user),
        _("The call to %(phone)s is marked as done.") % {"phone": call.phone},
    )
