"""A client about to open a ticket finds the answer instead: they type their problem,
an article is suggested beside the form, they read it there without losing what
they typed, say it solved it, and support's report counts the deflection."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from knowledge.models import Deflection
from tests.e2e.conftest import PHONE, artifact_path, assert_accessible, sign_in
from tests.factories import PASSWORD
from tests.knowledge.factories import article

pytestmark = pytest.mark.e2e

TITLE = "Sin conexión a internet: qué revisar"


def _login(page, url, email, admin=False):
    sign_in(page, url, email, PASSWORD, admin=admin)


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_a_suggested_article_solves_it_and_the_report_counts_it(
    live_world, live_server, browser, browser_errors, viewport
):
    world = live_world
    url = live_server.url
    world.member.language = "es"
    world.member.save(update_fields=["language"])
    answer = article(
        {
            "es": (
                TITLE,
                "Si no tienes internet, revisa las luces del router antes de abrir un ticket.",
                "## Revisa las luces\n\nSi la luz LOS está roja, no llega la fibra.\n\n"
                "## Reinicia el router\n\nDesenchúfalo 30 segundos.\n\n## Sigue sin funcionar\n\n"
                "Abre un ticket.",
            )
        }
    )
    context = browser.new_context(**({"viewport": viewport} if viewport else {}))
    page = context.new_page()
    _login(page, url, world.member.email)
    page.goto(url + reverse("tickets:create"))
    page.fill("#id_subject", "no tengo internet")
    page.fill("#id_description", "Desde esta mañana la oficina no tiene conexión.")
    suggestion = page.locator("#kb-suggestions a.kb-list__title", has_text=TITLE)
    suggestion.wait_for(timeout=10_000)
    assert_accessible(page)

    suggestion.click()
    panel = page.locator("#kb-reader .kb-panel")
    expect(panel.get_by_role("heading", name="Reinicia el router")).to_be_visible()
    # Reading it beside the form keeps what was typed.
    expect(page.locator("#id_subject")).to_have_value("no tengo internet")
    page.screenshot(path=artifact_path(f"kb_suggestion_{'phone' if viewport else 'desktop'}"))
    assert_accessible(page)

    panel.locator("#kb-solved button").click()
    expect(page.locator("#kb-solved[role=status]")).to_be_visible()
    visit = Deflection.objects.get()
    assert (visit.outcome, visit.solved_by_id, visit.user_id) == (
        "solved",
        answer.pk,
        world.member.pk,
    )

    staff = browser.new_context().new_page()
    _login(staff, url, world.supervisor.email, admin=True)
    staff.goto(url + reverse("admin:knowledge_report"))
    row = staff.locator("#top-deflections tbody tr", has_text=TITLE)
    expect(row.locator("td")).to_have_text("1")
    # The visit had no request type, and it was deflected.
    expect(staff.locator("#request-types tbody tr td").nth(2)).to_have_text("1")
    context.close()
