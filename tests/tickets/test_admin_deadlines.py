"""The agent's ticket page shows the SLA deadlines as the client sees them, plus support's own."""

import pytest
from django.urls import reverse
from django.utils import timezone

from sla.models import Kind, TicketClock
from tests.sla.factories import make_policy
from tests.tickets.factories import open_ticket
from tickets import services
from tickets.states import Priority


@pytest.fixture
def policy(db):
    targets = dict.fromkeys(Priority.values, (30, 120, 960))
    return make_policy(name="Standard", is_global_default=True, targets=targets)


def sla_block(body):
    # From the SLA block to the next row of the form (the subject).
    return body.split('class="ticket-sla"', 1)[1].split("field-subject", 1)[0]


def test_ticket_page_shows_the_clients_deadlines_and_the_staff_only_target(
    client_for, world, policy
):
    ticket = open_ticket(world)
    clocks = {c.kind: c for c in TicketClock.objects.filter(ticket=ticket)}
    body = client_for(world.agent).get(reverse("admin:tickets_ticket_change", args=[ticket.pk]))
    body = body.content.decode()
    block = sla_block(body)
    for kind in (Kind.FIRST_RESPONSE, Kind.RESOLUTION, Kind.ACKNOWLEDGEMENT):
        assert str(Kind(kind).label) in block
        due = timezone.localtime(clocks[kind].due_at)
        assert f'datetime="{due.isoformat()}"' in block
    assert block.count("mark--on_track") == 3
    assert "Standard" in block and "24 hours a day" in block
    # The acknowledgement is support's: under its own heading, never on the client's page.
    staff_part = block.split("Support only", 1)[1]
    assert "Acknowledgement" in staff_part and "First response" not in staff_part
    client_page = client_for(world.member).get(reverse("tickets:detail", args=[ticket.number]))
    client_body = client_page.content.decode()
    assert "First response" in client_body and "Acknowledgement" not in client_body


def test_marks_follow_the_clocks_as_the_client_sees_them(client_for, world, policy):
    ticket = open_ticket(world)
    services.comment_add(ticket=ticket, author=world.agent, body="Looking into it.")
    past = timezone.now() - timezone.timedelta(minutes=5)
    TicketClock.objects.filter(ticket=ticket, kind=Kind.RESOLUTION).update(due_at=past)
    block = sla_block(
        client_for(world.agent)
        .get(reverse("admin:tickets_ticket_change", args=[ticket.pk]))
        .content.decode()
    )
    # First response and acknowledgement met by the reply; resolution now late.
    assert block.count("mark--met") == 2
    assert "mark--breached" in block and "late" in block


def test_a_ticket_without_sla_says_so(client_for, world):
    ticket = open_ticket(world)  # no policy anywhere: no clocks
    body = (
        client_for(world.agent)
        .get(reverse("admin:tickets_ticket_change", args=[ticket.pk]))
        .content.decode()
    )
    assert "No SLA deadline runs for this ticket." in body
    assert "mark--" not in sla_block(body)
