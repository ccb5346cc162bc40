"""The client's context beside the agent's ticket (WorkspaceMixin.context_view): their
other tickets, their organisation's other open ones, then the apps' cards."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from contracts.services import time_entry_add
from tests.contracts.factories import ContractFactory
from tests.inventory.factories import make_resource
from tests.sla.factories import make_policy
from tests.tickets.factories import TicketFactory, open_ticket
from tickets import services
from tickets.states import Status


def context_url(ticket_or_pk):
    pk = getattr(ticket_or_pk, "pk", ticket_or_pk)
    return reverse("admin:tickets_ticket_context", args=[pk])


def test_clients_and_strangers_are_sent_to_the_admin_login(client_for, client, world, ticket):
    login = reverse("admin:login")
    assert client.get(context_url(ticket))["Location"].startswith(login)
    for user in (world.member, world.manager):
        response = client_for(user).get(context_url(ticket))
        assert response.status_code == 302 and response["Location"].startswith(login)


def test_a_missing_ticket_is_404(client_for, world, ticket):
    agent = client_for(world.agent)
    assert agent.get(context_url(ticket.pk + 1000)).status_code == 404
    assert agent.get(context_url("nope")).status_code == 404


def test_it_lists_the_requesters_tickets_and_the_organisations_open_ones(client_for, world):
    ticket = open_ticket(world, "Router down")
    mine_done = open_ticket(world, "Old printer question")
    services.ticket_transition(ticket=mine_done, to=Status.RESOLVED, by=world.agent)
    colleague_open = open_ticket(world, "VPN drops", requester=world.other_member)
    colleague_done = open_ticket(world, "Mail quota", requester=world.other_member)
    services.ticket_transition(ticket=colleague_done, to=Status.RESOLVED, by=world.agent)
    elsewhere = open_ticket(
        world, "Not theirs", organisation=world.other_org, requester=world.outsider
    )
    response = client_for(world.agent).get(context_url(ticket))
    assert response.status_code == 200
    context = response.context
    assert [t.pk for t in context["theirs"]] == [mine_done.pk]
    assert [t.pk for t in context["open_elsewhere"]] == [colleague_open.pk]
    body = response.content.decode()
    theirs = body.split("Other tickets of", 1)[1].split("Open at", 1)[0]
    assert mine_done.number in theirs and ticket.number not in theirs
    open_at = body.split("Open at", 1)[1].split("</section>", 1)[0]
    assert colleague_open.number in open_at
    assert colleague_done.number not in open_at
    assert elsewhere.number not in body and "Not theirs" not in body
    assert "See all" not in body


def test_the_lists_stop_at_five_with_a_link_to_the_rest(client_for, world):
    ticket = open_ticket(world)
    for n in range(7):
        open_ticket(world, f"Mine {n}")
        open_ticket(world, f"Theirs {n}", requester=world.other_member)
    response = client_for(world.agent).get(context_url(ticket))
    assert len(response.context["theirs"]) == 5
    assert len(response.context["open_elsewhere"]) == 5
    assert response.context["open_elsewhere_count"] == 7
    body = response.content.decode()
    changelist = reverse("admin:tickets_ticket_changelist")
    assert f'href="{changelist}?organisation__id__exact={world.org.pk}"' in body
    assert "See all 7 open tickets" in body


def test_its_queries_do_not_grow_with_the_organisations_tickets(client_for, world):
    # With every app's card drawn: a contract with its hours bank, an SLA, resources.
    make_policy(name="Standard", is_global_default=True)
    ContractFactory(organisation=world.org)
    make_resource(world.org, name="Core switch")
    ticket = open_ticket(world)
    agent = client_for(world.agent)
    agent.get(context_url(ticket))  # the session and permissions, read once

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert agent.get(context_url(ticket)).status_code == 200
        return len(captured)

    open_ticket(world, "Mine")
    open_ticket(world, "Theirs", requester=world.other_member)
    # The bank's period stored, as the beat job does each night (else one more to compute it).
    time_entry_add(ticket=ticket, agent=world.agent, minutes=30, description="Checked")
    few = queries()
    for n in range(12):
        mine = open_ticket(world, f"Mine {n}")
        open_ticket(world, f"Theirs {n}", requester=world.other_member)
        TicketFactory(organisation=world.org, requester=world.other_member, closed=True)
        time_entry_add(ticket=mine, agent=world.agent, minutes=30, description="Checked")
        make_resource(world.org, name=f"Access switch {n}")
    response = client_for(world.agent).get(context_url(ticket))
    body = response.content.decode()
    for card in ("ctx-contract-title", "ctx-sla-title", "ctx-resources-title"):
        assert f'id="{card}"' in body
    assert queries() == few
