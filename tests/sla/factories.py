"""SLA test data: calendars, policies, and tickets whose clocks start at a chosen moment.

Tickets are written by the ticket factories and their clocks started by
`sla.services.on_ticket_event`, so a test controls every instant (`at=`)
instead of depending on the wall clock.
"""

from datetime import UTC, datetime, time, timedelta

from sla import services as sla
from sla.models import (
    BusinessCalendar,
    Holiday,
    Kind,
    SLAPolicy,
    SLATarget,
    TicketClock,
    WorkingHours,
)
from tests.tickets.factories import TicketFactory
from tickets.models import Ticket
from tickets.states import Priority, Status

MON_FRI_9_18 = {day: [("09:00", "18:00")] for day in range(5)}
SPLIT_DAY = {day: [("09:00", "13:00"), ("14:00", "18:00")] for day in range(5)}

# Minutes of acknowledgement, first response and resolution per priority:
# small round numbers so that 24x7 deadlines are obvious.
TARGETS = {
    Priority.LOW: (60, 240, 1440),
    Priority.MEDIUM: (30, 60, 480),
    Priority.HIGH: (15, 30, 240),
    Priority.CRITICAL: (5, 15, 60),
}


def _time(text: str) -> time:
    return time(0, 0) if text == "24:00" else time.fromisoformat(text)


def make_calendar(
    *,
    name="Calendar",
    tz="UTC",
    hours=None,
    always_open=False,
    country="",
    subdivision="",
    holidays=(),
) -> BusinessCalendar:
    """A stored calendar; `hours` maps weekday to ("HH:MM", "HH:MM") spans, "24:00" allowed."""
    calendar = BusinessCalendar.objects.create(
        name=name, timezone=tz, always_open=always_open, country=country, subdivision=subdivision
    )
    for weekday, spans in (hours or {}).items():
        for start, end in spans:
            WorkingHours.objects.create(
                calendar=calendar, weekday=weekday, start=_time(start), end=_time(end)
            )
    for day in holidays:
        Holiday.objects.create(calendar=calendar, date=day, name="Closed")
    return calendar


def make_policy(*, calendar=None, name="Policy", targets=None, **fields) -> SLAPolicy:
    """A policy with a target per priority (TARGETS unless given); 24x7 UTC by default."""
    calendar = calendar or make_calendar(name=f"{name} hours", always_open=True)
    policy = SLAPolicy.objects.create(name=name, calendar=calendar, **fields)
    for priority, (ack, first, resolution) in (targets or TARGETS).items():
        SLATarget.objects.create(
            policy=policy,
            priority=priority,
            acknowledgement_minutes=ack,
            first_response_minutes=first,
            resolution_minutes=resolution,
        )
    return policy


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def open_ticket(organisation, *, at, requester=None, priority=Priority.MEDIUM, **fields):
    """A ticket created at `at` whose clocks were started by the ticket_opened event."""
    extra = {"requester": requester} if requester is not None else {}
    ticket = TicketFactory(
        organisation=organisation,
        priority=priority,
        status=fields.pop("status", Status.NEW),
        created_at=at,
        updated_at=at,
        last_activity_at=at,
        last_client_activity_at=at,
        **extra,
        **fields,
    )
    sla.on_ticket_event(ticket, actor=ticket.requester, verb="ticket_opened")
    return ticket


def event(ticket, verb, *, at, actor=None, status=None, internal=False, **fields):
    """What a ticket service does to the clocks: set the new state, then `on_ticket_event`."""
    changes = dict(fields, **({"status": status} if status else {}))
    if changes:
        Ticket.objects.filter(pk=ticket.pk).update(**changes)
        for field, value in changes.items():
            setattr(ticket, field, value)
    sla.on_ticket_event(ticket, actor=actor, verb=verb, internal=internal, at=at)
    return clocks_of(ticket)


def clocks_of(ticket) -> dict[str, TicketClock]:
    return {clock.kind: clock for clock in TicketClock.objects.filter(ticket=ticket)}


def travel(ticket, delta: timedelta) -> None:
    """Move a ticket and its clocks `delta` into the past, as if that much time had passed.

    Exact on a 24x7 calendar, where business time is real time.
    """
    Ticket.objects.filter(pk=ticket.pk).update(
        created_at=ticket.created_at - delta,
        sla_due_at=None if ticket.sla_due_at is None else ticket.sla_due_at - delta,
        sla_warn_at=None if ticket.sla_warn_at is None else ticket.sla_warn_at - delta,
    )
    ticket.refresh_from_db()
    for clock in TicketClock.objects.filter(ticket=ticket):
        for field in (
            "running_since",
            "due_at",
            "warn_at",
            "met_at",
            "breached_at",
            "warned_at",
            "stopped_at",
            "created_at",
        ):
            value = getattr(clock, field)
            if value is not None:
                setattr(clock, field, value - delta)
        clock.save()


KINDS = Kind.values


def bulk_clocks(policy, count, *, organisation, requester, prefix="BULK", **fields):
    """`count` tickets written in one statement, each with its three clocks set to `fields`.

    For the sweep: no events, no services, just rows in the state under test.
    """
    tickets = Ticket.objects.bulk_create(
        [
            Ticket(
                organisation=organisation,
                requester=requester,
                number=f"{prefix}-{n:05d}",
                subject=f"Bulk ticket {n}",
                description="Made for the SLA sweep tests.",
            )
            for n in range(count)
        ]
    )
    fields.setdefault("target", timedelta(hours=1))
    return TicketClock.objects.bulk_create(
        [
            TicketClock(ticket=ticket, policy=policy, kind=kind, **fields)
            for ticket in tickets
            for kind in Kind.values
        ]
    )
