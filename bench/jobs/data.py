"""The sweep benchmark's data: the sizes, the policy and the open tickets with their
clocks, loaded with COPY, and the moves that reset or park them between runs."""

import os
import random
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SWEEP_DB = os.environ.get("BENCH_SWEEP_DB", "portal_bench_sweep")
SWEEP_REDIS_URL = os.environ.get("BENCH_SWEEP_REDIS_URL", "redis://127.0.0.1:6379/13")
LIMIT = int(os.environ.get("BENCH_SWEEP_LIMIT", "2000"))  # clocks claimed per sweep call
CPROFILE = os.environ.get("BENCH_SWEEP_CPROFILE") == "1"
CPROFILE_SORT = os.environ.get("BENCH_SWEEP_CPROFILE_SORT", "cumulative")  # or tottime
SIZES = [("100k", 100_000, SWEEP_DB), ("1m", 1_000_000, f"{SWEEP_DB}_1m")]
DUE_EVERY = 100  # 1% of the tickets have a clock due
FEW_DUE = 100  # the 1,000,000 tickets again, with only this many clocks due
ORGANISATIONS = 10
CHUNK = 50_000  # tickets generated and copied at a time
SLUG = "sweep-"  # organisations of this benchmark
NUMBER = "SWP-"  # ticket numbers SWP-0000001...: the n-th ticket loaded
POLICY = "Sweep bench 24x7"
FUTURE = (timedelta(days=30), timedelta(days=395))  # deadlines of the clocks not due
LATE = (timedelta(minutes=1), timedelta(days=2))  # how late the due clocks are
PARKED = timedelta(days=3650)  # where the few-due run moves the other due clocks
SLA_VERBS = ("sla_warning", "sla_breached")
KINDS = ("acknowledgement", "first_response", "resolution")
# Minutes of acknowledgement, first response and resolution per priority.
TARGETS = {
    "low": (240, 1440, 14400),
    "medium": (120, 480, 7200),
    "high": (60, 240, 2880),
    "critical": (15, 60, 1440),
}
PRIORITY_WEIGHTS = {"low": 30, "medium": 45, "high": 20, "critical": 5}
STATUSES = ("new", "open", "in_progress", "reopened")  # open, none pauses the clocks
TICKET_COLUMNS = [
    "id",
    "number",
    "priority",
    "status",
    "subject",
    "description",
    "extra",
    "created_at",
    "updated_at",
    "last_activity_at",
    "last_client_activity_at",
    "public_reply_count",
    "organisation_id",
    "requester_id",
    "sla_due_at",
    "sla_warn_at",
]
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
    "created_at",
]


# -- in the child, Django set up on a sweep database --------------------------------


def setup():
    """Organisations, one requester each, the 24x7 UTC calendar and the policy (ORM)."""
    from accounts.models import Membership, Organisation, Role, User
    from sla.models import BusinessCalendar, SLAPolicy, SLATarget

    policy = SLAPolicy.objects.filter(name=POLICY).first()
    if policy is None:
        calendar = BusinessCalendar.objects.create(
            name=f"{POLICY} hours", timezone="UTC", always_open=True
        )
        policy = SLAPolicy.objects.create(name=POLICY, calendar=calendar)
        SLATarget.objects.bulk_create(
            SLATarget(
                policy=policy,
                priority=priority,
                acknowledgement_minutes=ack,
                first_response_minutes=first,
                resolution_minutes=resolution,
            )
            for priority, (ack, first, resolution) in TARGETS.items()
        )
    requesters = {}
    for i in range(ORGANISATIONS):
        organisation, _ = Organisation.objects.get_or_create(
            slug=f"{SLUG}{i}",
            defaults={
                "name": f"Sweep {i}",
                "country": "CL",
                "timezone": "UTC",
                "default_language": "es",
            },
        )
        user, _ = User.objects.get_or_create(
            email=f"requester{i}@sweep.bench.test",
            defaults={"display_name": f"Requester {i}", "password": "!", "timezone": "UTC"},
        )
        Membership.objects.get_or_create(
            user=user, organisation=organisation, defaults={"role": Role.MANAGER}
        )
        requesters[organisation.pk] = user.pk
    return policy, requesters


