"""SLA clocks: started when a ticket opens, moved by what happens to it, swept for deadlines.

Ticket services send tickets.signals.ticket_changed inside their own transaction
after recording an event, and `on_ticket_event()` receives it (sla.apps), so a
ticket and its clocks never disagree. The rules:
- acknowledgement is met by the first agent action of any kind;
- first response by the first public agent reply;
- resolution by the move to resolved (or closed); reopening resumes the
  resolution clock from the business time it had used, the time spent
  resolved does not count;
- statuses listed by the policy pause every running clock;
- a priority change recomputes the targets as if set at the ticket's creation;
- merging stops the duplicate's clocks.
"""

from datetime import timedelta

from django.db import connection, transaction
from django.db.models import Min
from django.utils import timezone

from activity.models import Visibility
from activity.services import record_event, record_events
from contracts.models import Contract

from .models import BusinessCalendar, Kind, OrganisationPolicy, SLAPolicy, TicketClock

_CALENDARS: dict[tuple[int, object], object] = {}
DONE_VERBS = {"ticket_resolved", "ticket_closed", "ticket_auto_closed"}
OPEN_VERBS = {"ticket_opened", "recurring_ticket_opened"}


def policy_for(organisation, *, on=None) -> SLAPolicy | None:
    """Active contract's policy, else the organisation's default, else the global one."""
    day = on or timezone.localdate()
    contract = (
        Contract.objects.active_on(day)
        .filter(organisation=organisation, sla_policy__isnull=False)
        .select_related("sla_policy__calendar")
        .order_by("-start_date")
        .first()
    )
    if contract:
        return contract.sla_policy
    default = (
        OrganisationPolicy.objects.filter(organisation=organisation)
        .select_related("policy__calendar")
        .first()
    )
    if default:
        return default.policy
    return SLAPolicy.objects.filter(is_global_default=True).select_related("calendar").first()


def calendar_for(policy):
    """The arithmetic calendar of a policy, cached until the calendar is edited."""
    source = policy.calendar
    return calendar_by_version(source.pk, source.updated_at, source=source)


def calendar_by_version(pk, updated_at, source=None):
    """The arithmetic calendar `pk` as edited at `updated_at`: read and built only
    when this process has not built that version yet, so that a page of many
    clocks reads two values per clock instead of their policy and calendar rows."""
    key = (pk, updated_at)
    if key not in _CALENDARS:
        if len(_CALENDARS) > 256:
            _CALENDARS.clear()
        if source is None:
            source = BusinessCalendar.objects.get(pk=pk)
        _CALENDARS[key] = source.build()
    return _CALENDARS[key]


def _target(policy, priority, kind) -> timedelta | None:
    target = policy.targets.filter(priority=priority).first()
    return timedelta(minutes=target.minutes(kind)) if target else None


def _schedule(clock, calendar, policy):
    """Store due_at and warn_at of a running clock."""
    left = clock.target - clock.elapsed
    clock.due_at = calendar.add(clock.running_since, left)
    before_warning = policy.warning_budget(clock.target) - clock.elapsed
    clock.warn_at = calendar.add(clock.running_since, before_warning)


def _breach_if_late(clock, at, ticket):
    if clock.due_at is not None and at > clock.due_at and clock.breached_at is None:
        # The deadline passed before the sweep saw it: the breach still happened, once.
        clock.breached_at = clock.due_at
        # A warning after the breach would only confuse: it is no longer needed.
        clock.warned_at = clock.warned_at or at
        _record(ticket, clock, "sla_breached")


def _pause(clock, calendar, at, ticket):
    if clock.running_since is not None:
        # Paused (or stopped) after its deadline: once paused the sweep never sees it.
        _breach_if_late(clock, at, ticket)
        clock.elapsed += calendar.between(clock.running_since, at)
        clock.running_since = None
        clock.due_at = clock.warn_at = None


def _resume(clock, calendar, policy, at):
    if clock.running_since is None and clock.met_at is None and clock.stopped_at is None:
        clock.running_since = at
        _schedule(clock, calendar, policy)


def _meet(clock, calendar, at, ticket):
    if clock.met_at is not None or clock.stopped_at is not None:
        return
    if clock.running_since is not None:
        clock.elapsed += calendar.between(clock.running_since, at)
        clock.running_since = None
    clock.met_at = at
    _breach_if_late(clock, at, ticket)  # met late, before the sweep saw it


def _event_for(ticket, clock, verb) -> dict:
    # Clients see first response and resolution deadlines; acknowledgement is
    # an internal target, so its marks stay with staff.
    internal = clock.kind == Kind.ACKNOWLEDGEMENT
    return {
        "organisation": ticket.organisation,
        "actor": None,
        "verb": verb,
        "target": ticket,
        "visibility": Visibility.INTERNAL if internal else Visibility.PUBLIC,
        "data": {
            "number": ticket.number,
            "subject": ticket.subject,
            "kind": clock.kind,
            # The message says when, in each reader's own time zone (notifications.render).
            "due_at": clock.due_at.isoformat() if clock.due_at else None,
        },
    }


def _record(ticket, clock, verb):
    record_event(**_event_for(ticket, clock, verb))


