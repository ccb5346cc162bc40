"""The SLA sweep: sla_warning and sla_breached exactly once per clock, even when
sweeps run at the same time (threads, a real Celery worker and the test itself)."""

import re
import threading
from collections import Counter
from datetime import timedelta

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone

from activity.models import Event
from sla import services
from sla.models import Kind, OrganisationPolicy, TicketClock
from sla.tasks import sla_sweep
from tests.e2e.worker import wait_until
from tests.factories import OrganisationFactory, UserFactory
from tests.sla.factories import bulk_clocks, clocks_of, event, make_policy, open_ticket, utc
from tickets.states import Priority, Status

ACK, FIRST, RESOLUTION = Kind.ACKNOWLEDGEMENT, Kind.FIRST_RESPONSE, Kind.RESOLUTION
T0 = utc(2026, 3, 2, 12)
MIN = timedelta(minutes=1)
H = timedelta(hours=1)
SLA_VERBS = ("sla_warning", "sla_breached")


def sla_events(ticket=None) -> Counter:
    """(ticket id, kind, verb) -> how many events."""
    found = Event.objects.filter(verb__in=SLA_VERBS)
    if ticket is not None:
        found = found.filter(target_id=str(ticket.pk))
    return Counter(
        (int(target), data["kind"], verb)
        for target, data, verb in found.values_list("target_id", "data", "verb")
    )


def assert_once_each(clocks):
    """Every clock, already past due when swept, got exactly one breach and nothing else;
    its warning was claimed (never to be sent) all the same."""
    expected = Counter({(c.ticket_id, c.kind, "sla_breached"): 1 for c in clocks})
    found = sla_events()
    duplicates = {key: n for key, n in found.items() if n > 1}
    assert not duplicates, f"emitted more than once: {list(duplicates.items())[:5]}"
    assert found == expected
    assert not TicketClock.objects.filter(pk__in=[c.pk for c in clocks], warned_at=None).exists()
    assert not TicketClock.objects.filter(pk__in=[c.pk for c in clocks], breached_at=None).exists()


@pytest.fixture
def policy(world):
    policy = make_policy(name="24x7")
    OrganisationPolicy.objects.create(organisation=world.org, policy=policy)
    return policy


@pytest.fixture
def ticket(world, policy):
    """Medium, opened at T0: ack warn 24 min / due 30 min, first response 48 / 60 min,
    resolution 6 h 24 min / 8 h."""
    return open_ticket(world.org, at=T0, requester=world.member)


# -- once per clock -----------------------------------------------------------------


def test_each_warning_and_breach_is_emitted_once(ticket):
    assert services.sweep(now=T0 + 20 * MIN) == (0, 0)
    assert services.sweep(now=T0 + 25 * MIN) == (1, 0)
    assert services.sweep(now=T0 + 25 * MIN) == (0, 0)
    assert services.sweep(now=T0 + 50 * MIN) == (1, 1)  # first response warned, ack missed
    assert services.sweep(now=T0 + 7 * H) == (1, 1)  # resolution warned, first response missed
    assert services.sweep(now=T0 + 10 * H) == (0, 1)
    assert services.sweep(now=T0 + 10 * H) == (0, 0)
    assert services.sweep(now=T0 + 100 * H) == (0, 0)

    assert sla_events(ticket) == Counter(
        {(ticket.pk, kind, verb): 1 for kind in (ACK, FIRST, RESOLUTION) for verb in SLA_VERBS}
    )
    clocks = clocks_of(ticket)
    assert clocks[ACK].warned_at == T0 + 25 * MIN
    assert clocks[ACK].breached_at == T0 + 50 * MIN
    assert clocks[RESOLUTION].breached_at == T0 + 10 * H
    event_ = Event.objects.get(verb="sla_breached", data__kind=RESOLUTION)
    assert event_.organisation_id == ticket.organisation_id
    assert event_.target == ticket
    assert event_.data == {
        "number": ticket.number,
        "subject": ticket.subject,
        "kind": RESOLUTION,
        "due_at": (T0 + 8 * H).isoformat(),
    }


