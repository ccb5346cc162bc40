"""An agent opens a ticket for a client person, with the portal's rules and events."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from activity.models import Event
from activity.tasks import _dispatch
from notifications.fanout import recipients
from notifications.models import Notification
from sla.models import Kind, TicketClock
from tests.factories import UserFactory
from tests.sla.factories import make_policy
from tickets.models import (
    RequestSection,
    RequestType,
    RequestTypeField,
    Ticket,
    TicketPolicy,
    TicketWatcher,
)
from tickets.states import Priority, Status

ADD = reverse("admin:tickets_ticket_add")


@pytest.fixture
def policy(db):
    targets = dict.fromkeys(Priority.values, (30, 120, 960))
    return make_policy(name="Standard", is_global_default=True, targets=targets)


def data(world, **changes):
    return {
        "organisation": world.org.pk,
        "requester": world.member.pk,
        "subject": "VPN down (by phone)",
        "description": "Diego called: the branch VPN drops every few minutes.",
        "priority": "",
        **changes,
    }


def test_agents_and_supervisors_may_open_a_ticket_others_may_not(client_for, world):
    for person in (world.agent, world.supervisor):
        response = client_for(person).get(ADD)
        assert response.status_code == 200
        assert 'name="organisation"' in response.content.decode()
    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_ticket"))
    assert client_for(viewer).get(ADD).status_code == 403
    assert client_for(viewer).post(ADD, data(world)).status_code == 403
    for client_person in (world.member, world.manager):
        response = client_for(client_person).get(ADD)
        assert response.status_code == 302 and "/login/" in response.url
    assert not Ticket.objects.exists()
    # The queue offers the way in.
    assert (
        ADD
        in client_for(world.agent).get(reverse("admin:tickets_ticket_changelist")).content.decode()
    )


def test_the_organisation_comes_first_then_its_people(client_for, world):
    client = client_for(world.agent)
    first = client.get(ADD).content.decode()
    assert 'name="requester"' not in first and world.org.name in first
    page = client.get(ADD, {"organisation": world.org.pk}).content.decode()
    assert 'name="requester"' in page and 'name="subject"' in page
    assert world.member.email in page and world.manager.email in page
    # People of other organisations and staff are not offered.
    assert world.outsider.email not in page and world.agent.email not in page
    # Choosing the organisation without JavaScript posts it alone: nothing is opened.
    response = client.post(ADD, {"organisation": world.org.pk})
    assert response.status_code == 200 and 'name="requester"' in response.content.decode()
    assert not Ticket.objects.exists()


def test_agent_opens_a_ticket_on_behalf_of_a_client(client_for, world, policy):
    response = client_for(world.agent).post(ADD, data(world, priority=Priority.HIGH))
    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("admin:tickets_ticket_change", args=[ticket.pk])
    assert ticket.organisation == world.org and ticket.requester == world.member
    assert ticket.number.startswith("TKT-") and ticket.status == Status.NEW
    assert ticket.priority == Priority.HIGH
    # The portal's event, with the agent as who did it and for whom.
    event = Event.objects.get(verb="ticket_opened", data__number=ticket.number)
    assert event.actor == world.agent and event.data["on_behalf_of"] == str(world.member)
    assert not event.is_internal
    # Clocks start as for a ticket the client opened.
    assert set(TicketClock.objects.filter(ticket=ticket).values_list("kind", flat=True)) == set(
        Kind.values
    )
    ticket.refresh_from_db()
    assert ticket.sla_due_at is not None


def test_the_requester_and_the_team_are_notified_not_the_agent(client_for, world):
    client_for(world.agent).post(ADD, data(world))
    event = Event.objects.get(verb="ticket_opened")
    _dispatch(event.pk)
    notified = set(Notification.objects.filter(event=event).values_list("user_id", flat=True))
    assert {u.pk for u in recipients(event)} == {world.member.pk, world.supervisor.pk}
    assert notified == {world.member.pk, world.supervisor.pk}


def test_the_agents_priority_stands_where_clients_may_not_choose(client_for, world):
    TicketPolicy.objects.create(organisation=world.org, client_sets_priority=False)
    client = client_for(world.agent)
    client.post(ADD, data(world, priority=Priority.CRITICAL))
    client.post(ADD, data(world, subject="No priority given"))
    chosen, by_rules = Ticket.objects.order_by("pk")
    assert chosen.priority == Priority.CRITICAL
    assert by_rules.priority == Priority.MEDIUM  # no rule: the default


def test_request_type_fields_watchers_and_rules_are_the_portals(client_for, world):
    section = RequestSection.objects.create(name="Incidents")
    slow = RequestType.objects.create(section=section, name="Slow link", default_priority="low")
    RequestTypeField.objects.create(request_type=slow, key="speed", label="Speed", required=True)
    client = client_for(world.agent)

    page = client.get(ADD, {"organisation": world.org.pk, "request_type": slow.pk})
    assert 'name="extra_speed"' in page.content.decode()
    missing = client.post(ADD, data(world, request_type=slow.pk))
    assert missing.status_code == 200 and not Ticket.objects.exists()
    assert "extra_speed" in missing.context["adminform"].form.errors

    client.post(
        ADD,
        data(world, request_type=slow.pk, extra_speed="3 Mb/s", watchers=[world.manager.pk]),
    )
    ticket = Ticket.objects.get()
    assert ticket.request_type == slow and ticket.priority == Priority.LOW
    assert ticket.extra == {"speed": {"label": "Speed", "value": "3 Mb/s"}}
    watcher = TicketWatcher.objects.get(ticket=ticket)
    assert watcher.user == world.manager and watcher.added_by == world.agent


@pytest.mark.parametrize(
    "bad",
    [
        "other_requester",
        "staff_requester",
        "foreign_request_type",
        "no_subject",
        "unknown_priority",
    ],
)
def test_bad_input_is_told_and_nothing_is_opened(client_for, world, bad):
    section = RequestSection.objects.create(name="Special")
    private = RequestType.objects.create(section=section, name="Only for Other Co")
    private.organisations.add(world.other_org)
    changes = {
        "other_requester": {"requester": world.outsider.pk},
        "staff_requester": {"requester": world.agent.pk},
        "foreign_request_type": {"request_type": private.pk},
        "no_subject": {"subject": "  "},
        "unknown_priority": {"priority": "urgent!!"},
    }[bad]
    response = client_for(world.agent).post(ADD, data(world, **changes))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert "errornote" in response.content.decode()
    assert not Ticket.objects.exists() and not Event.objects.filter(verb="ticket_opened").exists()


@pytest.mark.parametrize("value", ["²", "\x00", "99999999999999999999", "-1", "abc"])
def test_made_up_organisation_or_request_type_never_break_the_form(client_for, world, value):
    client = client_for(world.agent)
    for params in ({"organisation": value}, {"organisation": world.org.pk, "request_type": value}):
        assert client.get(ADD, params).status_code == 200, params
        assert client.post(ADD, {**data(world), **params}).status_code == 200, params
    assert not Ticket.objects.exists()
