"""Two-step verification: sign-in, set-up, recovery codes, requirements, resets."""

import re

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import second_factor
from accounts.tasks import send_second_factor_reset
from audit.models import Action, AuditEntry
from tests.accounts.second_factor import (
    authenticator_for,
    code_at,
    next_code,
    other_session,
    plain_force_login,
)
from tests.factories import PASSWORD

LOGIN = reverse("accounts:login")
VERIFY = reverse("accounts:login_verify")
SETUP = reverse("accounts:second_factor_setup")


def _password(client, user, next_url=""):
    data = {"username": user.email, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    return client.post(LOGIN, data)


def _enable(user):
    device = authenticator_for(user)
    codes = second_factor._new_recovery_codes(user)
    return device, codes


def _actions(user):
    return list(AuditEntry.objects.filter(target_id=str(user.pk)).values_list("action", flat=True))


# Signing in -------------------------------------------------------------------------


def test_with_an_authenticator_the_password_alone_does_not_sign_in(client, world):
    device, _ = _enable(world.member)
    response = _password(client, world.member)
    assert response.status_code == 302
    assert response["Location"] == VERIFY
    # Not signed in: the portal still sends them to the login page.
    dashboard = client.get(reverse("portal:dashboard"))
    assert dashboard.status_code == 302
    assert dashboard["Location"].startswith(LOGIN)
    page = client.get(VERIFY)
    assert page.status_code == 200
    assert 'autocomplete="one-time-code"' in page.content.decode()

    response = client.post(VERIFY, {"code": next_code(device)})
    assert response.status_code == 302
    assert client.get(reverse("portal:dashboard")).status_code == 200
    assert second_factor.SESSION_KEY in client.session
    assert (
        Action.SIGNIN in _actions(world.member)
        or AuditEntry.objects.filter(action=Action.SIGNIN, actor=world.member).exists()
    )


def test_the_code_step_goes_where_the_login_was_going(client, world):
    device, _ = _enable(world.member)
    target = reverse("accounts:security")
    _password(client, world.member, next_url=target)
    response = client.post(VERIFY, {"code": next_code(device)})
    assert response["Location"] == target


def test_a_wrong_code_is_refused_with_a_reason_and_recorded(client, world):
    _enable(world.member)
    _password(client, world.member)
    response = client.post(VERIFY, {"code": "000000"})
    assert response.status_code == 400
    assert "That code is not right" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEntry.objects.filter(
        action=Action.SECOND_FACTOR_FAILED, target_id=str(world.member.pk)
    ).exists()


def test_a_code_is_accepted_once(client, world):
    device, _ = _enable(world.member)
    code = next_code(device)
    _password(client, world.member)
    assert client.post(VERIFY, {"code": code}).status_code == 302
    other = Client()
    _password(other, world.member)
    assert other.post(VERIFY, {"code": code}).status_code == 400


def test_wrong_codes_in_a_row_make_the_next_ones_wait(client, world):
    device, _ = _enable(world.member)
    _password(client, world.member)
    for _ in range(3):
        client.post(VERIFY, {"code": "111111"})
    response = client.post(VERIFY, {"code": next_code(device)})
    assert response.status_code == 429
    assert "Too many wrong codes" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_code_step_without_a_password_first_goes_back_to_login(client, world):
    response = client.get(VERIFY)
    assert response.status_code == 302
    assert response["Location"] == LOGIN


def test_the_code_step_expires(client, world, settings):
    device, _ = _enable(world.member)
    _password(client, world.member)
    session = client.session
    session[second_factor.PENDING_KEY]["at"] -= settings.SECOND_FACTOR_PENDING_SECONDS + 1
    session.save()
    response = client.post(VERIFY, {"code": next_code(device)})
    assert response.status_code == 302
    assert response["Location"] == LOGIN
    assert "_auth_user_id" not in client.session


def test_a_recovery_code_signs_in_once_and_says_how_many_are_left(client, world):
    _, codes = _enable(world.member)
    _password(client, world.member)
    shown = second_factor.show_recovery_code(codes[0]).upper()  # as typed from paper
    response = client.post(VERIFY, {"code": shown}, follow=True)
    assert response.status_code == 200
    assert "9 are left" in response.content.decode()
    assert StaticToken.objects.filter(device__user=world.member).count() == 9
    assert Action.RECOVERY_CODE_USED in _actions(world.member)

    again = Client()
    _password(again, world.member)
    assert again.post(VERIFY, {"code": codes[0]}).status_code == 400


def test_a_recovery_code_of_digits_only_is_still_a_recovery_code(client, world):
    _enable(world.member)
    StaticToken.objects.filter(device__user=world.member).update(token="2345678923")
    _password(client, world.member)
    response = client.post(VERIFY, {"code": "23456-78923"})
    assert response.status_code == 302
    assert client.get(reverse("portal:dashboard")).status_code == 200


def test_the_code_page_speaks_the_visitors_language(client, world):
    _enable(world.member)
    _password(client, world.member)
    client.cookies["django_language"] = "es"
    page = client.get(VERIFY, headers={"accept-language": "es"}).content.decode()
    assert "Verificación en dos pasos" in page


# Setting up ----------------------------------------------------------------------------


def _secret_in(page: str) -> str:
    text = re.search(r'<code class="secret-key"[^>]*>([A-Z2-7 ]+)</code>', page).group(1)
    from base64 import b32decode

    return b32decode(text.replace(" ", "")).hex()


def test_set_up_shows_a_qr_code_drawn_here_and_turns_on_with_a_code(client, world):
    plain_force_login(client, world.member)
    other = other_session(world.member)
    page = client.get(SETUP).content.decode()
    assert "<svg" in page and 'class="qr"' in page
    assert "<title>" in page  # the QR code is named for screen readers
    assert "otpauth" not in page and "http" not in page.split('class="qr"')[1][:200]
    key = _secret_in(page)

    wrong = client.post(SETUP, {"code": "123456"})
    assert wrong.status_code == 400
    assert not TOTPDevice.objects.filter(user=world.member).exists()

    response = client.post(SETUP, {"code": code_at(key)})
    assert response.status_code == 200
    codes = re.findall(r"<code>([a-z0-9]{5}-[a-z0-9]{5})</code>", response.content.decode())
    assert len(codes) == 10
    device = TOTPDevice.objects.get(user=world.member)
    assert device.confirmed and device.key == key
    assert StaticToken.objects.filter(device__user=world.member).count() == 10
    assert second_factor.SESSION_KEY in client.session
    # The browser that was logged in without this factor is logged out.
    assert not Session.objects.filter(session_key=other.session_key).exists()
    assert Action.SECOND_FACTOR_ENABLED in _actions(world.member)


def test_set_up_keeps_its_key_across_a_wrong_code(client, world):
    plain_force_login(client, world.member)
    key = _secret_in(client.get(SETUP).content.decode())
    client.post(SETUP, {"code": "000000"})
    assert _secret_in(client.get(SETUP).content.decode()) == key


def test_new_recovery_codes_replace_the_old(client, world):
    _, old = _enable(world.member)
    plain_force_login(client, world.member)
    response = client.post(reverse("accounts:recovery_codes_new"))
    new = re.findall(r"<code>([a-z0-9]{5}-[a-z0-9]{5})</code>", response.content.decode())
    assert len(new) == 10
    tokens = set(
        StaticToken.objects.filter(device__user=world.member).values_list("token", flat=True)
    )
    assert tokens.isdisjoint(old)
    assert Action.RECOVERY_CODES_REGENERATED in _actions(world.member)


def test_turning_off_takes_a_current_code(client, world):
    device, _ = _enable(world.member)
    plain_force_login(client, world.member)
    off = reverse("accounts:second_factor_off")
    client.post(off, {"code": "000000"})
    assert TOTPDevice.objects.filter(user=world.member).exists()
    device.refresh_from_db()
    device.throttle_reset()  # a wrong code makes the next one wait a second
    client.post(off, {"code": next_code(device)})
    assert not TOTPDevice.objects.filter(user=world.member).exists()
    assert Action.SECOND_FACTOR_DISABLED in _actions(world.member)


# Who must have one ------------------------------------------------------------------


def test_staff_without_a_second_step_cannot_open_the_admin(client, world):
    plain_force_login(client, world.agent)
    for url in ("/admin/", reverse("admin:tickets_ticket_changelist")):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == SETUP
    page = client.get(SETUP)
    assert page.status_code == 200
    assert "Staff accounts must use two-step verification" in page.content.decode()


def test_the_admin_itself_refuses_an_unverified_staff_session(rf, world):
    from django.contrib import admin
    from django.contrib.sessions.backends.db import SessionStore

    request = rf.get("/admin/")
    request.user = world.agent
    request.session = SessionStore()
    assert not admin.site.has_permission(request)
    request.session[second_factor.SESSION_KEY] = {"device": "x"}
    assert admin.site.has_permission(request)


def test_staff_with_an_authenticator_are_asked_for_its_code_not_a_new_one(client, world):
    device = authenticator_for(world.agent)
    plain_force_login(client, world.agent)
    page = client.get(SETUP).content.decode()
    assert 'class="qr"' not in page
    response = client.post(SETUP, {"code": next_code(device)})
    assert response.status_code == 302
    assert client.get(reverse("admin:tickets_ticket_changelist")).status_code == 200


def test_the_admin_login_is_the_portals(client, world):
    response = client.get("/admin/login/?next=/admin/tickets/")
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next=%2Fadmin%2Ftickets%2F"


def test_staff_sign_in_through_the_forms_reaches_the_admin(client, world):
    device = authenticator_for(world.agent)
    assert _password(client, world.agent, next_url="/admin/")["Location"] == VERIFY
    response = client.post(VERIFY, {"code": next_code(device)})
    assert response["Location"] == "/admin/"
    assert client.get("/admin/", follow=True).status_code == 200


def test_an_organisation_can_require_it_of_its_members(client, world):
    world.org.require_second_factor = True
    world.org.save()
    plain_force_login(client, world.member)
    response = client.get(reverse("tickets:list"))
    assert response.status_code == 302
    assert response["Location"] == SETUP
    assert "Your organisation requires" in client.get(SETUP).content.decode()
    htmx = client.get(reverse("tickets:list"), headers={"HX-Request": "true"})
    assert htmx.status_code == 204
    assert htmx["HX-Redirect"] == SETUP
    # Logging out still works.
    assert client.post(reverse("accounts:logout")).status_code == 302
    # Another organisation's people are not concerned.
    plain_force_login(client, world.outsider)
    assert client.get(reverse("tickets:list")).status_code == 200


def test_required_means_it_cannot_be_turned_off(client, world):
    device, _ = _enable(world.member)
    world.org.require_second_factor = True
    world.org.save()
    plain_force_login(client, world.member)
    client.post(SETUP, {"code": next_code(device)})
    client.post(reverse("accounts:second_factor_off"), {"code": next_code(device)})
    assert TOTPDevice.objects.filter(user=world.member).exists()


def test_a_manager_requires_it_after_turning_it_on_for_themselves(client, world):
    url = reverse("accounts:organisation_security")
    plain_force_login(client, world.manager)
    client.post(url, {"required": "on"})
    world.org.refresh_from_db()
    assert not world.org.require_second_factor

    device, _ = _enable(world.manager)
    client.post(SETUP, {"code": next_code(device)})
    assert client.post(url, {"required": "on"}).status_code == 302
    world.org.refresh_from_db()
    assert world.org.require_second_factor
    entry = AuditEntry.objects.get(action=Action.SECOND_FACTOR_REQUIREMENT)
    assert entry.changes == {"require_second_factor": [False, True]}
    assert entry.organisation == world.org


def test_the_organisation_security_page_is_for_its_managers(client, world):
    url = reverse("accounts:organisation_security")
    for persona in ("member", "partner", "agent"):
        client.force_login(getattr(world, persona))
        assert client.get(url).status_code == 404
    client.force_login(world.manager)
    page = client.get(url)
    assert page.status_code == 200
    assert world.member.display_name in page.content.decode()
    assert world.outsider.display_name not in page.content.decode()


# Resets by staff ---------------------------------------------------------------------


def test_staff_reset_a_lost_factor_audited_and_the_client_told(
    client, world, django_capture_on_commit_callbacks
):
    _enable(world.member)
    session = other_session(world.member)
    world.supervisor.is_superuser = False
    client.force_login(world.supervisor)
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(
            reverse("admin:accounts_user_changelist"),
            {"action": "reset_second_factor", "_selected_action": [world.member.pk]},
        )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=world.member).exists()
    assert not StaticToken.objects.filter(device__user=world.member).exists()
    assert not Session.objects.filter(session_key=session.session_key).exists()
    entry = AuditEntry.objects.get(action=Action.SECOND_FACTOR_RESET)
    assert entry.actor == world.supervisor
    assert entry.target_id == str(world.member.pk)
    assert len(callbacks) == 1

    world.member.language = "es"
    world.member.save()
    send_second_factor_reset(world.member.pk)
    assert mail.outbox[-1].to == [world.member.email]
    assert "verificación en dos pasos" in mail.outbox[-1].subject.lower()


def test_only_a_superuser_resets_a_staff_account(client, world):
    authenticator_for(world.agent)
    client.force_login(world.supervisor)
    client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "reset_second_factor", "_selected_action": [world.agent.pk]},
    )
    assert TOTPDevice.objects.filter(user=world.agent).exists()


@pytest.mark.parametrize("model", ["totpdevice", "staticdevice"])
def test_the_authenticators_secrets_have_no_admin_page(client, world, model):
    world.supervisor.is_superuser = True
    world.supervisor.save()
    client.force_login(world.supervisor)
    app = "otp_totp" if model == "totpdevice" else "otp_static"
    assert client.get(f"/admin/{app}/{model}/").status_code == 404
