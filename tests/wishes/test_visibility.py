"""Wish.objects.visible_to(user, organisation=): who reads which wish.

A member reads the organisation's shared wishes and their own; a manager and an
assigned partner every wish of the organisation; a draft is its author's alone;
staff read wishes in the admin, never through it.
"""

import pytest

from accounts.models import Membership, Role
from tests.factories import PERSONAS, persona
from tests.wishes.factories import WishFactory
from wishes.models import Wish
from wishes.states import WishStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def wishes(world):
    """world.org's wishes of each kind, and one of another organisation."""

    def make(name, author, **fields):
        return WishFactory(organisation=world.org, author=author, title=name, **fields)

    return {
        "shared": make("shared", world.other_member),
        "mine": make("mine", world.member),
        "private": make("private", world.other_member, visible_to_organisation=False),
        "my private": make("my private", world.member, visible_to_organisation=False),
        "my draft": make("my draft", world.member, status=WishStatus.DRAFT),
        "their draft": make("their draft", world.other_member, status=WishStatus.DRAFT),
        "manager's draft": make("manager's draft", world.manager, status=WishStatus.DRAFT),
        "refused": make("refused", world.other_member, status=WishStatus.NOT_ACCEPTED),
        "done": make("done", world.manager, status=WishStatus.DONE),
        "elsewhere": WishFactory(
            organisation=world.other_org, author=world.outsider, title="elsewhere"
        ),
    }


ORG_WIDE = {"shared", "mine", "private", "my private", "refused", "done"}
EXPECTED = {
    "member": {"shared", "mine", "my private", "my draft", "refused", "done"},
    "manager": ORG_WIDE | {"manager's draft"},
    "partner": ORG_WIDE,
    "stray_partner": {"elsewhere"},  # assigned to the other organisation only
    "outsider": {"elsewhere"},
    "agent": set(),
    "anonymous": set(),
    "inactive_manager": set(),
}


def _titles(queryset):
    return set(queryset.values_list("title", flat=True))


@pytest.mark.parametrize("name", PERSONAS)
def test_who_reads_which_wish(world, wishes, name):
    user = persona(world, name)
    assert _titles(Wish.objects.visible_to(user)) == EXPECTED[name]


@pytest.mark.parametrize("name", PERSONAS)
def test_narrowed_to_the_organisation_they_act_for(world, wishes, name):
    user = persona(world, name)
    assert _titles(Wish.objects.visible_to(user, organisation=world.org)) == (
        EXPECTED[name] - {"elsewhere"}
    )
    assert _titles(Wish.objects.visible_to(user, organisation=world.other_org)) == (
        EXPECTED[name] & {"elsewhere"}
    )


def test_a_member_of_two_organisations_reads_each_as_its_role_says(world, wishes):
    # world.member is a manager of the other organisation: there, every shared
    # wish and the private ones too, still no one else's draft.
    Membership.objects.create(user=world.member, organisation=world.other_org, role=Role.MANAGER)
    private = WishFactory(
        organisation=world.other_org,
        author=world.outsider,
        title="their private",
        visible_to_organisation=False,
    )
    WishFactory(
        organisation=world.other_org,
        author=world.outsider,
        title="their draft elsewhere",
        status=WishStatus.DRAFT,
    )
    assert _titles(Wish.objects.visible_to(world.member, organisation=world.other_org)) == {
        "elsewhere",
        private.title,
    }
    assert (
        _titles(Wish.objects.visible_to(world.member, organisation=world.org))
        == (EXPECTED["member"])
    )


def test_a_member_who_left_reads_nothing_not_even_their_own(world, wishes):
    Membership.objects.filter(user=world.member).update(is_active=False)
    assert not Wish.objects.visible_to(world.member).exists()


def test_a_deactivated_organisation_is_read_by_nobody(world, wishes):
    world.org.is_active = False
    world.org.save(update_fields=["is_active"])
    for name in ("member", "manager", "partner"):
        assert not Wish.objects.visible_to(getattr(world, name)).exists(), name


def test_a_partner_no_longer_assigned_reads_nothing(world, wishes):
    world.partner.partner.assignments.all().delete()
    assert not Wish.objects.visible_to(world.partner).exists()


def test_every_status_but_draft_is_read_by_the_organisation(world):
    for status in WishStatus.values:
        WishFactory(organisation=world.org, author=world.other_member, status=status)
    seen = set(Wish.objects.visible_to(world.member).values_list("status", flat=True))
    assert seen == set(WishStatus.values) - {WishStatus.DRAFT}