def _tickets():
    from tickets.models import Ticket

    return Ticket.objects.filter(number__startswith=NUMBER)


def _clocks(policy):
    from sla.models import TicketClock

    return TicketClock.objects.filter(policy=policy)


def _events():
    from activity.models import Event

    return Event.objects.filter(verb__in=SLA_VERBS, organisation__slug__startswith=SLUG)


def seed(tickets: int) -> dict:
    """Top the sweep tickets up to `tickets` (one transaction); what was loaded."""
    from django.db import connection, transaction

    policy, requesters = setup()
    started = time.perf_counter()
    loaded = 0
    if _tickets().count() < tickets:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(hashtext('bench.jobs.seed'))")
            have = _tickets().count()
            if have < tickets:
                _skip_foreign_key_checks()
                _Loader(policy, requesters).load(have, tickets - have)
                loaded = tickets - have
    copied = time.perf_counter()
    if loaded:
        vacuum(everything=True)
        print(
            f"  loaded {loaded:,} tickets in {copied - started:.1f} s,"
            f" VACUUM ANALYZE {time.perf_counter() - copied:.1f} s"
        )
    return {
        "loaded": loaded,
        "copy_s": round(copied - started, 1),
        "vacuum_s": round(time.perf_counter() - copied, 1),
    }


