"""`make bench` jobs: how long the SLA sweep takes over 100,000 and 1,000,000 open tickets.

The sweep must read only what is due (the partial indexes clock_warning_due and
clock_breach_due), so its cost should follow the number of clocks due, not the number
of tickets open. Each size gets its own database, created and migrated like the page
benchmark's and never touching it: BENCH_SWEEP_DB (100,000 tickets) and
BENCH_SWEEP_DB + "_1m" (1,000,000, cloned from the first and topped up).

The data: open tickets under one 24x7 UTC policy, three running clocks each (one per
target, as `clocks_start` makes them), written with COPY. One ticket in DUE_EVERY has
one clock whose warning and deadline have passed; every other deadline is 30 days or
more ahead, so the data stays valid for a month and is reused while it does (a later
run checks the due count, and reloads when time has moved it). A sweep of N tickets
therefore meets N / DUE_EVERY due clocks and writes two events for each (sla_warning,
sla_breached).

For each size: EXPLAIN (ANALYZE, BUFFERS) of both claims (in a transaction rolled
back), VACUUM ANALYZE, then `sla.services.sweep(limit=LIMIT)` called until it returns
(0, 0), timed whole, with the CPU of this process and of its PostgreSQL backend; the
clocks and events are checked, then reset (marks cleared, events deleted, VACUUM) for
the next run. On the 1,000,000 tickets the sweep is timed again with only FEW_DUE
clocks due, the others moved 10 years ahead for the while. On the 100,000 tickets a
last pass times the sweep's parts (claims, event inserts, the hand-off to the broker,
all SQL); BENCH_SWEEP_CPROFILE=1 prints a cProfile of it as well (sorted by
BENCH_SWEEP_CPROFILE_SORT, cumulative unless told).

The events are handed to Celery after commit as in production, through a Redis
database of the bench's own (BENCH_SWEEP_REDIS_URL), whose queue is emptied after
each run: no worker consumes it.

Run by bench/run.py; `python -m bench.jobs DB TICKETS OUT.json [few]` is the child it
starts per database (its Django must point at that database).
"""

