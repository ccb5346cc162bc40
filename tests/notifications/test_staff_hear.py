"""Who on the support side hears what, and on which channel by default (issue 10).

Unowned work reaches the supervisors, owned work its agent, loudly; clients
hear of SLA deadlines in the portal only.
"""

import pytest

from activity.models import Event
from activity.services import record_event
from notifications import preferences
from notifications.fanout import fan_out, recipients
from notifications.models import Notification
from tests.tickets.factories import TicketFactory, open_ticket
from tickets import services
from tickets.models import TicketWatcher
from tickets.states import Status

pytestmark = pytest.mark.django_db


def _rows(event):
    return set(Notification.objects.filter(event=event).values_list("user__email", "channel"))


def _sla(world, ticket, verb, kind):
    return record_event(
        organisation=world.org,
        actor=None,
        verb=verb,
        target=ticket,
        visibility="internal" if kind == "acknowledgement" else "public",
        data={
            "number": ticket.number,
            "subject": ticket.subject,
            "kind": kind,
            "due_at": "2026-03-02T12:30:00+00:00",
        },
    )


def _names(world, users):
    return {
        name
        for name in ("manager", "member", "other_member", "agent", "supervisor", "partner")
        if getattr(world, name) in users
    }


def test_an_unowned_tickets_sla_warning_reaches_the_supervisors_too(world):
    ticket = TicketFactory(organisation=world.org, requester=world.member)
    TicketWatcher.objects.create(ticket=ticket, user=world.other_member)

    warning = _sla(world, ticket, "sla_warning", "first_response")

    assert _names(world, recipients(warning)) == {"member", "other_member", "supervisor"}


def test_an_unowned_tickets_acknowledgement_warning_reaches_somebody(world):
    ticket = TicketFactory(organisation=world.org, requester=world.member)

    warning = _sla(world, ticket, "sla_warning", "acknowledgement")

    # Internal: never the client, and without an owner the supervisors.
    assert recipients(warning) == [world.supervisor]


def test_an_owned_tickets_warning_reaches_its_agent_not_the_supervisors(world):
    ticket = TicketFactory(organisation=world.org, requester=world.member, assignee=world.agent)

    assert recipients(_sla(world, ticket, "sla_warning", "acknowledgement")) == [world.agent]
    assert _names(world, recipients(_sla(world, ticket, "sla_warning", "resolution"))) == {
        "member",
        "agent",
    }


def test_sla_warnings_e_mail_staff_and_stay_in_the_portal_for_clients(world):
    ticket = TicketFactory(organisation=world.org, requester=world.member)

    warning = _sla(world, ticket, "sla_warning", "first_response")
    fan_out(warning)

    assert _rows(warning) == {
        (world.member.email, "portal"),
        (world.supervisor.email, "portal"),
        (world.supervisor.email, "email"),
    }
    breach = _sla(world, ticket, "sla_breached", "first_response")
    fan_out(breach)
    assert _rows(breach) == {
        (world.member.email, "portal"),
        (world.supervisor.email, "portal"),
        (world.supervisor.email, "email"),
    }


def test_the_defaults_per_side():
    assert not preferences.default("sla", "email")
    assert preferences.default("sla", "portal")
    assert preferences.default("sla", "email", staff=True)
    assert preferences.default("ticket_replied", "email", staff=True)
    assert preferences.default("ticket_updated", "email", staff=True)
    assert not preferences.default("ticket_replied", "email")
    # What clients were e-mailed about before stays e-mailed.
    for kind in ("ticket_opened", "ticket_escalated", "ticket_resolved", "ticket_closed"):
        assert preferences.default(kind, "email")
        assert preferences.default(kind, "email", staff=True)


def test_a_client_reply_and_reopening_e_mail_the_assigned_agent(world, dispatch):
    ticket = open_ticket(world)
    services.ticket_assign(ticket=ticket, assignee=world.agent, by=world.supervisor)
    services.comment_add(ticket=ticket, author=world.agent, body="Restart the router, please.")
    services.ticket_transition(ticket=ticket, to=Status.RESOLVED, by=world.agent)
    dispatch()

    services.comment_add(ticket=ticket, author=world.member, body="It is down again.")
    dispatch()

    replied = Event.objects.filter(verb="ticket_replied").latest("pk")
    reopened = Event.objects.get(verb="ticket_reopened")
    assert _rows(replied) == {(world.agent.email, "portal"), (world.agent.email, "email")}
    assert _rows(reopened) == {(world.agent.email, "portal"), (world.agent.email, "email")}
    # The control: the agent's own reply e-mailed nobody on the staff side.
    agent_reply = Event.objects.filter(verb="ticket_replied").earliest("pk")
    assert (world.member.email, "portal") in _rows(agent_reply)
    assert not {row for row in _rows(agent_reply) if row[0].endswith("@support.test")}


def test_a_client_reply_on_an_unowned_ticket_reaches_the_supervisors(world, dispatch):
    ticket = open_ticket(world)
    services.comment_add(ticket=ticket, author=world.member, body="Any news?")
    services.comment_add(ticket=ticket, author=world.agent, body="Looking now.")
    dispatch()

    client_reply, agent_reply = Event.objects.filter(verb="ticket_replied").order_by("pk")
    assert recipients(client_reply) == [world.supervisor]
    assert _rows(client_reply) == {
        (world.supervisor.email, "portal"),
        (world.supervisor.email, "email"),
    }
    # An agent answering an unowned ticket is not news for the supervisors.
    assert world.supervisor not in recipients(agent_reply)
    assert world.member in recipients(agent_reply)


def _bank(world, verb):
    return record_event(
        organisation=world.org,
        actor=None,
        verb=verb,
        data={"contract": "Soporte 2026", "used": 10, "allowance": 10},
    )


def test_an_exhausted_hours_bank_reaches_the_supervisors_by_e_mail(world):
    full = _bank(world, "hours_bank_100")
    fan_out(full)

    assert _names(world, recipients(full)) == {"manager", "supervisor"}
    assert (world.supervisor.email, "email") in _rows(full)
    assert world.agent not in recipients(full)
    # 80 % is the client's heads-up to buy more hours: still the managers only.
    assert _names(world, recipients(_bank(world, "hours_bank_80"))) == {"manager"}


def test_supervisors_can_choose_about_the_hours_bank_agents_are_not_offered_it(world):
    def keys(user):
        return {kind.key for kind in preferences.kinds_for(user)}

    assert "hours_bank" in keys(world.supervisor)
    assert "hours_bank" not in keys(world.agent)
    assert "team" not in keys(world.supervisor)


def test_the_supervisors_message_leads_to_the_contract_in_the_admin(world):
    from notifications.render import render
    from tests.contracts.factories import ContractFactory

    contract = ContractFactory(organisation=world.org, name="Support 2026")
    full = record_event(
        organisation=world.org,
        actor=None,
        verb="hours_bank_100",
        target=contract,
        data={"contract": contract.name, "used": 10, "allowance": 10},
    )

    assert render(full, world.supervisor).path == f"/admin/contracts/contract/{contract.pk}/change/"
    assert render(full, world.manager).path == f"/contracts/{contract.pk}/"
