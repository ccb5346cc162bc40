"""The SLA of the bench's seeded tickets: policies, and the clocks the services leave.

Even bench organisations (bench-0, the personas', among them) have a business-hours
policy as their default (Monday to Friday 09:00-13:00 and 14:00-18:00 in Santiago,
Chilean public holidays excluded); odd ones a 24x7 policy. A ticket opened later on
the bench database starts its clocks from them, as anywhere.

Every bench ticket without clocks gets its three, as sla.services would have left
them after the history the seeded rows tell, with its arithmetic (the policy's
calendar, services._schedule, the policy's warning budget):
- the targets start when the ticket opens;
- acknowledgement is met by the first agent comment, public or internal; first
  response by the first public agent reply;
- a resolved or closed ticket met every target still open when it was resolved;
- a ticket waiting on the client or a third party was paused at its last activity;
- a reopened ticket was resolved halfway through its life and reopened at its last
  activity: its resolution clock resumes from the business time it had used;
- the sweep runs every minute: a clock that ran past its warning or its deadline was
  marked warned or breached at that moment (a target met late is breached at its
  deadline), and each ticket keeps its running clocks' nearest deadline and warning
  (services._denormalise).
The sweep's events (sla_warning, sla_breached) are not written: the seed records no
ticket events at all. The clocks are written with COPY, in one transaction.
"""

from datetime import time, timedelta

from django.db import connection, transaction
from django.utils import timezone

KINDS = ("acknowledgement", "first_response", "resolution")
# Minutes of acknowledgement, first response and resolution per priority.
TARGETS = {
    "critical": (30, 60, 8 * 60),
    "high": (60, 2 * 60, 16 * 60),
    "medium": (2 * 60, 8 * 60, 40 * 60),
    "low": (8 * 60, 16 * 60, 80 * 60),
}
BUSINESS = "Bench business hours"
ALWAYS = "Bench 24x7"
PAUSING = ("waiting_on_client", "waiting_on_third_party")
DONE = ("resolved", "closed")
CLOCK_COLUMNS = [
    "id",
    "ticket_id",
    "policy_id",
    "kind",
    "target",
    "elapsed",
    "running_since",
    "due_at",
    "warn_at",
    "met_at",
    "breached_at",
    "warned_at",
    "stopped_at",
    "created_at",
]
# The tickets without clocks, with their first agent action and first public agent reply.
HISTORY = """
SELECT t.id, t.organisation_id, t.priority, t.status, t.created_at, t.last_activity_at,
       t.resolved_at, agent.first_action, agent.first_reply
FROM tickets_ticket t
LEFT JOIN (
    SELECT c.ticket_id, MIN(c.created_at) AS first_action,
           MIN(c.created_at) FILTER (WHERE NOT c.is_internal) AS first_reply
    FROM tickets_comment c JOIN accounts_user u ON u.id = c.author_id
    WHERE u.is_staff
    GROUP BY c.ticket_id
) agent ON agent.ticket_id = t.id
WHERE t.organisation_id = ANY(%s)
  AND NOT EXISTS (SELECT 1 FROM sla_ticketclock k WHERE k.ticket_id = t.id)
ORDER BY t.id
"""


def policies() -> dict[int, object]:
    """The two policies, each bench organisation's default: organisation id -> policy."""
    from accounts.models import Organisation
    from sla.models import (
        BusinessCalendar,
        OrganisationPolicy,
        SLAPolicy,
        SLATarget,
        WorkingHours,
    )

    def policy(name, calendar):
        found, created = SLAPolicy.objects.get_or_create(name=name, defaults={"calendar": calendar})
        if created:
            SLATarget.objects.bulk_create(
                SLATarget(
                    policy=found,
                    priority=priority,
                    acknowledgement_minutes=ack,
                    first_response_minutes=first,
                    resolution_minutes=resolution,
                )
                for priority, (ack, first, resolution) in TARGETS.items()
            )
        return found

    business_hours, created = BusinessCalendar.objects.get_or_create(
        name=f"{BUSINESS} (Santiago)",
        defaults={"timezone": "America/Santiago", "country": "CL"},
    )
    if created:
        WorkingHours.objects.bulk_create(
            WorkingHours(calendar=business_hours, weekday=day, start=start, end=end)
            for day in range(5)
            for start, end in ((time(9), time(13)), (time(14), time(18)))
        )
    always, _ = BusinessCalendar.objects.get_or_create(
        name=f"{ALWAYS} (UTC)", defaults={"timezone": "UTC", "always_open": True}
    )
    by_parity = (policy(BUSINESS, business_hours), policy(ALWAYS, always))
    chosen = {}
    for pk, slug in Organisation.objects.filter(slug__startswith="bench-").values_list(
        "pk", "slug"
    ):
        chosen[pk] = by_parity[int(slug.removeprefix("bench-")) % 2]
        OrganisationPolicy.objects.get_or_create(
            organisation_id=pk, defaults={"policy": chosen[pk]}
        )
    return chosen


