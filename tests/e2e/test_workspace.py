"""The agent's ticket workspace in a real browser: two agents on one ticket see
each other (and who is typing), a reply sent over a colleague's unseen one is
refused once with their change listed and the text kept, the keyboard drives the
page from the queue, and the page passes axe and fits 1280 and 390 px."""

import re

import pytest
from playwright.sync_api import expect

from core.uploads import CleanUpload
from tests.e2e.conftest import (
    _CSP_LISTENER,
    DESKTOP,
    PHONE,
    artifact_path,
    axe_violations,
    sign_in,
)
from tests.factories import PASSWORD
from tickets import desk, services
from tickets.models import Comment

pytestmark = pytest.mark.e2e

# Pages beat every 5 s: another agent shows within two beats.
PRESENCE_TIMEOUT_MS = 15_000
STALE = "Not sent: the ticket changed since you opened it."


def _login(page, url, email):
    sign_in(page, url, email, PASSWORD, admin=True)


def _second_agent(browser, errors):
    """A second agent's browser, its console errors and CSP violations kept like `page`'s."""
    context = browser.new_context(viewport=DESKTOP, locale="en-GB")
    context.set_default_timeout(10_000)
    context.expose_function("__reportCspViolation", lambda text: errors.append(f"CSP: {text}"))
    context.add_init_script(_CSP_LISTENER)
    page = context.new_page()
    page.on(
        "console",
        lambda msg: errors.append(f"console: {msg.text}") if msg.type == "error" else None,
    )
    page.on("pageerror", lambda error: errors.append(f"pageerror: {error}"))
    return page


def _ticket(world, subject="The branch VPN drops every ten minutes"):
    return services.ticket_open(
        organisation=world.org,
        requester=world.member,
        subject=subject,
        description="Since the firmware upgrade on Monday.",
    )


def _change(url, ticket):
    return f"{url}/admin/tickets/ticket/{ticket.pk}/change/"


def _reply(page, text):
    page.fill("#ws-reply textarea", text)
    page.get_by_role("button", name="Send reply").click()


def test_two_agents_see_each_other_and_who_is_writing(
    live_world, live_server, page, browser, browser_errors
):
    world, url = live_world, live_server.url
    ticket = _ticket(world)
    _login(page, url, world.agent.email)
    page.goto(_change(url, ticket))
    expect(page.locator("#ws-presence")).to_contain_text("No other agent has this ticket open.")

    supervisor_errors = []
    supervisor = _second_agent(browser, supervisor_errors)
    _login(supervisor, url, world.supervisor.email)
    supervisor.goto(_change(url, ticket))

    # Each sees the other, with no reload.
    mine, theirs = page.locator("#ws-presence"), supervisor.locator("#ws-presence")
    expect(theirs).to_contain_text("Also on this ticket:")
    expect(theirs).to_contain_text("Ana Agent")
    expect(mine).to_contain_text("Also on this ticket:", timeout=PRESENCE_TIMEOUT_MS)
    expect(mine).to_contain_text("Sergio Supervisor")
    expect(mine).not_to_contain_text("is writing…")

    # The supervisor types: the agent is told they are writing; the supervisor is not
    # told about themselves.
    supervisor.locator("#ws-reply textarea").press_sequentially("Looking at the tunnel")
    expect(mine.locator("li", has_text="Sergio Supervisor")).to_contain_text(
        "is writing…", timeout=PRESENCE_TIMEOUT_MS
    )
    expect(mine).not_to_contain_text("Ana Agent")
    expect(theirs).not_to_contain_text("is writing…")

    # The supervisor leaves: the agent's list empties again.
    supervisor.context.close()
    expect(mine).to_contain_text(
        "No other agent has this ticket open.", timeout=PRESENCE_TIMEOUT_MS
    )
    assert browser_errors == [] and supervisor_errors == []


