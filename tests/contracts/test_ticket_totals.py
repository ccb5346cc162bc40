"""A period's time per ticket is kept with each entry (PeriodTicket), and the contract
page reads it instead of summing every entry of the period at each request."""

import importlib
import threading
from datetime import UTC, datetime

import pytest
from django.apps import apps
from django.db import connection
from django.db.models import Count, Q, Sum
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from contracts import queries, services, views
from contracts.models import BankPeriod, PeriodTicket, TimeEntry
from tests.factories import UserFactory
from tests.tickets.factories import open_ticket

MARCH = datetime(2026, 3, 10, 15, tzinfo=UTC)


def _log(ticket, agent, minutes, billable=True, when=None):
    return services.time_entry_add(
        ticket=ticket,
        agent=agent,
        minutes=minutes,
        description="Checked the logs",
        billable=billable,
        performed_at=when,
    )


def kept(period):
    return {
        total.ticket_id: (total.billable_minutes, total.other_minutes, total.entries)
        for total in PeriodTicket.objects.filter(period=period)
    }


def summed(period):
    rows = (
        TimeEntry.objects.filter(period=period)
        .values("ticket_id")
        .annotate(
            billed=Sum("minutes", filter=Q(billable=True), default=0),
            free=Sum("minutes", filter=Q(billable=False), default=0),
            count=Count("pk"),
        )
    )
    return {row["ticket_id"]: (row["billed"], row["free"], row["count"]) for row in rows}


def test_totals_follow_the_entries_logged_and_corrected(world, contract, ticket):
    other = open_ticket(world, "VPN slow")
    first = _log(ticket, world.agent, 30)
    _log(ticket, world.agent, 15, billable=False)
    moved = _log(other, world.agent, 45)
    _log(other, world.agent, 20, when=MARCH)
    now, march = BankPeriod.objects.order_by("-start")
    assert kept(now) == summed(now) == {ticket.pk: (30, 15, 2), other.pk: (45, 0, 1)}

    services.time_entry_edit(
        entry=first,
        by=world.agent,
        minutes=60,
        description="More work",
        billable=False,
        performed_at=first.performed_at,
    )
    # Corrected into March: out of this period's list, into March's.
    services.time_entry_edit(
        entry=moved, by=world.agent, minutes=45, description="x", billable=True, performed_at=MARCH
    )
    assert kept(now) == summed(now) == {ticket.pk: (0, 75, 2)}
    assert kept(march) == summed(march) == {other.pk: (65, 0, 2)}
    assert [t.ticket_id for t in queries.ticket_totals(march)] == [other.pk]


def test_totals_are_rebuilt_for_entries_loaded_in_bulk(world, contract, ticket):
    period = services.current_period(contract)
    TimeEntry.objects.bulk_create(
        TimeEntry(
            ticket=ticket,
            period=period,
            agent=world.agent,
            performed_at=MARCH,
            minutes=10,
            description="Loaded",
            billable=n % 2 == 0,
        )
        for n in range(5)
    )
    assert kept(period) == {}
    services.recount_ticket_totals(period)
    assert kept(period) == summed(period) == {ticket.pk: (30, 20, 5)}


def test_the_migration_counts_the_entries_logged_before_it(world, contract, ticket):
    other = open_ticket(world, "VPN slow")
    _log(ticket, world.agent, 30)
    _log(other, world.agent, 25, billable=False, when=MARCH)
    expected = {period.pk: kept(period) for period in BankPeriod.objects.all()}
    PeriodTicket.objects.all().delete()
    migration = importlib.import_module("contracts.migrations.0006_period_ticket_totals")
    migration.count_existing_entries(apps, None)
    assert {period.pk: kept(period) for period in BankPeriod.objects.all()} == expected


@pytest.mark.django_db(transaction=True)
def test_first_entries_logged_at_once_on_a_ticket_each_count(world, contract, ticket):
    agents = [UserFactory(is_staff=True) for _ in range(6)]
    errors, start = [], threading.Barrier(len(agents))

    def work(agent):
        try:
            start.wait()
            for _ in range(5):
                _log(ticket, agent, 7)
        except Exception as exc:  # reported below, not swallowed
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(a,)) for a in agents]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a writer is stuck (a lock never released?)"
    assert errors == []
    period = BankPeriod.objects.get()
    assert kept(period) == summed(period) == {ticket.pk: (6 * 5 * 7, 0, 30)}


def test_the_contract_page_reads_only_the_entries_it_lists(client, world, contract, monkeypatch):
    monkeypatch.setattr(queries, "TICKETS_SHOWN", 3)
    monkeypatch.setattr(views, "ENTRIES_PER_PAGE", 4)
    tickets = [open_ticket(world, f"Ticket {n}") for n in range(5)]
    for n in range(9):
        _log(tickets[n % 5], world.agent, 10 + n)
    client.force_login(world.manager)

    with CaptureQueriesContext(connection) as page:
        response = client.get(reverse("contracts:detail", args=[contract.pk]))
    body = response.content.decode()
    assert "And 2 more tickets: the statement lists them all." in body
    assert "Page 1 of 3" in body
    assert body.count('class="entry__what"') == 4
    entries = [q["sql"] for q in page.captured_queries if '"contracts_timeentry"' in q["sql"]]
    # The entries of the page, and nothing summed or counted over all of them.
    assert len(entries) == 1 and entries[0].endswith("LIMIT 4")
    assert len(page) <= CONTRACT_PAGE_QUERIES


# Queries of the contract page with time logged (the shell's included): the
# period's figures, tickets and entries are one query each.
CONTRACT_PAGE_QUERIES = 14
