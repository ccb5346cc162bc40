"""Security keys and passkeys (WebAuthn, through py_webauthn) as a second factor.

A key is a second factor beside the authenticator app, never a way in without
the password. The relying party is the host the request came to (Django's
ALLOWED_HOSTS has already vouched for it), so the same code serves localhost in
development and the real name in production; a key registered under one host
name does not work under another, by WebAuthn's design.

Each ceremony's challenge lives in the session, for one answer only, and for
SECOND_FACTOR_PENDING_SECONDS at most.
"""

import json
from urllib.parse import urlsplit

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AttestationConveyancePreference,
    AuthenticatorSelectionCriteria,
    AuthenticatorTransport,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from audit import services as audit

from . import second_factor, sessions
from .models import SecurityKey

REGISTER_KEY = "security_key_register"
SIGN_IN_KEY = "security_key_sign_in"
KIND = "security_key"
TRANSPORTS = {transport.value for transport in AuthenticatorTransport}
# What py_webauthn raises, and what malformed input raises on the way to it.
BROKEN = (WebAuthnException, ValueError, TypeError, KeyError, AttributeError)


class KeyRefused(Exception):
    """The browser's answer does not prove the key; the message says why, for the trail."""

    def __init__(self, reason: str, key: SecurityKey | None = None):
        super().__init__(reason)
        self.reason = reason
        self.key = key


def relying_party(request) -> tuple[str, str]:
    """(RP ID, origin): the host without its port, and scheme://host[:port]."""
    origin = request.build_absolute_uri("/").rstrip("/")
    return urlsplit(origin).hostname or "", origin


def keys_of(user):
    return SecurityKey.objects.filter(user=user)


def has_key(user) -> bool:
    return keys_of(user).exists()


def _user_handle(user) -> bytes:
    # Stable per person (a key asked twice replaces its own entry) and says nothing
    # about who they are.
    return salted_hmac("accounts.security_keys.user_handle", str(user.pk)).digest()


def _descriptors(user) -> list[PublicKeyCredentialDescriptor]:
    return [
        PublicKeyCredentialDescriptor(
            id=base64url_to_bytes(key.credential_id),
            transports=[AuthenticatorTransport(t) for t in key.transports if t in TRANSPORTS],
        )
        for key in keys_of(user)
    ]


def _remember(request, session_key: str, challenge: bytes, user) -> None:
    request.session[session_key] = {
        "challenge": bytes_to_base64url(challenge),
        "user": user.pk,
        "at": timezone.now().timestamp(),
    }


def _take(request, session_key: str, user) -> bytes:
    """The challenge given to `user`, used up now whatever the answer turns out to be."""
    kept = request.session.pop(session_key, None)
    if not isinstance(kept, dict) or kept.get("user") != user.pk:
        raise KeyRefused("no challenge")
    age = timezone.now().timestamp() - float(kept.get("at", 0))
    if age > settings.SECOND_FACTOR_PENDING_SECONDS:
        raise KeyRefused("challenge expired")
    return base64url_to_bytes(kept["challenge"])


def _parse(credential) -> dict:
    if isinstance(credential, str):
        try:
            credential = json.loads(credential)
        except ValueError as exc:
            raise KeyRefused("not JSON") from exc
    if not isinstance(credential, dict):
        raise KeyRefused("not a credential")
    return credential


# Adding a key ------------------------------------------------------------------------


def registration_options(*, user, request) -> str:
    """The options for navigator.credentials.create(), as JSON; the challenge is kept."""
    rp_id, _origin = relying_party(request)
    options = generate_registration_options(
        rp_id=rp_id,
        rp_name=settings.SECOND_FACTOR_ISSUER,
        user_id=_user_handle(user),
        user_name=user.email,
        user_display_name=user.display_name or user.email,
        timeout=settings.SECOND_FACTOR_PENDING_SECONDS * 1000,
        attestation=AttestationConveyancePreference.NONE,
        authenticator_selection=AuthenticatorSelectionCriteria(
            # A second factor: no need to spend one of a key's few resident slots.
            resident_key=ResidentKeyRequirement.DISCOURAGED,
            user_verification=UserVerificationRequirement.PREFERRED,
        ),
        exclude_credentials=_descriptors(user),
    )
    _remember(request, REGISTER_KEY, options.challenge, user)
    return options_to_json(options)


