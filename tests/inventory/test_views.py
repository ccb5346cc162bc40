"""The client's resource pages, the ticket's resources, and the staff's admin form."""

import datetime
import re
from decimal import Decimal

import pytest
from cryptography.hazmat.primitives import serialization
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from activity.models import Event
from contracts.models import Service
from inventory import services
from inventory.models import Kind, Resource, Status, TicketResource
from tests.inventory.factories import make_resource
from tests.inventory.test_attributes import _certificate
from tests.tickets.factories import open_ticket
from tests.tickets.test_admin import change_url, form_data
from tickets.states import Status as TicketStatus

LIST = reverse("inventory:list")


@pytest.fixture
def priced(world):
    """A switch at 120 EUR a month, a licence at 1,200 EUR a year, a one-off at 999 EUR."""
    service = Service.objects.create(organisation=world.org, name="Fibra Santiago")
    switch = make_resource(
        world.org, Kind.SWITCH, name="Core switch", price=120, site="Santiago", service=service
    )
    make_resource(
        world.org,
        Kind.LICENCE,
        name="Office licences",
        price=Decimal("1200"),
        price_period="yearly",
        internal_notes="Secret discount: 40% off",
    )
    make_resource(world.org, Kind.OTHER, name="Installation", price=999, price_period="one_off")
    make_resource(world.org, Kind.SERVER, name="Old server", status=Status.RETIRED)
    make_resource(world.other_org, Kind.SWITCH, name="Their switch", price=7)
    return switch


def _page(client, url=LIST, **params):
    response = client.get(url, params)
    assert response.status_code == 200
    return response.content.decode()


def test_a_manager_sees_prices_and_the_monthly_cost(world, priced, client_for):
    page = _page(client_for(world.manager))
    assert "Core switch" in page and "Office licences" in page
    assert "Their switch" not in page
    # 120 a month + 1,200 a year / 12; the one-off does not recur.
    assert ">220,00 EUR<" in page.replace("\xa0", " ") or ">220.00 EUR<" in page


def _shows_price(text) -> bool:
    # The price 120 as a number on its own: not inside a time stamp ("14:24:44.120538")
    # or a longer number, which a page may hold by chance.
    return "EUR" in text or re.search(r"(?<![\d.:])120(?![\d])", text) is not None


def test_a_member_sees_the_resources_without_any_price(world, priced, client_for):
    client = client_for(world.member)
    page = _page(client)
    assert "Core switch" in page
    assert not _shows_price(page) and "Monthly cost" not in page
    partial = client.get(LIST, {"partial": "results"}, headers={"HX-Request": "true"})
    assert "Core switch" in partial.content.decode() and "EUR" not in partial.content.decode()
    detail = _page(client, priced.get_absolute_url())
    assert "Core switch" in detail and not _shows_price(detail)
    exported = client.get(reverse("inventory:csv")).content.decode()
    assert "Core switch" in exported and not _shows_price(exported)


def test_the_csv_of_a_manager_has_the_prices_and_no_internal_notes(world, priced, client_for):
    exported = client_for(world.manager).get(reverse("inventory:csv")).content.decode()
    assert "120.00,EUR" in exported
    assert "Secret discount" not in exported and "Their switch" not in exported
    assert "Old server" not in exported  # retired: as the list shows it by default


def test_internal_notes_reach_no_client_page(world, priced, client_for):
    licence = Resource.objects.get(name="Office licences")
    assert "Secret discount" not in _page(client_for(world.manager), licence.get_absolute_url())


