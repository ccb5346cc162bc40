"""The agents' queue: ordered by what priority and status mean, open tickets by default."""

import re

from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from tests.factories import UserFactory, member_of
from tests.tickets.factories import open_ticket
from tickets import services
from tickets.admin import TicketAdmin
from tickets.models import Category, PriorityRule, Ticket
from tickets.states import Priority, Status

QUEUE = reverse("admin:tickets_ticket_changelist")


def listed(client, **params):
    response = client.get(QUEUE, params)
    assert response.status_code == 200
    return response


def numbers(response):
    return [t.number for t in response.context["cl"].result_list]


def paginator(response):
    return re.search(r'<p class="paginator">(.*?)</p>', response.content.decode(), re.S)[1]


def column(response, name):
    return str(response.context["cl"].list_display.index(name))


def test_priority_column_sorts_by_urgency_not_alphabetically(client_for, world):
    made = {p: open_ticket(world, f"{p} one", priority=p) for p in Priority.values}
    client = client_for(world.agent)
    index = column(listed(client), "priority_label")
    by_urgency = [made[p].number for p in ("critical", "high", "medium", "low")]

    assert numbers(listed(client, o=index)) == by_urgency
    assert numbers(listed(client, o=f"-{index}")) == by_urgency[::-1]


def test_status_column_sorts_by_where_the_ticket_is_in_its_life(client_for, world):
    made = {}
    for status in (Status.IN_PROGRESS, Status.WAITING_ON_CLIENT, Status.OPEN):
        made[status] = open_ticket(world, status)
        services.ticket_transition(ticket=made[status], to=status, by=world.agent)
    made[Status.NEW] = open_ticket(world, "new")
    made[Status.CLOSED] = open_ticket(world, "closed")
    services.ticket_transition(ticket=made[Status.CLOSED], to=Status.CLOSED, by=world.agent)
    client = client_for(world.agent)
    index = column(listed(client), "status_label")

    in_order = [
        made[s].number
        for s in (
            Status.NEW,
            Status.OPEN,
            Status.IN_PROGRESS,
            Status.WAITING_ON_CLIENT,
            Status.CLOSED,
        )
    ]
    assert numbers(listed(client, o=index, status="all")) == in_order
    # Alphabetically "closed" would come first and "waiting" last.
    assert numbers(listed(client, o=f"-{index}", status="all")) == in_order[::-1]


def test_the_queue_shows_open_tickets_unless_asked_for_all(client_for, world):
    working = open_ticket(world, "Still down")
    resolved = open_ticket(world, "Fixed")
    services.ticket_transition(ticket=resolved, to=Status.RESOLVED, by=world.agent)
    client = client_for(world.agent)

    default = listed(client)
    assert numbers(default) == [working.number]
    status_filter = next(
        s for s in default.context["cl"].filter_specs if s.parameter_name == "status"
    )
    choices = list(status_filter.choices(default.context["cl"]))
    selected = [c["display"] for c in choices if c["selected"]]
    assert selected == ["Any open status"]
    everything = next(c for c in choices if c["display"] == "All")
    assert "status=all" in everything["query_string"]

    assert set(numbers(client.get(QUEUE + everything["query_string"]))) == {
        working.number,
        resolved.number,
    }
    assert numbers(listed(client, status=Status.RESOLVED)) == [resolved.number]


def test_a_search_finds_a_closed_ticket_without_choosing_all(client_for, world):
    closed = open_ticket(world, "Old printer")
    services.ticket_transition(ticket=closed, to=Status.CLOSED, by=world.agent)
    open_ticket(world, "New printer")
    client = client_for(world.agent)
    assert numbers(listed(client, q=closed.number)) == [closed.number]
    # An explicit status still narrows a search.
    assert numbers(listed(client, q=closed.number, status="any_open")) == []


def test_queue_columns_name_the_requester_organisation_and_assignee(client_for, world):
    ticket = open_ticket(world, "VPN down")
    services.ticket_assign(ticket=ticket, assignee=world.agent, by=world.agent)
    body = listed(client_for(world.agent)).content.decode()
    assert "column-sla_mark" in body and "column-next_deadline" in body
    assert "column-assigned_to" in body and "Ana Agent" in body
    assert "Diego" in body and "Andes Fibra" in body
    # The queue takes the page's width: no navigation sidebar beside it.
    assert 'id="nav-sidebar"' not in body


def test_sorted_queue_query_count_does_not_grow_with_tickets(
    client_for, world, django_assert_max_num_queries
):
    def add(count):
        for n in range(count):
            ticket = open_ticket(world, f"Ticket {n}", priority=Priority.values[n % 4])
            services.ticket_assign(ticket=ticket, assignee=world.agent, by=world.agent)

    client = client_for(world.agent)
    add(4)
    index = column(listed(client), "priority_label")
    with CaptureQueriesContext(connection) as few:
        assert len(numbers(listed(client, o=index))) == 4
    add(20)
    with django_assert_max_num_queries(len(few)):
        assert len(numbers(listed(client, o=index))) == 24


def test_made_up_parameters_never_break_the_queue(client_for, world):
    ticket = open_ticket(world, "VPN down")
    client = client_for(world.agent)
    for params in (
        {"status": "\x00"},
        {"status": "nonsense"},
        {"assigned": "²"},
        {"q": "router\x00"},
        {"q": "²"},
        {"q": "x" * 5000},
        {"o": "99"},
    ):
        response = client.get(QUEUE, params)
        assert response.status_code in (200, 302), params
    # The control: the same page lists the ticket when asked properly.
    assert numbers(listed(client, status=Status.NEW)) == [ticket.number]