def test_many_clocks_swept_twice(world, policy):
    now = timezone.now()
    clocks = bulk_clocks(
        policy,
        40,
        organisation=world.org,
        requester=world.member,
        running_since=now - 2 * H,
        warn_at=now - 30 * MIN,
        due_at=now - MIN,
    )

    assert services.sweep() == (120, 120)
    assert services.sweep() == (0, 0)
    assert_once_each(clocks)


def test_the_limit_takes_the_earliest_first_and_leaves_the_rest_for_later(world, policy):
    now = timezone.now()
    clocks = bulk_clocks(
        policy,
        3,
        organisation=world.org,
        requester=world.member,
        running_since=now - 2 * H,
        warn_at=now - H,
        due_at=now - MIN,
    )
    earliest = clocks[4]
    TicketClock.objects.filter(pk=earliest.pk).update(warn_at=now - 3 * H, due_at=now - 2 * H)

    assert services.sweep(limit=1) == (1, 1)
    earliest.refresh_from_db()
    assert earliest.warned_at is not None and earliest.breached_at is not None
    assert services.sweep(limit=5) == (5, 5)
    assert services.sweep(limit=5) == (3, 3)
    assert_once_each(clocks)


def test_a_clock_first_swept_past_its_deadline_gets_the_breach_only(ticket):
    """Beat was down through the warning and the deadline: one message, not two at once."""
    assert services.sweep(now=T0 + 70 * MIN) == (2, 2)  # ack and first response claimed

    counts = sla_events(ticket)
    assert counts[(ticket.pk, ACK, "sla_breached")] == 1
    assert counts[(ticket.pk, FIRST, "sla_breached")] == 1
    assert counts[(ticket.pk, ACK, "sla_warning")] == 0
    assert counts[(ticket.pk, FIRST, "sla_warning")] == 0
    # Marked as not needed, so no later sweep sends it.
    assert clocks_of(ticket)[FIRST].warned_at == T0 + 70 * MIN
    # The control: a clock swept between its warning and its deadline is warned.
    assert services.sweep(now=T0 + 7 * H) == (1, 0)
    assert services.sweep(now=T0 + 100 * H) == (0, 1)
    assert sla_events(ticket) == Counter(
        {
            (ticket.pk, ACK, "sla_breached"): 1,
            (ticket.pk, FIRST, "sla_breached"): 1,
            (ticket.pk, RESOLUTION, "sla_warning"): 1,
            (ticket.pk, RESOLUTION, "sla_breached"): 1,
        }
    )


def test_a_raised_priority_that_puts_a_clock_past_due_sends_the_breach_only(world, ticket):
    assert services.sweep(now=T0 + 20 * MIN) == (0, 0)
    # Critical: first response due 15 min after opening, already past; resolution in 60 min.
    event(ticket, "ticket_priority_changed", at=T0 + 20 * MIN, priority=Priority.CRITICAL)

    services.sweep(now=T0 + 21 * MIN)
    counts = sla_events(ticket)
    assert counts[(ticket.pk, FIRST, "sla_breached")] == 1
    assert counts[(ticket.pk, FIRST, "sla_warning")] == 0
    # The resolution clock still has time: it is warned normally, then breached.
    services.sweep(now=T0 + 50 * MIN)
    services.sweep(now=T0 + 61 * MIN)
    counts = sla_events(ticket)
    assert counts[(ticket.pk, RESOLUTION, "sla_warning")] == 1
    assert counts[(ticket.pk, RESOLUTION, "sla_breached")] == 1


def test_a_clock_breached_while_paused_is_not_warned_after_it_resumes(world, ticket):
    # Paused 5 minutes after its acknowledgement deadline: breached there, by the pause.
    event(ticket, "ticket_status_changed", at=T0 + 35 * MIN, status=Status.WAITING_ON_CLIENT)
    assert sla_events(ticket)[(ticket.pk, ACK, "sla_breached")] == 1
    event(ticket, "ticket_replied", at=T0 + 2 * H, actor=world.member, status=Status.OPEN)

    services.sweep(now=T0 + 3 * H)
    assert sla_events(ticket)[(ticket.pk, ACK, "sla_warning")] == 0
    assert sla_events(ticket)[(ticket.pk, ACK, "sla_breached")] == 1


