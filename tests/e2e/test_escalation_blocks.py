"""The escalation and call blocks on the client's ticket page and the agent's, in
Spanish, at desktop and phone widths: shown, inside the page, accessible."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, PHONE, assert_accessible, sign_in
from tests.factories import PASSWORD
from tickets import services

pytestmark = pytest.mark.e2e

REASON = "Llevamos tres semanas con la velocidad baja cada noche. " + "A" * 120


def _login(page, url, email, admin=False):
    sign_in(page, url, email, PASSWORD, admin=admin)


def _fits(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_escalation_and_call_blocks_fit_and_agent_closes_them(live_world, live_server, page):
    world, url = live_world, live_server.url
    for user in (world.member, world.agent):
        user.language = "es"
        user.save(update_fields=["language"])
    ticket = services.ticket_open(
        organisation=world.org,
        requester=world.member,
        subject="La velocidad baja cada noche",
        description="Entre las 19:00 y las 23:00.",
    )
    services.ticket_escalate(ticket=ticket, reason=REASON, by=world.member)
    services.call_request(
        ticket=ticket, phone="+56 2 2345 6789", preferred_time="Hasta las 18:00", by=world.member
    )

    _login(page, url, world.member.email)
    for size in (DESKTOP, PHONE):
        page.set_viewport_size(size)
        page.goto(url + ticket.get_absolute_url())
        expect(page.locator("#escalation-heading")).to_be_visible()
        expect(page.locator("#calls-heading")).to_be_visible()
        expect(page.get_by_text("+56 2 2345 6789")).to_be_visible()
        assert _fits(page), size
        assert_accessible(page)

    page.context.clear_cookies()
    _login(page, url, world.agent.email, admin=True)
    change = url + f"/admin/tickets/ticket/{ticket.pk}/change/"
    for size in (DESKTOP, PHONE):
        page.set_viewport_size(size)
        page.goto(change)
        expect(page.locator("#ticket-escalation-heading")).to_be_visible()
        assert _fits(page), size
    page.set_viewport_size(DESKTOP)
    page.locator(".ticket-calls form button").click()
    expect(page.locator(".ticket-calls form")).to_have_count(0)
    page.locator(".ticket-followup--open form button").click()
    expect(page.locator(".ticket-followup--open")).to_have_count(0)
    ticket.refresh_from_db()
    assert not ticket.is_escalated
    assert ticket.call_requests.get().done_by == world.agent
