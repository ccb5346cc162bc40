"""The SLA mark of many tickets in one query: rules.mark for a whole queryset of tickets.

A ticket's mark is the worst mark of its current targets:
- its running clocks, by the nearest deadline and warning among them;
- otherwise its paused clocks;
- otherwise the finished ones: met, or breached if any was met late.
`with_marks()` annotates a ticket queryset with what that needs (no query per
row); `ticket_mark()` reads the mark of one annotated ticket (the agents' queue
column) and `mark_filters()` says the same as one filter per mark (the queue's
filter, the client dashboard's tickets at risk). tests/sla/test_admin.py keeps
the two equal.
"""

from django.contrib.postgres.aggregates import BoolOr
from django.db.models import F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from .models import TicketClock
from .rules import Mark

NO_SLA = "none"


def with_marks(tickets, kinds=None):
    """`tickets` annotated for ticket_mark() and mark_filters(); `kinds`: of these targets only."""
    clocks = TicketClock.objects.filter(ticket=OuterRef("pk"))
    if kinds is None:
        # Every target: the nearest deadline and warning are stored on the
        # ticket (kept by sla.services), indexed for the queue's sorting.
        due, warn = F("sla_due_at"), F("sla_warn_at")
    else:
        clocks = clocks.filter(kind__in=kinds)
        running = clocks.filter(running_since__isnull=False)
        due = Subquery(running.order_by("due_at").values("due_at")[:1])
        warn = Subquery(running.order_by("warn_at").values("warn_at")[:1])

    def having(**conditions):
        # A scalar subquery, not EXISTS: PostgreSQL may turn an EXISTS in the
        # select list into a hashed subplan that reads every clock of the system
        # to annotate a page of 50 tickets; this one is one index probe per row.
        found = clocks.order_by().values("ticket").annotate(found=BoolOr(Q(**conditions)))
        return Coalesce(Subquery(found.values("found")[:1]), Value(False))

    return tickets.annotate(
        sla_due=due,
        sla_warn=warn,
        # A clock not met nor stopped, breached (still owed, and late).
        sla_open_breached=having(
            met_at__isnull=True, stopped_at__isnull=True, breached_at__isnull=False
        ),
        sla_paused=having(running_since__isnull=True, met_at__isnull=True, stopped_at__isnull=True),
        sla_met=having(met_at__isnull=False),
        sla_met_late=having(met_at__isnull=False, breached_at__isnull=False),
    )


def ticket_mark(ticket, now) -> str | None:
    """The mark of a ticket of with_marks(); None when it has no SLA."""
    if ticket.sla_open_breached or (ticket.sla_due is not None and ticket.sla_due <= now):
        return Mark.BREACHED
    if ticket.sla_due is not None:
        if ticket.sla_warn is not None and ticket.sla_warn <= now:
            return Mark.AT_RISK
        return Mark.ON_TRACK
    if ticket.sla_paused:
        return Mark.PAUSED
    if ticket.sla_met_late:
        return Mark.BREACHED
    if ticket.sla_met:
        return Mark.MET
    return None


def mark_filters(now) -> dict[str, Q]:
    """ticket_mark as one filter per mark (and NO_SLA), on a queryset of with_marks()."""
    running, stopped = Q(sla_due__isnull=False), Q(sla_due__isnull=True)
    past_due, not_breached = Q(sla_due__lte=now), Q(sla_open_breached=False)
    return {
        Mark.ON_TRACK: running
        & not_breached
        & Q(sla_due__gt=now)
        & (Q(sla_warn__isnull=True) | Q(sla_warn__gt=now)),
        Mark.AT_RISK: running & not_breached & Q(sla_due__gt=now, sla_warn__lte=now),
        Mark.BREACHED: past_due
        | Q(sla_open_breached=True)
        | (stopped & Q(sla_paused=False, sla_met_late=True)),
        Mark.PAUSED: stopped & not_breached & Q(sla_paused=True),
        Mark.MET: stopped & Q(sla_paused=False, sla_met=True, sla_met_late=False),
        NO_SLA: stopped & Q(sla_paused=False, sla_met=False),
    }
