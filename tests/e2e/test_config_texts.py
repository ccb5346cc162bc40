"""The new-ticket form with a request type's texts in Spanish and French, desktop and phone."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, PHONE, artifact_path, assert_accessible
from tests.e2e.test_login_language import log_in
from tests.tickets.test_config_texts import slow  # noqa: F401 (a fixture)

pytestmark = pytest.mark.e2e

TEXTS = {
    "es": ("Haga primero una prueba de velocidad.", "Velocidad medida", "Inalámbrica"),
    "fr": ("Faites d'abord un test de débit.", "Débit mesuré", "Sans fil"),
}


@pytest.mark.parametrize("language", ["es", "fr"])
def test_new_ticket_form_in_the_readers_language(
    live_world,
    live_server,
    page,
    browser_errors,
    slow,  # noqa: F811
    language,
):
    member = live_world.member
    member.language = language
    member.save(update_fields=["language"])
    log_in(page, live_server.url, member)

    page.goto(f"{live_server.url}/tickets/new/")
    page.locator("#id_request_type").select_option(str(slow.pk))
    guidance, label, choice = TEXTS[language]
    expect(page.get_by_text(guidance)).to_be_visible()
    expect(page.get_by_label(label)).to_be_visible()
    options = page.locator("#id_extra_connection option")
    expect(options).to_have_text(
        ["—", *dict(slow.fields.get(key="connection").choice_items(language)).values()]
    )
    assert choice in options.all_text_contents()

    for name, size in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        page.screenshot(path=artifact_path(f"new_ticket_{language}_{name}"), full_page=True)
        width, window = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert width <= window, f"{name}: the page is {width}px wide in a {window}px window"
    assert_accessible(page)
    assert browser_errors == []
