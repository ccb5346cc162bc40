"""Two-step verification: an authenticator app (TOTP), security keys, recovery codes.

The app and the codes are django-otp's devices (otp_totp, otp_static); security
keys (WebAuthn) are accounts.SecurityKey, handled in accounts.security_keys.
Whether a session has passed the second step is a fact of the session itself
(SESSION_KEY, written when the code or key is accepted), so checking it costs
no query on each page; anything that takes a factor away (turning it off,
removing a key, a reset by staff) ends the user's other sessions, so no session
outlives the factor that verified it.

Who must have one: staff (SECOND_FACTOR_REQUIRED_FOR_STAFF) and the members of an
organisation whose managers require it; anyone else may turn it on.
"""

import secrets
from base64 import b32encode
from binascii import unhexlify
from dataclasses import dataclass
from urllib.parse import quote, urlencode

import segno
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit import services as audit

from . import sessions
from .models import SecurityKey

SESSION_KEY = "second_factor"
# Between the password and the code: who typed the password, and when.
PENDING_KEY = "second_factor_pending"
ENROL_KEY = "second_factor_enrol"
RECOVERY_CODE_COUNT = 10
DEVICE_NAME = "authenticator"


def required_for(user, access=None) -> bool:
    """Must `user` pass a second step before acting? (staff, or an organisation says so)."""
    if user.is_staff:
        return settings.SECOND_FACTOR_REQUIRED_FOR_STAFF
    organisations = access.organisations if access is not None else []
    return any(org.require_second_factor for org in organisations)


def is_verified(request) -> bool:
    return bool(request.session.get(SESSION_KEY))


def mark_verified(request, device) -> None:
    request.session[SESSION_KEY] = {
        "device": device.persistent_id,
        "at": timezone.now().isoformat(),
    }


def authenticator(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def has_device(user) -> bool:
    """An authenticator app or a security key (recovery codes come with either)."""
    return (
        TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        or SecurityKey.objects.filter(user=user).exists()
    )


def users_with_device(user_ids) -> set[int]:
    apps = TOTPDevice.objects.filter(user_id__in=user_ids, confirmed=True)
    keys = SecurityKey.objects.filter(user_id__in=user_ids)
    return set(apps.values_list("user_id", flat=True)) | set(keys.values_list("user_id", flat=True))


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


# Enrolment -----------------------------------------------------------------------


def new_secret() -> str:
    """A TOTP key as django-otp stores it: 20 random bytes, hex."""
    return secrets.token_hex(20)


def secret_for_people(key: str) -> str:
    """The key as authenticator apps ask for it when typed: base32 in groups of four."""
    text = b32encode(unhexlify(key)).decode()
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def provisioning_uri(user, key: str) -> str:
    issuer = settings.SECOND_FACTOR_ISSUER.replace(":", "")
    label = quote(f"{issuer}:{user.email}")
    params = urlencode(
        {"secret": b32encode(unhexlify(key)).decode(), "algorithm": "SHA1", "digits": 6}
    )
    return f"otpauth://totp/{label}?{params}&issuer={quote(issuer)}"


def qr_svg(uri: str, title: str) -> str:
    """The QR code as inline SVG, drawn here: the secret never leaves the server."""
    return segno.make(uri, error="m").svg_inline(
        scale=5, border=2, title=title, svgclass="qr", lineclass=None, omitsize=False
    )


def code_matches_secret(key: str, code: str) -> bool:
    """The first code typed during enrolment, checked against the key not yet saved."""
    code = normalise(code)
    if not code.isdigit() or len(code) != 6:
        return False
    totp = TOTP(unhexlify(key))
    return totp.verify(int(code), tolerance=1)


def normalise(code: str) -> str:
    return "".join(str(code or "").split()).replace("-", "").lower()


@transaction.atomic
def enable(*, user, key: str, request) -> list[str]:
    """Save the authenticator (replacing any) and new recovery codes; returns the codes.

    The other sessions of the user end: they were opened without this factor.
    """
    replacing = TOTPDevice.objects.filter(user=user).exists()
    TOTPDevice.objects.filter(user=user).delete()
    device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, key=key, confirmed=True)
    codes = _new_recovery_codes(user)
    mark_verified(request, device)
    sessions.end_others(user=user, request=request)
    audit.record(
        action=audit.Action.SECOND_FACTOR_ENABLED,
        request=request,
        target=user,
        extra={"replaced": replacing},
    )
    return codes