def test_a_clock_met_before_its_warning_gets_no_warning(world, ticket):
    event(ticket, "ticket_replied", at=T0 + 10 * MIN, actor=world.agent)

    assert services.sweep(now=T0 + 7 * H) == (1, 0)  # resolution only
    assert services.sweep(now=T0 + 100 * H) == (0, 1)
    assert sla_events(ticket) == Counter(
        {(ticket.pk, RESOLUTION, "sla_warning"): 1, (ticket.pk, RESOLUTION, "sla_breached"): 1}
    )


def test_a_clock_met_after_its_warning_keeps_the_one_warning(world, ticket):
    services.sweep(now=T0 + 50 * MIN)  # ack: warned and breached; first response: warned
    event(ticket, "ticket_replied", at=T0 + 55 * MIN, actor=world.agent)

    services.sweep(now=T0 + 100 * H)
    counts = sla_events(ticket)
    assert counts[(ticket.pk, FIRST, "sla_warning")] == 1
    assert counts[(ticket.pk, FIRST, "sla_breached")] == 0


def test_paused_clocks_are_not_swept(world, ticket):
    event(ticket, "ticket_status_changed", at=T0 + 10 * MIN, status=Status.WAITING_ON_CLIENT)

    assert services.sweep(now=T0 + 30 * 24 * H) == (0, 0)
    assert not sla_events(ticket)

    # Resumed a day later with 10 minutes used: warned and due from then on.
    back = T0 + 24 * H
    event(ticket, "ticket_replied", at=back, actor=world.member, status=Status.OPEN)
    assert services.sweep(now=back + 13 * MIN) == (0, 0)
    assert services.sweep(now=back + 14 * MIN) == (1, 0)  # ack: 24 min - 10 min used
    assert services.sweep(now=back + 20 * MIN) == (0, 1)


def test_stopped_clocks_of_a_merged_ticket_are_not_swept(world, ticket):
    event(ticket, "ticket_merged", at=T0 + 5 * MIN, actor=world.agent, status=Status.CLOSED)

    assert services.sweep(now=T0 + 100 * H) == (0, 0)


# -- the claim query uses the partial indexes ----------------------------------------


def test_the_claim_queries_use_the_partial_indexes(world, policy):
    now = timezone.now()
    common = {"organisation": world.org, "requester": world.member}
    # Running, due later (spread over the next days): what the indexes hold.
    future = bulk_clocks(policy, 600, prefix="FUT", **common, running_since=now)
    for n, clock in enumerate(future):
        clock.warn_at = now + (n + 1) * MIN
        clock.due_at = now + (n + 1) * MIN + H
    TicketClock.objects.bulk_update(future, ["warn_at", "due_at"])
    # Already warned and breached, met, paused: outside the indexes.
    bulk_clocks(
        policy,
        50,
        prefix="OLD",
        **common,
        running_since=now - 9 * H,
        warn_at=now - 8 * H,
        due_at=now - 7 * H,
        warned_at=now - 8 * H,
        breached_at=now - 7 * H,
    )
    bulk_clocks(policy, 40, prefix="MET", **common, met_at=now - H, warn_at=now - 2 * H)
    bulk_clocks(policy, 20, prefix="PAUSED", **common)
    # And a few due now.
    bulk_clocks(
        policy, 5, prefix="DUE", **common, running_since=now - 2 * H, warn_at=now, due_at=now
    )
    assert TicketClock.objects.count() >= 2000
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE sla_ticketclock")

    for column, deadline, index in (
        ("warned_at", "warn_at", "clock_warning_due"),
        ("breached_at", "due_at", "clock_breach_due"),
    ):
        with connection.cursor() as cursor:
            # On a few thousand rows a sequential scan can be the planner's honest
            # choice; what must hold is that the partial index matches the claim
            # (make bench shows it chosen at 100,000 and 1,000,000 clocks).
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(
                "EXPLAIN " + services._CLAIM.format(column=column, deadline=deadline),
                {"now": now, "limit": 2000},
            )
            plan = "\n".join(row[0] for row in cursor.fetchall())
        # Finding the due rows reads the partial index, never the whole table.
        finding = plan.split("LockRows", 1)[-1]
        assert index in finding, plan

    assert services.sweep(now=now) == (15, 15)


# -- concurrent sweeps ----------------------------------------------------------------


