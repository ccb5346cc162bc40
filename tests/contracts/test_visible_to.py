"""Contract.objects.visible_to and Service.objects.visible_to: who sees which rows."""

from datetime import date

import pytest

from contracts.models import Contract, Service
from tests.factories import PERSONAS, persona

# persona -> the organisations whose contracts (hours and prices) they see.
CONTRACTS = {
    "manager": {"org"},
    "member": set(),  # manager information, even in one's own organisation
    "partner": {"org"},
    "stray_partner": {"other_org"},
    "outsider": {"other_org"},
    "agent": set(),  # staff read contracts in the admin
    "anonymous": set(),
    "inactive_manager": set(),
}
# Services: as contracts, and a member sees their organisation's (the new-ticket form).
SERVICES = {**CONTRACTS, "member": {"org"}}


@pytest.fixture
def rows(world):
    for org in (world.org, world.other_org):
        Contract.objects.create(organisation=org, name=org.slug, start_date=date(2026, 1, 1))
        Service.objects.create(organisation=org, name=org.slug)


def _orgs(world, queryset) -> set[str]:
    names = {world.org.pk: "org", world.other_org.pk: "other_org"}
    return {names[row.organisation_id] for row in queryset}


@pytest.mark.parametrize("name", PERSONAS)
def test_contracts_visible_to(world, rows, name):
    assert _orgs(world, Contract.objects.visible_to(persona(world, name))) == CONTRACTS[name]


@pytest.mark.parametrize("name", PERSONAS)
def test_services_visible_to(world, rows, name):
    assert _orgs(world, Service.objects.visible_to(persona(world, name))) == SERVICES[name]


@pytest.mark.parametrize("model", [Contract, Service])
def test_an_organisation_narrows_what_is_visible_never_widens_it(world, rows, model):
    mine = model.objects.visible_to(world.manager, organisation=world.org)
    assert _orgs(world, mine) == {"org"}
    assert not model.objects.visible_to(world.manager, organisation=world.other_org).exists()


def test_a_partner_no_longer_assigned_sees_nothing(world, rows):
    world.partner.partner.assignments.all().delete()
    assert not Contract.objects.visible_to(world.partner).exists()
    assert not Service.objects.visible_to(world.partner).exists()


def test_an_inactive_organisation_shows_nothing(world, rows):
    world.org.is_active = False
    world.org.save(update_fields=["is_active"])
    assert not Contract.objects.visible_to(world.manager).exists()
    assert not Service.objects.visible_to(world.member).exists()
