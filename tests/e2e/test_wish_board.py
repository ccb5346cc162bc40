"""The staff wish board in the browser: dragging cards (SortableJS), the dialog a
move that needs more opens, an illegal drop going back, the keyboard's forms, a
phone's width, axe; tests/wishes/test_staff_board.py tests the same views without
a browser."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.e2e import conftest as e2e
from tests.e2e.conftest import sign_in
from tests.factories import PASSWORD
from tests.wishes.factories import submitted, wish_in
from wishes.models import Wish
from wishes.states import WishStatus

pytestmark = pytest.mark.e2e

S = WishStatus
BOARD_URL = reverse("admin:wishes_wish_board")


# --- In the browser: dragging, the dialog, the keyboard, a phone's width ---------------
# The e2e fixtures (Playwright on Debian's Chromium, the live server) come from
# tests/e2e/conftest.py; `make test` fetches SortableJS and axe-core first.


def _login(page, url, email):
    sign_in(page, url, email, PASSWORD, admin=True)


def _status(wish):
    wish.refresh_from_db()
    return wish.status


def _card(page, wish):
    return page.locator(f"#wish-{wish.pk}")


def _drag(page, wish, status):
    """Drag a card by its handle to the end of the column `status`."""
    grip = _card(page, wish).locator(".wish-card__grip")
    target = page.locator(f'.wish-column__cards[data-status="{status}"]')
    grip.hover()
    page.mouse.down()
    box = target.bounding_box()
    # Small steps, as a hand does: SortableJS follows the pointer's moves.
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] - 5, steps=20)
    page.mouse.up()


@pytest.mark.e2e
def test_staff_drag_cards_across_the_board_in_the_browser(
    live_world, live_server, page, browser_errors
):
    world = live_world
    moving = submitted(world, "Drag me")
    asking = wish_in(world, S.IN_REVIEW, "Needs a note")
    _login(page, live_server.url, world.agent.email)
    # Wide enough for every column at once: a hand drags to a column it sees.
    page.set_viewport_size({"width": 2560, "height": 900})
    page.goto(live_server.url + BOARD_URL)
    _card(page, moving).wait_for()
    assert browser_errors == []
    e2e.assert_accessible(page)
    browser_errors.clear()  # axe's own contrast probes trip the CSP; the page did not

    # An allowed move: the card lands in its new column, the live region says so.
    _drag(page, moving, S.IN_REVIEW)
    page.locator(f'.wish-column__cards[data-status="in_review"] #wish-{moving.pk}').wait_for()
    expect(page.locator("#wish-board-status")).to_contain_text("moved to in review")
    assert _status(moving) == S.IN_REVIEW

    # An illegal move: refused with the service's message, the card goes back.
    _drag(page, moving, S.DONE)
    expect(page.locator("#wish-board-error")).to_contain_text("cannot be moved to done")
    assert page.locator(f'.wish-column__cards[data-status="in_review"] #wish-{moving.pk}').count()
    assert _status(moving) == S.IN_REVIEW

    # A move that needs a note asks for it in a dialog first.
    _drag(page, asking, S.CHANGES_REQUESTED)
    dialog = page.locator("#wish-move-dialog")
    dialog.locator("#dialog_client_note").wait_for(state="visible")
    assert dialog.locator("#dialog_reason").is_hidden()
    e2e.assert_accessible(page)
    browser_errors.clear()
    dialog.locator("#dialog_client_note").fill("Which sites should the report cover?")
    dialog.locator("input[type=submit]").click()
    expect(page.locator("#wish-board-status")).to_contain_text("moved to changes requested")
    expect(dialog).to_be_hidden()
    assert page.locator(
        f'.wish-column__cards[data-status="changes_requested"] #wish-{asking.pk}'
    ).count()
    asking.refresh_from_db()
    assert asking.status == S.CHANGES_REQUESTED
    assert asking.decision_note == "Which sites should the report cover?"

    # Cancelling the dialog puts the card back where it was.
    again = wish_in(world, S.APPROVED, "Plan me")
    page.reload()
    _drag(page, again, S.PLANNED)
    dialog.locator("#dialog_plan_date").wait_for(state="visible")
    page.keyboard.press("Escape")
    expect(page.locator("#wish-board-error")).to_contain_text("Not moved")
    assert page.locator(f'.wish-column__cards[data-status="approved"] #wish-{again.pk}').count()
    assert _status(again) == S.APPROVED
    # Chrome logs each refusal's 400 as a failed load; nothing else went wrong.
    assert [e for e in browser_errors if "status of 400 (Bad Request)" not in e] == []


@pytest.mark.e2e
def test_the_board_works_from_the_keyboard_and_fits_a_phone(
    live_world, live_server, page, browser_errors
):
    world = live_world
    a, b, c = (submitted(world, title) for title in ("Alpha", "Bravo", "Charlie"))
    _login(page, live_server.url, world.agent.email)
    page.set_viewport_size(e2e.PHONE)
    page.goto(live_server.url + BOARD_URL)
    _card(page, c).wait_for()

    # The page itself never scrolls sideways; the columns do, inside their box.
    assert page.evaluate("document.documentElement.scrollWidth") <= e2e.PHONE["width"]
    assert page.locator(".wish-board").evaluate("e => e.scrollWidth > e.clientWidth")
    e2e.assert_accessible(page)
    browser_errors.clear()

    # Charlie up, from the keyboard: between Alpha and Bravo, and saved.
    up = _card(page, c).locator('form[data-direction="up"] button')
    up.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#wish-board-status")).to_contain_text("new place")
    order = page.locator('.wish-column__cards[data-status="submitted"] .wish-card')
    assert order.evaluate_all("cards => cards.map(c => c.dataset.number)") == [
        a.number,
        c.number,
        b.number,
    ]
    expect(up).to_be_focused()  # the button pressed keeps the focus, its card moved
    saved = Wish.objects.filter(status=S.SUBMITTED).order_by(*Wish._meta.ordering)
    assert [w.number for w in saved] == [a.number, c.number, b.number]

    # "Move to…" from the keyboard: the card goes to its new column and keeps the focus.
    page.locator(f"#wish-move-{a.pk}").select_option(S.APPROVED)
    page.locator(f"#wish-move-{a.pk}").focus()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.locator(f'.wish-column__cards[data-status="approved"] #wish-{a.pk}').wait_for()
    expect(_card(page, a)).to_be_focused()
    assert _status(a) == S.APPROVED
    assert page.evaluate("document.documentElement.scrollWidth") <= e2e.PHONE["width"]
    assert browser_errors == []
