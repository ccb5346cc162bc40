"""An agent logs time on a ticket in the admin; the client's manager, with the
contract page open, sees the new total arrive without reloading."""

import pytest
from playwright.sync_api import expect

from contracts import services
from contracts.models import TimeEntry
from tests.contracts.factories import ContractFactory
from tests.e2e.conftest import PHONE, assert_accessible, sign_in
from tests.factories import PASSWORD
from tests.tickets.factories import open_ticket

pytestmark = pytest.mark.e2e


def _login(page, url, email, admin=False):
    sign_in(page, url, email, PASSWORD, admin=admin)


def test_time_logged_in_the_admin_shows_live_on_the_contract_page(
    live_world, live_server, page, browser, browser_errors
):
    world, url = live_world, live_server.url
    contract = ContractFactory(organisation=world.org)
    ticket = open_ticket(world)
    services.time_entry_add(
        ticket=ticket, agent=world.agent, minutes=120, description="Remote diagnosis"
    )

    # The client's manager follows the bank from the navigation.
    _login(page, url, world.manager.email)
    page.get_by_role("link", name="Contracts").click()
    page.get_by_role("link", name="Soporte 2026").first.click()
    page.wait_for_load_state()
    expect(page).to_have_url(f"{url}/contracts/{contract.pk}/")
    expect(page.locator("#bank-used")).to_have_text("2 h")
    # A marker that a reload would wipe: the new total must arrive without one.
    page.evaluate("window.__stillHere = true")

    # An agent logs an hour and a half on the ticket in the admin.
    agent_context = browser.new_context()
    agent = agent_context.new_page()
    _login(agent, url, world.agent.email, admin=True)
    agent.goto(f"{url}/admin/tickets/ticket/{ticket.pk}/change/")
    agent.fill("input[name=log_minutes]", "1:30")
    agent.fill("textarea[name=log_description]", "Replaced the power supply on site")
    agent.locator("input[name=_continue]").click()
    agent.wait_for_load_state()
    agent_context.close()
    assert TimeEntry.objects.filter(ticket=ticket).count() == 2

    # The page polls every 10 s: the total and the entry appear, no reload.
    expect(page.locator("#bank-used")).to_have_text("3 h 30", timeout=15_000)
    expect(page.get_by_text("Replaced the power supply on site")).to_be_visible()
    assert page.evaluate("window.__stillHere") is True

    # On a phone the page fits the screen.
    page.set_viewport_size(PHONE)
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert_accessible(page)
    assert browser_errors == []
