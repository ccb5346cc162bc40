"""Main journeys in a real browser: log in, switch language, invite a colleague."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import DESKTOP, PHONE, artifact_path, assert_accessible
from tests.factories import PASSWORD

pytestmark = pytest.mark.e2e


def log_in(page: Page, base_url: str, user) -> None:
    page.goto(base_url + "/")
    expect(page).to_have_url(re.compile(r"/account/login/"))
    expect(page.get_by_role("heading", name="Log in", level=1)).to_be_visible()
    page.get_by_label("E-mail address").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/dashboard/$"))


def test_member_logs_in_and_switches_to_spanish(live_world, live_server, page, browser_errors):
    member = live_world.member
    member.language = "en"
    member.save(update_fields=["language"])

    page.goto(live_server.url + "/")
    expect(page).to_have_url(re.compile(r"/account/login/$"))
    page.set_viewport_size(PHONE)
    page.screenshot(path=artifact_path("login_phone"), full_page=True)
    assert_accessible(page)
    page.set_viewport_size(DESKTOP)

    log_in(page, live_server.url, member)
    # English outside the United States (the member's zone is UTC) reads British.
    expect(page.locator("html")).to_have_attribute("lang", "en-gb")
    expect(page.get_by_role("heading", name="Dashboard", level=1)).to_be_visible()
    page.screenshot(path=artifact_path("dashboard_desktop"), full_page=True)

    user_menu = page.locator("details").filter(
        has=page.locator("summary", has_text=member.display_name)
    )
    user_menu.locator("summary").click()
    expect(user_menu).to_have_attribute("open", "")
    page.screenshot(path=artifact_path("dashboard_user_menu"))
    spanish = user_menu.get_by_role("button", name="ES", exact=True)
    expect(spanish).to_have_attribute("name", "language")
    expect(spanish).to_have_attribute("value", "es")
    spanish.click()

    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    expect(page.locator("html")).to_have_attribute("lang", "es")
    member.refresh_from_db()
    assert member.language == "es"
    page.set_viewport_size(PHONE)
    page.screenshot(path=artifact_path("dashboard_phone_es"), full_page=True)
    # Needs the compiled Spanish catalog (locale/es/LC_MESSAGES/django.mo).
    expect(page.get_by_role("heading", level=1)).to_have_text("Panel")

    assert browser_errors == []


def test_manager_invites_a_member_from_team_page(live_world, live_server, page, browser_errors):
    log_in(page, live_server.url, live_world.manager)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Team").click()
    expect(page).to_have_url(re.compile(r"/account/team/$"))
    expect(page.get_by_role("heading", name="Team", level=1)).to_be_visible()

    invite = page.locator("form", has=page.get_by_role("button", name="Send invitation"))
    invite.get_by_label("E-mail address").fill("new.person@example.com")
    invite.get_by_label("Role").select_option(label="Member")
    invite.get_by_role("button", name="Send invitation").click()

    expect(page).to_have_url(re.compile(r"/account/team/$"))
    expect(page.get_by_role("status")).to_contain_text("Invitation sent to new.person@example.com.")
    pending = page.get_by_role("heading", name="Pending invitations")
    expect(pending).to_be_visible()
    invitation = page.locator(".list__item", has_text="new.person@example.com")
    expect(invitation).to_have_count(1)
    expect(invitation).to_contain_text("Member")
    expect(invitation.get_by_role("button", name="Withdraw")).to_be_visible()
    page.screenshot(path=artifact_path("team_after_invite"), full_page=True)
    page.set_viewport_size(PHONE)
    page.screenshot(path=artifact_path("team_after_invite_phone"), full_page=True)

    assert browser_errors == []
