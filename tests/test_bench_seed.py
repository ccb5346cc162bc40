"""The bench seed (bench/seed.py, bench/seed_sla.py), at a small size: consistent data,
SLA clocks as the services leave them, idempotent, and every benchmarked page
(bench/pages.py) answers with the status the benchmark expects.

Counts are taken over the bench organisations only: the test database is shared
with whatever else commits to it meanwhile.
"""

import re

import pytest
from django.db.models import Count, F, Q
from django.test import Client

from bench import pages, seed
from tickets.models import Attachment, Comment, Ticket, TicketNumber
from tickets.states import Priority, Status

BENCH = {"organisation__slug__startswith": "bench-"}


@pytest.fixture
def small(monkeypatch):
    monkeypatch.setattr(seed, "ORGANISATIONS", 3)
    monkeypatch.setattr(seed, "MEMBERS_PER_ORG", 4)
    monkeypatch.setattr(seed, "EVENTS_PER_ORG", 8)
    monkeypatch.setattr(seed, "AGENTS", 2)
    monkeypatch.setattr(seed, "CHUNK", 150)  # several COPY rounds


def _bench_counts():
    return (
        Ticket.objects.filter(**BENCH).count(),
        Comment.objects.filter(**{f"ticket__{k}": v for k, v in BENCH.items()}).count(),
        Attachment.objects.filter(**{f"ticket__{k}": v for k, v in BENCH.items()}).count(),
    )


@pytest.mark.django_db
def test_seed_is_consistent_and_idempotent(small):
    numbered = TicketNumber.objects.filter(year=2026).values_list("last", flat=True).first() or 0
    seed.seed(tickets=400)
    tickets_n, comments_n, attachments_n = _bench_counts()
    assert tickets_n == 400
    assert comments_n > 400
    assert attachments_n > 0

    tickets = Ticket.objects.filter(**BENCH).annotate(
        public=Count("comments", filter=Q(comments__is_internal=False))
    )
    assert all(t.public == t.public_reply_count for t in tickets)
    assert {t.status for t in tickets} == set(Status.values)
    assert {t.priority for t in tickets} == set(Priority.values)
    numbers = [t.number for t in tickets]
    assert len(set(numbers)) == 400
    assert all(re.fullmatch(r"TKT-2026-\d{5,}", n) for n in numbers)
    assert TicketNumber.objects.get(year=2026).last == numbered + 400
    for ticket in tickets:
        # Requesters belong to the ticket's organisation; activity is in order.
        assert ticket.requester.memberships.filter(organisation=ticket.organisation).exists()
        assert ticket.created_at <= ticket.last_client_activity_at <= ticket.last_activity_at
    on_comments = Attachment.objects.filter(comment__isnull=False, ticket__in=tickets)
    assert on_comments.exists()
    assert not on_comments.exclude(comment__ticket_id=F("ticket_id")).exists()

    seed.seed(tickets=400)  # already there: nothing added
    assert _bench_counts() == (tickets_n, comments_n, attachments_n)


@pytest.mark.django_db
@pytest.mark.urls("bench.urls")  # the URLconf the bench serves: the floor too
def test_every_bench_page_answers_as_expected(small):
    _, personas = seed.seed(tickets=200)
    detail = personas["detail_ticket"]
    assert detail.requester == personas["member"]
    assert detail.comments.filter(is_internal=False).count() == seed.DETAIL_REPLIES
    for name, (user, path, *expected) in pages.pages(personas).items():
        client = Client()
        if user is not None:
            client.force_login(user)
        response = client.get(path)
        assert response.status_code == (expected[0] if expected else 200), name


@pytest.mark.django_db
def test_sla_clocks_are_what_the_services_leave(small):
    from django.utils import timezone

    from bench import seed_sla
    from sla import services
    from sla.models import TicketClock

    seed.seed(tickets=300)
    assert seed_sla.seed() == 0  # every ticket has its clocks already
    now = timezone.now()
    tickets = Ticket.objects.filter(**BENCH).select_related("organisation")
    clocks = TicketClock.objects.filter(ticket__in=tickets).select_related("policy__calendar")
    assert clocks.count() == 3 * tickets.count()
    by_ticket: dict[int, list] = {}
    for clock in clocks:
        by_ticket.setdefault(clock.ticket_id, []).append(clock)
    policies = {}
    marks = set()
    for ticket in tickets:
        mine = by_ticket[ticket.pk]
        policy = policies.setdefault(
            ticket.organisation_id, services.policy_for(ticket.organisation)
        )
        assert {c.policy_id for c in mine} == {policy.pk}
        assert policy.calendar.always_open == (int(ticket.organisation.slug[6:]) % 2 == 1)
        running = [c for c in mine if c.running_since is not None]
        kinds = {c.kind: c for c in mine}
        if ticket.status in ("resolved", "closed"):
            assert not running
            assert kinds["resolution"].met_at == ticket.resolved_at
            assert all(c.met_at <= ticket.resolved_at for c in mine)
        elif ticket.status in policy.pausing_statuses:
            assert not running
            assert all(c.due_at is None for c in mine if c.met_at is None)
        else:
            assert kinds["resolution"] in running
        calendar = services.calendar_for(policy)
        for clock in running:
            assert clock.due_at == calendar.add(clock.running_since, clock.target - clock.elapsed)
            # The sweep marked what came due; a reopened clock keeps its earlier marks.
            if ticket.status != "reopened":
                assert (clock.warned_at is not None) == (clock.warn_at <= now)
                assert (clock.breached_at is not None) == (clock.due_at <= now)
        for clock in mine:
            if clock.met_at is not None:
                # Met late: breached at its deadline.
                late = clock.met_at > clock.due_at
                assert clock.breached_at == (clock.due_at if late else None)
        assert ticket.sla_due_at == min((c.due_at for c in running), default=None)
        assert ticket.sla_warn_at == min((c.warn_at for c in running), default=None)
        marks.add(bool(running))
    assert marks == {True, False}