def test_priority_rules_sort_by_urgency_too(client_for, world):
    made = {}
    for priority in Priority.values:
        category = Category.objects.create(name=priority, slug=priority)
        made[priority] = PriorityRule.objects.create(category=category, priority=priority)
    client = client_for(world.supervisor)
    url = reverse("admin:tickets_priorityrule_changelist")
    index = client.get(url).context["cl"].list_display.index("rule_priority")
    response = client.get(url, {"o": str(index)})
    assert [r.pk for r in response.context["cl"].result_list] == [
        made[p].pk for p in ("critical", "high", "medium", "low")
    ]


def test_queue_pages_read_one_row_past_the_page_and_count_nothing(client_for, world, monkeypatch):
    monkeypatch.setattr(TicketAdmin, "list_per_page", 2)
    made = [open_ticket(world, f"Ticket {n}") for n in range(5)]
    newest_first = [t.number for t in reversed(made)]
    client = client_for(world.agent)

    with CaptureQueriesContext(connection) as first:
        page = listed(client)
    # The saved views' counts are one aggregate of their own (tests/tickets/test_queue_views.py).
    sqls = [q["sql"] for q in first.captured_queries if " FILTER (WHERE " not in q["sql"]]
    assert not [sql for sql in sqls if "COUNT(" in sql and '"tickets_ticket"' in sql]
    reads = [sql for sql in sqls if re.match(r'SELECT .* FROM "tickets_ticket"', sql)]
    assert len(reads) == 1 and reads[0].endswith("LIMIT 3")  # the page and one row more
    assert numbers(page) == newest_first[:2]
    # A next page, the tickets of every page for the actions, and no count.
    assert 'href="?p=2"' in paginator(page) and "…" in paginator(page)
    assert "tickets" not in paginator(page)
    assert "Select every matching ticket" in page.content.decode()

    middle = listed(client, p=2)
    assert numbers(middle) == newest_first[2:4]
    assert 'href="?p=1"' in paginator(middle) and 'href="?p=3"' in paginator(middle)

    last = listed(client, p=3)
    assert numbers(last) == newest_first[4:]
    # The end of the list: the count is known and shown as Django shows it.
    assert last.context["cl"].count_known and last.context["cl"].result_count == 5
    assert "5 tickets" in paginator(last) and "…" not in paginator(last)
    assert "Select all 5 tickets" in last.content.decode()

    # Past the end: the default queue, as for any page that does not exist.
    assert client.get(QUEUE, {"p": 4})["Location"].endswith("?e=1")


def test_a_queue_on_one_page_counts_its_tickets_as_before(client_for, world):
    for n in range(3):
        open_ticket(world, f"Printer {n}")
    page = listed(client_for(world.agent), q="Printer")
    assert page.context["cl"].count_known
    assert "3 results" in page.content.decode() and "3 tickets" in paginator(page)


def test_queue_rows_write_djangos_checkbox_and_links(client_for, world):
    ticket = open_ticket(world, """<b>"Router" & 'switch'</b>""")
    body = listed(client_for(world.agent)).content.decode()
    model_admin = admin.site._registry[Ticket]
    assert model_admin.action_checkbox(ticket) == admin.ModelAdmin.action_checkbox(
        model_admin, ticket
    )
    assert model_admin.action_checkbox(ticket) in body
    # The number and the subject link to the ticket, as Django links them.
    change = reverse("admin:tickets_ticket_change", args=[ticket.pk])
    assert body.count(f'href="{change}"') == 2


def test_queue_names_people_as_everywhere_else(client_for, world):
    nameless = member_of(world.org, email="noname@andes.test", display_name="")
    agent = UserFactory(email="nameless.agent@support.test", display_name="", is_staff=True)
    ticket = open_ticket(world, "Printer", requester=nameless)
    services.ticket_assign(ticket=ticket, assignee=agent, by=world.agent)
    named = open_ticket(world, "Scanner")
    rows = {row.number: row for row in listed(client_for(world.agent)).context["cl"].result_list}
    model_admin = admin.site._registry[Ticket]
    # str(user): the display name, else the e-mail; no assignee is a dash.
    assert model_admin.client(rows[ticket.number]) == (
        'noname@andes.test<br><small class="ticket-queue__organisation">Andes Fibra</small>'
    )
    assert str(model_admin.assigned_to(rows[ticket.number])) == "nameless.agent@support.test"
    assert model_admin.client(rows[named.number]).startswith("Diego<br>")
    assert str(model_admin.assigned_to(rows[named.number])) == "—"


def test_queue_labels_are_in_the_readers_language(client_for, world):
    open_ticket(world, "VPN down", priority=Priority.HIGH)
    client = client_for(world.agent)
    assert ">New</span>" in listed(client).content.decode()
    world.agent.language = "es"
    world.agent.save(update_fields=["language"])
    body = listed(client).content.decode()
    with translation.override("es"):
        new, high = str(Status.NEW.label), str(Priority.HIGH.label)
    assert new != "New" and f">{new}</span>" in body and f">{high}</span>" in body
