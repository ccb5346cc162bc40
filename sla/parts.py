"""The SLA on tickets' pages, a part of them (tickets/parts.py) added in sla.apps.

- The client's ticket list: a Deadlines column; the ticket page: a Service level
  card (the deadlines, what the marks mean, the business hours).
- The agents' queue: the SLA mark and the next deadline, after the priority,
  and a filter by mark (sla.queries: the column and the filter are one rule);
  the ticket page: the deadlines as the client sees them, then support's own,
  and in its side column the policy's card (its targets for the ticket's
  priority, its business hours, the next deadline).
"""

from functools import lru_cache

from django.contrib import admin
from django.template.loader import get_template, render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from core.admin import change_url
from tickets.parts import Panel, TicketPart

from .admin import mark_label
from .display import SHOWN, STAFF_ONLY, deadlines_for, describe_hours
from .queries import NO_SLA, mark_filters, ticket_mark, with_marks
from .rules import Mark
from .services import policy_for


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
        condition = mark_filters(timezone.now()).get(self.value())
        return queryset if condition is None else queryset.filter(condition)


def format_target(minutes: int) -> str:
    """A target's business time: '30 min', '4 h', '1 h 30 min'."""
    hours, minutes = divmod(minutes, 60)
    values = {"hours": hours, "minutes": minutes}
    if hours and minutes:
        return gettext("%(hours)s h %(minutes)s min") % values
    if hours:
        return gettext("%(hours)s h") % values
    return gettext("%(minutes)s min") % values


def next_deadline(deadlines):
    """The nearest running deadline (a late one first); else the paused one with the least
    time left; None when every target is met."""
    running = [d for d in deadlines if d.met_at is None and d.due_at is not None]
    if running:
        return min(running, key=lambda d: d.due_at)
    paused = [d for d in deadlines if d.mark == Mark.PAUSED and d.remaining is not None]
    return min(paused, key=lambda d: d.remaining, default=None)


@lru_cache(maxsize=64)
def _mark_label(mark, language):
    # The queue's column shows the same few labels on every row: each once per language.
    return mark_label(mark)


class Deadlines(TicketPart):
    key = "sla.deadlines"

    # --- The client's pages ---

    def list_column(self, tickets) -> Panel:
        # Each cell is rendered here, in a context of its own deadlines only: in the
        # page's context every variable of 25 nested includes would be looked up
        # through the whole page's stack of dictionaries (a third of the list's time).
        template = get_template("sla/_deadlines.html")
        cells = {
            pk: template.render({"deadlines": deadlines})
            for pk, deadlines in deadlines_for(tickets).items()
        }
        return Panel("sla_deadlines", "sla/_ticket_list_column.html", cells)

    def side_panel(self, request, ticket) -> Panel | None:
        deadlines = deadlines_for([ticket])[ticket.pk]
        if not deadlines:
            return None
        hours = describe_hours(ticket.clocks.first().policy)
        return Panel("sla", "sla/_ticket_card.html", {"deadlines": deadlines, "hours": hours})

    # --- The agents' queue ---

    queue_columns = ("sla_mark", "next_deadline")
    queue_filters = (SLAMarkFilter,)

    def annotate(self, queryset):
        return with_marks(queryset)

    @admin.display(description=_("SLA"))
    def sla_mark(self, obj):
        return _mark_label(ticket_mark(obj, timezone.now()), get_language())

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

    # --- The agents' ticket page ---

    ticket_fields = ("sla_deadlines",)

    @admin.display(description=_("service levels"))
    def sla_deadlines(self, obj):
        # The client's deadlines exactly as the portal shows them, then support's own.
        both = deadlines_for([obj], kinds=(*SHOWN, *STAFF_ONLY))[obj.pk]
        client = [deadline for deadline in both if deadline.kind in SHOWN]
        staff = [deadline for deadline in both if deadline.kind in STAFF_ONLY]
        clock = obj.clocks.select_related("policy__calendar").first()
        return render_to_string(
            "admin/sla/ticket_deadlines.html",
            {
                "client": client,
                "staff": staff,
                "policy": clock.policy if clock else None,
                "hours": describe_hours(clock.policy) if clock else "",
            },
        )

    def context_card(self, request, ticket) -> Panel | None:
        if not request.user.has_perm("sla.view_slapolicy"):
            return None
        # The policy the ticket's clocks count by; for a ticket without clocks (opened
        # before its client had an SLA), the one a ticket of its client opened now gets.
        clock = ticket.clocks.select_related("policy__calendar").order_by("-created_at").first()
        policy = clock.policy if clock else policy_for(ticket.organisation)
        if policy is None:
            return None
        target = policy.targets.filter(priority=ticket.priority).first()
        deadlines = deadlines_for([ticket], kinds=(*SHOWN, *STAFF_ONLY))[ticket.pk]
        upcoming = next_deadline(deadlines)
        return Panel(
            "sla_card",
            "admin/sla/context_card.html",
            {
                "policy": policy,
                "policy_url": change_url(policy),
                "priority": ticket.get_priority_display(),
                "first_response": target and format_target(target.first_response_minutes),
                "resolution": target and format_target(target.resolution_minutes),
                "hours": describe_hours(policy),
                "next": [upcoming] if upcoming else [],
                "all_met": bool(deadlines) and all(d.met_at for d in deadlines),
            },
        )
