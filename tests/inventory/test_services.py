"""Saving resources: checks, history, events; ticket links; expiry warnings exactly once."""

import threading
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import translation

from activity.models import Event
from contracts.models import Service
from inventory import services
from inventory.models import ExpiryWarning, Kind, Resource, ResourceChange, Status, TicketResource
from tests.factories import OrganisationFactory
from tests.inventory.factories import make_resource
from tests.tickets.factories import open_ticket

TODAY = date(2026, 12, 5)


def _refused(resource, language="en"):
    before = (Resource.objects.count(), ResourceChange.objects.count(), Event.objects.count())
    with translation.override(language), pytest.raises(ValidationError) as caught:
        services.resource_save(resource=resource)
    after = (Resource.objects.count(), ResourceChange.objects.count(), Event.objects.count())
    assert after == before
    return caught.value.message_dict


def test_a_new_resource_is_numbered_and_its_history_begins(world):
    resource = make_resource(world.org, Kind.IP_BLOCK, by=world.agent, name="Block")
    assert resource.number.startswith("RES-")
    assert resource.network == "203.0.113.0/24"
    change = resource.changes.get()
    assert change.by == world.agent
    assert change.fields["name"] == [None, "Block"]
    assert change.status_after == Status.ACTIVE
    # Being added is not a status change the client is told of.
    assert not Event.objects.filter(verb="resource_status_changed").exists()


def test_a_change_records_each_field_before_and_after(world):
    resource = make_resource(world.org, Kind.SWITCH, site="Santiago")
    resource.site = "Valparaíso"
    resource.details = {**resource.details, "firmware": "17.9"}
    changes = services.resource_save(resource=resource, by=world.agent)
    assert changes == {"site": ["Santiago", "Valparaíso"], "details.firmware": [None, "17.9"]}
    assert resource.changes.count() == 2
    # Saving again without a change writes nothing.
    assert services.resource_save(resource=resource, by=world.agent) == {}
    assert resource.changes.count() == 2


@pytest.mark.parametrize("status", [Status.FAULTY, Status.MAINTENANCE, Status.RETIRED])
def test_faults_maintenance_and_retirement_are_events_of_the_organisation(world, status):
    resource = make_resource(world.org, Kind.ROUTER, name="Edge router", price=100)
    resource.status = status
    services.resource_save(resource=resource, by=world.agent)
    event = Event.objects.get(verb="resource_status_changed")
    assert event.organisation == world.org
    assert event.data == {
        "resource": resource.number,
        "name": "Edge router",
        "kind": "router",
        "status": status,
    }
    # Prices never enter what a feed or a message reads.
    assert "price" not in str(event.data) and "100" not in str(event.data)
    change = resource.changes.first()
    assert (change.status_before, change.status_after) == (Status.ACTIVE, status)


def test_retiring_dates_the_retirement(world):
    resource = make_resource(world.org)
    resource.status = Status.RETIRED
    services.resource_save(resource=resource)
    resource.refresh_from_db()
    assert resource.retired_on is not None


def test_back_to_active_is_history_but_not_an_event(world):
    resource = make_resource(world.org, status=Status.MAINTENANCE)
    resource.status = Status.ACTIVE
    services.resource_save(resource=resource)
    assert resource.changes.first().status_after == Status.ACTIVE
    assert not Event.objects.filter(verb="resource_status_changed").exists()


def test_overlapping_blocks_are_refused_within_an_organisation(world):
    first = make_resource(world.org, Kind.IP_BLOCK, details={"cidr": "203.0.113.0/24"})
    errors = _refused(
        Resource(
            organisation=world.org,
            kind=Kind.IP_BLOCK,
            name="b",
            details={"cidr": "203.0.113.128/25"},
        )
    )
    assert errors["cidr"] == [
        f"203.0.113.128/25 overlaps 203.0.113.0/24 ({first.number}, {first.name})."
    ]
    # IPv6 too; and the same network in another organisation is no conflict.
    make_resource(world.org, Kind.IP_BLOCK, details={"cidr": "2001:db8::/48"})
    assert "cidr" in _refused(
        Resource(
            organisation=world.org,
            kind=Kind.IP_BLOCK,
            name="c",
            details={"cidr": "2001:db8:0:1::/64"},
        )
    )
    make_resource(world.other_org, Kind.IP_BLOCK, details={"cidr": "203.0.113.0/24"})


def test_a_retired_block_no_longer_holds_its_addresses(world):
    block = make_resource(world.org, Kind.IP_BLOCK, details={"cidr": "198.51.100.0/24"})
    block.status = Status.RETIRED
    services.resource_save(resource=block)
    again = make_resource(world.org, Kind.IP_BLOCK, details={"cidr": "198.51.100.0/25"})
    assert again.pk


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"price": Decimal("-1"), "currency": "EUR", "price_period": "monthly"}, "price"),
        ({"price": Decimal("10"), "currency": "", "price_period": "monthly"}, "currency"),
        ({"price": Decimal("10"), "currency": "euro", "price_period": "monthly"}, "currency"),
        ({"price": Decimal("10"), "currency": "EUR", "price_period": ""}, "price_period"),
        ({"details": {"cidr": "10.0.0.1/8"}, "kind": Kind.IP_BLOCK}, "cidr"),
        ({"details": {"common_name": "x.test"}, "kind": Kind.SSL_CERTIFICATE}, "expires_on"),
        ({"assigned_on": date(2026, 5, 1), "retired_on": date(2026, 1, 1)}, "retired_on"),
    ],
)
def test_bad_values_are_refused_and_nothing_is_saved(world, fields, field):
    fields.setdefault("kind", Kind.SWITCH)
    assert field in _refused(Resource(organisation=world.org, name="Bad", **fields))