def _new_recovery_codes(user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="recovery", confirmed=True)
    codes = [_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def _recovery_code() -> str:
    # Ten characters people can read out and type: no 0/o or 1/l confusion.
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    return "".join(secrets.choice(alphabet) for _ in range(10))


def show_recovery_code(code: str) -> str:
    return f"{code[:5]}-{code[5:]}"


@transaction.atomic
def regenerate_recovery_codes(*, user, request) -> list[str]:
    codes = _new_recovery_codes(user)
    audit.record(action=audit.Action.RECOVERY_CODES_REGENERATED, request=request, target=user)
    return codes


@transaction.atomic
def disable(*, user, request) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    SecurityKey.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    request.session.pop(SESSION_KEY, None)
    sessions.end_others(user=user, request=request)
    audit.record(action=audit.Action.SECOND_FACTOR_DISABLED, request=request, target=user)


@transaction.atomic
def reset_by_staff(*, user, request) -> bool:
    """Staff take away a client's lost factor: every session of theirs ends.

    Returns False when there was nothing to reset. The client is told by e-mail
    (accounts.tasks.send_second_factor_reset), after the commit.
    """
    from .tasks import send_second_factor_reset

    had = (
        TOTPDevice.objects.filter(user=user).delete()[0]
        + SecurityKey.objects.filter(user=user).delete()[0]
        + StaticDevice.objects.filter(user=user).delete()[0]
    )
    if not had:
        return False
    sessions.end_all(user=user)
    audit.record(action=audit.Action.SECOND_FACTOR_RESET, request=request, target=user)
    transaction.on_commit(lambda: send_second_factor_reset.delay(user.pk))
    return True


# Verification at sign-in ---------------------------------------------------------------


@dataclass
class Outcome:
    device: object | None = None
    used_recovery_code: bool = False
    # Seconds to wait, when too many wrong codes were typed.
    wait: int = 0


def verify(*, user, code: str) -> Outcome:
    """Check a code from the authenticator or a recovery code (used up once accepted)."""
    code = normalise(code)
    if not code:
        return Outcome()
    # An app's code is six digits; a recovery code is ten characters (digits and
    # letters, all digits by chance one time in a million).
    devices = TOTPDevice if code.isdigit() and len(code) == 6 else StaticDevice
    with transaction.atomic():
        device = devices.objects.filter(user=user, confirmed=True).select_for_update().first()
        if device is None:
            return Outcome()
        allowed, data = device.verify_is_allowed()
        if not allowed:
            locked_until = (data or {}).get("locked_until")
            wait = (locked_until - timezone.now()).total_seconds() if locked_until else 1
            return Outcome(wait=max(1, int(wait) + 1))
        if device.verify_token(code):
            return Outcome(device=device, used_recovery_code=devices is StaticDevice)
    return Outcome()


@transaction.atomic
def organisation_require(*, organisation, required: bool, request) -> None:
    """A manager makes the second step required (or optional) for everyone in `organisation`."""
    before = organisation.require_second_factor
    if before == required:
        return
    type(organisation).objects.filter(pk=organisation.pk).update(require_second_factor=required)
    organisation.require_second_factor = required
    audit.record(
        action=audit.Action.SECOND_FACTOR_REQUIREMENT,
        request=request,
        target=organisation,
        organisation=organisation,
        changes={"require_second_factor": [before, required]},
    )
