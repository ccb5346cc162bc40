"""A manager narrows the resources to those expiring soon, opens the certificate that
expires in ten days, opens a ticket about it (the resource and its service come
chosen), and the ticket's page names the resource, with a link back to it."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from contracts.models import Service
from inventory.models import Kind, TicketResource
from tests.e2e.conftest import PHONE, artifact_path, assert_accessible, sign_in
from tests.factories import PASSWORD
from tests.inventory.factories import make_resource
from tickets.models import Ticket

pytestmark = pytest.mark.e2e

# A host name with no break in it: the list, the page and the ticket's card must wrap it.
LONG_WORD = "w" * 60


def _login(page, url, email):
    sign_in(page, url, email, PASSWORD)


def _fits(page):
    width, window = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width <= window, f"{page.url} is {width} px wide in a {window} px window"


# The lines a cell's text takes: more than its words means a word of it was broken.
_LINES = """(el) => {
  const range = document.createRange();
  range.selectNodeContents(el);
  return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
}"""


def _certificate(org, name, days, service=None):
    expires = timezone.localdate() + timedelta(days=days)
    details = {"common_name": "www.andes.test", "expires_on": expires.isoformat()}
    return make_resource(org, Kind.SSL_CERTIFICATE, name=name, details=details, service=service)


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_a_manager_opens_a_ticket_about_a_certificate_expiring_soon(
    live_world, live_server, page, browser_errors, viewport
):
    world, url = live_world, live_server.url
    web = Service.objects.create(organisation=world.org, name="Web hosting", kind="Hosting")
    Service.objects.create(organisation=world.org, name="Fibra Santiago", kind="Internet")
    expiring = _certificate(world.org, f"Web certificate {LONG_WORD}", 10, service=web)
    later = _certificate(world.org, "Intranet certificate", 200)
    switch = make_resource(world.org, Kind.SWITCH, name="Core switch", site="Santiago")
    if viewport:
        page.set_viewport_size(viewport)
    name = "phone" if viewport else "desktop"

    _login(page, url, world.manager.email)
    page.goto(url + "/resources/")
    rows = page.locator("#resource-results tbody tr")
    expect(rows).to_have_count(3)
    _fits(page)
    assert_accessible(page)
    # A marker a reload would wipe: the filter must swap the results in place.
    page.evaluate("window.__stillHere = true")

    page.get_by_label("Expiring soon (30 days)").check()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(expiring.number)
    expect(rows.first).to_contain_text("in 10 days")
    for other in (later, switch):
        expect(page.locator("#resource-results")).not_to_contain_text(other.number)
    expect(page).to_have_url(re.compile(r"[?&]expiring=1\b"))
    assert page.evaluate("window.__stillHere") is True
    checkbox = page.get_by_label("Expiring soon (30 days)")
    expect(checkbox).to_be_checked()
    # The box sits just before its label, not stretched across the field.
    box, label = checkbox.bounding_box(), page.locator("label[for=id_expiring]").bounding_box()
    assert box["width"] < 40 and 0 <= label["x"] - (box["x"] + box["width"]) < 20
    # The long name takes the room; the kind beside it keeps its words whole.
    kind = rows.first.locator("td.inventory-kind")
    if viewport is None:
        assert kind.evaluate(_LINES) <= len(["SSL", "certificate"])
    _fits(page)
    assert_accessible(page)
    page.screenshot(path=artifact_path(f"inventory_expiring_{name}"), full_page=True)

    rows.first.get_by_role("link").click()
    expect(page).to_have_url(re.compile(re.escape(expiring.get_absolute_url()) + "$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(expiring.name)
    expect(page.locator(".inventory-details")).to_contain_text("www.andes.test")
    expect(page.locator(".inventory-details")).to_contain_text("Web hosting")
    _fits(page)
    assert_accessible(page)
    page.screenshot(path=artifact_path(f"inventory_certificate_{name}"), full_page=True)

    page.get_by_role("link", name="Open a ticket about this").click()
    expect(page).to_have_url(re.compile(r"/tickets/new/\?"))
    picked = page.locator("fieldset.inventory-pick")
    expect(picked.locator("legend")).to_have_text("Resources concerned")
    chosen = picked.get_by_role("checkbox", name=expiring.name)
    expect(chosen).to_be_checked()
    # The others are offered, not chosen.
    expect(picked.get_by_role("checkbox", name="Core switch")).not_to_be_checked()
    expect(picked.get_by_role("checkbox", name="Intranet certificate")).not_to_be_checked()
    expect(page.get_by_role("checkbox", name="Web hosting")).to_be_checked()
    expect(page.get_by_role("checkbox", name="Fibra Santiago")).not_to_be_checked()
    _fits(page)
    page.get_by_label("Subject").fill("Renew the web certificate")
    page.get_by_label("Description").fill("It expires in ten days; please renew it for two years.")
    page.get_by_role("button", name="Open the ticket").click()

    ticket = Ticket.objects.get()
    expect(page).to_have_url(re.compile(re.escape(ticket.get_absolute_url()) + "$"))
    card = page.locator("section[aria-labelledby=ticket-resources-heading]")
    expect(card.get_by_role("heading")).to_have_text("Resources concerned")
    link = card.get_by_role("link", name=expiring.name)
    expect(link).to_have_attribute("href", expiring.get_absolute_url())
    # Only the chosen one is named; the others are offered in the card's "add" menu.
    expect(card.get_by_role("listitem")).to_have_count(1)
    _fits(page)
    assert_accessible(page)
    page.screenshot(path=artifact_path(f"inventory_ticket_{name}"), full_page=True)
    assert list(TicketResource.objects.values_list("ticket", "resource")) == [
        (ticket.pk, expiring.pk)
    ]
    assert list(ticket.services.all()) == [web]

    # And back: the certificate's page lists the ticket.
    link.click()
    expect(page.locator("[aria-labelledby=resource-tickets]")).to_contain_text(ticket.number)
    assert browser_errors == []
