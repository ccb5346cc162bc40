"""The resource list and a resource's page read as many queries whatever they show.

The list with 5 resources and with 60 (more than a page of 50, of every kind, with
services, sites, prices and expiry dates), for a manager (prices and the monthly costs)
and for a member; a resource's page with one ticket and one status change and with
ten of each. Each count is of the second request, the caches warm as a server has them.
"""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from contracts.models import Service
from inventory import services
from inventory.models import Resource, Status
from tests.tickets.factories import open_ticket

pytestmark = pytest.mark.django_db

SITES = ["Casa matriz", "Valparaíso", "Bodega"]
PRICES = [
    (Decimal("120.00"), "USD", "monthly"),
    (Decimal("90000"), "CLP", "yearly"),
    (Decimal("450.50"), "USD", "one_off"),
    (None, "", ""),
]


def _details(kind: str, i: int) -> dict:
    soon = timezone.localdate() + timedelta(days=5 + i % 50)
    return {
        "router": {"vendor": "Huawei", "model": "AR6140", "management_address": f"10.0.{i}.1"},
        "virtual_machine": {"vcpu": 2, "ram_gb": 4, "os": "Debian 12", "addresses": "10.9.0.5"},
        "licence": {"product": "Microsoft 365 E3", "seats": 10, "expires_on": soon},
        "ssl_certificate": {"common_name": f"www{i}.andes.example", "expires_on": soon},
        "ip_block": {"cidr": f"10.{100 + i}.0.0/24"},
        "domain": {"domain": f"andes{i}.example", "expires_on": soon},
        "other": {},
    }[kind]


KINDS = ["router", "virtual_machine", "licence", "ssl_certificate", "ip_block", "domain", "other"]


def _add(world, count: int, start: int = 0) -> list[Resource]:
    """`count` resources of world.org through the service, every kind in turn."""
    offered = list(Service.objects.filter(organisation=world.org).order_by("pk"))
    if not offered:
        offered = [
            Service.objects.create(organisation=world.org, name=name, identifier=f"CIR-{k}")
            for k, name in enumerate(["Internet dedicado", "WiFi administrado"])
        ]
    added = []
    for i in range(start, start + count):
        kind = KINDS[i % len(KINDS)]
        price, currency, period = PRICES[i % len(PRICES)]
        resource = Resource(
            organisation=world.org,
            kind=kind,
            name=f"Recurso {i:03d}",
            status=Status.FAULTY if i % 11 == 5 else Status.ACTIVE,
            site=SITES[i % len(SITES)],
            service=offered[i % len(offered)] if i % 5 else None,
            price=price,
            currency=currency,
            price_period=period,
            details=_details(kind, i),
        )
        services.resource_save(resource=resource, by=world.agent)
        added.append(resource)
    return added


def _count(client, url) -> tuple[int, str]:
    assert client.get(url).status_code == 200  # warm the caches, as a server has them
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries), response.content.decode()


def _rows(page: str) -> int:
    return len(re.findall(r'class="ticket-number">RES-', page))


@pytest.mark.parametrize("reader", ["manager", "member"])
def test_the_list_reads_as_many_queries_with_60_resources_as_with_5(world, client_for, reader):
    client = client_for(getattr(world, reader))
    url = reverse("inventory:list")
    _add(world, 5)
    few, page = _count(client, url)
    assert _rows(page) == 5
    assert ("USD" in page) == (reader == "manager")  # the costs and prices: a manager's

    _add(world, 55, start=5)
    many, page = _count(client, url)
    assert _rows(page) == 50  # a full page, and another after it
    assert 'page=2"' in page
    assert many == few, (few, many)
    second, page = _count(client, f"{url}?page=2")
    assert _rows(page) == 10
    assert second == few


@pytest.mark.parametrize("query", ["expiring=1", "q=recurso", "kind=licence&service={service}"])
def test_a_filtered_list_reads_as_many_queries_with_more_rows(world, client_for, query):
    client = client_for(world.manager)
    _add(world, 7)
    service = Service.objects.filter(organisation=world.org).order_by("pk").first()
    url = f"{reverse('inventory:list')}?{query.format(service=service.pk)}"
    few, page = _count(client, url)
    shown = _rows(page)
    assert shown >= 1

    _add(world, 63, start=7)
    many, page = _count(client, url)
    assert _rows(page) > shown
    assert many == few, (few, many)


def test_a_resource_page_reads_as_many_queries_with_ten_tickets_and_changes(world, client_for):
    (resource,) = _add(world, 1, start=2)  # a licence: its expiry is shown
    client = client_for(world.member)
    url = resource.get_absolute_url()

    def ticket_and_change(n):
        ticket = open_ticket(world, f"La licencia {n} no activa")
        services.ticket_resources_add(ticket=ticket, resources=[resource], by=world.member)
        resource.status = Status.MAINTENANCE if resource.status == Status.ACTIVE else Status.ACTIVE
        services.resource_save(resource=resource, by=world.agent)

    ticket_and_change(0)
    few, page = _count(client, url)
    assert page.count("La licencia") == 1
    assert len(re.findall(r'class="timeline__item"', page)) == 2  # added, then one change

    for n in range(1, 10):
        ticket_and_change(n)
    many, page = _count(client, url)
    assert page.count("La licencia") == 10
    assert len(re.findall(r'class="timeline__item"', page)) == 11
    assert many == few, (few, many)
