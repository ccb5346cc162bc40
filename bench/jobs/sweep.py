"""The sweep benchmark's measures, in the child process on a sweep database: the
claims' plans, the timed sweep, its parts and what it left."""

import contextlib
import cProfile
import io
import json
import pstats
import time

from .data import (
    CPROFILE,
    CPROFILE_SORT,
    DUE_EVERY,
    FEW_DUE,
    LIMIT,
    SWEEP_DB,
    SWEEP_REDIS_URL,
    _clocks,
    _tickets,
    park_all_but,
    pending,
    reset,
    seed,
    setup,
    vacuum,
)

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
