"""The one-ticket pages read their ticket with few joins: PostgreSQL's planning time
grows steeply with each joined table, and planning a query of eight joins under the
visibility rule took 7.5 ms, for 0.3 ms of execution, on every ticket page. The
relations a ticket seldom has are prefetched (no query for an empty one)."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.tickets.factories import open_ticket
from tickets.models import Ticket

pytestmark = pytest.mark.django_db

MAX_JOINS = 4


def _joins(sql) -> int:
    """The tables joined to the ticket itself (those of the visibility rule's
    subqueries come after WHERE)."""
    return sql.split(" WHERE ", 1)[0].count(" JOIN ")


def _ticket_reads(client, url) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in queries if re.match(r'SELECT "tickets_ticket"\."id"', q["sql"])]


def test_the_clients_ticket_page_joins_few_tables_to_its_ticket(client_for, world):
    ticket = open_ticket(world)
    reads = _ticket_reads(client_for(world.member), reverse("tickets:detail", args=[ticket.number]))
    assert reads
    assert max(_joins(sql) for sql in reads) <= MAX_JOINS


def test_the_admin_ticket_page_joins_few_tables_and_still_shows_the_rarer_relations(
    client_for, world
):
    survivor = open_ticket(world, subject="Survivor")
    ticket = open_ticket(world, subject="Duplicate")
    Ticket.objects.filter(pk=ticket.pk).update(merged_into=survivor)
    client = client_for(world.agent)
    url = reverse("admin:tickets_ticket_change", args=[ticket.pk])
    reads = _ticket_reads(client, url)
    assert reads
    assert max(_joins(sql) for sql in reads) <= MAX_JOINS
    assert survivor.number in client.get(url).content.decode()
