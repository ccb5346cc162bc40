"""The live queue in the browser: a ticket opened while an agent has the queue open
appears without a reload, the agent's ticked boxes stay ticked; the queue with its
saved views, tags and viewers fits at 1280 and 390 px and passes axe."""

import importlib

import pytest
from django.apps import apps

from tests.e2e.conftest import PHONE, axe_violations, sign_in
from tests.factories import PASSWORD
from tickets import live, relations, services

pytestmark = pytest.mark.e2e


@pytest.fixture
def live_world(live_world):
    # A transactional test starts with empty tables: the shared views of 0011 again.
    importlib.import_module("tickets.migrations.0011_tags_links_saved_views").add_shared_views(
        apps, None
    )
    return live_world


def _login(page, url, email):
    sign_in(page, url, email, PASSWORD, admin=True)


def _open(world, subject):
    return services.ticket_open(
        organisation=world.org,
        requester=world.member,
        subject=subject,
        description="The branch link drops every few minutes.",
    )


def test_a_new_ticket_appears_in_an_open_queue_without_reload(
    live_world, live_server, page, browser_errors, monkeypatch
):
    monkeypatch.setattr(live, "POLL_SECONDS", 1)
    world = live_world
    first = _open(world, "Already there")
    _login(page, live_server.url, world.agent.email)
    # /admin/ lands on the agent's default view ("My open"); the queue is a click away.
    assert "view=" in page.url
    page.goto(live_server.url + "/admin/tickets/ticket/")
    page.locator("#result_list tbody tr").first.wait_for()
    page.locator(f"#result_list tbody tr:has-text('{first.number}') input.action-select").check()
    page.evaluate("window.__sameDocument = true")

    arrived = _open(world, "Arrived while the queue was open")
    page.locator(f"#result_list tbody tr:has-text('{arrived.number}')").wait_for(timeout=15_000)

    assert page.evaluate("window.__sameDocument") is True  # no reload
    row = page.locator(f"#result_list tbody tr:has-text('{first.number}')")
    assert row.locator("input.action-select").is_checked()
    assert browser_errors == []


@pytest.mark.parametrize("width", [1280, PHONE["width"]])
def test_the_queue_with_views_and_tags_fits_and_passes_axe(
    live_world, live_server, page, browser_errors, width
):
    world = live_world
    page.set_viewport_size({"width": width, "height": 800})
    ticket = _open(world, "Enlace de respaldo intermitente en la sucursal")
    for name in ("fibre", "vip-client", "outage", "branch"):
        relations.tag_add(ticket=ticket, name=name, by=world.agent)
    _login(page, live_server.url, world.agent.email)
    page.goto(live_server.url + "/admin/tickets/ticket/?status=all")
    page.locator("#result_list tbody tr").first.wait_for()
    assert page.locator(".queue-views li").count() == 4
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    if width == 1280:
        box = page.locator("#result_list th.column-client_activity").bounding_box()
        assert box is not None and box["x"] + box["width"] <= width
    assert browser_errors == []
    assert axe_violations(page) == []
