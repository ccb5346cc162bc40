"""The list's search and the agents' queue are served by indexes, not table scans."""

from django.db import connection
from django.db.models import Q

from tickets.models import Ticket


def _plan(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_search_expression_matches_the_trigram_indexes(db):
    # Exactly the text condition the list search builds (tickets/queries.py).
    tickets = Ticket.objects.filter(
        Q(subject__icontains="router") | Q(description__icontains="router")
    )
    plan = _plan(tickets)
    assert "ticket_subject_trgm_upper" in plan
    assert "ticket_description_trgm_upper" in plan


def test_admin_queue_order_reads_the_queue_index(db):
    plan = _plan(Ticket.objects.order_by("-last_client_activity_at", "-id")[:50])
    assert "ticket_queue_recent" in plan
