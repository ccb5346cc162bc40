"""Odd input and scope on the resources' surfaces, found in review."""

import pytest
from django.urls import reverse

from inventory.models import Kind, TicketResource
from tests.inventory.factories import make_resource


def _new_ticket(world, **extra):
    data = {
        "organisation": world.org.pk,
        "subject": "Odd",
        "description": "x",
        "priority": "medium",
    }
    data.update(extra)
    return data


@pytest.mark.parametrize("value", ["²", "99999999999999999999"])
def test_an_odd_resource_id_on_the_new_ticket_form_is_refused_not_a_500(world, client_for, value):
    make_resource(world.org, Kind.SWITCH, name="Core switch")
    response = client_for(world.member).post(
        reverse("tickets:create"), _new_ticket(world, **{"inventory-resources": [value]})
    )
    assert response.status_code == 400
    assert not world.org.tickets.filter(subject="Odd").exists()
    assert not TicketResource.objects.exists()


# CSV import ------------------------------------------------------------------------------


def _plan(world, row):
    from inventory import csvio

    return csvio.plan(f"organisation,kind,name,price,currency,price_period\n{row}\n")


@pytest.mark.parametrize("price", ["1e30", "1e400", "NaN", "-Infinity"])
def test_an_odd_price_in_the_csv_rejects_its_row_not_a_500(world, price):
    from inventory import csvio

    plan = _plan(world, f"{world.org.slug},switch,Core switch,{price},EUR,monthly")
    assert [row.outcome for row in plan.rows] == [csvio.REJECT]
    assert plan.rows[0].messages


def test_a_nul_in_a_csv_cell_rejects_its_row_not_a_500(world):
    from inventory import csvio
    from inventory.models import Resource

    plan = _plan(world, f"{world.org.slug},switch,Core\x00switch,,,")
    assert [row.outcome for row in plan.rows] == [csvio.REJECT]
    csvio.apply(plan, by=None)
    assert not Resource.objects.exists()


def test_a_nul_in_the_organisation_cell_rejects_its_row_not_a_500(world):
    from inventory import csvio

    plan = _plan(world, "an\x00des,switch,Core switch,,,")
    assert [row.outcome for row in plan.rows] == [csvio.REJECT]


# The staff's history -----------------------------------------------------------------------


def _history_queries(client, resource):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse("admin:inventory_resource_change", args=[resource.pk])
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_admins_history_reads_as_many_queries_with_many_changes(world, client_for):
    from contracts.models import Service
    from inventory import services

    services_ = [Service.objects.create(organisation=world.org, name=f"S{i}") for i in range(12)]
    resource = make_resource(world.org, Kind.SWITCH, name="Core switch", by=world.agent)
    client = client_for(world.agent)
    resource.service = services_[0]
    services.resource_save(resource=resource, by=world.agent)
    _history_queries(client, resource)  # the first visit fills per-process caches
    few = _history_queries(client, resource)
    for service in services_[1:]:
        resource.service = service
        services.resource_save(resource=resource, by=world.agent)
    assert _history_queries(client, resource) == few
    page = client.get(reverse("admin:inventory_resource_change", args=[resource.pk]))
    assert "S10 → S11" in page.content.decode().replace("</div>", "")


def test_a_price_without_its_currency_is_refused_in_words_a_client_of_staff_reads(world):
    from decimal import Decimal

    from django.core.exceptions import ValidationError

    from inventory import services
    from inventory.models import Resource

    resource = Resource(
        organisation=world.org, kind=Kind.OTHER, name="X", price=Decimal(5), price_period="monthly"
    )
    with pytest.raises(ValidationError) as refused:
        services.resource_save(resource=resource)
    assert not any("inventory_priced_with_currency" in m for m in refused.value.messages), (
        refused.value.messages
    )