@pytest.mark.parametrize(
    ("params", "shown", "hidden"),
    [
        ({}, ["Core switch", "Installation"], ["Old server"]),
        ({"status": "retired"}, ["Old server"], ["Core switch"]),
        ({"status": "all"}, ["Old server", "Core switch"], []),
        ({"kind": "licence"}, ["Office licences"], ["Core switch"]),
        ({"site": "Santiago"}, ["Core switch"], ["Office licences"]),
        ({"q": "core SWITCH"}, ["Core switch"], ["Office licences"]),
        (
            {"kind": "nonsense", "status": "x", "service": "9" * 30, "page": "-1"},
            ["Core switch"],
            [],
        ),
    ],
)
def test_filters(world, priced, client_for, params, shown, hidden):
    page = _page(client_for(world.member), **params)
    for name in shown:
        assert name in page
    for name in hidden:
        assert name not in page


def test_the_service_filter(world, priced, client_for):
    page = _page(client_for(world.member), service=priced.service_id)
    assert "Core switch" in page and "Office licences" not in page


def test_expiring_soon_lists_what_expires_within_30_days_soonest_first(world, client_for):
    today = timezone.localdate()
    for name, days in (("Later", 45), ("Soon", 20), ("Sooner", 3), ("Gone", -2)):
        make_resource(
            world.org,
            Kind.DOMAIN,
            name=name,
            details={
                "domain": f"{name.lower()}.test",
                "expires_on": str(today + datetime.timedelta(days)),
            },
        )
    page = _page(client_for(world.member), expiring="1")
    assert "Later" not in page
    assert page.index("Gone") < page.index("Sooner") < page.index("Soon<")


def test_the_detail_page(world, priced, client_for):
    ticket = open_ticket(world, "Switch reboots")
    hidden = open_ticket(world, "Other member's ticket", requester=world.other_member)
    services.ticket_resources_add(ticket=ticket, resources=[priced], by=world.member)
    services.ticket_resources_add(ticket=hidden, resources=[priced], by=world.other_member)
    priced.status = Status.FAULTY
    priced.site = "Valparaíso"
    services.resource_save(resource=priced, by=world.agent)
    page = _page(client_for(world.member), priced.get_absolute_url())
    assert "Switch reboots" in page
    assert "Other member&#x27;s ticket" not in page and "Other member's ticket" not in page
    assert "Cisco" in page and "10.0.0.2" in page  # the kind's attributes
    assert "Active → Faulty" in page
    assert "Santiago" not in page.split("Status history")[1]  # other changes are staff's
    new_ticket = f"/tickets/new/?resource={priced.number}&amp;service={priced.service_id}"
    assert new_ticket in page


def test_another_organisations_resource_is_a_404(world, client_for):
    theirs = make_resource(world.other_org)
    assert client_for(world.member).get(theirs.get_absolute_url()).status_code == 404
    assert client_for(world.agent).get(LIST).status_code == 404


def test_the_feed_tells_every_member_of_a_fault_without_prices(world, priced, client_for):
    priced.status = Status.FAULTY
    services.resource_save(resource=priced, by=world.agent)
    page = _page(client_for(world.member), reverse("activity:feed"))
    assert "Core switch is now faulty" in page
    assert priced.get_absolute_url() in page
    assert "EUR" not in page


# The ticket's resources ------------------------------------------------------------------


