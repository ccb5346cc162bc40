"""Security keys (WebAuthn) as a second factor, with a software key (tests/accounts/soft_key.py)."""

import json
import re

from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken

from accounts import second_factor, security_keys
from accounts.models import SecurityKey
from audit.models import Action, AuditEntry
from tests.accounts.second_factor import (
    authenticator_for,
    code_at,
    other_session,
    plain_force_login,
    verify_session,
)
from tests.accounts.soft_key import SoftKey
from tests.accounts.test_second_factor import _secret_in
from tests.factories import PASSWORD

LOGIN = reverse("accounts:login")
VERIFY = reverse("accounts:login_verify")
SETUP = reverse("accounts:second_factor_setup")
SECURITY = reverse("accounts:security")
ADD_OPTIONS = reverse("accounts:security_key_register_options")
ADD = reverse("accounts:security_key_register")
SIGN_IN_OPTIONS = reverse("accounts:security_key_sign_in_options")
SIGN_IN = reverse("accounts:security_key_sign_in")


def _password(client, user, next_url=""):
    data = {"username": user.email, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    return client.post(LOGIN, data)


def _add(client, key, *, name="YubiKey 5", back="security", **answer):
    options = client.post(ADD_OPTIONS).json()
    credential = key.create(options, **answer)
    return client.post(ADD, {"name": name, "credential": credential, "back": back}), options


def _sign_in(client, key, **answer):
    options = client.post(SIGN_IN_OPTIONS).json()
    return client.post(SIGN_IN, {"credential": key.get(options, **answer)}), options


def _with_key(user, **kwargs):
    key = SoftKey(**kwargs)
    key.save_for(user)
    second_factor._new_recovery_codes(user)
    return key


def _signed_in(client):
    return "_auth_user_id" in client.session


def _failures(user):
    return AuditEntry.objects.filter(action=Action.SECOND_FACTOR_FAILED, target_id=str(user.pk))


# Adding a key ---------------------------------------------------------------------------


def test_the_first_key_turns_two_step_on_with_recovery_codes(client, world):
    plain_force_login(client, world.member)
    elsewhere = other_session(world.member)
    response, options = _add(client, SoftKey(sign_count=1))
    assert options["rp"] == {"name": "Support portal", "id": "testserver"}
    assert options["attestation"] == "none"
    assert options["authenticatorSelection"]["userVerification"] == "preferred"
    assert options["excludeCredentials"] == []

    assert response.status_code == 200
    codes = re.findall(r"<code>([a-z0-9]{5}-[a-z0-9]{5})</code>", response.content.decode())
    assert len(codes) == 10
    key = SecurityKey.objects.get(user=world.member)
    assert (key.name, key.sign_count, key.transports) == ("YubiKey 5", 1, ["usb"])
    assert second_factor.has_device(world.member)
    assert second_factor.is_verified(client)
    assert not Session.objects.filter(session_key=elsewhere.session_key).exists()
    entry = AuditEntry.objects.get(action=Action.SECOND_FACTOR_ENABLED)
    assert entry.extra == {"kind": "security_key", "name": "YubiKey 5", "first": True}


def test_another_key_is_added_without_new_codes_and_the_first_is_excluded(client, world):
    plain_force_login(client, world.member)
    first = SoftKey()
    _add(client, first)
    codes = set(StaticToken.objects.filter(device__user=world.member).values_list("token"))

    response, options = _add(client, SoftKey(), name="Phone")
    assert [c["id"] for c in options["excludeCredentials"]] == [first.id]
    assert response.status_code == 302
    assert response["Location"] == SECURITY
    assert list(world.member.security_keys.values_list("name", flat=True)) == ["YubiKey 5", "Phone"]
    assert set(StaticToken.objects.filter(device__user=world.member).values_list("token")) == codes
    page = client.get(SECURITY).content.decode()
    assert "Phone" in page and "YubiKey 5" in page


def test_the_same_key_twice_is_refused(client, world):
    plain_force_login(client, world.member)
    key = SoftKey()
    _add(client, key)
    response, _ = _add(client, key, name="Again")
    assert response.status_code == 302
    assert SecurityKey.objects.filter(user=world.member).count() == 1


def test_an_answer_to_another_challenge_or_from_another_site_adds_nothing(client, world):
    plain_force_login(client, world.member)
    wrong_challenge, _ = _add(client, SoftKey(), challenge="bm90LXRoZS1jaGFsbGVuZ2U")
    wrong_origin, _ = _add(client, SoftKey(), origin="https://evil.example")
    for response in (wrong_challenge, wrong_origin):
        assert response.status_code == 302
        assert response["Location"] == SECURITY
    assert not SecurityKey.objects.exists()
    assert "The key was not accepted" in client.get(SECURITY).content.decode()


def test_a_challenge_answers_once(client, world):
    plain_force_login(client, world.member)
    options = client.post(ADD_OPTIONS).json()
    credential = SoftKey().create(options)
    client.post(ADD, {"name": "One", "credential": credential})
    again = client.post(ADD, {"name": "Two", "credential": credential})
    assert again.status_code == 302
    assert list(SecurityKey.objects.values_list("name", flat=True)) == ["One"]


def test_a_session_that_has_not_passed_the_second_step_adds_no_key(client, world):
    authenticator_for(world.member)
    plain_force_login(client, world.member)
    assert client.post(ADD_OPTIONS).status_code == 404
    assert client.post(ADD, {"name": "x", "credential": "{}"}).status_code == 404


def test_without_javascript_the_answer_is_missing_and_said_so(client, world):
    plain_force_login(client, world.member)
    response = client.post(ADD, {"name": "YubiKey", "back": "setup"}, follow=True)
    assert response.redirect_chain[-1][0] == SETUP
    assert "Security keys do not work in this browser" in response.content.decode()


def test_the_pages_offer_a_key_with_the_script_and_translated_messages(client, world):
    plain_force_login(client, world.member)
    for url in (SECURITY, SETUP):
        page = client.get(url).content.decode()
        assert 'data-webauthn="register"' in page
        assert f'data-options-url="{ADD_OPTIONS}"' in page
        assert "accounts/webauthn.js" in page
        assert "<script>" not in page  # the CSP forbids inline scripts
    assert 'data-msg-failed="The key was not accepted; try again."' in page


def test_a_required_staff_member_may_add_a_key_instead_of_the_app(client, world):
    plain_force_login(client, world.agent)
    assert client.get("/admin/")["Location"] == SETUP
    response, _ = _add(client, SoftKey(), back="setup")
    assert response.status_code == 200
    assert client.get("/admin/", follow=True).status_code == 200


# Signing in with a key ----------------------------------------------------------------------


def test_password_then_key_signs_in_where_the_login_was_going(client, world):
    key = _with_key(world.member, sign_count=5)
    target = reverse("accounts:security")
    assert _password(client, world.member, next_url=target)["Location"] == VERIFY
    page = client.get(VERIFY).content.decode()
    assert "Use your security key" in page
    assert 'name="code"' in page  # the recovery code form stays

    response, options = _sign_in(client, key)
    assert [c["id"] for c in options["allowCredentials"]] == [key.id]
    assert options["rpId"] == "testserver"
    assert response.status_code == 302
    assert response["Location"] == target
    assert _signed_in(client)
    assert second_factor.is_verified(client)
    stored = SecurityKey.objects.get(user=world.member)
    assert stored.sign_count == 6
    assert stored.last_used_at is not None
    assert second_factor.PENDING_KEY not in client.session


def test_a_key_that_does_not_count_signs_in_again_and_again(client, world):
    key = _with_key(world.member)  # its counter stays at 0
    for _ in range(2):
        browser = Client()
        _password(browser, world.member)
        response, _ = _sign_in(browser, key)
        assert response.status_code == 302
        assert _signed_in(browser)


def test_an_answer_to_another_challenge_is_refused_and_audited(client, world):
    key = _with_key(world.member)
    _password(client, world.member)
    response, _ = _sign_in(client, key, challenge="bm90LXRoZS1jaGFsbGVuZ2U")
    assert response.status_code == 302
    assert response["Location"] == VERIFY
    assert not _signed_in(client)
    entry = _failures(world.member).get()
    assert entry.extra["kind"] == "security_key"
    assert entry.extra["name"] == "YubiKey 5"
    assert "challenge" in entry.extra["reason"]
    assert entry.actor == world.member
    assert "The key was not accepted" in client.get(VERIFY).content.decode()


def test_a_used_challenge_does_not_sign_in_twice(client, world):
    key = _with_key(world.member)
    _password(client, world.member)
    options = client.post(SIGN_IN_OPTIONS).json()
    answer = key.get(options)
    client.post(SIGN_IN, {"credential": "{}"})  # a broken answer uses the challenge up
    assert client.post(SIGN_IN, {"credential": answer})["Location"] == VERIFY
    assert not _signed_in(client)


def test_another_users_key_is_refused(client, world):
    _with_key(world.member)
    outsiders_key = _with_key(world.outsider)
    _password(client, world.member)
    options = client.post(SIGN_IN_OPTIONS).json()
    response = client.post(SIGN_IN, {"credential": outsiders_key.get(options)})
    assert response["Location"] == VERIFY
    assert not _signed_in(client)
    assert _failures(world.member).get().extra["reason"] == "not one of the user's keys"


def test_a_counter_that_went_backwards_is_refused(client, world):
    key = _with_key(world.member, sign_count=10)
    _password(client, world.member)
    response, _ = _sign_in(client, key, counter=7)
    assert response["Location"] == VERIFY
    assert not _signed_in(client)
    assert SecurityKey.objects.get(user=world.member).sign_count == 10
    assert "sign count" in _failures(world.member).get().extra["reason"]


def test_an_answer_from_another_site_is_refused(client, world):
    key = _with_key(world.member)
    _password(client, world.member)
    response, _ = _sign_in(client, key, origin="https://evil.example")
    assert response["Location"] == VERIFY
    assert not _signed_in(client)


def test_the_key_step_expires_with_the_password_step(client, world, settings):
    key = _with_key(world.member)
    _password(client, world.member)
    options = client.post(SIGN_IN_OPTIONS).json()
    session = client.session
    session[security_keys.SIGN_IN_KEY]["at"] -= settings.SECOND_FACTOR_PENDING_SECONDS + 1
    session.save()
    client.post(SIGN_IN, {"credential": key.get(options)})
    assert not _signed_in(client)


def test_without_a_password_first_there_is_nothing_to_sign(client, world):
    _with_key(world.member)
    assert client.post(SIGN_IN_OPTIONS).status_code == 404
    assert client.post(SIGN_IN, {"credential": "{}"})["Location"] == LOGIN
    assert client.get(SIGN_IN).status_code == 405


def test_a_person_with_only_a_key_is_asked_for_it_or_a_recovery_code(client, world):
    _with_key(world.member)
    _password(client, world.member)
    page = client.get(VERIFY).content.decode()
    assert "Or type a recovery code" in page
    assert "authenticator app on your phone" not in page


def test_a_person_with_only_a_key_adds_the_app_without_losing_the_key(client, world):
    _with_key(world.member)
    plain_force_login(client, world.member)
    verify_session(client, world.member)
    page = client.get(SECURITY).content.decode()
    assert "Add the authenticator app" in page
    assert "<h1>Add the authenticator app</h1>" in client.get(SETUP).content.decode()
    key = _secret_in(client.get(SETUP).content.decode())
    assert client.post(SETUP, {"code": code_at(key)}).status_code == 200
    assert SecurityKey.objects.filter(user=world.member).exists()
    assert second_factor.authenticator(world.member) is not None


def test_a_person_with_only_the_app_sees_no_key_button(client, world):
    authenticator_for(world.member)
    _password(client, world.member)
    page = client.get(VERIFY).content.decode()
    assert "Use your security key" not in page
    assert client.post(SIGN_IN_OPTIONS).status_code == 404


def test_staff_with_only_a_key_open_the_admin_after_signing_in_with_it(client, world):
    key = _with_key(world.agent)
    assert _password(client, world.agent, next_url="/admin/")["Location"] == VERIFY
    response, _ = _sign_in(client, key)
    assert response["Location"] == "/admin/"
    assert client.get("/admin/", follow=True).status_code == 200
    assert client.get(reverse("admin:tickets_ticket_changelist")).status_code == 200


def test_staff_with_only_a_key_and_an_unverified_session_verify_it_there(client, world):
    key = _with_key(world.agent)
    plain_force_login(client, world.agent)
    assert "Use your security key" in client.get(SETUP).content.decode()
    response, _ = _sign_in(client, key)
    assert response.status_code == 302
    assert client.get("/admin/", follow=True).status_code == 200


# Removing keys, turning off, resets ---------------------------------------------------------


def test_removing_one_key_of_two_keeps_two_step_on(client, world):
    _with_key(world.member)
    second = SoftKey().save_for(world.member, name="Phone")
    plain_force_login(client, world.member)
    verify_session(client, world.member)
    elsewhere = other_session(world.member)
    response = client.post(reverse("accounts:security_key_remove", args=[second.pk]))
    assert response["Location"] == SECURITY
    assert list(world.member.security_keys.values_list("name", flat=True)) == ["YubiKey 5"]
    assert second_factor.has_device(world.member)
    assert second_factor.is_verified(client)
    assert not Session.objects.filter(session_key=elsewhere.session_key).exists()
    entry = AuditEntry.objects.get(action=Action.SECOND_FACTOR_DISABLED)
    assert entry.extra == {"kind": "security_key", "name": "Phone", "last": False}


def test_removing_the_only_key_turns_two_step_off(client, world):
    only = _with_key(world.member)
    plain_force_login(client, world.member)
    key = SecurityKey.objects.get(credential_id=only.id)
    response = client.post(reverse("accounts:security_key_remove", args=[key.pk]), follow=True)
    assert "two-step verification is off" in response.content.decode()
    assert not second_factor.has_device(world.member)
    assert not StaticToken.objects.filter(device__user=world.member).exists()


def test_the_only_key_stays_when_two_step_is_required(client, world):
    _with_key(world.member)
    world.org.require_second_factor = True
    world.org.save()
    plain_force_login(client, world.member)
    verify_session(client, world.member)
    key = SecurityKey.objects.get(user=world.member)
    client.post(reverse("accounts:security_key_remove", args=[key.pk]))
    assert SecurityKey.objects.filter(pk=key.pk).exists()


def test_another_persons_key_is_not_found(client, world):
    _with_key(world.outsider)
    key = SecurityKey.objects.get(user=world.outsider)
    plain_force_login(client, world.member)
    assert client.post(reverse("accounts:security_key_remove", args=[key.pk])).status_code == 404
    assert client.get(reverse("accounts:security_key_remove", args=[key.pk])).status_code == 405
    assert SecurityKey.objects.filter(pk=key.pk).exists()


def test_turning_two_step_off_removes_the_keys_too(client, world):
    _with_key(world.member)
    code = StaticToken.objects.filter(device__user=world.member).first().token
    plain_force_login(client, world.member)
    verify_session(client, world.member)
    client.post(reverse("accounts:second_factor_off"), {"code": code})
    assert not SecurityKey.objects.filter(user=world.member).exists()
    assert not second_factor.has_device(world.member)


def test_a_reset_by_staff_removes_the_keys(client, world):
    _with_key(world.member)
    client.force_login(world.supervisor)
    client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "reset_second_factor", "_selected_action": [world.member.pk]},
    )
    assert not SecurityKey.objects.filter(user=world.member).exists()
    assert AuditEntry.objects.filter(action=Action.SECOND_FACTOR_RESET).exists()


