"""A managed resource's page shows its measurements (a diagnostics widget of page "resource")."""

from django.utils import timezone

from diagnostics.models import Measurement, OrganisationRules
from diagnostics.services import _next_number
from inventory.models import Kind
from tests.inventory.factories import make_resource


def _measurement(world, target, *, shared=True):
    return Measurement.objects.create(
        number=_next_number(timezone.now()),
        organisation=world.org,
        requested_by=world.manager,
        kind="ping",
        target=target,
        shared=shared,
        definition={"type": "ping", "af": 4, "target": target},
        atlas_id=5000 + Measurement.objects.count(),
        api_key_name="default",
    )


def test_a_blocks_page_shows_the_measurements_of_its_addresses(world, client_for):
    block = make_resource(world.org, Kind.IP_BLOCK, details={"cidr": "200.54.120.0/24"})
    inside = _measurement(world, "200.54.120.9")
    outside = _measurement(world, "200.54.121.9")
    internal = _measurement(world, "200.54.120.10", shared=False)
    page = client_for(world.manager).get(block.get_absolute_url()).content.decode()
    assert inside.number in page
    assert outside.number not in page and internal.number not in page
    # Clients who may not run measurements are not offered one.
    assert "Measure it" not in page


def test_a_hosts_page_offers_to_measure_it_when_the_organisation_may(world, client_for):
    OrganisationRules.objects.create(organisation=world.org, clients_may_run=True)
    switch = make_resource(world.org, Kind.SWITCH, details={"management_address": "sw1.andes.test"})
    _measurement(world, "SW1.andes.test")
    page = client_for(world.member).get(switch.get_absolute_url()).content.decode()
    assert "/diagnostics/?target=sw1.andes.test" in page
    form = client_for(world.member).get("/diagnostics/?target=sw1.andes.test").content.decode()
    assert 'value="sw1.andes.test"' in form


def test_a_resource_without_a_host_has_no_panel(world, client_for):
    licence = make_resource(world.org, Kind.LICENCE)
    page = client_for(world.manager).get(licence.get_absolute_url()).content.decode()
    assert "Network measurements" not in page