def _skip_foreign_key_checks():
    """For this transaction, when allowed (a superuser, as the bench connects): the rows
    point only at the organisations, users and policy above and at ids generated here,
    and checking them queues a deferred trigger per row and foreign key (12,000,000 at
    1,000,000 tickets): about a third of the load. tests/test_bench_sweep.py checks the
    links."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        if cursor.fetchone()[0]:
            cursor.execute("SET LOCAL session_replication_role = replica")


class _Loader:
    """Generates tickets with three running clocks each and COPYs them in."""

    def __init__(self, policy, requesters):
        from django.utils import timezone

        self.policy_id = policy.pk
        self.organisations = sorted(requesters)
        self.requesters = requesters
        self.now = timezone.now()
        self.priorities = list(PRIORITY_WEIGHTS)
        self.weights = list(PRIORITY_WEIGHTS.values())

    def load(self, have: int, count: int):
        from django.db import connection

        from bench.seed import _next_ids, _other_columns
        from sla.models import TicketClock
        from tickets.models import Ticket

        self.rng = random.Random(20260301 + have)
        tables = {
            "tickets_ticket": (TICKET_COLUMNS, _other_columns(Ticket, TICKET_COLUMNS)),
            "sla_ticketclock": (CLOCK_COLUMNS, _other_columns(TicketClock, CLOCK_COLUMNS)),
        }
        with connection.cursor() as cursor:
            self.ticket_id = _next_ids(cursor, "tickets_ticket")
            self.clock_id = _next_ids(cursor, "sla_ticketclock")
            for start in range(have + 1, have + count + 1, CHUNK):
                rows = {table: [] for table in tables}
                for n in range(start, min(start + CHUNK, have + count + 1)):
                    self._ticket(n, rows)
                for table, (columns, extra) in tables.items():
                    names = ", ".join([*columns, *extra])
                    tail = tuple(extra.values())
                    with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                        for row in rows[table]:
                            copy.write_row(row + tail)
            for table in tables:
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT MAX(id) FROM {table}))"
                )

    def _ticket(self, n: int, rows):
        rng, now = self.rng, self.now
        ticket_id = self.ticket_id
        self.ticket_id += 1
        organisation = self.organisations[n % len(self.organisations)]
        priority = rng.choices(self.priorities, self.weights)[0]
        created = now - timedelta(days=20) * rng.random()
        # The n-th ticket of every DUE_EVERY has one clock late, its kind in turn.
        late_kind = KINDS[(n // DUE_EVERY) % len(KINDS)] if n % DUE_EVERY == 0 else None
        due_min = warn_min = None
        for kind, minutes in zip(KINDS, TARGETS[priority], strict=True):
            target = timedelta(minutes=minutes)
            if kind == late_kind:
                due = now - (LATE[0] + (LATE[1] - LATE[0]) * rng.random())
            else:
                due = now + FUTURE[0] + (FUTURE[1] - FUTURE[0]) * rng.random()
            warn = due - target / 5  # the policy warns at 80% of the target
            due_min = due if due_min is None else min(due_min, due)
            warn_min = warn if warn_min is None else min(warn_min, warn)
            rows["sla_ticketclock"].append(
                (
                    self.clock_id,
                    ticket_id,
                    self.policy_id,
                    kind,
                    target,
                    timedelta(0),
                    created,
                    due,
                    warn,
                    created,
                )
            )
            self.clock_id += 1
        rows["tickets_ticket"].append(
            (
                ticket_id,
                f"{NUMBER}{n:07d}",
                priority,
                rng.choice(STATUSES),
                f"Sweep bench ticket {n}",
                "An open ticket whose SLA clocks run.",
                "{}",
                created,
                created,
                created,
                created,
                0,
                organisation,
                self.requesters[organisation],
                due_min,
                warn_min,
            )
        )


def vacuum(everything=False):
    """VACUUM ANALYZE (not possible inside a transaction, e.g. a test's: skipped there)."""
    from django.db import connection

    if connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        if everything:
            cursor.execute("VACUUM ANALYZE")
        # INDEX_CLEANUP ON: with dead rows on under 2% of the pages VACUUM would leave
        # their entries in the indexes, and the next claim would step over them.
        cursor.execute("VACUUM (ANALYZE, INDEX_CLEANUP ON) sla_ticketclock, activity_event")


def pending(policy, now=None) -> dict:
    """Clocks of the policy due a warning or a breach at `now`, and sweep events."""
    from django.db.models import Q
    from django.utils import timezone

    now = now or timezone.now()
    running = _clocks(policy).filter(running_since__isnull=False)
    return {
        "warnings": running.filter(warned_at__isnull=True, warn_at__lte=now).count(),
        "breaches": running.filter(breached_at__isnull=True, due_at__lte=now).count(),
        "marked": _clocks(policy)
        .filter(Q(warned_at__isnull=False) | Q(breached_at__isnull=False))
        .count(),
        "events": _events().count(),
    }


def reset(policy) -> None:
    """Back to before any sweep: marks cleared, sweep events deleted, parked clocks back."""
    from django.db import connection
    from django.utils import timezone

    _events().delete()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE sla_ticketclock SET warned_at = NULL, breached_at = NULL "
            "WHERE policy_id = %s AND (warned_at IS NOT NULL OR breached_at IS NOT NULL)",
            [policy.pk],
        )
        _unpark(cursor, policy, timezone.now())


def _unpark(cursor, policy, now):
    cursor.execute(
        "UPDATE sla_ticketclock SET warn_at = warn_at - %(parked)s, due_at = due_at - %(parked)s "
        "WHERE policy_id = %(policy)s AND running_since IS NOT NULL AND warned_at IS NULL "
        "AND warn_at > %(far)s",
        {"parked": PARKED, "policy": policy.pk, "far": now + PARKED - FUTURE[1]},
    )


def park_all_but(policy, keep: int) -> int:
    """Move every due clock but the first `keep` 10 years ahead; how many were moved."""
    from django.db import connection
    from django.utils import timezone

    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE sla_ticketclock SET warn_at = warn_at + %(parked)s, "
            "due_at = due_at + %(parked)s WHERE id IN ("
            "  SELECT id FROM sla_ticketclock WHERE policy_id = %(policy)s"
            "  AND running_since IS NOT NULL AND warned_at IS NULL AND warn_at <= %(now)s"
            "  ORDER BY id OFFSET %(keep)s)",
            {"parked": PARKED, "policy": policy.pk, "now": timezone.now(), "keep": keep},
        )
        return cursor.rowcount
