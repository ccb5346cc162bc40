"""An agent uses a canned reply with the keyboard: "::" and a word in the reply box
lists the matches (an ARIA combobox), the arrows move, Enter inserts the reply
filled in for the ticket's client, Escape closes; the "Canned replies" button lists
them with a search box. On the ticket's admin page and, for the picker alone, on a
bare staff page (tests/canned/page.py); at 1280 and at 390 px, with no CSP error and
no serious axe finding. On the ticket page the reply goes out with the agent's
signature in the client's language, and the reply form htmx draws anew still has
the picker."""

import pytest

from canned.models import Scope
from tests.canned.factories import make_reply, make_signature
from tests.e2e.conftest import PHONE, axe_violations, sign_in
from tests.factories import PASSWORD
from tests.tickets.factories import open_ticket

pytestmark = pytest.mark.e2e


def _login(page, base, email):
    sign_in(page, base, email, PASSWORD, admin=True)


def _seed(world):
    world.member.display_name = "Diego Fuentes"
    world.member.language = "es"
    world.member.save()
    ticket = open_ticket(world)
    make_reply(
        title={"en": "Greeting", "es": "Saludo"},
        body={"en": "Hello {client_first_name}", "es": "Hola {client_first_name}, {ticket_number}"},
    )
    make_reply(
        scope=Scope.PERSONAL,
        owner=world.agent,
        title={"en": "Greeting, mine", "es": "Saludo personal"},
        body={"es": "Buenas, {client_name}"},
    )
    make_reply(
        title={"en": "Closing", "es": "Despedida"}, body={"es": "Hasta pronto, {agent_name}"}
    )
    return ticket


def _journey(page, browser_errors, url, ticket):
    page.goto(url)
    box = page.locator(f'textarea[data-composer="reply"][data-ticket="{ticket.pk}"]')
    box.wait_for()
    assert box.get_attribute("role") == "combobox"
    assert box.get_attribute("aria-expanded") == "false"

    box.click()
    box.press_sequentially("Gracias. ::salu")
    options = page.locator("[role=listbox] [role=option]:visible")
    options.first.wait_for()
    assert options.count() == 2
    # Personal first, titled in the client's language (Spanish).
    assert options.nth(0).locator(".canned-tools__title").inner_text() == "Saludo personal"
    assert box.get_attribute("aria-expanded") == "true"
    status = page.locator(".canned-tools__status:visible")
    assert status.inner_text().startswith("2 canned replies: up and down arrows")
    assert box.get_attribute("aria-activedescendant") == options.nth(0).get_attribute("id")
    assert axe_violations(page) == []
    browser_errors.clear()  # axe's own contrast probes trip the CSP; the page did not

    box.press("ArrowDown")
    assert box.get_attribute("aria-activedescendant") == options.nth(1).get_attribute("id")
    assert options.nth(1).get_attribute("aria-selected") == "true"
    box.press("ArrowDown")  # wraps round to the first
    box.press("ArrowUp")
    assert options.nth(1).get_attribute("aria-selected") == "true"
    box.press("Enter")
    page.wait_for_function(
        "([el, text]) => el.value === text",
        arg=[box.element_handle(), f"Gracias. Hola Diego, {ticket.number}"],
    )
    assert box.get_attribute("aria-expanded") == "false"
    assert page.locator("[role=listbox]:visible").count() == 0

    # Escape closes and leaves what was typed.
    box.press_sequentially(" ::desp")
    options.first.wait_for()
    box.press("Escape")
    assert page.locator("[role=listbox]:visible").count() == 0
    assert box.input_value().endswith("::desp")
    # Tab inserts too.
    box.press("Backspace")
    options.first.wait_for()
    box.press("Tab")
    page.wait_for_function(
        "([el, text]) => el.value.endsWith(text)",
        arg=[box.element_handle(), " Hasta pronto, Ana Agent"],
    )

    # The button: a search box over the same list, inserting at the caret.
    box.press("End")
    button = page.get_by_role("button", name="Canned replies").first
    button.click()
    assert button.get_attribute("aria-expanded") == "true"
    search = page.get_by_role("combobox", name="Search canned replies").first
    assert search.evaluate("el => el === document.activeElement")
    search.press_sequentially("diego")  # the body, any language: nothing has "diego"
    page.locator(".canned-tools__status:visible").filter(has_text="No canned reply").wait_for()
    search.fill("")
    search.press_sequentially("personal")
    options.first.wait_for()
    assert options.count() == 1
    search.press("Enter")
    page.wait_for_function(
        "([el, text]) => el.value.endsWith(text)",
        arg=[box.element_handle(), "Buenas, Diego Fuentes"],
    )
    assert button.get_attribute("aria-expanded") == "false"
    assert browser_errors == []


def _fits_a_phone(page, browser_errors, url, ticket):
    page.set_viewport_size(PHONE)
    page.goto(url)
    box = page.locator(f'textarea[data-composer="reply"][data-ticket="{ticket.pk}"]')
    box.click()
    box.press_sequentially("::salu")
    page.locator("[role=listbox] [role=option]:visible").first.wait_for()
    popup = page.locator(".canned-tools__popup:visible").bounding_box()
    assert popup["x"] >= 0 and popup["x"] + popup["width"] <= PHONE["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert axe_violations(page) == []
    browser_errors.clear()


def test_an_agent_uses_a_canned_reply_with_the_keyboard(
    live_world, live_server, page, browser_errors
):
    ticket = _seed(live_world)
    make_signature(live_world.agent, en="Ana, Support", es="Ana, Soporte")
    _login(page, live_server.url, live_world.agent.email)
    url = f"{live_server.url}/admin/tickets/ticket/{ticket.pk}/change/"
    _journey(page, browser_errors, url, ticket)

    # Sending swaps the reply form (htmx): the new box gets the picker too.
    page.get_by_role("button", name="Send reply").click()
    thread = page.locator("#ws-thread")
    thread.filter(has_text="Buenas, Diego Fuentes").wait_for()
    # The agent's signature follows, in the client's language (Spanish).
    assert "Ana, Soporte" in thread.inner_text()
    box = page.locator(f'textarea[data-composer="reply"][data-ticket="{ticket.pk}"]')
    page.wait_for_function("el => el.value === ''", arg=box.element_handle())
    box.press_sequentially("::desp")
    page.locator("[role=listbox] [role=option]:visible").first.wait_for()
    assert box.get_attribute("aria-expanded") == "true"
    assert browser_errors == []
    _fits_a_phone(page, browser_errors, url, ticket)


@pytest.mark.urls("tests.canned.page")
def test_the_picker_alone_on_a_bare_staff_page(live_world, live_server, page, browser_errors):
    ticket = _seed(live_world)
    _login(page, live_server.url, live_world.agent.email)
    url = f"{live_server.url}/canned-test/{ticket.pk}/"
    _journey(page, browser_errors, url, ticket)
    _fits_a_phone(page, browser_errors, url, ticket)
