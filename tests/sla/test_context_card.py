"""The ticket's SLA beside it on the agent's page (sla/parts.py, Deadlines.context_card)."""

from datetime import timedelta

from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.admin import change_url
from sla.models import Kind, OrganisationPolicy, TicketClock
from sla.parts import Deadlines, format_target
from tests.contracts.factories import ContractFactory
from tests.factories import UserFactory
from tests.sla.factories import MON_FRI_9_18, make_calendar, make_policy
from tests.tickets.factories import open_ticket
from tickets import services
from tickets.models import Ticket
from tickets.states import Priority, Status

# The newest clock with its policy and calendar, the targets of the ticket's priority,
# the ticket's deadlines; and a calendar's working hours, unless it is always open.
QUERIES = 3


def card(user, ticket):
    """The card as the context view asks for it: the ticket as its admin page reads it."""
    request = RequestFactory().get("/")
    request.user = user
    user.has_perm("sla.view_slapolicy")  # the admin has read the permissions already
    ticket = Ticket.objects.select_related("organisation").get(pk=ticket.pk)
    with CaptureQueriesContext(connection) as queries:
        panel = Deadlines().context_card(request, ticket)
    html = render_to_string(panel.template, {"panel": panel}) if panel else ""
    return panel, html, len(queries)


def standard():
    return make_policy(name="Standard", is_global_default=True)


def test_the_card_shows_the_policy_its_targets_and_the_next_deadline(world):
    policy = standard()
    ticket = open_ticket(world, priority=Priority.HIGH)
    card(world.agent, ticket)  # the calendar is built once per process
    panel, html, queries = card(world.agent, ticket)
    assert '<h2 class="ws__title"' in html and 'class="ws__card' in html
    assert f'href="{change_url(policy)}"' in html and "Standard" in html
    # High: 15 min acknowledgement, 30 min first response, 4 h resolution.
    assert "Targets for priority High" in html
    assert "First response: 30 min" in html and "Resolution: 4 h" in html
    assert "Standard hours" in html and "24 hours a day, 7 days a week (UTC)" in html
    # The nearest deadline is support's acknowledgement, on track.
    [deadline] = panel.context["next"]
    ack = TicketClock.objects.get(ticket=ticket, kind=Kind.ACKNOWLEDGEMENT)
    assert deadline.kind == Kind.ACKNOWLEDGEMENT and deadline.due_at == ack.due_at
    assert "mark--on_track" in html and "On track" in html
    assert f'datetime="{timezone.localtime(ack.due_at).isoformat()}"' in html
    assert queries == QUERIES


def test_business_hours_are_the_calendars(world):
    office = make_calendar(name="Office Madrid", tz="Europe/Madrid", hours=MON_FRI_9_18)
    make_policy(name="Office", calendar=office, is_global_default=True)
    ticket = open_ticket(world)
    card(world.agent, ticket)
    _, html, queries = card(world.agent, ticket)
    assert "Office Madrid" in html and "Mon\u2013Fri 09:00\u201318:00 (Europe/Madrid)" in html
    assert queries == QUERIES + 1


def test_after_the_first_reply_the_resolution_is_next_and_its_state_shows(world):
    standard()
    ticket = open_ticket(world, priority=Priority.HIGH)
    services.comment_add(ticket=ticket, author=world.agent, body="Looking into it.")
    _, html, _ = card(world.agent, ticket)
    assert "Resolution" in html.split("Next deadline", 1)[1] and "mark--on_track" in html
    past = timezone.now() - timedelta(minutes=1)
    TicketClock.objects.filter(ticket=ticket, kind=Kind.RESOLUTION).update(warn_at=past)
    _, html, _ = card(world.agent, ticket)
    assert "mark--at_risk" in html and "At risk" in html
    TicketClock.objects.filter(ticket=ticket, kind=Kind.RESOLUTION).update(due_at=past)
    _, html, _ = card(world.agent, ticket)
    assert "mark--breached" in html and "Breached" in html and "late" in html


def test_a_resolved_ticket_has_met_every_target(world):
    standard()
    ticket = open_ticket(world)
    services.comment_add(ticket=ticket, author=world.agent, body="Fixed.")
    services.ticket_transition(ticket=ticket, to=Status.RESOLVED, by=world.agent)
    panel, html, _ = card(world.agent, ticket)
    assert panel.context["next"] == [] and "Every target of this ticket is met." in html


def test_a_ticket_without_clocks_shows_the_policy_its_client_has_now(world):
    ticket = open_ticket(world)  # no policy yet: no clocks
    assert not ticket.clocks.exists()
    gold = make_policy(name="Gold")
    ContractFactory(organisation=world.org, sla_policy=gold)
    panel, html, _ = card(world.agent, ticket)
    assert panel.context["policy"] == gold and "Gold" in html
    assert "No SLA deadline runs for this ticket." in html


def test_a_priority_without_targets_says_so(world):
    only_low = make_policy(name="Low only", targets={Priority.LOW: (60, 240, 1440)})
    OrganisationPolicy.objects.create(organisation=world.org, policy=only_low)
    ticket = open_ticket(world, priority=Priority.CRITICAL)
    _, html, _ = card(world.agent, ticket)
    assert "Low only" in html and "This policy sets no target for this priority." in html


def test_no_card_without_a_policy(world):
    make_policy(name="Someone else's")  # neither the default nor the client's
    assert card(world.agent, open_ticket(world))[0] is None


def test_staff_who_may_not_see_the_sla_get_no_card(world):
    standard()
    clerk = UserFactory(email="clerk@support.test", is_staff=True)
    assert card(clerk, open_ticket(world))[0] is None


def test_the_cards_queries_do_not_grow_with_the_clients_tickets(world):
    standard()
    ticket = open_ticket(world)
    card(world.agent, ticket)
    before = card(world.agent, ticket)[2]
    for n in range(8):
        other = open_ticket(world, f"Printer {n}")
        services.comment_add(ticket=other, author=world.agent, body="On it.")
    services.comment_add(ticket=ticket, author=world.agent, body="On it.")
    assert card(world.agent, ticket)[2] == before == QUERIES


def test_targets_read_as_hours_and_minutes():
    assert [format_target(m) for m in (15, 60, 90, 1440)] == [
        "15 min",
        "1 h",
        "1 h 30 min",
        "24 h",
    ]


def test_the_ticket_pages_context_shows_the_card(client_for, world):
    standard()
    ticket = open_ticket(world)
    url = reverse("admin:tickets_ticket_context", args=[ticket.pk])
    body = client_for(world.agent).get(url).content.decode()
    assert 'id="ctx-sla-title"' in body and "Standard" in body and "Next deadline" in body
