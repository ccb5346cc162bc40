"""A security key in a real browser: Chromium's virtual authenticator (DevTools protocol).

A client member adds a key from the security page, logs out, and logs in with the
password and the key. live_server answers on localhost, which browsers treat as a
secure context, so WebAuthn works over plain HTTP there.
"""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import SecurityKey
from tests.accounts.soft_key import SoftKey
from tests.e2e.conftest import PHONE, artifact_path, assert_accessible
from tests.factories import PASSWORD

pytestmark = pytest.mark.e2e


def _virtual_authenticator(page) -> tuple:
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    added = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "usb",
                "hasResidentKey": False,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )
    return cdp, added["authenticatorId"]


def _password(page, base, user) -> None:
    page.goto(base + "/account/login/")
    page.get_by_label("E-mail address").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_member_adds_a_key_and_signs_in_with_it(live_world, live_server, page, browser_errors):
    member = live_world.member
    base = live_server.url
    cdp, authenticator = _virtual_authenticator(page)

    _password(page, base, member)
    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    page.goto(base + "/account/security/")
    keys = page.get_by_role("region", name="Security keys and passkeys")
    expect(keys.get_by_role("button", name="Add a security key")).to_be_visible()
    assert_accessible(page)
    page.set_viewport_size(PHONE)
    overflow = page.evaluate("() => document.documentElement.scrollWidth > window.innerWidth")
    assert not overflow, "the security page is wider than a 390 px phone"

    keys.get_by_label("Name of the key").fill("YubiKey 5")
    keys.get_by_role("button", name="Add a security key").click()
    expect(page.get_by_role("heading", name="Your recovery codes", level=1)).to_be_visible()
    expect(page.locator(".recovery-codes li")).to_have_count(10)
    key = SecurityKey.objects.get(user=member)
    assert key.name == "YubiKey 5"
    credentials = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})
    assert len(credentials["credentials"]) == 1

    page.get_by_role("link", name="I have saved them").click()
    expect(keys.get_by_role("button", name="Remove YubiKey 5")).to_be_visible()
    assert_accessible(page)
    keys.scroll_into_view_if_needed()
    page.screenshot(path=artifact_path("security_keys_phone"))

    page.goto(base + "/account/logout/")
    page.locator("main").get_by_role("button", name="Log out").click()
    expect(page).to_have_url(re.compile(r"/account/login/"))
    _password(page, base, member)
    expect(page).to_have_url(re.compile(r"/account/login/verify/$"))
    assert_accessible(page)
    page.screenshot(path=artifact_path("login_verify_security_key_phone"), full_page=True)
    page.get_by_role("button", name="Use your security key").click()
    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    key.refresh_from_db()
    assert key.last_used_at is not None
    assert browser_errors == []


def test_a_browser_without_the_key_gets_a_clear_message_and_keeps_the_code_form(
    live_world, live_server, page, browser_errors
):
    member = live_world.member
    SoftKey().save_for(member)
    cdp, authenticator = _virtual_authenticator(page)
    # The authenticator answers nothing (no credential for this site, nobody touches it).
    cdp.send(
        "WebAuthn.setUserVerified", {"authenticatorId": authenticator, "isUserVerified": False}
    )
    _password(page, base=live_server.url, user=member)
    expect(page).to_have_url(re.compile(r"/account/login/verify/$"))
    page.get_by_role("button", name="Use your security key").click()
    expect(page.get_by_role("alert")).to_have_text(
        re.compile(r"did not answer in time, or you cancelled")
    )
    expect(page.get_by_label("Code")).to_be_visible()
    assert browser_errors == []


def test_a_browser_without_webauthn_says_so_and_signs_in_with_a_code(
    live_world, live_server, page, browser_errors
):
    from django_otp.plugins.otp_static.models import StaticToken

    from accounts import second_factor

    member = live_world.member
    SoftKey().save_for(member)
    second_factor._new_recovery_codes(member)
    code = StaticToken.objects.filter(device__user=member).first().token
    page.add_init_script("delete window.PublicKeyCredential;")
    _password(page, base=live_server.url, user=member)
    expect(page).to_have_url(re.compile(r"/account/login/verify/$"))
    expect(page.get_by_role("alert")).to_have_text("Security keys do not work in this browser.")
    expect(page.get_by_role("button", name="Use your security key")).to_be_hidden()
    page.get_by_label("Code").fill(code)
    page.get_by_role("button", name="Verify").click()
    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    assert browser_errors == []
