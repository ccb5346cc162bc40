"""The heart of the portal, as people use it: a client opens a ticket with a
file, an agent answers in the admin, the client sees it arrive without
reloading, the agent resolves it, the client rates it."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, sign_in
from tests.factories import PASSWORD
from tickets.models import Rating, Ticket

pytestmark = pytest.mark.e2e

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99"
    b"=\x1d\x00\x00\x00\x00IEND\xaeB`\x82"
)


def _login(page, url, email, admin=False):
    sign_in(page, url, email, PASSWORD, admin=admin)


def test_open_answer_live_resolve_rate(live_world, live_server, page, browser, browser_errors):
    world = live_world
    url = live_server.url

    # The client opens a ticket with a screenshot.
    _login(page, url, world.member.email)
    page.goto(url + "/tickets/new/")
    page.get_by_label("Subject").fill("Office internet down")
    page.get_by_label("Description").fill("Nothing loads since 9:00. Screenshot attached.")
    page.set_input_files(
        "input[name=attachments]",
        files=[{"name": "screen.png", "mimeType": "image/png", "buffer": PNG}],
    )
    page.get_by_role("button", name="Open the ticket").click()
    page.wait_for_load_state()
    ticket = Ticket.objects.get()
    expect(page).to_have_url(re.compile(re.escape(ticket.get_absolute_url()) + "$"))
    expect(page.locator("img[alt='screen.png']")).to_have_count(1)
    assert_accessible(page)
    # A marker that a reload would wipe: the reply must arrive without one.
    page.evaluate("window.__stillHere = true")

    # An agent answers in the admin, in another browser.
    agent_context = browser.new_context()
    agent = agent_context.new_page()
    _login(agent, url, world.agent.email, admin=True)
    agent.goto(f"{url}/admin/tickets/ticket/{ticket.pk}/change/")
    # The reply is its own htmx form: its answer says it went, with no reload.
    agent.fill("#ws-reply textarea", "We restarted your access switch; please check now.")
    agent.get_by_role("button", name="Send reply").click()
    expect(agent.locator("#ws-reply")).to_contain_text("Reply sent.")

    # The client sees it appear, no reload.
    page.get_by_text("We restarted your access switch").wait_for(timeout=10_000)
    assert page.evaluate("window.__stillHere") is True

    # The agent resolves; the client's page shows it and offers the rating.
    agent.locator("#ws-work select[name=status]").select_option("resolved")
    agent.locator("#ws-work").get_by_role("button", name="Save", exact=True).click()
    expect(agent.locator("#ws-work")).to_contain_text("Saved.")
    agent_context.close()
    page.locator("#ticket-head .status--resolved").wait_for(timeout=10_000)
    page.get_by_role("heading", name="How did we do?").wait_for(timeout=10_000)
    assert page.evaluate("window.__stillHere") is True
    assert_accessible(page)

    page.locator("label[for=star-4]").click()
    page.get_by_label("Comment (optional)").fill("Quick and clear.")
    page.get_by_role("button", name="Send rating").click()
    page.wait_for_load_state()
    page.get_by_text("Thank you for your rating.").wait_for()
    rating = Rating.objects.get(ticket=ticket)
    assert (rating.score, rating.comment, rating.rated_by) == (4, "Quick and clear.", world.member)
    assert browser_errors == []
