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

import json
import os
import subprocess
import sys
import tempfile
import time

from .data import (
    DUE_EVERY,
    FUTURE,
    KINDS,
    LIMIT,
    NUMBER,
    ROOT,
    SIZES,
    STATUSES,
    SWEEP_REDIS_URL,
    pending,
    seed,
    setup,
)
from .sweep import measure

# What bench/run.py and tests/test_bench_sweep.py use.
__all__ = [
    "DUE_EVERY",
    "FUTURE",
    "KINDS",
    "NUMBER",
    "STATUSES",
    "measure",
    "pending",
    "run",
    "seed",
    "setup",
]


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