def test_a_reply_over_a_colleagues_unseen_one_is_refused_once(
    live_world, live_server, page, browser, browser_errors
):
    world, url = live_world, live_server.url
    ticket = _ticket(world)
    _login(page, url, world.agent.email)
    page.goto(_change(url, ticket))  # the agent's page is drawn before the colleague's reply

    supervisor_errors = []
    supervisor = _second_agent(browser, supervisor_errors)
    _login(supervisor, url, world.supervisor.email)
    supervisor.goto(_change(url, ticket))
    _reply(supervisor, "We restarted the tunnel on our side.")
    expect(supervisor.locator("#ws-reply")).to_contain_text("Reply sent.")
    supervisor.context.close()

    # The agent, unaware, sends: refused, the colleague's reply listed, the text kept.
    mine = "Please update the firmware to 7.2 and tell us."
    _reply(page, mine)
    stale = page.locator("#ws-reply .ws-stale")
    expect(stale).to_contain_text(STALE)
    # The reply, and the status it moved the ticket to, both the supervisor's.
    changes = stale.locator("li")
    expect(changes.first).to_contain_text(f"Sergio Supervisor replied on {ticket.number}")
    assert all("Sergio Supervisor" in text for text in changes.all_inner_texts())
    expect(page.locator("#ws-reply textarea")).to_have_value(mine)
    # The thread beside it now shows what the colleague wrote.
    expect(page.locator("#ws-thread")).to_contain_text("We restarted the tunnel on our side.")
    assert list(Comment.objects.filter(ticket=ticket).values_list("author", flat=True)) == [
        world.supervisor.pk
    ]

    # Sending again is a decision taken knowing it: it goes.
    page.get_by_role("button", name="Send reply").click()
    expect(page.locator("#ws-reply")).to_contain_text("Reply sent.")
    expect(page.locator("#ws-reply .ws-stale")).to_have_count(0)
    expect(page.locator("#ws-reply textarea")).to_have_value("")
    thread = page.locator("#ws-thread .ticket-comment")
    expect(thread).to_have_count(2)
    expect(thread.nth(0)).to_contain_text("We restarted the tunnel on our side.")
    expect(thread.nth(1)).to_contain_text(mine)
    bodies = list(
        Comment.objects.filter(ticket=ticket).order_by("pk").values_list("body", "author")
    )
    assert [(body.split("\n")[0], author) for body, author in bodies] == [
        ("We restarted the tunnel on our side.", world.supervisor.pk),
        (mine, world.agent.pk),
    ]
    assert browser_errors == [] and supervisor_errors == []


def test_the_keyboard_from_the_queue(live_world, live_server, page, browser_errors):
    world, url = live_world, live_server.url
    for n in range(3):
        _ticket(world, subject=f"Printer {n} offline at the warehouse")
    _login(page, url, world.agent.email)
    page.goto(url + "/admin/tickets/ticket/")
    rows = page.locator("#result_list tbody th a[href*='/change/']")
    rows.first.wait_for()
    paths = [re.sub(r"^https?://[^/]+", "", rows.nth(i).get_attribute("href")) for i in range(3)]
    rows.first.click()
    expect(page).to_have_url(url + paths[0])
    first = page.locator("#ws").get_attribute("data-ticket")

    # r focuses the reply box; Ctrl+Enter sends it.
    page.locator("#ws-thread-title").click()
    page.keyboard.press("r")
    box = page.locator("#ws-reply textarea")
    expect(box).to_be_focused()
    page.keyboard.type("Sent from the keyboard.")
    page.keyboard.press("Control+Enter")
    expect(page.locator("#ws-reply")).to_contain_text("Reply sent.")
    expect(page.locator("#ws-thread")).to_contain_text("Sent from the keyboard.")
    assert Comment.objects.filter(
        ticket_id=first, author=world.agent, body__startswith="Sent from the keyboard."
    ).exists()

    # ? opens the shortcuts' help (and closes it).
    page.locator("#ws-thread-title").click()
    help_ = page.locator(".ws-keys")
    expect(help_.locator("dl")).to_be_hidden()
    page.keyboard.press("?")
    expect(help_.locator("dl")).to_be_visible()
    expect(help_).to_contain_text("Next / previous ticket of the queue you came from")
    page.locator("#ws-thread-title").click()
    page.keyboard.press("?")
    expect(help_.locator("dl")).to_be_hidden()

    # j opens the queue's next ticket, k comes back; typed letters never navigate.
    page.locator("#ws-thread-title").click()
    page.keyboard.press("j")
    expect(page).to_have_url(url + paths[1])
    page.locator("#ws-reply textarea").click()
    page.keyboard.type("jk")
    expect(page).to_have_url(url + paths[1])
    page.locator("#ws-thread-title").click()
    page.keyboard.press("k")
    expect(page).to_have_url(url + paths[0])
    assert browser_errors == []


def _busy_ticket(world):
    ticket = _ticket(world, subject="Intermittent backup link at the Valparaíso branch office")
    services.comment_add(
        ticket=ticket,
        author=world.member,
        body="It dropped again at 10:40, log of the modem attached.",
        attachments=[
            CleanUpload(name="modem.txt", content_type="text/plain", data=b"LOS blinking")
        ],
    )
    desk.note_add(ticket=ticket, author=world.agent, body="Same port as in March: check the SFP.")
    services.comment_add(
        ticket=ticket, author=world.agent, body="A technician visits tomorrow at 9:00."
    )
    return ticket


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["1280", "390"])
def test_the_page_fits_and_passes_axe(live_world, live_server, page, browser_errors, size):
    world, url = live_world, live_server.url
    ticket = _busy_ticket(world)
    _login(page, url, world.agent.email)
    page.set_viewport_size(size)
    page.goto(_change(url, ticket))
    # The client's context is drawn after the page (htmx on load): wait for it.
    page.locator("#ws-context:not([aria-busy])").wait_for()
    expect(page.locator("#ws-thread .ticket-comment")).to_have_count(3)
    page.screenshot(path=artifact_path(f"workspace_{size['width']}"), full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= size["width"], f"the ticket page scrolls sideways: {width} px"
    assert browser_errors == []
    assert axe_violations(page) == []
