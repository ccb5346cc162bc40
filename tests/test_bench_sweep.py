"""The sweep benchmark (bench/jobs/) at a small size: the data it loads is what it
claims (three running clocks a ticket, one ticket in DUE_EVERY with one clock due, every
link valid although the load skips the foreign key triggers), loading is idempotent,
a measured sweep is checked and leaves the data as it found it, and bench/run.py keeps
the other parts of results.json when it runs only the jobs.

Counts are taken over the benchmark's own policy and organisations: the test database
is shared with whatever else commits to it meanwhile.
"""

import json

import pytest
from django.db import connection
from django.utils import timezone

from bench import fanout, jobs
from bench import run as bench_run
from bench.jobs import data as jobs_data
from bench.jobs import sweep as jobs_sweep
from sla.models import TicketClock
from tickets.models import Ticket


@pytest.fixture
def small(monkeypatch):
    monkeypatch.setattr(jobs_data, "CHUNK", 150)  # several COPY rounds
    monkeypatch.setattr(jobs_sweep, "_queued", lambda: 0)  # nothing commits: nothing is handed off


def _scalar(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


@pytest.mark.django_db
def test_load_is_what_the_benchmark_says_and_idempotent(small):
    assert jobs.seed(600)["loaded"] == 600
    policy, requesters = jobs.setup()
    tickets = Ticket.objects.filter(number__startswith=jobs.NUMBER)
    clocks = TicketClock.objects.filter(policy=policy)
    assert tickets.count() == 600
    assert clocks.count() == 1800
    assert set(clocks.values_list("kind", flat=True)) == set(jobs.KINDS)
    assert not clocks.filter(running_since=None).exists()
    assert not clocks.exclude(warned_at=None).exists()
    assert not clocks.exclude(breached_at=None).exists()
    now = timezone.now()
    due = clocks.filter(due_at__lte=now)
    assert due.count() == 600 // jobs.DUE_EVERY
    assert set(due.filter(warn_at__lte=now).values_list("pk", flat=True)) == set(
        due.values_list("pk", flat=True)
    )
    assert {
        int(n[len(jobs.NUMBER) :]) % jobs.DUE_EVERY
        for n in due.values_list("ticket__number", flat=True)
    } == {0}
    assert len(set(due.values_list("kind", flat=True))) == len(jobs.KINDS)
    # Everything else is at least a month ahead, warnings included.
    ahead = clocks.exclude(pk__in=due)
    assert not ahead.filter(warn_at__lt=now + jobs.FUTURE[0] - jobs.FUTURE[0] / 10).exists()
    # Each ticket's nearest deadlines, as sla.services._denormalise keeps them.
    for ticket in tickets.prefetch_related("clocks"):
        assert ticket.sla_due_at == min(c.due_at for c in ticket.clocks.all())
        assert ticket.sla_warn_at == min(c.warn_at for c in ticket.clocks.all())
        assert requesters[ticket.organisation_id] == ticket.requester_id
        assert ticket.status in jobs.STATUSES
    # Foreign keys were not checked while loading: every link leads somewhere.
    assert not _scalar(
        "SELECT count(*) FROM sla_ticketclock c LEFT JOIN tickets_ticket t ON t.id = c.ticket_id"
        " LEFT JOIN sla_slapolicy p ON p.id = c.policy_id"
        " WHERE c.policy_id = %s AND (t.id IS NULL OR p.id IS NULL)",
        [policy.pk],
    )
    assert not _scalar(
        "SELECT count(*) FROM tickets_ticket t LEFT JOIN accounts_organisation o"
        " ON o.id = t.organisation_id LEFT JOIN accounts_user u ON u.id = t.requester_id"
        " WHERE t.number LIKE %s AND (o.id IS NULL OR u.id IS NULL)",
        [f"{jobs.NUMBER}%"],
    )

    assert jobs.seed(600)["loaded"] == 0  # already there
    assert jobs.seed(1000)["loaded"] == 400  # topped up, numbering continued
    assert tickets.count() == 1000
    assert len(set(tickets.values_list("number", flat=True))) == 1000
    assert clocks.count() == 3000
    assert jobs.pending(policy)["warnings"] == 1000 // jobs.DUE_EVERY


@pytest.mark.django_db
def test_measured_sweep_is_checked_and_leaves_the_data_as_it_was(small):
    jobs.seed(600)
    policy, _ = jobs.setup()
    before = jobs.pending(policy)
    assert before == {"warnings": 6, "breaches": 6, "marked": 0, "events": 0}

    result = jobs.measure(policy, 6, limit=4)  # two calls with work, one empty
    # Claimed: 6 warnings, 6 breaches; the due clocks are late, so a breach each is sent.
    assert (result["warnings"], result["breaches"], result["events"]) == (6, 6, 6)
    assert result["calls"] == 3
    assert result["ms"] > 0
    plans = "\n".join(result["explain"]["warning"] + result["explain"]["breach"])
    assert "clock_warning_due" in plans
    assert "clock_breach_due" in plans
    assert jobs.pending(policy) == before  # EXPLAIN rolled back, sweep reset

    assert jobs_data.park_all_but(policy, 2) == 4
    assert jobs.pending(policy)["warnings"] == 2
    few = jobs.measure(policy, 2, plans=False)
    assert (few["warnings"], few["breaches"], few["calls"]) == (2, 2, 2)
    assert jobs.pending(policy) == before  # the parked clocks are back

    parts = jobs_sweep.breakdown(4)
    assert parts["events"] == 6
    assert parts["queries"] >= 6 + 6  # an INSERT per event, claims and reads per call
    # Only nested timers are compared: claims and SQL both run inside the sweep.
    assert parts["claim_ms"] <= parts["sweep_ms"]
    assert parts["sql_ms"] <= parts["sweep_ms"]
    jobs_data.reset(policy)
    assert jobs.pending(policy) == before


@pytest.mark.django_db
def test_a_sweep_that_misses_a_due_clock_fails_the_benchmark(small):
    jobs.seed(600)
    policy, _ = jobs.setup()
    with pytest.raises(SystemExit, match="due 7"):
        jobs.measure(policy, 7, plans=False)


def test_jobs_only_keeps_the_pages_of_the_last_results(tmp_path, monkeypatch):
    (tmp_path / "bench").mkdir()
    out = tmp_path / "bench" / "results.json"
    previous = {
        "dataset": {"tickets": 100000},
        "pages": {"login": {"rps": 200.0}},
        "jobs": {"other_job_ms": 5.0, "sla_sweep_100k_ms": 1.0},
        "idle_tab": {"page": "ticket live poll (idle, 204)"},
        "timing": {"pages_s": 180.0},
    }
    out.write_text(json.dumps(previous))
    monkeypatch.setattr(bench_run, "ROOT", tmp_path)
    monkeypatch.setenv("BENCH_SKIP_PAGES", "1")
    monkeypatch.setenv("BENCH_SKIP_KB_SEARCH", "1")
    monkeypatch.delenv("BENCH_SKIP_JOBS", raising=False)
    monkeypatch.setattr(jobs, "run", lambda env: {"sla_sweep_100k_ms": 2.0})
    monkeypatch.setattr(fanout, "run", lambda env: {"fanout_events_per_s": 3.0})
    bench_run.main()
    results = json.loads(out.read_text())
    assert list(results) == ["dataset", "pages", "jobs", "idle_tab", "timing"]
    assert results["pages"] == previous["pages"]
    assert results["dataset"] == previous["dataset"]
    assert results["idle_tab"] == previous["idle_tab"]
    assert results["jobs"] == {
        "other_job_ms": 5.0,
        "sla_sweep_100k_ms": 2.0,
        "fanout_events_per_s": 3.0,
    }
    assert results["timing"]["pages_s"] == 180.0
    assert "jobs_s" in results["timing"]