def register(*, user, request, credential, name: str) -> tuple[SecurityKey, list[str] | None]:
    """Save the key the browser made; returns it, and the recovery codes if it is the
    person's first factor (then this session counts as verified and the others end,
    as when the authenticator app is set up)."""
    challenge = _take(request, REGISTER_KEY, user)
    credential = _parse(credential)
    rp_id, origin = relying_party(request)
    try:
        verified = verify_registration_response(
            credential=credential,
            expected_challenge=challenge,
            expected_rp_id=rp_id,
            expected_origin=origin,
        )
    except BROKEN as exc:
        raise KeyRefused(str(exc)) from exc
    transports = (credential.get("response") or {}).get("transports") or []
    credential_id = bytes_to_base64url(verified.credential_id)
    try:
        with transaction.atomic():
            first = not second_factor.has_device(user)
            key = SecurityKey.objects.create(
                user=user,
                name=name,
                credential_id=credential_id,
                public_key=verified.credential_public_key,
                sign_count=verified.sign_count,
                transports=[t for t in transports if t in TRANSPORTS],
            )
            codes = second_factor._new_recovery_codes(user) if first else None
            if first:
                second_factor.mark_verified(request, key)
                sessions.end_others(user=user, request=request)
            audit.record(
                action=audit.Action.SECOND_FACTOR_ENABLED,
                request=request,
                target=user,
                extra={"kind": KIND, "name": name, "first": first},
            )
    except IntegrityError as exc:
        # The same key again (its browser did not honour excludeCredentials).
        raise KeyRefused("already registered") from exc
    return key, codes


@transaction.atomic
def remove(*, user, key: SecurityKey, request) -> bool:
    """Take a key away; returns True when it was the last factor (two-step is now off).

    The caller decides whether the last factor may go (not when it is required).
    Like any factor taken away, the user's other sessions end.
    """
    last = is_last_factor(user, key)
    name = key.name
    key.delete()
    if last:
        StaticDevice.objects.filter(user=user).delete()
        request.session.pop(second_factor.SESSION_KEY, None)
    sessions.end_others(user=user, request=request)
    audit.record(
        action=audit.Action.SECOND_FACTOR_DISABLED,
        request=request,
        target=user,
        extra={"kind": KIND, "name": name, "last": last},
    )
    return last


def is_last_factor(user, key: SecurityKey) -> bool:
    return (
        not TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        and not keys_of(user).exclude(pk=key.pk).exists()
    )


# Signing in ------------------------------------------------------------------------------


def authentication_options(*, user, request) -> str | None:
    """Options for navigator.credentials.get() limited to the user's keys (None: no key)."""
    allowed = _descriptors(user)
    if not allowed:
        return None
    rp_id, _origin = relying_party(request)
    options = generate_authentication_options(
        rp_id=rp_id,
        timeout=settings.SECOND_FACTOR_PENDING_SECONDS * 1000,
        allow_credentials=allowed,
        user_verification=UserVerificationRequirement.PREFERRED,
    )
    _remember(request, SIGN_IN_KEY, options.challenge, user)
    return options_to_json(options)


def authenticate(*, user, request, credential) -> SecurityKey:
    """The key that signed this session's challenge, its counter moved on; or KeyRefused.

    py_webauthn refuses a signature counter that did not go up when either the
    stored or the new one is not zero (keys that do not count send 0 every time):
    a key that was cloned shows itself that way.
    """
    challenge = _take(request, SIGN_IN_KEY, user)
    credential = _parse(credential)
    rp_id, origin = relying_party(request)
    with transaction.atomic():
        key = (
            keys_of(user)
            .filter(credential_id=str(credential.get("id", "")))
            .select_for_update()
            .first()
        )
        if key is None:
            raise KeyRefused("not one of the user's keys")
        try:
            verified = verify_authentication_response(
                credential=credential,
                expected_challenge=challenge,
                expected_rp_id=rp_id,
                expected_origin=origin,
                credential_public_key=bytes(key.public_key),
                credential_current_sign_count=key.sign_count,
            )
        except BROKEN as exc:
            raise KeyRefused(str(exc), key) from exc
        key.sign_count = verified.new_sign_count
        key.last_used_at = timezone.now()
        key.save(update_fields=["sign_count", "last_used_at"])
    return key