@transaction.atomic
def seed() -> int:
    """Clocks for the bench tickets that have none; how many tickets got them."""
    from bench.copyload import next_ids as _next_ids
    from bench.seed import _other_columns
    from sla.models import TicketClock

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext('bench.seed.sla'))")
    chosen = policies()
    clocks = _Clocks(chosen, timezone.now())
    extra = _other_columns(TicketClock, CLOCK_COLUMNS)
    names = ", ".join([*CLOCK_COLUMNS, *extra])
    tail = tuple(extra.values())
    with connection.cursor() as cursor:
        cursor.execute(HISTORY, [list(chosen)])
        history = cursor.fetchall()
        if not history:
            return 0
        clock_id = _next_ids(cursor, "sla_ticketclock")
        nearest = []
        with cursor.copy(f"COPY sla_ticketclock ({names}) FROM STDIN") as copy:
            for row in history:
                ticket_clocks = clocks.of(*row)
                for clock in ticket_clocks:
                    copy.write_row((clock_id, *clock, *tail))
                    clock_id += 1
                running = [c for c in ticket_clocks if c[5] is not None]
                if running:
                    nearest.append((row[0], min(c[6] for c in running), min(c[7] for c in running)))
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('sla_ticketclock', 'id'), "
            "(SELECT MAX(id) FROM sla_ticketclock))"
        )
        # The tickets' nearest deadline and warning, as services._denormalise keeps them.
        ids, due, warn = zip(*nearest, strict=True) if nearest else ((), (), ())
        cursor.execute(
            "UPDATE tickets_ticket t SET sla_due_at = n.due, sla_warn_at = n.warn"
            " FROM unnest(%s::bigint[], %s::timestamptz[], %s::timestamptz[]) AS n(id, due, warn)"
            " WHERE t.id = n.id",
            [list(ids), list(due), list(warn)],
        )
    return len(history)


class _Clocks:
    """A ticket's clocks as rows of CLOCK_COLUMNS after the id (the caller numbers them)."""

    def __init__(self, chosen, now):
        from sla.services import calendar_for

        self.now = now
        self.policies = chosen
        self.calendars = {p.pk: calendar_for(p) for p in set(chosen.values())}
        self.targets = {
            (p.pk, t.priority): t for p in set(chosen.values()) for t in p.targets.all()
        }

    def of(
        self,
        ticket_id,
        organisation_id,
        priority,
        status,
        created,
        last,
        resolved,
        first_action,
        first_reply,
    ):
        from sla.models import TicketClock
        from sla.services import _schedule

        policy = self.policies[organisation_id]
        calendar = self.calendars[policy.pk]
        target = self.targets[(policy.pk, priority)]
        reopened = created + (last - created) / 2 if status == "reopened" else None
        done = resolved if status in DONE else reopened
        met_by = {
            "acknowledgement": first_action,
            "first_response": first_reply,
            "resolution": None,
        }
        rows = []
        for kind in KINDS:
            clock = TicketClock(
                ticket_id=ticket_id,
                policy=policy,
                kind=kind,
                target=timedelta(minutes=target.minutes(kind)),
                running_since=created,
                created_at=created,
            )
            _schedule(clock, calendar, policy)
            met = met_by[kind]
            if done is not None and (met is None or met > done):
                met = done
            if met is not None:
                self._run_until(clock, calendar, met)
                clock.met_at = met
            if kind == "resolution" and status == "reopened":
                # Reopened at its last activity: resumes from the business time it had used.
                clock.met_at = None
                clock.running_since = last
                _schedule(clock, calendar, policy)
            if clock.running_since is not None and status in PAUSING:
                self._run_until(clock, calendar, last)
                clock.due_at = clock.warn_at = None
            if clock.running_since is not None:
                self._sweep(clock, self.now)
            rows.append(
                (
                    ticket_id,
                    policy.pk,
                    kind,
                    clock.target,
                    clock.elapsed,
                    clock.running_since,
                    clock.due_at,
                    clock.warn_at,
                    clock.met_at,
                    clock.breached_at,
                    clock.warned_at,
                    None,
                    created,
                )
            )
        return rows

    def _sweep(self, clock, until):
        """What the sweep marked while the clock ran, up to `until`."""
        if clock.warned_at is None and clock.warn_at is not None and clock.warn_at <= until:
            clock.warned_at = max(clock.warn_at, clock.running_since)
        if clock.breached_at is None and clock.due_at is not None and clock.due_at <= until:
            clock.breached_at = max(clock.due_at, clock.running_since)

    def _run_until(self, clock, calendar, at):
        """The clock stops running at `at` (met or paused), its business time kept."""
        self._sweep(clock, at)
        clock.elapsed += calendar.between(clock.running_since, at)
        clock.running_since = None
