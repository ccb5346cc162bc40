"""A manager keeps the activity feed open: what happens at the organisation
appears on it without a reload, first on an empty feed, then under today's
heading, and nothing breaks the page's strict CSP."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import artifact_path, assert_accessible, sign_in
from tests.factories import PASSWORD
from tickets import services

pytestmark = pytest.mark.e2e


def _login(page, url, email):
    sign_in(page, url, email, PASSWORD)


def test_new_events_appear_on_the_open_feed(live_world, live_server, page, browser_errors):
    world = live_world
    _login(page, live_server.url, world.manager.email)
    page.goto(live_server.url + "/activity/")
    page.get_by_role("heading", name="Activity", exact=True).wait_for()
    page.get_by_text("Nothing has happened yet.").wait_for()
    # A marker that a reload would wipe: the rows must arrive without one.
    page.evaluate("window.__stillHere = true")

    # A client opens a ticket: the first row brings its day heading and the
    # empty state goes away.
    ticket = services.ticket_open(
        organisation=world.org,
        requester=world.member,
        subject="Office internet down",
        description="Nothing loads since 9:00.",
    )
    opened = page.get_by_text(f"Diego opened {ticket.number}: Office internet down")
    opened.wait_for(timeout=15_000)
    expect(page.get_by_text("Nothing has happened yet.")).to_have_count(0)
    expect(page.get_by_role("heading", name="Today")).to_have_count(1)

    # An agent answers (which also moves the ticket to open): both rows go on
    # top of today's list, above the opening.
    services.comment_add(ticket=ticket, author=world.agent, body="We restarted your switch.")
    reply = page.get_by_text(f"Ana Agent replied on {ticket.number}")
    reply.wait_for(timeout=15_000)
    expect(page.locator("#feed-days .feed-entry .feed-entry__text")).to_have_text(
        [
            f"Ana Agent moved {ticket.number} to open",
            f"Ana Agent replied on {ticket.number}",
            f"Diego opened {ticket.number}: Office internet down",
        ]
    )
    expect(page.get_by_role("heading", name="Today")).to_have_count(1)
    assert page.evaluate("window.__stillHere") is True

    # Each row leads to the ticket.
    expect(reply).to_have_attribute("href", ticket.get_absolute_url())
    page.screenshot(path=artifact_path("activity_feed_live"), full_page=True)
    assert_accessible(page)
    assert browser_errors == []
