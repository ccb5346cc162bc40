"""Test helpers for two-step verification: an authenticator and the codes it shows."""

import time
from binascii import unhexlify

from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import second_factor

# The real force_login, before tests/conftest.py makes staff sessions verified.
plain_force_login = Client.force_login


def authenticator_for(user) -> TOTPDevice:
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)


def code_at(key_hex: str, step_offset: int = 0) -> str:
    totp = TOTP(unhexlify(key_hex))
    totp.time = time.time() + 30 * step_offset
    return f"{totp.token():06d}"


def next_code(device) -> str:
    """The code a phone would show, one step on if the current one was already used."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    now_t = totp.t()
    offset = 1 if device.last_t >= now_t else 0
    return code_at(device.key, offset)


def verify_session(client, user) -> None:
    """What typing the code at sign-in leaves in the session, for a force_login'd client."""
    session = client.session
    session[second_factor.SESSION_KEY] = {"device": "test", "at": "force_login"}
    session.save()


def other_session(user, *, user_agent="Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0"):
    """A live session of `user` in another browser, as a sign-in there leaves it."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY
    from django.contrib.auth import SESSION_KEY as USER_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from accounts.models import SignInSession

    store = SessionStore()
    store[USER_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return SignInSession.objects.create(
        user=user, session_key=store.session_key, ip="203.0.113.9", user_agent=user_agent
    )
