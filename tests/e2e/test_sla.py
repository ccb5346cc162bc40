"""A client sees when support will answer, and that a deadline is close."""

import pytest
from playwright.sync_api import expect

from sla.demo import backdate
from sla.models import BusinessCalendar, SLAPolicy, SLATarget
from tests.e2e.conftest import assert_accessible
from tests.factories import PASSWORD
from tickets import services

pytestmark = pytest.mark.e2e


def test_client_sees_deadlines_and_the_at_risk_mark(live_world, live_server, page, browser_errors):
    world = live_world
    calendar = BusinessCalendar.objects.create(name="24x7", timezone="UTC", always_open=True)
    policy = SLAPolicy.objects.create(name="Standard", calendar=calendar, is_global_default=True)
    SLATarget.objects.create(
        policy=policy,
        priority="high",
        acknowledgement_minutes=15,
        first_response_minutes=60,
        resolution_minutes=8 * 60,
    )
    ticket = services.ticket_open(
        organisation=world.org,
        requester=world.member,
        subject="Firewall drops VPN",
        description="Tunnels fall every 10 minutes.",
        priority="high",
    )
    backdate(ticket, minutes=50)  # 50 of 60 minutes used: past the 80 % warning

    page.goto(live_server.url + "/account/login/")
    page.fill("input[name=username]", world.member.email)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(live_server.url + ticket.get_absolute_url())

    card = page.locator(".sla-card")
    card.get_by_text("First response").wait_for()
    expect(card.locator(".deadline--at_risk .mark")).to_have_text("At risk")
    expect(card.locator(".deadline--at_risk")).to_contain_text("minutes left")
    expect(card.locator(".deadline--on_track").get_by_text("Resolution")).to_have_count(1)
    card.get_by_text("What do these mean?").click()
    card.get_by_text("24 hours a day, 7 days a week").wait_for()
    assert_accessible(page)

    page.goto(live_server.url + "/tickets/")
    row = page.locator("tr", has_text="Firewall drops VPN")
    expect(row.locator(".mark--at_risk")).to_have_count(1)
    assert_accessible(page)
    assert browser_errors == []
