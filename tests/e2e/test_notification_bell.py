"""The acceptance journey of the notification centre: an agent replies in the
admin, a real Celery worker fans the event out, and the client's bell counts it
without a reload; the notification opens the ticket at that reply."""

import re

import pytest
from playwright.sync_api import expect

from activity.models import Event
from notifications.models import Notification
from tests.e2e.conftest import sign_in
from tests.e2e.worker import wait_until
from tests.factories import PASSWORD
from tickets import services
from tickets.models import Comment

pytestmark = pytest.mark.e2e

# The bell polls every 10 s; the worker needs well under a second.
BELL_TIMEOUT_MS = 30_000


def _login(page, url, email, admin=False):
    sign_in(page, url, email, PASSWORD, admin=admin)


def _all_dispatched():
    return not Event.objects.filter(dispatched_at__isnull=True).exists()


def _agent_replies(agent, url, ticket, text):
    agent.goto(f"{url}/admin/tickets/ticket/{ticket.pk}/change/")
    agent.fill("#ws-reply textarea", text)
    agent.get_by_role("button", name="Send reply").click()
    expect(agent.locator("#ws-reply")).to_contain_text("Reply sent.")


def test_admin_reply_rings_the_bell_and_opens_at_the_reply(
    worker, live_world, live_server, page, browser, browser_errors
):
    world = live_world
    url = live_server.url
    ticket = services.ticket_open(
        organisation=world.org,
        requester=world.member,
        subject="VPN tunnel keeps dropping",
        description="Every ten minutes since the upgrade.",
    )
    # The worker dispatches the opening on its own; the member hears nothing of it.
    assert wait_until(_all_dispatched, timeout=15), worker.output
    assert not Notification.objects.filter(user=world.member).exists()

    _login(page, url, world.member.email)
    page.goto(url + "/dashboard/")
    bell = page.locator("#notification-bell")
    expect(bell).to_have_attribute("aria-label", "Notifications: none unread")
    expect(bell.locator(".bell__count")).to_have_count(0)
    page.evaluate("window.__stillHere = true")

    # An agent answers in the admin, in another browser.
    agent_context = browser.new_context()
    agent = agent_context.new_page()
    _login(agent, url, world.agent.email, admin=True)
    _agent_replies(agent, url, ticket, "We replaced the tunnel's certificate; try again.")
    comment = Comment.objects.get(ticket=ticket, body__startswith="We replaced")

    # The worker fans the reply out; the open dashboard's bell counts it, no reload.
    page.locator("#notification-bell .bell__count").wait_for(timeout=BELL_TIMEOUT_MS)
    assert page.evaluate("window.__stillHere") is True
    unread = Notification.objects.filter(
        user=world.member, channel="portal", read_at__isnull=True
    ).count()
    assert unread >= 1
    expect(page.locator("#notification-bell .bell__count")).to_have_text(str(unread))
    expect(page.locator("#notification-bell")).to_have_attribute(
        "aria-label", f"Notifications: {unread} unread"
    )

    # The centre lists the reply; its link opens the ticket at that reply.
    page.locator("#notification-bell").click()
    expect(page).to_have_url(url + "/notifications/")
    item = page.locator(".notice", has_text="replied on")
    expect(item.locator(".notice__excerpt")).to_have_text(re.compile(r"^We replaced the tunnel"))
    expect(item).to_have_class(re.compile(r"\bnotice--unread\b"))
    item.locator(".notice__link").click()
    expect(page).to_have_url(f"{url}/tickets/{ticket.number}/#comment-{comment.pk}")
    expect(page.locator(f"#comment-{comment.pk}")).to_contain_text("We replaced the tunnel")
    assert page.locator(f"#comment-{comment.pk}").inner_text().count("We replaced the tunnel") == 1
    row = Notification.objects.get(
        user=world.member, channel="portal", event__verb="ticket_replied"
    )
    assert row.read_at is not None

    # A second reply, while the member is elsewhere: a banner on the next page, once.
    page.goto(url + "/tickets/")
    _agent_replies(agent, url, ticket, "Also: the firmware is now 7.2.")
    agent_context.close()
    assert wait_until(
        lambda: Notification.objects.filter(
            user=world.member, event__verb="ticket_replied", read_at__isnull=True
        ).exists(),
        timeout=15,
    ), worker.output
    page.goto(url + "/dashboard/")
    banner = page.locator(".banner")
    expect(banner).to_have_text(f"New reply on {ticket.number}: VPN tunnel keeps dropping")
    page.reload()
    expect(page.locator(".banner")).to_have_count(0)

    # Mark all as read from the centre (htmx): the list and the bell follow.
    page.goto(url + "/notifications/")
    page.get_by_role("button", name="Mark all as read").click()
    expect(page.locator("#notification-list .notice--unread")).to_have_count(0)
    expect(page.locator("#notification-bell .bell__count")).to_have_count(0)
    assert not Notification.objects.filter(user=world.member, read_at__isnull=True).exists()
    assert browser_errors == []