def test_open_a_ticket_about_a_resource(world, priced, client_for):
    client = client_for(world.member)
    url = reverse("tickets:create")
    page = _page(client, url, resource=priced.number, service=priced.service_id)
    assert f'value="{priced.pk}" ' in page or f'value="{priced.pk}"' in page
    assert "checked" in page.split(f'value="{priced.pk}"')[1][:40]
    response = client.post(
        url,
        {
            "organisation": world.org.pk,
            "subject": "The switch blinks red",
            "description": "Since noon.",
            "priority": "medium",
            "services": [priced.service_id],
            "inventory-resources": [priced.pk],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    link = TicketResource.objects.get()
    assert (link.resource, link.ticket.subject) == (priced, "The switch blinks red")
    ticket_page = _page(client, link.ticket.get_absolute_url())
    assert "Resources concerned" in ticket_page and priced.get_absolute_url() in ticket_page


def test_a_ticket_cannot_name_another_organisations_resource(world, priced, client_for):
    theirs = Resource.objects.get(name="Their switch")
    response = client_for(world.member).post(
        reverse("tickets:create"),
        {
            "organisation": world.org.pk,
            "subject": "Sneaky",
            "description": "x",
            "priority": "medium",
            "inventory-resources": [theirs.pk],
        },
    )
    assert response.status_code == 400
    assert "not one of your organisation" in response.content.decode()
    assert not TicketResource.objects.exists()
    assert not world.org.tickets.filter(subject="Sneaky").exists()


def test_the_ticket_page_adds_and_removes_resources(world, priced, client_for):
    client = client_for(world.member)
    ticket = open_ticket(world)
    client.post(reverse("inventory:ticket_add", args=[ticket.number]), {"resource": priced.number})
    assert list(ticket.resource_links.values_list("resource", flat=True)) == [priced.pk]
    theirs = Resource.objects.get(name="Their switch")
    client.post(reverse("inventory:ticket_add", args=[ticket.number]), {"resource": theirs.number})
    assert ticket.resource_links.count() == 1
    client.post(reverse("inventory:ticket_remove", args=[ticket.number, priced.number]))
    assert ticket.resource_links.count() == 0
    ticket.status = TicketStatus.CLOSED
    ticket.save(update_fields=["status"])
    client.post(reverse("inventory:ticket_add", args=[ticket.number]), {"resource": priced.number})
    assert ticket.resource_links.count() == 0


def test_the_dashboard_shows_what_expires_soon(world, client_for):
    make_resource(
        world.org,
        Kind.SSL_CERTIFICATE,
        name="Web certificate",
        details={
            "common_name": "www.andes.test",
            "expires_on": str(timezone.localdate() + datetime.timedelta(days=9)),
        },
    )
    page = _page(client_for(world.member), reverse("portal:dashboard"))
    assert "Expiring soon" in page and "Web certificate" in page


# The staff's admin ----------------------------------------------------------------------


def _admin_data(world, **changes):
    data = {
        "organisation": world.org.pk,
        "kind": "ip_block",
        "name": "Public block",
        "status": "active",
        "currency": "",
        "price_period": "",
        "changes-TOTAL_FORMS": "0",
        "changes-INITIAL_FORMS": "0",
    }
    data.update(changes)
    return data


def test_staff_add_a_block_and_see_bad_networks_on_the_field(world, client_for):
    client = client_for(world.agent)
    add = reverse("admin:inventory_resource_add")
    response = client.post(add, _admin_data(world, **{"ip_block__cidr": "203.0.113.9/24"}))
    assert response.status_code == 200
    assert "has host bits set" in str(response.context["adminform"].form.errors)
    assert not Resource.objects.exists()
    response = client.post(add, _admin_data(world, **{"ip_block__cidr": "203.0.113.0/24"}))
    assert response.status_code == 302
    block = Resource.objects.get()
    assert block.network == "203.0.113.0/24" and block.changes.get().by == world.agent
    response = client.post(add, _admin_data(world, **{"ip_block__cidr": "203.0.113.0/25"}))
    assert "overlaps" in str(response.context["adminform"].form.errors)
    assert Resource.objects.count() == 1


def test_staff_fill_a_certificate_from_its_pem(world, client_for):
    certificate = _certificate("portal.andes.test", sans=("andes.test",), days=25)
    upload = SimpleUploadedFile("cert.pem", certificate.public_bytes(serialization.Encoding.PEM))
    response = client_for(world.agent).post(
        reverse("admin:inventory_resource_add"),
        _admin_data(world, kind="ssl_certificate", name="Portal certificate", pem_file=upload),
    )
    assert response.status_code == 302
    resource = Resource.objects.get()
    assert resource.details["common_name"] == "portal.andes.test"
    assert resource.expires_on == certificate.not_valid_after_utc.date()


def test_a_bad_pem_is_refused_on_its_field(world, client_for):
    upload = SimpleUploadedFile("cert.pem", b"-----BEGIN CERTIFICATE-----\nxx\n")
    response = client_for(world.agent).post(
        reverse("admin:inventory_resource_add"),
        _admin_data(world, kind="ssl_certificate", name="Cert", pem_file=upload),
    )
    assert "pem_file" in response.context["adminform"].form.errors
    assert not Resource.objects.exists()


def test_the_history_is_shown_to_staff(world, priced, client_for):
    priced.status = Status.FAULTY
    services.resource_save(resource=priced, by=world.agent)
    page = _page(
        client_for(world.agent), reverse("admin:inventory_resource_change", args=[priced.pk])
    )
    assert "Faulty" in page and "Ana Agent" in page


def test_an_agent_names_resources_on_the_tickets_admin_page(world, priced, client_for, ticket):
    client = client_for(world.agent)
    data = form_data(client, ticket, resources=[priced.pk])
    response = client.post(change_url(ticket), data)
    assert response.status_code == 302
    assert list(ticket.resource_links.values_list("resource", flat=True)) == [priced.pk]


def test_events_are_in_the_readers_language(world, priced):
    from django.utils import translation

    from activity.describe import describe

    priced.status = Status.MAINTENANCE
    services.resource_save(resource=priced, by=world.agent)
    event = Event.objects.get(verb="resource_status_changed")
    with translation.override("es"):
        assert describe(event) == "Core switch está ahora en mantenimiento"


def test_many_resources_are_searched_not_listed(world, client_for, settings):
    from inventory.parts import LISTED

    for index in range(LISTED + 5):
        make_resource(world.org, Kind.SWITCH, name=f"Switch {index:03d}")
    make_resource(world.org, Kind.ROUTER, name="Edge router", site="Valparaíso")
    client = client_for(world.member)
    page = _page(client, reverse("tickets:create"))
    assert "Switch 001" not in page and 'name="resource_q"' in page
    found = _page(client, reverse("inventory:pick"), resource_q="edge", organisation=world.org.pk)
    router = Resource.objects.get(name="Edge router")
    assert f'name="inventory-resources" value="{router.pk}"' in found and "Switch" not in found
    # A resource found that way is saved with the ticket like one listed.
    response = client.post(
        reverse("tickets:create"),
        {
            "organisation": world.org.pk,
            "subject": "Router",
            "description": "x",
            "priority": "medium",
            "inventory-resources": [router.pk],
        },
    )
    assert response.status_code == 302
    ticket = world.org.tickets.get(subject="Router")
    assert list(ticket.resource_links.values_list("resource", flat=True)) == [router.pk]
    # The ticket's card searches too, leaving out what it already names.
    card = _page(client, ticket.get_absolute_url())
    assert "Switch 001" not in card and 'id="ticket-resource-q"' in card
    found = _page(client, reverse("inventory:pick"), q="Switch 00", ticket=ticket.number)
    assert found.count('name="resource"') == 10 and "Edge router" not in found
    assert reverse("inventory:ticket_add", args=[ticket.number]) in found


def test_the_search_reads_only_the_readers_organisation(world, client_for):
    make_resource(world.other_org, Kind.ROUTER, name="Their router")
    client = client_for(world.member)
    found = _page(
        client, reverse("inventory:pick"), resource_q="router", organisation=world.other_org.pk
    )
    assert "Their router" not in found
    theirs = open_ticket(world, organisation=world.other_org, requester=world.outsider)
    assert (
        client.get(reverse("inventory:pick"), {"ticket": theirs.number, "q": "x"}).status_code
        == 404
    )


def test_the_admins_resource_picker_searches_as_the_agent_types(world, priced, client_for):
    client = client_for(world.agent)
    found = client.get(
        "/admin/autocomplete/",
        {
            "app_label": "inventory",
            "model_name": "ticketresource",
            "field_name": "resource",
            "term": "core",
        },
    ).json()
    assert [item["text"] for item in found["results"]] == [str(priced)]
