"""A member's ticket pages read their own and watched tickets, not their organisation's.

Priced on realistic proportions: a member with a few dozen tickets in an
organisation where a colleague has hundreds, then ten times as many. What the
member's list, its live poll and the dashboard's panels read from the ticket
table must not change; a manager's list page still reads one page's worth in
list order, however big the organisation.
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.access import organisations_for
from tests.plans import analyze, explain, reads_of
from tickets import queries, widgets
from tickets.models import Ticket, TicketWatcher

OWN = 30
WATCHED = 5
COLLEAGUE = 400  # then ten times as many


def _seed(world, requester, count, start):
    now = timezone.now()
    # Spread over a year and interleaved: the member's tickets sit among the
    # colleague's in list order, as they do in a real organisation.
    Ticket.objects.bulk_create(
        Ticket(
            organisation=world.org,
            requester=requester,
            number=f"TKT-2030-{n:06d}",
            subject=f"Ticket {n}",
            description="The link drops.",
            status=("new", "open", "waiting_on_client", "resolved", "closed")[n % 5],
            last_activity_at=now - timedelta(minutes=(n * 7919) % 525_600),
        )
        for n in range(start, start + count)
    )


@pytest.fixture
def crowd(world):
    _seed(world, world.member, OWN, 0)
    _seed(world, world.other_member, COLLEAGUE, 1_000)
    watched = Ticket.objects.filter(requester=world.other_member).order_by("pk")[:WATCHED]
    TicketWatcher.objects.bulk_create(TicketWatcher(ticket=t, user=world.member) for t in watched)
    analyze()

    def grow():
        _seed(world, world.other_member, 9 * COLLEAGUE, 10_000)
        analyze()

    return grow


def _organisation(user):
    """The active organisation as the views get it (with the reader's role)."""
    return organisations_for(user)[0]


def _member_reads(world):
    user, organisation = world.member, _organisation(world.member)
    tickets = queries.ticket_list(user, organisation=organisation)
    request = type("Request", (), {"user": user})

    def run():
        list(tickets[:25])  # the list's page
        tickets.count()  # its paginator
        tickets.order_by().values("last_activity_at").order_by("-last_activity_at").first()
        widgets.counts(request, organisation)
        widgets.recent(request, organisation)
        widgets.tasks(request, organisation)

    return reads_of(run)


def test_a_members_queries_read_their_tickets_not_the_organisations(world, crowd):
    before = _member_reads(world)
    crowd()
    after = _member_reads(world)

    # Each query reads the member's own and watched tickets, nothing more.
    plans = after.reading("tickets_ticket", more_than=OWN + WATCHED)
    assert not plans, plans
    # Never more than before (with the smaller organisation the planner may
    # still find reading it whole as cheap: statistics left by other tests).
    assert after.of("tickets_ticket") <= before.of("tickets_ticket"), plans
    # Buffers may grow by an index level, not with the colleague's tickets.
    assert after.buffers <= before.buffers + 40, "\n\n".join(after.plans)


def test_a_members_list_and_poll_read_the_same_however_big_the_organisation(client, world, crowd):
    client.force_login(world.member)
    url = reverse("tickets:list")

    def pages():
        client.get(url)
        client.get(reverse("tickets:list_live"), {"v": "0"})

    before = reads_of(pages)
    crowd()
    after = reads_of(pages)
    plans = after.reading("tickets_ticket", more_than=OWN + WATCHED)
    assert not plans, plans
    assert after.of("tickets_ticket") <= before.of("tickets_ticket")


def test_a_managers_list_page_reads_one_page_in_list_order(world, crowd):
    crowd()
    organisation = _organisation(world.manager)
    page = queries.ticket_list(world.manager, organisation=organisation)[:25]
    reads = explain(*page.query.sql_with_params())
    assert reads.of("tickets_ticket") <= 30, reads.plans[0]
    assert "ticket_org_activity" in reads.plans[0]


def test_the_requester_filter_reads_the_organisations_tickets_not_the_systems(world, crowd):
    """The manager's list offers its tickets' requesters: a semi-join on the visible
    tickets, whatever the number of other organisations' tickets."""
    now = timezone.now()
    Ticket.objects.bulk_create(
        Ticket(
            organisation=world.other_org,
            requester=world.outsider,
            number=f"TKT-2031-{n:06d}",
            subject=f"Elsewhere {n}",
            description="Not ours.",
            last_activity_at=now - timedelta(minutes=n),
        )
        for n in range(4_000)
    )
    analyze()
    own = Ticket.objects.filter(organisation=world.org).count()
    choices = queries.requesters(world.manager, _organisation(world.manager))
    reads = explain(*choices.query.sql_with_params())
    assert reads.of("tickets_ticket") <= own, reads.reading("tickets_ticket", own)
    assert set(choices) == {world.member, world.other_member}