def clocks_start(ticket, *, at=None) -> list[TicketClock]:
    policy = policy_for(ticket.organisation)
    if policy is None:
        return []
    at = at or ticket.created_at
    calendar = calendar_for(policy)
    paused = ticket.status in policy.pausing_statuses
    clocks = []
    for kind in Kind.values:
        target = _target(policy, ticket.priority, kind)
        if target is None:
            continue
        clock = TicketClock(ticket=ticket, policy=policy, kind=kind, target=target)
        if not paused:
            clock.running_since = at
            _schedule(clock, calendar, policy)
        clocks.append(clock)
    TicketClock.objects.bulk_create(clocks)
    _denormalise(ticket)
    return clocks


def on_ticket_event(ticket, *, actor, verb: str, internal: bool = False, at=None) -> None:
    """Move the ticket's clocks after `verb`, inside the ticket service's transaction."""
    at = at or timezone.now()
    if verb in OPEN_VERBS:
        clocks_start(ticket, at=ticket.created_at)
        return
    clocks = list(TicketClock.objects.select_for_update().filter(ticket=ticket))
    if not clocks:
        return
    policy = clocks[0].policy
    calendar = calendar_for(policy)
    by_kind = {clock.kind: clock for clock in clocks}
    by_agent = actor is not None and actor.is_staff

    if verb == "ticket_merged":
        for clock in clocks:
            _pause(clock, calendar, at, ticket)
            if clock.met_at is None:
                clock.stopped_at = at
    if by_agent and Kind.ACKNOWLEDGEMENT in by_kind:
        _meet(by_kind[Kind.ACKNOWLEDGEMENT], calendar, at, ticket)
    if by_agent and verb == "ticket_replied" and not internal:
        for kind in (Kind.ACKNOWLEDGEMENT, Kind.FIRST_RESPONSE):
            if kind in by_kind:
                _meet(by_kind[kind], calendar, at, ticket)
    if verb in DONE_VERBS:
        for clock in clocks:
            _meet(clock, calendar, at, ticket)
    if verb == "ticket_reopened" and Kind.RESOLUTION in by_kind:
        resolution = by_kind[Kind.RESOLUTION]
        if resolution.stopped_at is None:
            resolution.met_at = None  # resumes below from its elapsed time
    if verb == "ticket_priority_changed":
        for clock in clocks:
            target = _target(policy, ticket.priority, clock.kind)
            if target is not None:
                clock.target = target
                if clock.running_since is not None:
                    _schedule(clock, calendar, policy)

    paused = ticket.status in policy.pausing_statuses
    for clock in clocks:
        if paused:
            _pause(clock, calendar, at, ticket)
        else:
            _resume(clock, calendar, policy, at)
    TicketClock.objects.bulk_update(
        clocks,
        [
            "target",
            "elapsed",
            "running_since",
            "due_at",
            "warn_at",
            "met_at",
            "breached_at",
            "warned_at",
            "stopped_at",
        ],
    )
    _denormalise(ticket)


def _denormalise(ticket):
    from tickets.models import Ticket

    nearest = (
        TicketClock.objects.running()
        .filter(ticket=ticket)
        .aggregate(due=Min("due_at"), warn=Min("warn_at"))
    )
    Ticket.objects.filter(pk=ticket.pk).update(
        sla_due_at=nearest["due"], sla_warn_at=nearest["warn"]
    )
    ticket.sla_due_at, ticket.sla_warn_at = nearest["due"], nearest["warn"]


# The sweep --------------------------------------------------------------------------

_CLAIM = """
UPDATE sla_ticketclock SET {column} = %(now)s
WHERE id IN (
    SELECT id FROM sla_ticketclock
    WHERE {deadline} <= %(now)s AND {column} IS NULL AND running_since IS NOT NULL
    ORDER BY {deadline}
    LIMIT %(limit)s
    FOR UPDATE SKIP LOCKED
)
RETURNING id
"""


def _claim(column, deadline, now, limit) -> list[int]:
    # One statement both finds and marks the rows, and SKIP LOCKED lets a
    # second sweep running at the same time take other rows, never the same.
    with connection.cursor() as cursor:
        cursor.execute(
            _CLAIM.format(column=column, deadline=deadline), {"now": now, "limit": limit}
        )
        return [row[0] for row in cursor.fetchall()]


def _warning_needed(clock, now) -> bool:
    # A clock the sweep first sees already past its deadline (its priority was
    # raised, or beat was down) gets the breach alone: "close to the deadline"
    # in the same minute as "missed it" is noise. Its warning is still claimed
    # (warned_at set) so that it is never sent later either.
    return clock.breached_at is None and (clock.due_at is None or clock.due_at > now)


def sweep(*, now=None, limit: int = 2000) -> tuple[int, int]:
    """Emit sla_warning and sla_breached, each at most once per clock.

    Returns how many clocks were claimed for a warning and for a breach; a
    warning claimed past its deadline is claimed but not sent.
    """
    now = now or timezone.now()
    counts = []
    for column, deadline, verb in (
        ("warned_at", "warn_at", "sla_warning"),
        ("breached_at", "due_at", "sla_breached"),
    ):
        with transaction.atomic():
            ids = _claim(column, deadline, now, limit)
            clocks = TicketClock.objects.filter(pk__in=ids).select_related("ticket__organisation")
            if verb == "sla_warning":
                clocks = [clock for clock in clocks if _warning_needed(clock, now)]
            # One INSERT and one hand-off for the batch: per-event writes and
            # broker messages were most of the sweep's time (make bench).
            events = [_event_for(clock.ticket, clock, verb) for clock in clocks]
            record_events(events)
        counts.append(len(ids))
    return counts[0], counts[1]
