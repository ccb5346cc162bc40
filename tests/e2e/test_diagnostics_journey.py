"""An agent runs a ping from a ticket in the admin; a real worker follows it on the
fake RIPE Atlas; the client, on the ticket's page, sees the results arrive without
reloading, and the summary line in the ticket's card."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from diagnostics.models import Measurement
from tests.diagnostics.fake_atlas import FakeAtlas
from tests.e2e.conftest import artifact_path, assert_accessible, sign_in
from tests.factories import PASSWORD
from tests.tickets.factories import open_ticket

pytestmark = pytest.mark.e2e


def _login(page, url, email, admin=False):
    sign_in(page, url, email, PASSWORD, admin=admin)


def test_the_client_watches_a_ping_the_agent_runs(
    live_world, live_server, browser, page, settings, start_worker
):
    world, url = live_world, live_server.url
    with FakeAtlas(steps=(2, 3), results_per_poll=1) as fake:
        settings.ATLAS_API_URL = fake.base_url
        settings.ATLAS_API_KEYS = {"default": fake.keys[0]}
        start_worker(**fake.env(), ATLAS_POLL_FIRST_SECONDS=0.5, ATLAS_POLL_MAX_SECONDS=1)
        world.member.language = "es"
        world.member.save(update_fields=["language"])
        ticket = open_ticket(world, "Sin internet en Providencia")

        # The client has the ticket open before anything is measured.
        _login(page, url, world.member.email)
        page.goto(url + ticket.get_absolute_url())

        agent = browser.new_context().new_page()
        _login(agent, url, world.agent.email, admin=True)
        agent.goto(url + reverse("admin:tickets_ticket_change", args=[ticket.pk]))
        agent.get_by_role("link", name="Run a network measurement").click()
        agent.fill("input[name=target]", "example.com")
        agent.locator("input[type=submit][value=Run]").click()
        expect(agent.locator(".messagelist")).to_contain_text("sent to RIPE Atlas", timeout=30_000)
        measurement = Measurement.objects.get()

        # The open ticket page brings the card in by itself (its live poll), and the
        # card then follows the measurement: no reload.
        card = page.locator(".diag-card")
        # Generous waits: the page polls every 4 s, the card every 3 s, the worker
        # every second, and CI machines are busy.
        expect(card).to_contain_text("Ping · example.com", timeout=60_000)
        expect(card.locator(".diag-summary")).to_contain_text("ping desde", timeout=90_000)
        expect(card.locator(".diag-status")).to_have_text("Completada", timeout=90_000)
        measurement.refresh_from_db()
        assert measurement.status == "done" and measurement.results.exists()
        assert "sondas" in card.locator(".diag-summary").inner_text()
        page.screenshot(path=artifact_path("diagnostics_ticket_card"), full_page=True)
        assert_accessible(page)

        page.goto(url + measurement.get_absolute_url())
        expect(page.locator("table")).to_contain_text(str(measurement.results.first().probe_id))
        assert_accessible(page)
