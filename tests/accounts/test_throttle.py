"""Login and password-reset throttling: what an attacker can vary must not reset the count."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt, AccessAttemptExpiration
from django.core import mail
from django.urls import reverse

from tests.factories import PASSWORD

LOGIN = "accounts:login"
RESET = "accounts:password_reset"


def _login(client, email, password=PASSWORD, **headers):
    return client.post(reverse(LOGIN), {"username": email, "password": password}, **headers)


def _lock(client, email, settings, **headers):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, email, "wrong", **headers)


def _logged_in(client):
    return "_auth_user_id" in client.session


def test_a_forged_forwarded_header_per_attempt_does_not_bypass_the_lock(client, world, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    for attempt in range(settings.AXES_FAILURE_LIMIT + 3):
        _login(client, "member@andes.test", "wrong", HTTP_X_FORWARDED_FOR=f"10.9.0.{attempt}")
    response = _login(client, "member@andes.test", HTTP_X_FORWARDED_FOR="10.9.9.9")
    assert response.status_code == 429
    assert not _logged_in(client)


def test_without_a_proxy_the_connection_address_is_what_counts(client, world, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    _lock(client, "member@andes.test", settings)
    # Positive control: the same account from another connection still logs in.
    assert _login(client, "member@andes.test", REMOTE_ADDR="10.1.1.1").status_code == 302


def test_behind_one_proxy_the_entry_the_proxy_wrote_counts(client, world, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    # The client forges a left-hand entry; the proxy appends the real address.
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        _login(
            client,
            "member@andes.test",
            "wrong",
            HTTP_X_FORWARDED_FOR=f"6.6.6.{attempt}, 203.0.113.5",
        )
    locked = _login(client, "member@andes.test", HTTP_X_FORWARDED_FOR="7.7.7.7, 203.0.113.5")
    assert locked.status_code == 429
    # Another client behind the same proxy is somebody else.
    other = _login(client, "member@andes.test", HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert other.status_code == 302


def test_behind_a_proxy_a_missing_header_falls_back_to_the_connection(client, world, settings):
    settings.TRUSTED_PROXY_COUNT = 2
    _lock(client, "member@andes.test", settings, HTTP_X_FORWARDED_FOR="203.0.113.5")
    # One entry for two proxies: not the configured chain, so REMOTE_ADDR counts.
    assert _login(client, "member@andes.test", HTTP_X_FORWARDED_FOR="1.2.3.4").status_code == 429


@pytest.mark.parametrize(
    "spelling", ["MEMBER@andes.test", "Member@Andes.Test", " member@andes.test"]
)
def test_the_lock_covers_every_spelling_of_the_address(client, world, settings, spelling):
    _lock(client, "member@andes.test", settings)
    assert _login(client, spelling).status_code == 429
    assert not _logged_in(client)


def test_failures_in_mixed_spellings_add_up(client, world, settings):
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        email = "member@andes.test" if attempt % 2 else "MEMBER@ANDES.TEST"
        _login(client, email, "wrong")
    assert _login(client, "member@andes.test").status_code == 429


def test_the_lock_ends_after_the_cool_off(client, world, settings):
    _lock(client, "member@andes.test", settings)
    assert _login(client, "member@andes.test").status_code == 429
    past = timedelta(hours=settings.AXES_COOLOFF_TIME, minutes=1)
    for attempt in AccessAttempt.objects.all():
        attempt.attempt_time -= past
        attempt.save()
    for expiration in AccessAttemptExpiration.objects.all():
        expiration.expires_at -= past
        expiration.save()
    assert _login(client, "member@andes.test").status_code == 302
    assert _logged_in(client)


# Password reset -----------------------------------------------------------------


def _reset(client, email, **headers):
    return client.post(reverse(RESET), {"email": email}, **headers)


@pytest.mark.parametrize("email", ["member@andes.test", "nobody@andes.test"])
def test_reset_requests_per_address_are_limited_alike_for_known_and_unknown(
    client, world, settings, email
):
    settings.PASSWORD_RESET_LIMIT_PER_EMAIL = 3
    answers = [_reset(client, email.upper() if i % 2 else email) for i in range(5)]
    assert [a.status_code for a in answers] == [302, 302, 302, 429, 429]
    assert "Too many password reset requests" in answers[-1].content.decode()
    assert len(mail.outbox) == (3 if email.startswith("member") else 0)


def test_reset_requests_per_client_are_limited_across_addresses(client, world, settings):
    settings.PASSWORD_RESET_LIMIT_PER_CLIENT = 4
    answers = [
        _reset(client, f"guess{i}@andes.test", HTTP_X_FORWARDED_FOR=f"10.0.0.{i}") for i in range(5)
    ]
    assert [a.status_code for a in answers] == [302, 302, 302, 302, 429]
    # Positive control: another connection is a different client.
    assert _reset(client, "member@andes.test", REMOTE_ADDR="10.2.2.2").status_code == 302
    assert len(mail.outbox) == 1
