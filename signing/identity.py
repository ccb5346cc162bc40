"""How a signer shows it is them, on top of their session: their password again, or a
one-time code sent to their e-mail address.

Wrong answers of either kind count together: after ATTEMPTS in 15 minutes, signing
waits. A code is six digits, kept only as its hash, valid for CODE_SECONDS, used
once, and a new one may be asked for after RESEND_SECONDS.
"""

import hashlib
import hmac
import secrets

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.utils.translation import gettext as _

from core.i18n import override_for

from .states import AuthMethod

ATTEMPTS = 5
CODE_SECONDS = 10 * 60
RESEND_SECONDS = 60


def _failures(user) -> str:
    return f"signing:identity-failures:{user.pk}"


def _code_key(signer) -> str:
    return f"signing:code:{signer.pk}"


def _digest(signer, code: str) -> str:
    # Bound to the request it was sent for: a code for one document signs no other.
    message = f"{signer.pk}:{code}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def _failed(user) -> None:
    cache.add(_failures(user), 0, 15 * 60)
    try:
        cache.incr(_failures(user))
    except ValueError:  # expired between the two calls
        cache.set(_failures(user), 1, 15 * 60)


def masked(email: str) -> str:
    name, _at, domain = email.partition("@")
    return f"{name[:1]}{'•' * max(len(name) - 1, 2)}@{domain}"


def send_code(signer) -> str:
    """E-mail a new code to the signer, in their language; return the masked address."""
    user = signer.user
    if not cache.add(f"signing:code-sent:{signer.pk}", 1, RESEND_SECONDS):
        raise ValidationError(
            _("A code was sent less than a minute ago. Check your e-mail, or wait a moment.")
        )
    code = f"{secrets.randbelow(10**6):06d}"
    cache.set(_code_key(signer), _digest(signer, code), CODE_SECONDS)
    with override_for(user):
        subject = _("Your code to sign %(number)s") % {"number": signer.document.number}
        body = _(
            "Your code to sign “%(title)s” is %(code)s.\n\n"
            "It is valid for 10 minutes. If you did not ask for it, ignore this e-mail: "
            "nobody can sign without it."
        ) % {"title": signer.document.title, "code": code}
    try:
        send_mail(subject, body, None, [user.email])
    except OSError as failure:
        cache.delete(_code_key(signer))
        cache.delete(f"signing:code-sent:{signer.pk}")
        raise ValidationError(
            _("The code could not be sent just now. Sign with your password, or try again later.")
        ) from failure
    return masked(user.email)


def check(signer, *, password: str = "", code: str = "") -> str:
    """The method that proved it is the signer, or a refusal (and one more failure)."""
    user = signer.user
    if (cache.get(_failures(user)) or 0) >= ATTEMPTS:
        raise ValidationError(_("Too many wrong attempts. Wait 15 minutes, then try again."))
    code = "".join(code.split()) if code else ""
    if code:
        expected = cache.get(_code_key(signer))
        if expected is None:
            raise ValidationError(_("That code has expired. Ask for a new one."))
        if not hmac.compare_digest(expected, _digest(signer, code)):
            _failed(user)
            raise ValidationError(_("That code is not the one we sent. Check it and try again."))
        cache.delete(_code_key(signer))
        cache.delete(_failures(user))
        return AuthMethod.EMAIL_CODE
    if not password or not user.check_password(password):
        _failed(user)
        raise ValidationError(
            _(
                "That is not your password. Type the password you sign in with, "
                "or ask for a code by e-mail."
            )
        )
    cache.delete(_failures(user))
    return AuthMethod.PASSWORD
