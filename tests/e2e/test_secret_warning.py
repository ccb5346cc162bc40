"""The warning while typing follows the same rule as the server's check on submit."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, sign_in
from tests.factories import PASSWORD
from tests.tickets.secret_cases import CASES
from tickets.secrets import find_secrets

pytestmark = pytest.mark.e2e


def _login(page, url, email):
    sign_in(page, url, email, PASSWORD)


def test_the_browser_and_the_server_agree(live_world, live_server, page, browser_errors):
    _login(page, live_server.url, live_world.member.email)
    page.goto(live_server.url + "/tickets/new/")
    warning = page.locator("[data-secret-warning]")
    description = page.get_by_label("Description")

    # Typed, as a person would: a card number warns before any submit.
    description.press_sequentially("Please charge 4111 1111 1111 1111")
    expect(warning).to_be_visible()
    description.fill("The router reboots every night.")
    description.dispatch_event("input")
    expect(warning).to_be_hidden()

    for text, secret in CASES:
        in_browser = page.evaluate("text => window.portalLooksSecret(text)", text)
        assert in_browser is secret, text
        assert bool(find_secrets(text)) is in_browser, text
    assert_accessible(page)  # the warning shown or not, the form stays accessible
    assert browser_errors == []