def test_a_key_counts_as_a_factor_for_managers_and_the_admin(client, world):
    _with_key(world.member)
    client.force_login(world.manager)
    page = client.get(reverse("accounts:organisation_security")).content.decode()
    assert second_factor.users_with_device([world.member.pk, world.manager.pk]) == {world.member.pk}
    assert world.member.display_name in page
    client.force_login(world.supervisor)
    changelist = client.get(
        reverse("admin:accounts_user_changelist"), {"q": world.member.email}
    ).content.decode()
    assert 'alt="True"' in changelist


BROKEN = ("x", "null", "[]", "{}", '{"id": 1}', json.dumps({"id": "x", "rawId": "%%"}))


def test_broken_answers_are_refused_not_errors(client, world):
    plain_force_login(client, world.member)
    for junk in BROKEN:
        client.post(ADD_OPTIONS)
        assert client.post(ADD, {"name": "x", "credential": junk})["Location"] == SECURITY
    assert not SecurityKey.objects.exists()
    _with_key(world.manager)
    other = Client()
    _password(other, world.manager)
    for junk in BROKEN:
        other.post(SIGN_IN_OPTIONS)
        assert other.post(SIGN_IN, {"credential": junk})["Location"] == VERIFY
    assert not _signed_in(other)
    assert _failures(world.manager).count() == len(BROKEN)