def run_concurrently(*jobs):
    """Start each job in its own thread (and database connection) at the same moment."""
    barrier = threading.Barrier(len(jobs))
    errors, results = [], [None] * len(jobs)

    def run(index, job):
        try:
            barrier.wait(timeout=10)
            results[index] = job()
        except Exception as exc:  # reported in the test thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    assert not any(thread.is_alive() for thread in threads)
    return results


def sweep_until_done(limit):
    def job():
        warned = breached = 0
        while True:
            w, b = services.sweep(limit=limit)
            warned, breached = warned + w, breached + b
            if (w, b) == (0, 0):
                return warned, breached

    return job


def due_clocks(count, prefix="DUE"):
    organisation = OrganisationFactory()
    requester = UserFactory()
    policy = make_policy(name=f"24x7 {prefix}")
    now = timezone.now()
    return bulk_clocks(
        policy,
        count,
        prefix=prefix,
        organisation=organisation,
        requester=requester,
        running_since=now - 3 * H,
        warn_at=now - 2 * H,
        due_at=now - H,
    )


@pytest.mark.parametrize("limit", [2000, 17])
def test_two_concurrent_sweeps_emit_each_event_once(transactional_db, limit):
    clocks = due_clocks(100)  # 300 clocks, each due a warning and a breach

    results = run_concurrently(sweep_until_done(limit), sweep_until_done(limit))

    assert sum(r[0] for r in results) == sum(r[1] for r in results) == 300
    assert_once_each(clocks)


def test_a_sweep_racing_a_reply_never_loses_or_doubles_a_breach(transactional_db):
    """Agents meeting clocks late while a sweep runs: one breach per missed clock."""
    clocks = due_clocks(60)
    tickets = sorted({clock.ticket for clock in clocks}, key=lambda t: t.pk)
    agent = UserFactory(is_staff=True)

    def meet_all():
        for ticket in tickets:
            with transaction.atomic():
                services.on_ticket_event(ticket, actor=agent, verb="ticket_replied")

    run_concurrently(sweep_until_done(7), meet_all, sweep_until_done(7))

    counts = sla_events()
    for clock in TicketClock.objects.filter(pk__in=[c.pk for c in clocks]):
        assert counts[(clock.ticket_id, clock.kind, "sla_breached")] == 1
        assert counts[(clock.ticket_id, clock.kind, "sla_warning")] <= 1
        assert clock.breached_at is not None
    assert max(counts.values()) == 1


# -- a real Celery worker ---------------------------------------------------------------


@pytest.fixture
def worker(celery_worker_process):
    return celery_worker_process


SWEEP_DONE = re.compile(r"sla\.tasks\.sla_sweep\[[^]]+\] succeeded in [^:]+: \((\d+), (\d+)\)")


def worker_sweeps(worker, mark) -> list[tuple[int, int]]:
    """What each sla_sweep run by the worker returned, from its log."""
    return [
        (int(warned), int(breached))
        for warned, breached in SWEEP_DONE.findall(worker.output_since(mark))
    ]


def sweeps_done(worker, mark) -> int:
    return len(worker_sweeps(worker, mark))


@pytest.mark.e2e
def test_worker_sweeps_and_a_local_sweep_emit_each_event_once(worker):
    clocks = due_clocks(100)  # committed: the worker sees them
    mark = worker.mark()

    sla_sweep.delay()
    sla_sweep.delay()
    local = sweep_until_done(5)()

    assert wait_until(lambda: sweeps_done(worker, mark) == 2, timeout=60), worker.output_since(mark)
    worker.assert_alive()
    assert_once_each(clocks)
    # Between them, the worker's two sweeps and the local one claimed each clock once.
    remote = worker_sweeps(worker, mark)
    assert local[0] + sum(w for w, _ in remote) == 300
    assert local[1] + sum(b for _, b in remote) == 300
    assert "Traceback" not in worker.output_since(mark), worker.output_since(mark)


@pytest.mark.e2e
def test_the_worker_sweeps_what_beat_would_ask_for(worker):
    clocks = due_clocks(20, prefix="BEAT")
    mark = worker.mark()

    sla_sweep.delay()

    assert wait_until(lambda: sweeps_done(worker, mark) == 1, timeout=60), worker.output_since(mark)
    assert worker_sweeps(worker, mark) == [(60, 60)]
    assert_once_each(clocks)
