"""Membership.objects.visible_to and Invitation.objects.visible_to: the team page's rows."""

import pytest

from accounts.models import Invitation, Membership
from tests.factories import PERSONAS, InvitationFactory, persona

# persona -> the organisations whose people (memberships, invitations) they see:
# the organisations they manage. Members and partners have no team page.
TEAM = {
    "manager": {"org"},
    "member": set(),
    "partner": set(),
    "stray_partner": set(),
    "outsider": {"other_org"},
    "agent": set(),  # staff manage people in the admin
    "anonymous": set(),
    "inactive_manager": set(),
}


@pytest.fixture
def invitations(world):
    InvitationFactory(organisation=world.org, invited_by=world.manager)
    InvitationFactory(organisation=world.other_org, invited_by=world.outsider)


def _orgs(world, queryset) -> set[str]:
    names = {world.org.pk: "org", world.other_org.pk: "other_org"}
    return {names[row.organisation_id] for row in queryset}


@pytest.mark.parametrize("name", PERSONAS)
def test_memberships_visible_to(world, name):
    assert _orgs(world, Membership.objects.visible_to(persona(world, name))) == TEAM[name]


@pytest.mark.parametrize("name", PERSONAS)
def test_invitations_visible_to(world, invitations, name):
    assert _orgs(world, Invitation.objects.visible_to(persona(world, name))) == TEAM[name]


def test_a_manager_sees_every_membership_of_the_organisation_even_turned_off(world):
    Membership.objects.filter(user=world.other_member).update(is_active=False)
    seen = set(Membership.objects.visible_to(world.manager).values_list("user_id", flat=True))
    assert seen == {world.manager.pk, world.member.pk, world.other_member.pk}


@pytest.mark.parametrize("model", [Membership, Invitation])
def test_an_organisation_narrows_what_is_visible_never_widens_it(world, invitations, model):
    assert _orgs(world, model.objects.visible_to(world.manager, organisation=world.org)) == {"org"}
    assert not model.objects.visible_to(world.manager, organisation=world.other_org).exists()


def test_a_member_made_manager_sees_the_team(world, invitations):
    Membership.objects.filter(user=world.member).update(role="manager")
    assert _orgs(world, Membership.objects.visible_to(world.member)) == {"org"}
    assert _orgs(world, Invitation.objects.visible_to(world.member)) == {"org"}
