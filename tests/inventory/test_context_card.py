"""What is managed for the client, beside the agent's ticket (inventory/parts.py)."""

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.admin import change_url
from inventory import services
from inventory.models import Kind, Status
from inventory.parts import NAMED_SHOWN, TicketResources
from tests.factories import UserFactory
from tests.inventory.factories import make_resource
from tests.tickets.factories import open_ticket
from tickets.models import Ticket

# The counts by status, the expiring ones, the ticket's own.
QUERIES = 3
CHANGELIST = reverse("admin:inventory_resource_changelist")


def card(user, ticket):
    """The card as the context view asks for it: the ticket as its admin page reads it."""
    request = RequestFactory().get("/")
    request.user = user
    user.has_perm("inventory.view_resource")  # the admin has read the permissions already
    ticket = Ticket.objects.select_related("organisation").get(pk=ticket.pk)
    with CaptureQueriesContext(connection) as queries:
        panel = TicketResources().context_card(request, ticket)
    html = render_to_string(panel.template, {"panel": panel}) if panel else ""
    return panel, html, len(queries)


def certificate(organisation, name, expires_in_days, **fields):
    expires = (timezone.localdate() + timedelta(days=expires_in_days)).isoformat()
    details = {"common_name": "www.andes.test", "expires_on": expires}
    return make_resource(organisation, Kind.SSL_CERTIFICATE, name=name, details=details, **fields)


def estate(world):
    """world.org: 3 active (one certificate expiring in 10 days), 1 faulty, 1 in
    maintenance, 1 retired; another organisation's faulty router."""
    switch = make_resource(world.org, name="Core switch", internal_notes="Root pw on the sticker")
    make_resource(world.org, Kind.ROUTER, name="Branch router", status=Status.FAULTY)
    make_resource(world.org, Kind.FIREWALL, name="Edge firewall", status=Status.MAINTENANCE)
    make_resource(world.org, Kind.SERVER, name="Old server", status=Status.RETIRED)
    make_resource(world.org, Kind.LICENCE, name="Office licences")
    soon = certificate(world.org, "www certificate", 10)
    certificate(world.org, "api certificate", 90)
    make_resource(world.other_org, Kind.ROUTER, name="Not theirs", status=Status.FAULTY)
    return switch, soon


def test_the_card_counts_by_status_and_lists_what_the_ticket_names(world, ticket):
    switch, soon = estate(world)
    services.ticket_resources_add(ticket=ticket, resources=[switch, soon], by=world.member)
    panel, html, queries = card(world.agent, ticket)
    counts = panel.context["counts"]
    assert (counts["active"], counts["faulty"], counts["maintenance"]) == (4, 1, 1)
    assert panel.context["expiring"] == 1
    assert '<h2 class="ws__title"' in html and 'class="ws__card' in html
    assert ">Active</a> <strong>4</strong>" in html
    assert 'class="ctx-resources__alert"><a' in html  # the faulty one stands out
    assert "1 expires within 30 days or has expired" in html
    named = html.split("Named by this ticket", 1)[1]
    assert f'href="{change_url(switch)}">Core switch</a> <small>· Switch</small>' in named
    assert f'href="{change_url(soon)}">www certificate</a>' in named
    assert "Branch router" not in named and "Not theirs" not in html
    assert "Root pw" not in html  # never the internal notes
    assert queries == QUERIES


def test_the_links_open_the_changelist_filtered_by_organisation(world, ticket):
    estate(world)
    panel, html, _ = card(world.agent, ticket)
    everything = urlsplit(panel.context["all_url"])
    assert everything.path == CHANGELIST
    assert parse_qs(everything.query) == {"organisation__id__exact": [str(world.org.pk)]}
    faulty = urlsplit(panel.context["statuses"][1][2])
    assert parse_qs(faulty.query) == {
        "organisation__id__exact": [str(world.org.pk)],
        "status__exact": ["faulty"],
    }
    assert f'href="{CHANGELIST}?organisation__id__exact={world.org.pk}"' in html
    assert "None." in html.split("Named by this ticket", 1)[1]


def test_no_card_when_the_client_has_nothing_in_use(world, ticket):
    make_resource(world.org, Kind.SERVER, name="Old server", status=Status.RETIRED)
    make_resource(world.other_org, name="Not theirs")
    assert card(world.agent, ticket)[0] is None


def test_a_named_resource_shows_its_status_unless_active(world, ticket):
    router = make_resource(world.org, Kind.ROUTER, name="Branch router", status=Status.FAULTY)
    services.ticket_resources_add(ticket=ticket, resources=[router], by=world.member)
    _, html, _ = card(world.agent, ticket)
    assert "Branch router</a> <small>· Router · Faulty</small>" in html


def test_staff_who_may_not_see_resources_get_no_card(world, ticket):
    estate(world)
    clerk = UserFactory(email="clerk@support.test", is_staff=True)
    assert card(clerk, ticket)[0] is None


def test_the_cards_queries_do_not_grow_with_the_clients_resources(world, ticket):
    switch, _ = estate(world)
    services.ticket_resources_add(ticket=ticket, resources=[switch], by=world.member)
    before = card(world.agent, ticket)[2]
    many = [make_resource(world.org, name=f"Access switch {n}") for n in range(NAMED_SHOWN + 2)]
    for n in range(3):
        certificate(world.org, f"cert {n}", 5)
    services.ticket_resources_add(ticket=ticket, resources=many, by=world.member)
    panel, html, after = card(world.agent, ticket)
    assert after == before == QUERIES
    assert len(panel.context["named"]) == NAMED_SHOWN and panel.context["more_named"]
    assert "More in the ticket" in html
    assert panel.context["expiring"] == 4


def test_the_ticket_pages_context_shows_the_card(client_for, world):
    estate(world)
    ticket = open_ticket(world)
    url = reverse("admin:tickets_ticket_context", args=[ticket.pk])
    body = client_for(world.agent).get(url).content.decode()
    assert 'id="ctx-resources-title"' in body and "inventory/context_card.css" in body
    assert "Root pw" not in body