import contextlib
import cProfile
import io
import json
import os
import pstats
import random
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
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
# The claim as sla/services.py words it (its _CLAIM is used when it has one).
CLAIM = """
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
CLAIMS = {"warning": ("warned_at", "warn_at"), "breach": ("breached_at", "due_at")}


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


def explain(limit: int) -> dict:
    """EXPLAIN (ANALYZE, BUFFERS) of both claims, rolled back: the plan lines."""
    from django.db import connection, transaction
    from django.utils import timezone

    from sla import services

    claim = getattr(services, "_CLAIM", CLAIM)
    plans = {}
    for name, (column, deadline) in CLAIMS.items():
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(
                    "EXPLAIN (ANALYZE, BUFFERS) " + claim.format(column=column, deadline=deadline),
                    {"now": timezone.now(), "limit": limit},
                )
                plans[name] = [row[0] for row in cursor.fetchall()]
            transaction.set_rollback(True)
        vacuum()  # the rolled-back rows out of the other claim's index
    return plans


def _backend_cpu_s() -> float | None:
    from django.db import connection

    from bench.cpu import TICKS, _cpu_ticks

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        ticks = _cpu_ticks(cursor.fetchone()[0])
    return ticks / TICKS if ticks is not None else None


def timed_sweep(limit: int) -> dict:
    """`sweep(limit=limit)` until it returns (0, 0): wall time, CPU, what it did."""
    from sla import services

    calls = warnings = breaches = 0
    db_before = _backend_cpu_s()
    cpu_before = time.process_time()
    started = time.perf_counter()
    while True:
        warned, breached = services.sweep(limit=limit)
        calls += 1
        warnings += warned
        breaches += breached
        if (warned, breached) == (0, 0):
            break
    elapsed = time.perf_counter() - started
    app_cpu = time.process_time() - cpu_before
    db_after = _backend_cpu_s()
    db_cpu = db_after - db_before if None not in (db_before, db_after) else None
    # Every due clock here is already late: it gets its breach alone, and its
    # warning is claimed but not sent (sla.services._warning_needed).
    events = breaches
    return {
        "ms": round(elapsed * 1000, 1),
        "calls": calls,
        "warnings": warnings,
        "breaches": breaches,
        "events": events,
        "events_per_s": round(events / elapsed, 1) if elapsed else None,
        "app_cpu_ms": round(app_cpu * 1000, 1),
        "db_cpu_ms": round(db_cpu * 1000, 1) if db_cpu is not None else None,
    }


def breakdown(limit: int) -> dict:
    """The sweep again with its parts timed: claims, event inserts, hand-offs, all SQL."""
    from django.db import connection

    import activity.services
    from sla import services

    spent = {"claim": 0.0, "record_event": 0.0, "hand_off": 0.0, "sql": 0.0}
    count = {"queries": 0, "hand_offs": 0}

    def timed(name, function):
        def wrapper(*args, **kwargs):
            began = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                spent[name] += time.perf_counter() - began
                if name == "hand_off":
                    count["hand_offs"] += 1

        return wrapper

    def sql(execute, query, params, many, context):
        began = time.perf_counter()
        try:
            return execute(query, params, many, context)
        finally:
            spent["sql"] += time.perf_counter() - began
            count["queries"] += 1

    originals = (services._claim, services.record_event, activity.services._hand_off)
    services._claim = timed("claim", services._claim)
    services.record_event = timed("record_event", services.record_event)
    activity.services._hand_off = timed("hand_off", activity.services._hand_off)
    profile = cProfile.Profile() if CPROFILE else None
    try:
        with connection.execute_wrapper(sql), profile or contextlib.nullcontext():
            total = timed_sweep(limit)
    finally:
        services._claim, services.record_event, activity.services._hand_off = originals
    if profile is not None:
        out = io.StringIO()
        pstats.Stats(profile, stream=out).sort_stats(CPROFILE_SORT).print_stats(30)
        print(out.getvalue())
    return {
        "sweep_ms": total["ms"],
        "events": total["events"],
        **{f"{name}_ms": round(seconds * 1000, 1) for name, seconds in spent.items()},
        **count,
        "note": "claim and record_event include their SQL; hand_off is after commit",
    }


def _queued() -> int:
    """Messages the sweep handed to the broker; the queue is emptied (no worker reads it)."""
    import redis

    client = redis.Redis.from_url(SWEEP_REDIS_URL)
    try:
        queued = client.llen("celery")
        client.delete("celery")
        return queued
    finally:
        client.close()


def _check(result, expected, policy):
    after = pending(policy)
    problems = []
    if (result["warnings"], result["breaches"]) != (expected, expected):
        problems.append(f"swept {result['warnings']}/{result['breaches']}, due {expected}")
    if after["warnings"] or after["breaches"]:
        problems.append(f"still due after the sweep: {after}")
    if after["events"] != expected:  # late clocks: a breach each, no warning
        problems.append(f"{after['events']} events written for {expected} due clocks")
    if problems:
        raise SystemExit("sweep benchmark: " + "; ".join(problems))


def measure(policy, expected: int, limit: int = LIMIT, plans=True) -> dict:
    """Plans, then the timed sweep of `expected` due clocks, checked; leaves them reset."""
    vacuum()
    result = {"due": expected, "limit": limit}
    if plans:
        result["explain"] = explain(limit)
    _queued()
    result.update(timed_sweep(limit))
    result["handed_to_broker"] = _queued()
    _check(result, expected, policy)
    reset(policy)
    return result


def _ready(policy, tickets: int) -> int:
    """Reset what a previous (maybe interrupted) run left; the due clocks, checked."""
    from django.db import connection

    reset(policy)
    vacuum()
    expected = tickets // DUE_EVERY
    found = pending(policy)
    if (found["warnings"], found["breaches"], found["marked"]) != (expected, expected, 0):
        # Time moved the data's future deadlines: load it again (only ever here).
        from django.conf import settings

        if not settings.DATABASES["default"]["NAME"].startswith(SWEEP_DB):
            raise SystemExit(f"sweep benchmark: {found} due, expected {expected}")
        print(f"  {tickets:,} tickets: due clocks {found}, expected {expected}: reloading")
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE tickets_ticket, sla_ticketclock, activity_event CASCADE")
        seed(tickets)
        found = pending(policy)
        if (found["warnings"], found["breaches"]) != (expected, expected):
            raise SystemExit(f"sweep benchmark: {found} due after loading, expected {expected}")
    return expected


def child(tickets: int, few: bool) -> dict:
    """One database: load up to `tickets`, time the sweep (and the few-due sweep)."""
    from django.db import connection

    loaded = seed(tickets)
    policy, _ = setup()
    expected = _ready(policy, tickets)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_total_relation_size('sla_ticketclock'), "
            "pg_relation_size('clock_warning_due'), pg_relation_size('clock_breach_due')"
        )
        clock_bytes, warning_index, breach_index = cursor.fetchone()
    result = {
        "tickets": _tickets().count(),
        "clocks": _clocks(policy).count(),
        "clock_table_mb": round(clock_bytes / 2**20, 1),
        "warning_index_mb": round(warning_index / 2**20, 1),
        "breach_index_mb": round(breach_index / 2**20, 1),
        **loaded,
    }
    result["sweep"] = measure(policy, expected)
    _print(tickets, result["sweep"])
    if few:
        park_all_but(policy, FEW_DUE)
        result["few_due"] = measure(policy, FEW_DUE)
        _print(tickets, result["few_due"])
        vacuum()
    else:
        vacuum()
        result["breakdown"] = breakdown(LIMIT)
        result["handed_to_broker_breakdown"] = _queued()
        reset(policy)
        vacuum()
        print(f"  breakdown: {json.dumps(result['breakdown'])}")
    return result


def _print(tickets, run):
    print(
        f"  {tickets:>9,} open, {run['due']:>6,} due: {run['ms']:>9.1f} ms"
        f" in {run['calls']} calls, {run['events']} events ({run['events_per_s']}/s),"
        f" cpu app/db {run['app_cpu_ms']}/{run['db_cpu_ms']} ms,"
        f" {run['ms'] / max(run['due'], 1):.2f} ms per due clock"
    )
    for name, lines in run.get("explain", {}).items():
        print(f"  EXPLAIN {name} claim:")
        for line in lines:
            print(f"    {line}")


# -- in bench/run.py's process ------------------------------------------------------


def _psql(database, sql) -> str:
    return subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", database, "-tAc", sql],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


def _exists(database) -> bool:
    return _psql("postgres", f"SELECT 1 FROM pg_database WHERE datname = '{database}'") == "1"


def _prepare(database, env, template=None):
    if not _exists(database):
        command = ["createdb", "-h", "127.0.0.1", "-U", "postgres"]
        subprocess.run([*command, *(["-T", template] if template else []), database], check=True)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )


def run(base_env: dict) -> dict:
    """Both sizes, each in a child process on its own database: the "jobs" results."""
    detail = {}
    for label, tickets, database in SIZES:
        env = {
            **base_env,
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{database}",
            "REDIS_URL": SWEEP_REDIS_URL,
            "CELERY_BROKER_URL": SWEEP_REDIS_URL,
        }
        # The 1,000,000 start as a copy of the 100,000 (a template must be idle).
        template = SIZES[0][2] if database != SIZES[0][2] and _exists(SIZES[0][2]) else None
        started = time.perf_counter()
        load_before = [round(x, 2) for x in os.getloadavg()]  # the machine is shared
        _prepare(database, env, template)
        with tempfile.NamedTemporaryFile("r", suffix=".json") as out:
            few = "few" if label == SIZES[-1][0] else ""
            subprocess.run(
                [sys.executable, "-m", "bench.jobs", database, str(tickets), out.name, few],
                cwd=ROOT,
                env=env,
                check=True,
            )
            detail[label] = json.load(out)
        detail[label]["database"] = database
        detail[label]["load_average_before"] = load_before
        detail[label]["total_s"] = round(time.perf_counter() - started, 1)
    jobs = {}
    for label, _, _ in SIZES:
        sweep = detail[label]["sweep"]
        jobs[f"sla_sweep_{label}_ms"] = sweep["ms"]
        jobs[f"sla_sweep_due_{label}"] = sweep["due"]
        jobs[f"sla_sweep_events_{label}"] = sweep["events"]
        jobs[f"sla_sweep_ms_per_due_{label}"] = round(sweep["ms"] / sweep["due"], 3)
    largest = SIZES[-1][0]
    jobs["sla_sweep_events_per_s"] = detail[largest]["sweep"]["events_per_s"]
    few = detail[largest]["few_due"]
    jobs[f"sla_sweep_{largest}_{few['due']}_due_ms"] = few["ms"]
    jobs["sla_sweep_limit"] = LIMIT
    jobs["sla_sweep"] = detail
    return jobs


def _child_main(database, tickets, out, few):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings

    name = settings.DATABASES["default"]["NAME"]
    if name != database:
        raise SystemExit(f"bench.jobs: connected to {name}, expected {database}")
    result = child(tickets, few)
    Path(out).write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    _child_main(sys.argv[1], int(sys.argv[2]), sys.argv[3], len(sys.argv) > 4 and sys.argv[4])
