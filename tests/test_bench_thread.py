"""The bench's long thread (bench/seed_thread.py): 100 public replies, notes and files on
one ticket of the member persona, written once, and the agent's workspace on it reads
as many queries as on the detail ticket's five replies."""

import pytest
from django.db import connection
from django.db.models import Q
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bench import pages, seed, seed_thread
from contracts.models import TimeEntry
from tests.test_bench_seed import small  # noqa: F401 (the fixture)
from tickets.models import Attachment, Ticket, TicketNumber


def _queries(user, path) -> int:
    client = Client()
    client.force_login(user)
    assert client.get(path).status_code == 200, path  # warm the caches, as a server has them
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200, path
    return len(captured.captured_queries)


@pytest.mark.django_db
@pytest.mark.usefixtures("small")
def test_the_long_thread_is_seeded_once_and_counted_among_the_tickets():
    numbered = TicketNumber.objects.filter(year=2026).values_list("last", flat=True).first() or 0
    _, personas = seed.seed(tickets=120)
    thread = personas["thread_ticket"]
    assert thread == seed_thread.thread_ticket()
    assert thread.requester == personas["member"] and thread.assignee == personas["agent"]
    comments = thread.comments.all()
    public = comments.filter(is_internal=False)
    assert public.count() == thread.public_reply_count == seed_thread.THREAD_REPLIES == 100
    assert comments.filter(is_internal=True).count() == seed_thread.THREAD_NOTES
    authors = set(public.values_list("author", flat=True))
    assert authors == {personas["member"].pk, personas["agent"].pk}
    files = Attachment.objects.filter(ticket=thread)
    assert files.filter(comment__is_internal=False, is_internal=False).exists()
    assert files.filter(comment__is_internal=True, is_internal=True).exists()
    assert not files.filter(~Q(comment__ticket=thread)).exists()
    whens = list(comments.order_by("created_at").values_list("created_at", flat=True))
    assert thread.created_at < whens[0] and thread.last_activity_at == whens[-1]
    # It is one of BENCH_TICKETS, numbered before the generated ones.
    bench = Ticket.objects.filter(organisation__slug__startswith="bench-")
    assert bench.count() == 120
    assert thread.number == f"TKT-2026-{numbered + 1:05d}"
    assert TicketNumber.objects.get(year=2026).last == numbered + 120
    # The SLA seed gave it its clocks, as every bench ticket.
    assert thread.clocks.count() == 3

    seed.seed(tickets=120)  # already there: nothing added
    assert bench.count() == 120
    assert Ticket.objects.filter(subject=seed_thread.SUBJECT).count() == 1
    assert thread.comments.count() == comments.count()


@pytest.mark.django_db
@pytest.mark.urls("bench.urls")
@pytest.mark.usefixtures("small")
def test_the_workspace_on_100_replies_reads_as_many_queries_as_on_five():
    _, personas = seed.seed(tickets=120)
    measured = pages.pages(personas)
    short, long = measured["admin ticket page"], measured["admin ticket page (100 replies)"]
    assert short[0] == long[0] == personas["agent"]
    detail, thread = personas["detail_ticket"], personas["thread_ticket"]
    assert detail.public_reply_count == seed.DETAIL_REPLIES
    # The contract seed logs time on both, by whichever agent its rotation gives each;
    # the time log's own cost per colleague's entry is not what is compared here.
    TimeEntry.objects.filter(ticket__in=[detail, thread]).delete()
    assert _queries(*long[:2]) == _queries(*short[:2])
