"""Ticket.objects.visible_to: who sees which tickets (the portal's list and pages build on it)."""

import pytest

from accounts.models import Organisation
from tests.factories import PERSONAS, persona
from tests.tickets.factories import TicketFactory
from tickets.models import Ticket, TicketWatcher

# persona -> the tickets they see, of those made in `scene`.
EXPECTED = {
    "manager": {"member's", "colleague's", "watched"},
    "member": {"member's", "watched"},
    "partner": {"member's", "colleague's", "watched"},
    "stray_partner": {"theirs"},
    "outsider": {"theirs"},
    "agent": set(),  # staff work tickets in the admin
    "anonymous": set(),
    "inactive_manager": set(),
}


@pytest.fixture
def scene(world):
    tickets = {
        "member's": TicketFactory(organisation=world.org, requester=world.member),
        "colleague's": TicketFactory(organisation=world.org, requester=world.other_member),
        "watched": TicketFactory(organisation=world.org, requester=world.other_member),
        "theirs": TicketFactory(organisation=world.other_org, requester=world.outsider),
    }
    TicketWatcher.objects.create(ticket=tickets["watched"], user=world.member)
    return {ticket.pk: label for label, ticket in tickets.items()}


def _labels(scene, queryset) -> set[str]:
    return {scene[pk] for pk in queryset.values_list("pk", flat=True)}


@pytest.mark.parametrize("name", PERSONAS)
def test_tickets_visible_to(world, scene, name):
    assert _labels(scene, Ticket.objects.visible_to(persona(world, name))) == EXPECTED[name]


def test_a_member_whose_membership_is_turned_off_sees_not_even_their_own(world, scene):
    world.member.memberships.update(is_active=False)
    assert not Ticket.objects.visible_to(world.member).exists()


def test_an_organisation_narrows_what_is_visible_never_widens_it(world, scene):
    mine = Ticket.objects.visible_to(world.member, organisation=world.org)
    assert _labels(scene, mine) == {"member's", "watched"}
    assert not Ticket.objects.visible_to(world.member, organisation=world.other_org).exists()


def _with_role(organisation, role):
    """`organisation` as accounts.access hands it to views: with the reader's role on it."""
    if role is not None:
        organisation.role = role
    return organisation


@pytest.mark.parametrize("role", [None, "member", "manager", "partner"])
@pytest.mark.parametrize("name", PERSONAS)
def test_the_role_on_an_organisation_picks_a_plan_never_the_tickets(world, scene, name, role):
    # Whatever role the organisation carries, right or wrong, the same tickets.
    user = persona(world, name)
    for organisation, labels in [
        (world.org, EXPECTED[name] - {"theirs"}),
        (world.other_org, EXPECTED[name] & {"theirs"}),
    ]:
        tickets = Ticket.objects.visible_to(user, organisation=_with_role(organisation, role))
        assert _labels(scene, tickets) == labels


@pytest.mark.parametrize("role", [None, "member", "manager"])
def test_turned_off_memberships_and_organisations_hide_tickets_in_either_plan(world, scene, role):
    org = _with_role(world.org, role)
    world.org.memberships.filter(user=world.manager).update(is_active=False)
    assert not Ticket.objects.visible_to(world.manager, organisation=org).exists()
    Organisation.objects.filter(pk=world.org.pk).update(is_active=False)
    assert not Ticket.objects.visible_to(world.member, organisation=org).exists()
    assert not Ticket.objects.visible_to(world.partner, organisation=org).exists()
