"""A wish as people live it: a client asks, support asks for changes in the admin,
the client edits and sends it again, support approves it and moves it across the
staff board (dragging it, then from the keyboard), the client watches it move on
their own board without reloading, and it becomes a ticket the client can open."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, sign_in
from tests.factories import PASSWORD
from wishes.models import Wish
from wishes.states import WishStatus

pytestmark = pytest.mark.e2e

BOARD = "/admin/wishes/wish/board/"


def _login(page, url, email, admin=False):
    sign_in(page, url, email, PASSWORD, admin=admin)


def _decide(agent, url, wish, to, **fields):
    agent.goto(f"{url}/admin/wishes/wish/{wish.pk}/change/")
    agent.select_option("select[name=move_to]", to)
    for name, value in fields.items():
        agent.fill(f"[name={name}]", value)
    agent.locator("input[name=_continue]").click()
    agent.wait_for_load_state()
    wish.refresh_from_db()
    assert wish.status == to, agent.locator(".errornote, .errorlist").all_inner_texts()


def _status(wish):
    wish.refresh_from_db()
    return wish.status


def _on_client_board(page, wish, status):
    """The card of `wish` in the client's column `status`, waited for (the board polls)."""
    column = page.locator(f"section.board__column:has(#col-{status})")
    column.get_by_text(wish.number).wait_for(timeout=15_000)


def test_ask_change_resubmit_approve_plan_and_work(
    live_world, live_server, page, browser, browser_errors
):
    world = live_world
    url = live_server.url

    # The client asks for an improvement.
    _login(page, url, world.member.email)
    page.goto(url + "/wishes/new/")
    page.get_by_label("Title").fill("Monthly traffic report")
    page.get_by_label("What and why").fill("A PDF each month with the traffic of every site.")
    page.check("input[name=value][value=high]")
    page.get_by_role("button", name="Submit").click()
    page.wait_for_load_state()
    wish = Wish.objects.get()
    expect(page).to_have_url(re.compile(re.escape(wish.get_absolute_url()) + "$"))
    assert wish.status == WishStatus.SUBMITTED
    assert_accessible(page)

    # Support asks for changes, in the admin, in another browser.
    agent_context = browser.new_context(viewport={"width": 2560, "height": 900})
    agent = agent_context.new_page()
    _login(agent, url, world.agent.email, admin=True)
    _decide(agent, url, wish, WishStatus.CHANGES_REQUESTED, client_note="Which sites?")

    # The client reads what to change, edits and sends it again.
    page.reload()
    page.get_by_text("Which sites?").wait_for()
    page.get_by_role("link", name="Edit the wish and send it again").click()
    page.get_by_label("What and why").fill("A PDF each month for Santiago and Valparaíso.")
    page.get_by_role("button", name="Send the changes").click()
    page.wait_for_load_state()
    assert _status(wish) == WishStatus.SUBMITTED
    assert wish.versions.count() == 2
    page.get_by_role("link", name=re.compile("see what changed")).click()
    expect(page.locator(".diff ins", has_text="Santiago")).to_have_count(1)

    # Support approves it; the client keeps the board open from now on.
    _decide(agent, url, wish, WishStatus.APPROVED, estimate="6")
    page.goto(url + "/wishes/")
    _on_client_board(page, wish, WishStatus.APPROVED)
    page.evaluate("window.__stillHere = true")

    # On the staff board, support drags the card to Planned; the date it needs is asked.
    agent.goto(url + BOARD)
    card = agent.locator(f"#wish-{wish.pk}")
    card.wait_for()
    card.locator(".wish-card__grip").hover()
    agent.mouse.down()
    box = agent.locator('.wish-column__cards[data-status="planned"]').bounding_box()
    agent.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] - 5, steps=20)
    agent.mouse.up()
    dialog = agent.locator("#wish-move-dialog")
    dialog.locator("#dialog_plan_date").wait_for(state="visible")
    dialog.locator("#dialog_plan_date").fill("2027-03-31")
    dialog.locator("input[type=submit]").click()
    expect(agent.locator("#wish-board-status")).to_contain_text("moved to planned")
    assert _status(wish) == WishStatus.PLANNED

    # The client sees it move, without reloading.
    _on_client_board(page, wish, WishStatus.PLANNED)
    assert page.evaluate("window.__stillHere") is True

    # Then from the keyboard: the card's own menu, and Enter on its Move button.
    agent.goto(url + BOARD)
    menu = agent.locator(f"#wish-move-{wish.pk}")
    menu.focus()
    menu.select_option(WishStatus.IN_PROGRESS)
    agent.locator(f"#wish-{wish.pk} .wish-card__move button").focus()
    agent.keyboard.press("Enter")
    expect(agent.locator("#wish-board-status")).to_contain_text("moved to in progress")
    assert _status(wish) == WishStatus.IN_PROGRESS
    _on_client_board(page, wish, WishStatus.IN_PROGRESS)
    assert page.evaluate("window.__stillHere") is True

    # It becomes a ticket, and the client finds it on the wish.
    agent.goto(f"{url}/admin/wishes/wish/{wish.pk}/change/")
    agent.get_by_role("link", name="Turn into a ticket…").click()
    agent.locator("input[type=submit][value='Open the ticket']").click()
    agent.wait_for_load_state()
    ticket = wish.tickets.get()
    agent_context.close()
    page.goto(url + wish.get_absolute_url())
    page.get_by_role("link", name=ticket.number).click()
    expect(page).to_have_url(re.compile(re.escape(ticket.get_absolute_url()) + "$"))
    assert browser_errors == []