def test_a_refusal_speaks_the_readers_language(world):
    errors = _refused(
        Resource(
            organisation=world.org,
            kind=Kind.SWITCH,
            name="x",
            price=Decimal("-5"),
            currency="EUR",
            price_period="monthly",
        ),
        language="es",
    )
    assert errors["price"] == ["Asegúrese de que este valor es mayor o igual a 0."]


def test_a_service_of_another_organisation_is_refused(world):
    theirs = Service.objects.create(organisation=world.other_org, name="Their line")
    assert "service" in _refused(
        Resource(organisation=world.org, kind=Kind.SWITCH, name="x", service=theirs)
    )


def test_asset_tags_are_unique_within_an_organisation(world):
    make_resource(world.org, asset_tag="A-1")
    errors = _refused(Resource(organisation=world.org, kind=Kind.SWITCH, name="x", asset_tag="A-1"))
    assert errors["__all__"] == ["Another resource of this organisation has this tag."]
    make_resource(world.other_org, asset_tag="A-1")
    assert Resource.objects.filter(asset_tag="A-1").count() == 2


# Tickets ------------------------------------------------------------------------------------


def test_a_ticket_names_only_its_own_organisations_resources(world):
    ticket = open_ticket(world)
    ours, theirs = make_resource(world.org), make_resource(world.other_org)
    services.ticket_resources_add(ticket=ticket, resources=[ours], by=world.member)
    services.ticket_resources_add(ticket=ticket, resources=[ours], by=world.member)
    assert list(
        TicketResource.objects.filter(ticket=ticket).values_list("resource", flat=True)
    ) == [ours.pk]
    with pytest.raises(ValidationError):
        services.ticket_resources_add(ticket=ticket, resources=[theirs], by=world.member)
    with pytest.raises(ValidationError):
        services.ticket_resources_set(ticket=ticket, resources=[ours, theirs], by=world.agent)
    assert TicketResource.objects.filter(ticket=ticket).count() == 1


def test_an_agent_sets_the_whole_list(world):
    ticket = open_ticket(world)
    a, b, c = (make_resource(world.org) for _ in range(3))
    services.ticket_resources_set(ticket=ticket, resources=[a, b], by=world.agent)
    services.ticket_resources_set(ticket=ticket, resources=[b, c], by=world.agent)
    assert set(ticket.resource_links.values_list("resource", flat=True)) == {b.pk, c.pk}


# Expiry -------------------------------------------------------------------------------------


def _expiring(org, days, kind=Kind.SSL_CERTIFICATE, **fields):
    details = {
        Kind.SSL_CERTIFICATE: {"common_name": "www.andes.test"},
        Kind.LICENCE: {"product": "Office"},
        Kind.DOMAIN: {"domain": "andes.test"},
    }[kind]
    details["expires_on"] = (TODAY + timedelta(days=days)).isoformat()
    return make_resource(org, kind, details=details, **fields)


def test_each_threshold_is_warned_of_once(world):
    certificate = _expiring(world.org, 40)
    assert services.expiry_sweep(TODAY) == 0
    assert services.expiry_sweep(TODAY + timedelta(days=10)) == 1  # 30 days left
    assert services.expiry_sweep(TODAY + timedelta(days=11)) == 0
    assert services.expiry_sweep(TODAY + timedelta(days=33)) == 1  # 7 days left
    assert services.expiry_sweep(TODAY + timedelta(days=41)) == 1  # expired
    assert services.expiry_sweep(TODAY + timedelta(days=60)) == 0
    verbs = list(Event.objects.order_by("pk").values_list("verb", "data__days"))
    assert verbs == [
        ("resource_expires_soon", 30),
        ("resource_expires_soon", 7),
        ("resource_expired", -1),
    ]
    assert set(ExpiryWarning.objects.values_list("threshold", flat=True)) == {"30", "7", "expired"}
    # A renewal starts afresh.
    certificate.details = {**certificate.details, "expires_on": "2028-01-20"}
    services.resource_save(resource=certificate)
    assert services.expiry_sweep(date(2027, 12, 25)) == 1


def test_only_the_most_urgent_threshold_is_sent(world):
    _expiring(world.org, 5, Kind.LICENCE)
    _expiring(world.org, -3, Kind.DOMAIN)
    assert services.expiry_sweep(TODAY) == 2
    assert sorted(Event.objects.values_list("verb", flat=True)) == [
        "resource_expired",
        "resource_expires_soon",
    ]


def test_retired_and_non_expiring_kinds_are_not_warned_of(world):
    _expiring(world.org, 3, status=Status.RETIRED)
    make_resource(world.org, Kind.SWITCH)
    assert services.expiry_sweep(TODAY) == 0


@pytest.mark.django_db(transaction=True)
def test_two_beats_at_once_send_each_warning_once():
    organisation = OrganisationFactory()
    for days in (3, 20, 25, -1):
        _expiring(organisation, days)
    barrier = threading.Barrier(2)
    results, errors = [], []

    def beat():
        try:
            barrier.wait()
            results.append(services.expiry_sweep(TODAY))
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=beat) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sorted(results) == [0, 4]
    assert ExpiryWarning.objects.count() == 4
    assert Event.objects.filter(verb__startswith="resource_expire").count() == 4


def test_the_beat_task_runs_the_sweep(world):
    from inventory.tasks import expiry_sweep

    _expiring(world.org, -2)
    assert expiry_sweep.apply().get() >= 1
    assert expiry_sweep.apply().get() == 0
