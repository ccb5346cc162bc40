"""Receivers of django.contrib.auth's sign-in signals."""

from django.contrib.auth import get_user_model

from .models import Action
from .services import record


def signed_in(sender, request, user, **kwargs):
    record(action=Action.SIGNIN, request=request, actor=user, target=user)


def signed_out(sender, request, user, **kwargs):
    # Signing out of an expired session has no user to name.
    if user is not None:
        record(action=Action.SIGNOUT, request=request, actor=user, target=user)


def signin_failed(sender, credentials, request=None, **kwargs):
    """The address tried and from where; the password never (Django masks it already)."""
    User = get_user_model()
    tried = str(credentials.get(User.USERNAME_FIELD) or credentials.get("username") or "").strip()[
        :254
    ]
    account = None
    if tried:
        account = User.objects.filter(**{f"{User.USERNAME_FIELD}__iexact": tried}).first()
    record(
        action=Action.SIGNIN_FAILED,
        request=request,
        target=account,
        label=tried,
        extra={"email": tried},
    )
