"""Who chooses the followers of a ticket: its requester, managers and the partner."""

import pytest
from django.urls import reverse

from tests.factories import member_of
from tests.tickets.factories import open_ticket
from tickets import services


@pytest.fixture
def ticket(world):
    ticket = open_ticket(world, "Payroll", description="private")
    services.watcher_add(ticket=ticket, user=world.other_member, by=world.member)
    return ticket


@pytest.fixture
def colleague(world):
    return member_of(world.org, email="colleague@andes.test")


def _add(client, ticket, user):
    return client.post(reverse("tickets:watcher_add", args=[ticket.number]), {"user": user.pk})


def _remove(client, ticket, user):
    return client.post(reverse("tickets:watcher_remove", args=[ticket.number, user.pk]))


def _watchers(ticket):
    return set(ticket.watchers.values_list("user__email", flat=True))


def test_a_watcher_cannot_add_colleagues_to_someone_elses_ticket(client, world, ticket, colleague):
    client.force_login(world.other_member)
    assert _add(client, ticket, colleague).status_code == 404
    assert _watchers(ticket) == {world.other_member.email}


def test_a_watcher_cannot_remove_other_watchers(client, world, ticket, colleague):
    services.watcher_add(ticket=ticket, user=colleague, by=world.member)
    client.force_login(world.other_member)
    assert _remove(client, ticket, colleague).status_code == 404
    assert colleague.email in _watchers(ticket)


def test_a_watcher_may_stop_following(client, world, ticket):
    client.force_login(world.other_member)
    assert _remove(client, ticket, world.other_member).status_code == 302
    assert _watchers(ticket) == set()


@pytest.mark.parametrize("persona", ["member", "manager", "partner"])
def test_requester_manager_and_partner_manage_watchers(client, world, ticket, colleague, persona):
    client.force_login(getattr(world, persona))
    assert _add(client, ticket, colleague).status_code == 302
    assert colleague.email in _watchers(ticket)
    assert _remove(client, ticket, world.other_member).status_code == 302
    assert _watchers(ticket) == {colleague.email}


def test_the_page_offers_a_watcher_only_their_own_removal(client, world, ticket, colleague):
    services.watcher_add(ticket=ticket, user=colleague, by=world.member)
    client.force_login(world.other_member)
    body = client.get(reverse("tickets:detail", args=[ticket.number])).content.decode()
    assert f'action="{reverse("tickets:watcher_add", args=[ticket.number])}"' not in body
    assert reverse("tickets:watcher_remove", args=[ticket.number, colleague.pk]) not in body
    assert reverse("tickets:watcher_remove", args=[ticket.number, world.other_member.pk]) in body
    client.force_login(world.member)  # positive control: the requester gets both
    body = client.get(reverse("tickets:detail", args=[ticket.number])).content.decode()
    assert f'action="{reverse("tickets:watcher_add", args=[ticket.number])}"' in body
    assert reverse("tickets:watcher_remove", args=[ticket.number, colleague.pk]) in body
